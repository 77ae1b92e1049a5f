package client

/*
#include "helpers.h"
*/
import "C"

import (
	"context"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

func featureErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFeatureNotSupported, fmt.Sprintf(format, args...))
}

// schemaToC validates the parts of a schema veclite cannot store and builds the C schema.
func schemaToC(s *entity.Schema) (*C.veclite_schema, error) {
	if s == nil {
		return nil, newErr(StatusInvalidArgument, "nil schema")
	}
	if s.CollectionName == "" {
		return nil, newErr(StatusInvalidArgument, "collection name cannot be empty")
	}
	np, nl := cstr(s.CollectionName)
	var b *C.veclite_schema_builder
	var cerr *C.veclite_error
	if st := C.veclite_schema_builder_new(np, nl, &b, &cerr); st != C.VECLITE_STATUS_OK {
		return nil, errFrom(st, cerr, nil)
	}
	fail := func(err error) (*C.veclite_schema, error) {
		C.veclite_schema_builder_free(b)
		return nil, err
	}
	// A field marked IsDynamic (as DescribeCollection returns `$meta`) asks for dynamic fields;
	// veclite adds `$meta` itself.
	dynamic := s.EnableDynamicField
	for _, f := range s.Fields {
		dynamic = dynamic || (f != nil && f.IsDynamic)
	}
	if st := C.veclite_schema_builder_enable_dynamic_field(b, C.bool(dynamic), &cerr); st != C.VECLITE_STATUS_OK {
		return fail(errFrom(st, cerr, nil))
	}
	if s.Description != "" {
		dp, dl := cstr(s.Description)
		if st := C.veclite_schema_builder_set_description(b, dp, dl, &cerr); st != C.VECLITE_STATUS_OK {
			return fail(errFrom(st, cerr, nil))
		}
	}
	for i, f := range s.Fields {
		if f == nil {
			return fail(newErr(StatusInvalidArgument, "field %d is nil", i))
		}
		if f.IsDynamic {
			continue
		}
		if err := checkField(i, f); err != nil {
			return fail(err)
		}
		var param uint64
		switch f.DataType {
		case entity.FieldTypeBool, entity.FieldTypeInt8, entity.FieldTypeInt16, entity.FieldTypeInt32,
			entity.FieldTypeInt64, entity.FieldTypeFloat, entity.FieldTypeDouble, entity.FieldTypeJSON:
		case entity.FieldTypeVarChar:
			v, err := typeParam(f, entity.TypeParamMaxLength)
			if err != nil {
				return fail(err)
			}
			param = v
		case entity.FieldTypeFloatVector, entity.FieldTypeBinaryVector, entity.FieldTypeFloat16Vector,
			entity.FieldTypeBFloat16Vector, entity.FieldTypeInt8Vector:
			v, err := typeParam(f, entity.TypeParamDim)
			if err != nil {
				return fail(err)
			}
			param = v
		case entity.FieldTypeArray:
		case entity.FieldTypeSparseVector: // no type params: a sparse vector has no dim
		default:
			return fail(featureErr("field %s: type %s", f.Name, f.DataType))
		}
		var flags C.uint32_t
		if f.PrimaryKey {
			flags |= C.VECLITE_FLAG_PRIMARY_KEY
			if f.AutoID || s.AutoID {
				flags |= C.VECLITE_FLAG_AUTO_ID
			}
		} else if f.AutoID {
			flags |= C.VECLITE_FLAG_AUTO_ID // let veclite reject it with its message
		}
		if f.Nullable {
			flags |= C.VECLITE_FLAG_NULLABLE
		}
		if f.IsPartitionKey {
			flags |= C.VECLITE_FLAG_PARTITION_KEY
		}
		fp, fl := cstr(f.Name)
		if f.DataType == entity.FieldTypeArray {
			if err := arrayFieldToC(b, f, flags, &cerr); err != nil {
				return fail(err)
			}
		} else if st := C.veclite_schema_builder_add_field(b, fp, fl, C.uint32_t(f.DataType), C.uint32_t(param), flags, &cerr); st != C.VECLITE_STATUS_OK {
			return fail(errFrom(st, cerr, nil))
		}
		if err := setDefault(b, f, &cerr); err != nil {
			return fail(err)
		}
		if f.Description != "" {
			dp, dl := cstr(f.Description)
			if st := C.veclite_schema_builder_set_field_description(b, fp, fl, dp, dl, &cerr); st != C.VECLITE_STATUS_OK {
				return fail(errFrom(st, cerr, nil))
			}
		}
	}
	var schema *C.veclite_schema
	st := C.veclite_schema_builder_build(b, &schema, &cerr) // consumes b
	runtime.KeepAlive(s)
	if st != C.VECLITE_STATUS_OK {
		return nil, errFrom(st, cerr, nil)
	}
	return schema, nil
}

