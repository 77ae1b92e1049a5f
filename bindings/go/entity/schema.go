package entity

import (
	"math"
	"strconv"
)

func math32bits(f float32) uint32 { return math.Float32bits(f) }

// FieldType is a field data type, numbered as Milvus's schemapb.DataType (and veclite's
// VECLITE_FIELD_* constants).
type FieldType int32

// Field types. veclite stores Bool, Int8..Int64, Float, Double, VarChar, JSON, Array,
// FloatVector, BinaryVector, Float16Vector and BFloat16Vector; the other constants exist for
// source compatibility and are rejected by CreateCollection.
const (
	FieldTypeNone           FieldType = 0
	FieldTypeBool           FieldType = 1
	FieldTypeInt8           FieldType = 2
	FieldTypeInt16          FieldType = 3
	FieldTypeInt32          FieldType = 4
	FieldTypeInt64          FieldType = 5
	FieldTypeFloat          FieldType = 10
	FieldTypeDouble         FieldType = 11
	FieldTypeString         FieldType = 20
	FieldTypeVarChar        FieldType = 21
	FieldTypeArray          FieldType = 22
	FieldTypeJSON           FieldType = 23
	FieldTypeBinaryVector   FieldType = 100
	FieldTypeFloatVector    FieldType = 101
	FieldTypeFloat16Vector  FieldType = 102
	FieldTypeBFloat16Vector FieldType = 103
	FieldTypeSparseVector   FieldType = 104
)

var fieldTypeNames = map[FieldType]string{
	FieldTypeNone: "None", FieldTypeBool: "Bool", FieldTypeInt8: "Int8", FieldTypeInt16: "Int16",
	FieldTypeInt32: "Int32", FieldTypeInt64: "Int64", FieldTypeFloat: "Float", FieldTypeDouble: "Double",
	FieldTypeString: "String", FieldTypeVarChar: "VarChar", FieldTypeArray: "Array", FieldTypeJSON: "JSON",
	FieldTypeBinaryVector: "BinaryVector", FieldTypeFloatVector: "FloatVector",
	FieldTypeFloat16Vector: "Float16Vector", FieldTypeBFloat16Vector: "BFloat16Vector",
	FieldTypeSparseVector: "SparseFloatVector",
}

// Name returns the type name, e.g. "Int64".
func (t FieldType) Name() string {
	if n, ok := fieldTypeNames[t]; ok {
		return n
	}
	return "undefined"
}

// String returns the type name.
func (t FieldType) String() string { return t.Name() }

// Type-parameter keys of Field.TypeParams.
const (
	TypeParamDim         = "dim"
	TypeParamMaxLength   = "max_length"
	TypeParamMaxCapacity = "max_capacity"
)

// ConsistencyLevel is accepted for compatibility; veclite reads are always read-your-writes.
type ConsistencyLevel int32

// Consistency levels, numbered as Milvus's common.ConsistencyLevel.
const (
	ClStrong     ConsistencyLevel = 0
	ClSession    ConsistencyLevel = 1
	ClBounded    ConsistencyLevel = 2
	ClEventually ConsistencyLevel = 3
	ClCustomized ConsistencyLevel = 4
)

// CommonConsistencyLevel returns the level as its number (the SDK returns the proto enum).
func (cl ConsistencyLevel) CommonConsistencyLevel() int32 { return int32(cl) }

// Schema describes a collection.
type Schema struct {
	CollectionName     string
	Description        string
	AutoID             bool
	Fields             []*Field
	EnableDynamicField bool
}

// NewSchema returns an empty schema.
func NewSchema() *Schema { return &Schema{} }

// WithName sets the collection name.
func (s *Schema) WithName(name string) *Schema { s.CollectionName = name; return s }

// WithDescription sets the description.
func (s *Schema) WithDescription(desc string) *Schema { s.Description = desc; return s }

// WithAutoID sets AutoID (it applies to the primary key).
func (s *Schema) WithAutoID(autoID bool) *Schema { s.AutoID = autoID; return s }

// WithDynamicFieldEnabled sets EnableDynamicField: columns that are not in the schema are kept
// per row in the JSON field `$meta`.
func (s *Schema) WithDynamicFieldEnabled(dynamicEnabled bool) *Schema {
	s.EnableDynamicField = dynamicEnabled
	return s
}

// WithField appends a field.
func (s *Schema) WithField(f *Field) *Schema { s.Fields = append(s.Fields, f); return s }

// PKFieldName returns the name of the primary-key field, or "".
func (s *Schema) PKFieldName() string {
	if f := s.PKField(); f != nil {
		return f.Name
	}
	return ""
}

