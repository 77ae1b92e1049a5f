package main

import (
	"fmt"
	"strconv"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"

	"github.com/veclite/veclite/bindings/go/entity"
)

// dynamicField is the name of a collection's dynamic field, in Milvus and in veclite.
const dynamicField = "$meta"

// kvMap turns Milvus key-value pairs into a map (a later key wins, as in Milvus).
func kvMap(kvs []*commonpb.KeyValuePair) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[kv.GetKey()] = kv.GetValue()
	}
	return m
}

// kvPairs turns a map into Milvus key-value pairs.
func kvPairs(m map[string]string) []*commonpb.KeyValuePair {
	out := make([]*commonpb.KeyValuePair, 0, len(m))
	for k, v := range m {
		out = append(out, &commonpb.KeyValuePair{Key: k, Value: v})
	}
	return out
}

// schemaFromProto converts a Milvus collection schema. What veclite cannot store (functions,
// struct array fields) is refused by name rather than dropped.
func schemaFromProto(s *schemapb.CollectionSchema) (*entity.Schema, error) {
	if len(s.GetFunctions()) > 0 {
		return nil, fmt.Errorf("schema functions (%s)", s.GetFunctions()[0].GetName())
	}
	if len(s.GetStructArrayFields()) > 0 {
		return nil, fmt.Errorf("struct array fields (%s)", s.GetStructArrayFields()[0].GetName())
	}
	out := &entity.Schema{
		CollectionName:     s.GetName(),
		Description:        s.GetDescription(),
		AutoID:             s.GetAutoID(),
		EnableDynamicField: s.GetEnableDynamicField(),
	}
	for _, f := range s.GetFields() {
		if f.GetIsFunctionOutput() {
			return nil, fmt.Errorf("function output fields (field %s)", f.GetName())
		}
		if f.GetIsDynamic() {
			// The dynamic field itself is implied by EnableDynamicField.
			continue
		}
		ef := &entity.Field{
			Name:            f.GetName(),
			PrimaryKey:      f.GetIsPrimaryKey(),
			AutoID:          f.GetAutoID(),
			Description:     f.GetDescription(),
			DataType:        entity.FieldType(f.GetDataType()),
			IsPartitionKey:  f.GetIsPartitionKey(),
			IsClusteringKey: f.GetIsClusteringKey(),
			ElementType:     entity.FieldType(f.GetElementType()),
			Nullable:        f.GetNullable(),
		}
		def, err := defaultFromProto(f)
		if err != nil {
			return nil, err
		}
		ef.DefaultValue = def
		if len(f.GetTypeParams()) > 0 {
			ef.TypeParams = kvMap(f.GetTypeParams())
		}
		if len(f.GetIndexParams()) > 0 {
			ef.IndexParams = kvMap(f.GetIndexParams())
		}
		if ef.PrimaryKey && ef.AutoID {
			out.AutoID = true
		}
		out.Fields = append(out.Fields, ef)
	}
	return out, nil
}

// schemaToProto converts a veclite schema to Milvus's, with field ids numbered from 100 as
// Milvus numbers them; the dynamic field is implied by EnableDynamicField, as in Milvus.
func schemaToProto(s *entity.Schema) *schemapb.CollectionSchema {
	out := &schemapb.CollectionSchema{
		Name:               s.CollectionName,
		Description:        s.Description,
		AutoID:             s.AutoID,
		EnableDynamicField: s.EnableDynamicField,
	}
	id := int64(100)
	for _, f := range s.Fields {
		if f.IsDynamic {
			continue // Milvus leaves the dynamic field out of described schemas
		}
		pf := &schemapb.FieldSchema{
			FieldID:         id,
			Name:            f.Name,
			IsPrimaryKey:    f.PrimaryKey,
			Description:     f.Description,
			DataType:        schemapb.DataType(f.DataType),
			TypeParams:      kvPairs(f.TypeParams),
			IndexParams:     kvPairs(f.IndexParams),
			AutoID:          f.AutoID,
			ElementType:     schemapb.DataType(f.ElementType),
			IsDynamic:       f.IsDynamic,
			IsPartitionKey:  f.IsPartitionKey,
			IsClusteringKey: f.IsClusteringKey,
			Nullable:        f.Nullable,
			DefaultValue:    defaultToProto(f),
		}
		id++
		out.Fields = append(out.Fields, pf)
	}
	return out
}

// columnFromProto converts one column of Milvus field data. Vectors are sliced out of the
// message's contiguous buffer (no per-element copy); valid_data makes a nullable column.
func columnFromProto(fd *schemapb.FieldData) (entity.Column, error) {
	col, err := valuesFromProto(fd)
	if err != nil {
		return nil, err
	}
	return withNulls(fd, col)
}