// checkField refuses the parts of field i that veclite would otherwise ignore: clustering
// keys, type params other than the field type's dim / max_length, index params (set
// indexes with CreateIndex), an element type (Array fields are not supported) and an ID other
// than 0 or the one DescribeCollection reports (100+i), so a described schema can be reused.
func checkField(i int, f *entity.Field) error {
	if f.IsClusteringKey {
		return featureErr("field %s: clustering-key fields", f.Name)
	}
	for key := range f.TypeParams {
		switch {
		case key == entity.TypeParamDim && isDenseVector(f.DataType):
		case key == entity.TypeParamMaxLength && f.DataType == entity.FieldTypeVarChar:
		case key == entity.TypeParamMaxCapacity && f.DataType == entity.FieldTypeArray:
		case key == entity.TypeParamMaxLength && f.DataType == entity.FieldTypeArray && f.ElementType == entity.FieldTypeVarChar:
		default:
			return featureErr("field %s: type param %q for a %s field", f.Name, key, f.DataType)
		}
	}
	if len(f.IndexParams) > 0 {
		return featureErr("field %s: Field.IndexParams (create indexes with CreateIndex)", f.Name)
	}
	if f.ElementType != entity.FieldTypeNone && f.DataType != entity.FieldTypeArray {
		return featureErr("field %s: ElementType %s for a %s field", f.Name, f.ElementType, f.DataType)
	}
	if f.ID != 0 && f.ID != int64(100+i) {
		return newErr(StatusInvalidArgument, "field %s: ID %d is assigned by veclite (leave it 0)", f.Name, f.ID)
	}
	return nil
}

func typeParam(f *entity.Field, key string) (uint64, error) {
	raw, ok := f.TypeParams[key]
	if !ok {
		return 0, newErr(StatusSchemaMismatch, "field %s: type param %s not set", f.Name, key)
	}
	v, err := strconv.ParseUint(raw, 10, 32)
	if err != nil {
		return 0, newErr(StatusSchemaMismatch, "field %s: type param %s=%q is not an integer in [0, %d]", f.Name, key, raw, uint32(math.MaxUint32))
	}
	return v, nil
}