// PKField returns the primary-key field, or nil.
func (s *Schema) PKField() *Field {
	for _, f := range s.Fields {
		if f != nil && f.PrimaryKey {
			return f
		}
	}
	return nil
}

// Field describes one field of a schema.
type Field struct {
	ID              int64
	Name            string
	PrimaryKey      bool
	AutoID          bool
	Description     string
	DataType        FieldType
	TypeParams      map[string]string
	IndexParams     map[string]string
	IsDynamic       bool
	IsPartitionKey  bool
	IsClusteringKey bool
	ElementType     FieldType
	// Nullable marks a scalar field that accepts nulls (in milvus-sdk-go after v2.4.2).
	Nullable bool
	// DefaultValue is the value a row given null, or no value, takes (see WithDefaultValueBool).
	DefaultValue interface{}
}

// NewField returns an empty field.
func NewField() *Field { return &Field{} }

// WithName sets the name.
func (f *Field) WithName(name string) *Field { f.Name = name; return f }

// WithDescription sets the description.
func (f *Field) WithDescription(desc string) *Field { f.Description = desc; return f }

// WithDataType sets the data type.
func (f *Field) WithDataType(dataType FieldType) *Field { f.DataType = dataType; return f }

// WithIsPrimaryKey marks the primary key.
func (f *Field) WithIsPrimaryKey(isPrimaryKey bool) *Field { f.PrimaryKey = isPrimaryKey; return f }

// WithIsAutoID makes the primary key generated on insert (a VarChar key gets decimal int64 strings).
func (f *Field) WithIsAutoID(isAutoID bool) *Field { f.AutoID = isAutoID; return f }

// WithIsDynamic marks the dynamic field `$meta` (as DescribeCollection reports it); creating a
// collection from a schema holding such a field enables dynamic fields.
func (f *Field) WithIsDynamic(isDynamic bool) *Field { f.IsDynamic = isDynamic; return f }

// WithIsPartitionKey marks the partition key: an Int64 or VarChar field, not the primary key,
// by whose hash rows are routed to the collection's partitions (as in Milvus).
func (f *Field) WithIsPartitionKey(isPartitionKey bool) *Field {
	f.IsPartitionKey = isPartitionKey
	return f
}

// WithIsClusteringKey marks a clustering key (not supported by veclite).
func (f *Field) WithIsClusteringKey(isClusteringKey bool) *Field {
	f.IsClusteringKey = isClusteringKey
	return f
}

// WithNullable marks a scalar field that accepts nulls.
func (f *Field) WithNullable(nullable bool) *Field { f.Nullable = nullable; return f }

// WithTypeParams sets one type parameter.
func (f *Field) WithTypeParams(key string, value string) *Field {
	if f.TypeParams == nil {
		f.TypeParams = make(map[string]string)
	}
	f.TypeParams[key] = value
	return f
}

// WithDim sets the vector dimension (stored as a string in TypeParams["dim"]).
func (f *Field) WithDim(dim int64) *Field {
	return f.WithTypeParams(TypeParamDim, strconv.FormatInt(dim, 10))
}

// GetDim returns the vector dimension of the field.
func (f *Field) GetDim() (int64, error) {
	return strconv.ParseInt(f.TypeParams[TypeParamDim], 10, 64)
}

// WithMaxLength sets the VarChar max length.
func (f *Field) WithMaxLength(maxLen int64) *Field {
	return f.WithTypeParams(TypeParamMaxLength, strconv.FormatInt(maxLen, 10))
}

// WithElementType sets the element type of an Array field.
func (f *Field) WithElementType(eleType FieldType) *Field { f.ElementType = eleType; return f }

// WithMaxCapacity sets the largest number of elements of an Array field.
func (f *Field) WithMaxCapacity(maxCap int64) *Field {
	return f.WithTypeParams(TypeParamMaxCapacity, strconv.FormatInt(maxCap, 10))
}

// DefaultShardNumber is the shard number CreateCollection uses when 0 is given.
const DefaultShardNumber int32 = 0

// DefaultConsistencyLevel is the level recorded when none is given.
const DefaultConsistencyLevel ConsistencyLevel = ClBounded

// Collection describes a collection.
type Collection struct {
	ID               int64
	Name             string
	Schema           *Schema
	PhysicalChannels []string
	VirtualChannels  []string
	Loaded           bool
	ConsistencyLevel ConsistencyLevel
	ShardNum         int32
	Properties       map[string]string
}

// Partition describes a partition.
type Partition struct {
	ID     int64
	Name   string
	Loaded bool
}