// valuesFromProto converts the values of one column of Milvus field data.
func valuesFromProto(fd *schemapb.FieldData) (entity.Column, error) {
	name := fd.GetFieldName()
	switch fd.GetType() {
	case schemapb.DataType_Bool:
		return entity.NewColumnBool(name, fd.GetScalars().GetBoolData().GetData()), nil
	case schemapb.DataType_Int8:
		return entity.NewColumnInt8(name, narrow[int8](fd.GetScalars().GetIntData().GetData())), nil
	case schemapb.DataType_Int16:
		return entity.NewColumnInt16(name, narrow[int16](fd.GetScalars().GetIntData().GetData())), nil
	case schemapb.DataType_Int32:
		return entity.NewColumnInt32(name, fd.GetScalars().GetIntData().GetData()), nil
	case schemapb.DataType_Int64:
		return entity.NewColumnInt64(name, fd.GetScalars().GetLongData().GetData()), nil
	case schemapb.DataType_Float:
		return entity.NewColumnFloat(name, fd.GetScalars().GetFloatData().GetData()), nil
	case schemapb.DataType_Double:
		return entity.NewColumnDouble(name, fd.GetScalars().GetDoubleData().GetData()), nil
	case schemapb.DataType_VarChar, schemapb.DataType_String:
		return entity.NewColumnVarChar(name, fd.GetScalars().GetStringData().GetData()), nil
	case schemapb.DataType_JSON:
		rows := fd.GetScalars().GetJsonData().GetData()
		if fd.GetIsDynamic() {
			return entity.NewColumnJSONBytes(dynamicField, rows).WithIsDynamic(true), nil
		}
		return entity.NewColumnJSONBytes(name, rows), nil
	case schemapb.DataType_Array:
		return arrayColumnFromProto(fd)
	case schemapb.DataType_FloatVector:
		v := fd.GetVectors()
		dim := int(v.GetDim())
		data := v.GetFloatVector().GetData()
		if dim <= 0 {
			return nil, fmt.Errorf("field %s: vector dim %d is not positive", name, dim)
		}
		if len(data)%dim != 0 {
			return nil, fmt.Errorf("field %s: %d floats is not a whole number of %d-dimensional vectors", name, len(data), dim)
		}
		rows := make([][]float32, len(data)/dim)
		for i := range rows {
			rows[i] = data[i*dim : (i+1)*dim : (i+1)*dim]
		}
		return entity.NewColumnFloatVector(name, dim, rows), nil
	}
	if col, ok, err := packedColumnFromProto(fd); ok {
		return col, err
	}
	return nil, fmt.Errorf("field %s: data type %s is not supported by veclite-server", name, fd.GetType())
}

// narrow converts Milvus's int32 transport of Int8 / Int16 values.
func narrow[T int8 | int16](in []int32) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = T(v)
	}
	return out
}

// fieldAppender builds Milvus field data from engine columns, appending one column after
// another (the hits of several queries of one search).
type fieldAppender struct {
	fd   *schemapb.FieldData
	rows int
}

// appendColumn appends col's rows to a (creating its field data on first use), and their
// validity when col or an earlier column holds nulls.
func (a *fieldAppender) appendColumn(col entity.Column) error {
	values, _ := nullableValues(col)
	if err := a.appendValues(values); err != nil {
		return err
	}
	a.appendValidity(col, a.rows)
	a.rows += col.Len()
	return nil
}

// appendValues appends the values of col (a column without nulls).
func (a *fieldAppender) appendValues(col entity.Column) error {
	if a.fd == nil {
		fd, err := emptyFieldData(col)
		if err != nil {
			return err
		}
		a.fd = fd
	}
	s := a.fd.GetScalars()
	switch c := col.(type) {
	case *entity.ColumnBool:
		d := s.GetBoolData()
		d.Data = append(d.Data, c.Data()...)
	case *entity.ColumnInt8:
		d := s.GetIntData()
		for _, v := range c.Data() {
			d.Data = append(d.Data, int32(v))
		}
	case *entity.ColumnInt16:
		d := s.GetIntData()
		for _, v := range c.Data() {
			d.Data = append(d.Data, int32(v))
		}
	case *entity.ColumnInt32:
		d := s.GetIntData()
		d.Data = append(d.Data, c.Data()...)
	case *entity.ColumnInt64:
		d := s.GetLongData()
		d.Data = append(d.Data, c.Data()...)
	case *entity.ColumnFloat:
		d := s.GetFloatData()
		d.Data = append(d.Data, c.Data()...)
	case *entity.ColumnDouble:
		d := s.GetDoubleData()
		d.Data = append(d.Data, c.Data()...)
	case *entity.ColumnVarChar:
		d := s.GetStringData()
		d.Data = append(d.Data, c.Data()...)
	case *entity.ColumnJSONBytes:
		d := s.GetJsonData()
		d.Data = append(d.Data, c.Data()...)
	case *entity.ColumnFloatVector:
		d := a.fd.GetVectors().GetFloatVector()
		for _, row := range c.Data() {
			d.Data = append(d.Data, row...)
		}
	default:
		if appendArray(a.fd, col) || appendPacked(a.fd, col) {
			return nil
		}
		return fmt.Errorf("column %s: type %s is not supported by veclite-server", col.Name(), col.Type())
	}
	return nil
}