// schemaFromC copies a C schema into an entity.Schema.
func schemaFromC(s *C.veclite_schema) *entity.Schema {
	var np *C.uint8_t
	var nl C.size_t
	C.veclite_schema_name(s, &np, &nl)
	out := &entity.Schema{
		CollectionName:     C.GoStringN((*C.char)(unsafe.Pointer(np)), C.int(nl)),
		EnableDynamicField: bool(C.veclite_schema_dynamic_field_enabled(s)),
	}
	C.veclite_schema_description(s, &np, &nl)
	out.Description = C.GoStringN((*C.char)(unsafe.Pointer(np)), C.int(nl))
	n := int(C.veclite_schema_num_fields(s))
	for i := range n {
		var typ, param, flags C.uint32_t
		if !C.veclite_schema_field(s, C.size_t(i), &np, &nl, &typ, &param, &flags) {
			continue
		}
		f := &entity.Field{
			ID:             int64(100 + i),
			Name:           C.GoStringN((*C.char)(unsafe.Pointer(np)), C.int(nl)),
			DataType:       entity.FieldType(typ),
			PrimaryKey:     flags&C.VECLITE_FLAG_PRIMARY_KEY != 0,
			AutoID:         flags&C.VECLITE_FLAG_AUTO_ID != 0,
			Nullable:       flags&C.VECLITE_FLAG_NULLABLE != 0,
			IsDynamic:      flags&C.VECLITE_FLAG_DYNAMIC != 0,
			IsPartitionKey: flags&C.VECLITE_FLAG_PARTITION_KEY != 0,
			TypeParams:     map[string]string{},
		}
		f.DefaultValue = defaultFromC(s, i, f.DataType)
		if C.veclite_schema_field_description(s, C.size_t(i), &np, &nl) {
			f.Description = C.GoStringN((*C.char)(unsafe.Pointer(np)), C.int(nl))
		}
		switch f.DataType {
		case entity.FieldTypeFloatVector, entity.FieldTypeBinaryVector, entity.FieldTypeFloat16Vector,
			entity.FieldTypeBFloat16Vector, entity.FieldTypeInt8Vector:
			f.TypeParams[entity.TypeParamDim] = strconv.FormatUint(uint64(param), 10)
		case entity.FieldTypeVarChar:
			f.TypeParams[entity.TypeParamMaxLength] = strconv.FormatUint(uint64(param), 10)
		case entity.FieldTypeArray:
			arrayFieldFromC(s, i, f)
		}
		if f.PrimaryKey && f.AutoID {
			out.AutoID = true
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}

// CreateCollection creates a collection from schema. The descriptions, shardsNum (0 = 1), the
// consistency level (WithConsistencyLevel, default Bounded) and the properties
// (WithCollectionProperty) are kept in the database's catalog with the collection and returned
// by DescribeCollection. The collection is one in-process shard and reads are always strong,
// whatever the values recorded; collection.ttl.seconds expires rows (see docs/semantics.md). A
// property veclite cannot honour (allow_insert_auto_id or partitionkey.isolation true, ...) fails with
// ErrInvalidArgument naming it. With schema.EnableDynamicField (or
// WithEnableDynamicSchema(true), which sets it, as in the SDK) the collection keeps columns that
// are not in the schema in its `$meta` JSON field. Partition keys and field types veclite does
// not store fail with an error wrapping ErrFeatureNotSupported; NewCollection's options
// (WithAutoID, WithPKFieldName, ...) fail with ErrInvalidArgument, since the schema says those
// things.
func (c *EmbeddedClient) CreateCollection(ctx context.Context, schema *entity.Schema, shardsNum int32, opts ...CreateCollectionOption) error {
	o := createCollOpt{ConsistencyLevel: entity.DefaultConsistencyLevel}
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if len(o.quickOnly) > 0 {
		return newErr(StatusInvalidArgument, "%s: NewCollection's options; CreateCollection takes the primary key, "+
			"vector field and auto-id from the schema", strings.Join(o.quickOnly, ", "))
	}
	return c.createCollection(ctx, schema, shardsNum, o)
}

// createCollection creates the collection with the options of CreateCollection.
func (c *EmbeddedClient) createCollection(ctx context.Context, schema *entity.Schema, shardsNum int32, o createCollOpt) error {
	if o.NumPartitions < 0 {
		return newErr(StatusInvalidArgument, "the specified partitions should be greater than 0 if partition key is used (got %d)", o.NumPartitions)
	}
	if shardsNum < 0 {
		return newErr(StatusInvalidArgument, "shardsNum %d must not be negative", shardsNum)
	}
	if o.EnableDynamicSchema && schema != nil {
		schema.EnableDynamicField = true
	}
	if ctx != nil && ctx.Err() != nil {
		return ctxErr(ctx.Err())
	}
	cs, err := schemaToC(schema)
	if err != nil {
		return err
	}
	defer C.veclite_schema_free(cs)
	cl := o.ConsistencyLevel
	ch, err := collChange{consistency: &cl, shards: shardsNum, properties: o.Properties, partitions: o.NumPartitions}.toC()
	if err != nil {
		return err
	}
	defer C.veclite_collection_change_free(ch)
	c.mu.RLock()
	defer c.mu.RUnlock()
	db, err := c.handle()
	if err != nil {
		return err
	}
	var cerr *C.veclite_error
	st := C.veclite_create_collection_with(db, cs, ch, &cerr)
	runtime.KeepAlive(c)
	if st != C.VECLITE_STATUS_OK {
		return errFrom(st, cerr, nil)
	}
	return nil
}

// collChange is a change to a collection's catalog metadata (veclite_collection_change); the
// zero value of each field changes nothing.
type collChange struct {
	description       *string
	fieldDescriptions map[string]string
	consistency       *entity.ConsistencyLevel
	shards            int32
	properties        map[string]string
	// partitions is the num_partitions of a partition-key collection (0 = the default, 16).
	partitions int64
}

// toC builds the C change (the caller frees it). Map entries go in key order.
func (ch collChange) toC() (*C.veclite_collection_change, error) {
	out := C.veclite_collection_change_new()
	var cerr *C.veclite_error
	check := func(st C.veclite_status) error {
		if st != C.VECLITE_STATUS_OK {
			return errFrom(st, cerr, nil)
		}
		return nil
	}
	err := func() error {
		if ch.description != nil {
			p, n := cstr(*ch.description)
			if err := check(C.veclite_collection_change_set_description(out, p, n, &cerr)); err != nil {
				return err
			}
		}
		for _, field := range slices.Sorted(maps.Keys(ch.fieldDescriptions)) {
			fp, fl := cstr(field)
			tp, tl := cstr(ch.fieldDescriptions[field])
			if err := check(C.veclite_collection_change_set_field_description(out, fp, fl, tp, tl, &cerr)); err != nil {
				return err
			}
		}
		if ch.consistency != nil {
			if *ch.consistency < 0 {
				return newErr(StatusInvalidArgument, "consistency level %d: expected ClStrong ... ClCustomized", *ch.consistency)
			}
			if err := check(C.veclite_collection_change_set_consistency_level(out, C.uint32_t(*ch.consistency), &cerr)); err != nil {
				return err
			}
		}
		if ch.shards > 0 {
			if err := check(C.veclite_collection_change_set_shard_num(out, C.uint32_t(ch.shards), &cerr)); err != nil {
				return err
			}
		}
		if ch.partitions > 0 {
			n := C.uint32_t(min(ch.partitions, math.MaxUint32))
			if err := check(C.veclite_collection_change_set_num_partitions(out, n, &cerr)); err != nil {
				return err
			}
		}
		for _, key := range slices.Sorted(maps.Keys(ch.properties)) {
			kp, kl := cstr(key)
			vp, vl := cstr(ch.properties[key])
			if err := check(C.veclite_collection_change_set_property(out, kp, kl, vp, vl, &cerr)); err != nil {
				return err
			}
		}
		return nil
	}()
	runtime.KeepAlive(ch)
	if err != nil {
		C.veclite_collection_change_free(out)
		return nil, err
	}
	return out, nil
}

// NewCollection creates a collection the SDK's quick way: Int64 primary key "id", FloatVector
// "vector" of dimension, dynamic fields on, and a FLAT index with metric IP (unless options say
// otherwise). Every option applies; those CreateCollection refuses are refused here too.
func (c *EmbeddedClient) NewCollection(ctx context.Context, collName string, dimension int64, opts ...CreateCollectionOption) error {
	o := createCollOpt{
		ConsistencyLevel: entity.DefaultConsistencyLevel, PrimaryKeyFieldName: "id",
		PrimaryKeyFieldType: entity.FieldTypeInt64, PrimaryKeyMaxLength: 64, VectorFieldName: "vector",
		MetricsType: entity.IP, EnableDynamicSchema: true,
	}
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if o.PrimaryKeyFieldType != entity.FieldTypeVarChar && slices.Contains(o.quickOnly, "WithPKMaxLength") {
		return newErr(StatusInvalidArgument, "WithPKMaxLength applies to a VarChar primary key (WithPKFieldType(entity.FieldTypeVarChar))")
	}
	pk := entity.NewField().WithName(o.PrimaryKeyFieldName).WithDataType(o.PrimaryKeyFieldType).
		WithIsPrimaryKey(true).WithIsAutoID(o.AutoID)
	if o.PrimaryKeyFieldType == entity.FieldTypeVarChar {
		pk.WithMaxLength(o.PrimaryKeyMaxLength)
	}
	schema := entity.NewSchema().WithName(collName).WithDynamicFieldEnabled(o.EnableDynamicSchema).WithField(pk).
		WithField(entity.NewField().WithName(o.VectorFieldName).WithDataType(entity.FieldTypeFloatVector).WithDim(dimension))
	o.quickOnly = nil
	if err := c.createCollection(ctx, schema, 1, o); err != nil {
		return err
	}
	idx, _ := entity.NewIndexFlat(o.MetricsType)
	return c.CreateIndex(ctx, collName, o.VectorFieldName, idx, false)
}

// DropCollection drops a collection and its files.
func (c *EmbeddedClient) DropCollection(ctx context.Context, collName string, opts ...DropCollectionOption) error {
	err := c.nameCall(ctx, collName, "", func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, _ *C.uint8_t, _ C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_drop_collection(db, cp, cn, cerr)
	})
	return err
}

// nameCall runs a catalog call taking a collection (and partition) name under the read lock.
func (c *EmbeddedClient) nameCall(ctx context.Context, coll, part string,
	fn func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, pp *C.uint8_t, pn C.size_t, cerr **C.veclite_error) C.veclite_status) error {
	if ctx != nil && ctx.Err() != nil {
		return ctxErr(ctx.Err())
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	db, err := c.handle()
	if err != nil {
		return err
	}
	cp, cn := cstr(coll)
	pp, pn := cstr(part)
	var cerr *C.veclite_error
	st := fn(db, cp, cn, pp, pn, &cerr)
	runtime.KeepAlive(c)
	runtime.KeepAlive(coll)
	runtime.KeepAlive(part)
	if st != C.VECLITE_STATUS_OK {
		return errFrom(st, cerr, nil)
	}
	return nil
}

// HasCollection reports whether the collection exists.
func (c *EmbeddedClient) HasCollection(ctx context.Context, collName string) (bool, error) {
	var exists C.bool
	err := c.nameCall(ctx, collName, "", func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, _ *C.uint8_t, _ C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_has_collection(db, cp, cn, &exists, cerr)
	})
	return bool(exists), err
}

