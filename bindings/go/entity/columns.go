// Package entity mirrors the entity package of milvus-sdk-go v2.4.2 (columns, schema,
// indexes, metric types, consistency levels) for the field types veclite supports. It has no
// dependency on milvus-proto: the SDK's Column.FieldData() method is left out.
package entity

//go:generate python3 gen_columns.py

import (
	"errors"
	"fmt"
)

// Column is a named, typed column of values, as in milvus-sdk-go. Unlike the SDK it has no
// FieldData() method, which would expose milvus-proto types.
type Column interface {
	Name() string
	Type() FieldType
	Len() int
	Slice(int, int) Column
	AppendValue(interface{}) error
	Get(int) (interface{}, error)
	GetAsInt64(int) (int64, error)
	GetAsString(int) (string, error)
	GetAsDouble(int) (float64, error)
	GetAsBool(int) (bool, error)
}

var errConversion = errors.New("conversion between fixed-type column not support")

// ColumnBase supplies the GetAs* conversions a column type does not support.
type ColumnBase struct{}

// GetAsInt64 fails: the column has no int64 conversion.
func (b ColumnBase) GetAsInt64(_ int) (int64, error) { return 0, errConversion }

// GetAsString fails: the column has no string conversion.
func (b ColumnBase) GetAsString(_ int) (string, error) { return "", errConversion }

// GetAsDouble fails: the column has no float64 conversion.
func (b ColumnBase) GetAsDouble(_ int) (float64, error) { return 0, errConversion }

// GetAsBool fails: the column has no bool conversion.
func (b ColumnBase) GetAsBool(_ int) (bool, error) { return false, errConversion }

// ColumnFloatVector is a column of float32 vectors of one dimension.
type ColumnFloatVector struct {
	ColumnBase
	name   string
	dim    int
	values [][]float32
}

// NewColumnFloatVector returns a FloatVector column of dimension dim (the rows are not copied).
// Every row must have dim elements; writes reject a column where one does not.
func NewColumnFloatVector(fieldName string, dim int, values [][]float32) *ColumnFloatVector {
	return &ColumnFloatVector{name: fieldName, dim: dim, values: values}
}

// Name returns the field name of the column.
func (c *ColumnFloatVector) Name() string { return c.name }

// Type returns FieldTypeFloatVector.
func (c *ColumnFloatVector) Type() FieldType { return FieldTypeFloatVector }

// Len returns the number of rows.
func (c *ColumnFloatVector) Len() int { return len(c.values) }

// Dim returns the declared vector dimension.
func (c *ColumnFloatVector) Dim() int { return c.dim }

// Data returns the rows (not a copy).
func (c *ColumnFloatVector) Data() [][]float32 { return c.values }

// ValueByIdx returns row idx.
func (c *ColumnFloatVector) ValueByIdx(idx int) ([]float32, error) {
	if idx < 0 || idx >= c.Len() {
		return nil, errors.New("index out of range")
	}
	return c.values[idx], nil
}

// Get returns row idx as an interface{} holding a []float32.
func (c *ColumnFloatVector) Get(idx int) (interface{}, error) { return c.ValueByIdx(idx) }

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnFloatVector) Slice(start, end int) Column {
	l := c.Len()
	if start > l {
		start = l
	}
	if end == -1 || end > l {
		end = l
	}
	return &ColumnFloatVector{ColumnBase: c.ColumnBase, name: c.name, dim: c.dim, values: c.values[start:end]}
}

// AppendValue appends one []float32 row.
func (c *ColumnFloatVector) AppendValue(i interface{}) error {
	v, ok := i.([]float32)
	if !ok {
		return fmt.Errorf("invalid type, expected []float32, got %T", i)
	}
	c.values = append(c.values, v)
	return nil
}

// Vector is one query vector of a Search.
type Vector interface {
	Dim() int
	Serialize() []byte
	FieldType() FieldType
}

// FloatVector is a float32 query vector.
type FloatVector []float32

// Dim returns the number of elements.
func (fv FloatVector) Dim() int { return len(fv) }

// FieldType returns FieldTypeFloatVector.
func (fv FloatVector) FieldType() FieldType { return FieldTypeFloatVector }

// Serialize returns the little-endian float32 bytes of the vector.
func (fv FloatVector) Serialize() []byte {
	b := make([]byte, 0, 4*len(fv))
	for _, f := range fv {
		u := math32bits(f)
		b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	}
	return b
}