// emptyFieldData is the Milvus field data of col's name and type, with no rows.
func emptyFieldData(col entity.Column) (*schemapb.FieldData, error) {
	col, _ = nullableValues(col)
	fd := &schemapb.FieldData{FieldName: col.Name(), Type: schemapb.DataType(col.Type())}
	scalars := func(sf *schemapb.ScalarField) {
		fd.Field = &schemapb.FieldData_Scalars{Scalars: sf}
	}
	switch c := col.(type) {
	case *entity.ColumnBool:
		scalars(&schemapb.ScalarField{Data: &schemapb.ScalarField_BoolData{BoolData: &schemapb.BoolArray{}}})
	case *entity.ColumnInt8, *entity.ColumnInt16, *entity.ColumnInt32:
		scalars(&schemapb.ScalarField{Data: &schemapb.ScalarField_IntData{IntData: &schemapb.IntArray{}}})
	case *entity.ColumnInt64:
		scalars(&schemapb.ScalarField{Data: &schemapb.ScalarField_LongData{LongData: &schemapb.LongArray{}}})
	case *entity.ColumnFloat:
		scalars(&schemapb.ScalarField{Data: &schemapb.ScalarField_FloatData{FloatData: &schemapb.FloatArray{}}})
	case *entity.ColumnDouble:
		scalars(&schemapb.ScalarField{Data: &schemapb.ScalarField_DoubleData{DoubleData: &schemapb.DoubleArray{}}})
	case *entity.ColumnVarChar:
		scalars(&schemapb.ScalarField{Data: &schemapb.ScalarField_StringData{StringData: &schemapb.StringArray{}}})
	case *entity.ColumnJSONBytes:
		fd.IsDynamic = c.IsDynamic()
		scalars(&schemapb.ScalarField{Data: &schemapb.ScalarField_JsonData{JsonData: &schemapb.JSONArray{}}})
	case *entity.ColumnFloatVector:
		fd.Field = &schemapb.FieldData_Vectors{Vectors: &schemapb.VectorField{
			Dim:  int64(c.Dim()),
			Data: &schemapb.VectorField_FloatVector{FloatVector: &schemapb.FloatArray{}},
		}}
	default:
		if fd := emptyArrayFieldData(col); fd != nil {
			return fd, nil
		}
		if fd := emptyPackedFieldData(col); fd != nil {
			return fd, nil
		}
		return nil, fmt.Errorf("column %s: type %s is not supported by veclite-server", col.Name(), col.Type())
	}
	return fd, nil
}

// isView reports whether col is a view over another returned column (a dynamic key read out
// of `$meta`), which Milvus does not send: its clients read the key from `$meta`.
func isView(col entity.Column) bool {
	_, ok := col.(*entity.ColumnDynamic)
	return ok
}

// fieldsToProto converts result columns (one set per query of a search, or one for a query)
// into Milvus field data, one entry per field.
func fieldsToProto(sets ...[]entity.Column) ([]*schemapb.FieldData, error) {
	var order []string
	byName := map[string]*fieldAppender{}
	for _, set := range sets {
		for _, col := range set {
			if isView(col) {
				continue
			}
			a, ok := byName[col.Name()]
			if !ok {
				a = &fieldAppender{}
				byName[col.Name()] = a
				order = append(order, col.Name())
			}
			if err := a.appendColumn(col); err != nil {
				return nil, err
			}
		}
	}
	out := make([]*schemapb.FieldData, 0, len(order))
	for _, n := range order {
		out = append(out, byName[n].fd)
	}
	return out, nil
}

// idsToProto appends primary keys to Milvus IDs (created on first use).
func idsAppend(ids *schemapb.IDs, col entity.Column) (*schemapb.IDs, error) {
	switch c := col.(type) {
	case *entity.ColumnInt64:
		if ids == nil {
			ids = &schemapb.IDs{IdField: &schemapb.IDs_IntId{IntId: &schemapb.LongArray{}}}
		}
		l := ids.GetIntId()
		if l == nil {
			return nil, fmt.Errorf("primary keys of mixed types")
		}
		l.Data = append(l.Data, c.Data()...)
	case *entity.ColumnVarChar:
		if ids == nil {
			ids = &schemapb.IDs{IdField: &schemapb.IDs_StrId{StrId: &schemapb.StringArray{}}}
		}
		l := ids.GetStrId()
		if l == nil {
			return nil, fmt.Errorf("primary keys of mixed types")
		}
		l.Data = append(l.Data, c.Data()...)
	case nil:
	default:
		return nil, fmt.Errorf("primary key column of type %s", col.Type())
	}
	return ids, nil
}

// idsColumn converts Milvus IDs to a primary key column named pk.
func idsColumn(pk string, ids *schemapb.IDs) entity.Column {
	if s := ids.GetStrId(); s != nil {
		return entity.NewColumnVarChar(pk, s.GetData())
	}
	return entity.NewColumnInt64(pk, ids.GetIntId().GetData())
}

// formatInt is strconv.FormatInt for int64 counters.
func formatInt(n int64) string { return strconv.FormatInt(n, 10) }