// collectionMissing is the error of a call on an unknown collection found in Go.
func collectionMissing(name string) error {
	return notFound(ObjectCollection, "collection `%s` does not exist", name)
}

// requireCollection fails with a not-found error unless the collection exists.
func (c *EmbeddedClient) requireCollection(ctx context.Context, collName string) error {
	ok, err := c.HasCollection(ctx, collName)
	if err != nil {
		return err
	}
	if !ok {
		return collectionMissing(collName)
	}
	return nil
}

func (c *EmbeddedClient) describe(ctx context.Context, collName string) (*entity.Schema, error) {
	var cs *C.veclite_schema
	err := c.nameCall(ctx, collName, "", func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, _ *C.uint8_t, _ C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_describe_collection(db, cp, cn, &cs, cerr)
	})
	if err != nil {
		return nil, err
	}
	defer C.veclite_schema_free(cs)
	return schemaFromC(cs), nil
}

// DescribeCollection returns the collection's schema (with its descriptions) and settings
// (consistency level, shard number, properties), as the database's catalog holds them. ID is 0
// (veclite has no collection ids); Loaded is always true; Properties is nil when none is set.
func (c *EmbeddedClient) DescribeCollection(ctx context.Context, collName string) (*entity.Collection, error) {
	schema, err := c.describe(ctx, collName)
	if err != nil {
		return nil, err
	}
	coll := &entity.Collection{Name: collName, Schema: schema, Loaded: true}
	err = c.nameCall(ctx, collName, "", func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, _ *C.uint8_t, _ C.size_t, cerr **C.veclite_error) C.veclite_status {
		var s *C.veclite_collection_settings
		st := C.veclite_describe_collection_settings(db, cp, cn, &s, cerr)
		if st != C.VECLITE_STATUS_OK {
			return st
		}
		defer C.veclite_collection_settings_free(s)
		coll.ConsistencyLevel = entity.ConsistencyLevel(C.veclite_collection_settings_consistency_level(s))
		coll.ShardNum = int32(C.veclite_collection_settings_shard_num(s))
		n := int(C.veclite_collection_settings_property_count(s))
		for i := range n {
			var kp, vp *C.uint8_t
			var kl, vl C.size_t
			if C.veclite_collection_settings_property(s, C.size_t(i), &kp, &kl, &vp, &vl) {
				if coll.Properties == nil {
					coll.Properties = make(map[string]string, n)
				}
				coll.Properties[C.GoStringN((*C.char)(unsafe.Pointer(kp)), C.int(kl))] = C.GoStringN((*C.char)(unsafe.Pointer(vp)), C.int(vl))
			}
		}
		return st
	})
	if err != nil {
		return nil, err
	}
	return coll, nil
}

// AlterCollection sets collection properties (Milvus's AlterCollection): all of them in one
// commit to the database's catalog, or none. An attribute whose Valid fails, or a property
// veclite cannot honour (as for CreateCollection), fails with ErrInvalidArgument.
func (c *EmbeddedClient) AlterCollection(ctx context.Context, collName string, attrs ...entity.CollectionAttribute) error {
	properties := make(map[string]string, len(attrs))
	for i, a := range attrs {
		if a == nil {
			return newErr(StatusInvalidArgument, "collection attribute %d is nil", i)
		}
		k, v := a.KeyValue()
		if err := a.Valid(); err != nil {
			return newErr(StatusInvalidArgument, "collection attribute %s = %q: %v", k, v, err)
		}
		properties[k] = v
	}
	ch, err := collChange{properties: properties}.toC()
	if err != nil {
		return err
	}
	defer C.veclite_collection_change_free(ch)
	return c.nameCall(ctx, collName, "", func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, _ *C.uint8_t, _ C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_alter_collection(db, cp, cn, ch, cerr)
	})
}

func stringsFromC(list *C.veclite_strings) []string {
	n := int(C.veclite_strings_len(list))
	out := make([]string, 0, n)
	for i := range n {
		var p *C.uint8_t
		var l C.size_t
		if C.veclite_strings_get(list, C.size_t(i), &p, &l) {
			out = append(out, C.GoStringN((*C.char)(unsafe.Pointer(p)), C.int(l)))
		}
	}
	return out
}

// ListCollections lists the collections (sorted by name; Schema nil, Loaded true).
func (c *EmbeddedClient) ListCollections(ctx context.Context, opts ...ListCollectionOption) ([]*entity.Collection, error) {
	var list *C.veclite_strings
	err := c.nameCall(ctx, "", "", func(db *C.veclite_db, _ *C.uint8_t, _ C.size_t, _ *C.uint8_t, _ C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_list_collections(db, &list, cerr)
	})
	if err != nil {
		return nil, err
	}
	defer C.veclite_strings_free(list)
	names := stringsFromC(list)
	out := make([]*entity.Collection, 0, len(names))
	for _, n := range names {
		out = append(out, &entity.Collection{Name: n, Loaded: true})
	}
	return out, nil
}

// GetCollectionStatistics returns {"row_count": live rows}. Milvus counts flushed rows
// (deleted ones included); veclite counts live rows exactly.
func (c *EmbeddedClient) GetCollectionStatistics(ctx context.Context, collName string) (map[string]string, error) {
	n, err := c.Count(ctx, collName, "")
	if err != nil {
		return nil, err
	}
	return map[string]string{"row_count": strconv.FormatUint(n, 10)}, nil
}

// LoadCollection checks that the collection exists; collections are always loaded, so the call
// is done when it returns, async or not. WithReplicaNumber accepts one replica (or 0, the
// default).
func (c *EmbeddedClient) LoadCollection(ctx context.Context, collName string, async bool, opts ...LoadCollectionOption) error {
	var o loadCollOpt
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if o.replicaNumber != 0 && o.replicaNumber != 1 {
		return featureErr("WithReplicaNumber(%d): veclite serves one in-process replica", o.replicaNumber)
	}
	return c.requireCollection(ctx, collName)
}

// ReleaseCollection checks that the collection exists; collections stay searchable.
func (c *EmbeddedClient) ReleaseCollection(ctx context.Context, collName string, opts ...ReleaseCollectionOption) error {
	return c.requireCollection(ctx, collName)
}

// CreatePartition creates a partition.
func (c *EmbeddedClient) CreatePartition(ctx context.Context, collName string, partitionName string, opts ...CreatePartitionOption) error {
	return c.nameCall(ctx, collName, partitionName, func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, pp *C.uint8_t, pn C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_create_partition(db, cp, cn, pp, pn, cerr)
	})
}

// DropPartition drops a partition and its rows (not _default).
func (c *EmbeddedClient) DropPartition(ctx context.Context, collName string, partitionName string, opts ...DropPartitionOption) error {
	return c.nameCall(ctx, collName, partitionName, func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, pp *C.uint8_t, pn C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_drop_partition(db, cp, cn, pp, pn, cerr)
	})
}

// HasPartition reports whether the partition exists ("" names _default).
func (c *EmbeddedClient) HasPartition(ctx context.Context, collName string, partitionName string) (bool, error) {
	var exists C.bool
	err := c.nameCall(ctx, collName, partitionName, func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, pp *C.uint8_t, pn C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_has_partition(db, cp, cn, pp, pn, &exists, cerr)
	})
	return bool(exists), err
}

// ShowPartitions lists the partitions, _default first (IDs 0, Loaded true).
func (c *EmbeddedClient) ShowPartitions(ctx context.Context, collName string) ([]*entity.Partition, error) {
	var list *C.veclite_strings
	err := c.nameCall(ctx, collName, "", func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, _ *C.uint8_t, _ C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_list_partitions(db, cp, cn, &list, cerr)
	})
	if err != nil {
		return nil, err
	}
	defer C.veclite_strings_free(list)
	names := stringsFromC(list)
	out := make([]*entity.Partition, 0, len(names))
	for _, n := range names {
		out = append(out, &entity.Partition{Name: n, Loaded: true})
	}
	return out, nil
}
