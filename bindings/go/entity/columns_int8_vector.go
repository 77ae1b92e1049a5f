package entity

import (
	"errors"
	"fmt"
)

// Int8 vectors are a veclite addition to the milvus-sdk-go v2.4.2 surface (which has no int8
// vector type); the names are those of the newer Go SDK (github.com/milvus-io/milvus/client/v2):
// FieldTypeInt8Vector, NewColumnInt8Vector and the Int8Vector query vector.

// FieldTypeInt8Vector is the type of a field of int8 vectors: dim signed bytes a row.
const FieldTypeInt8Vector FieldType = 105

func init() { fieldTypeNames[FieldTypeInt8Vector] = "Int8Vector" }

var (
	_ Column = (*ColumnInt8Vector)(nil)
	_ Vector = Int8Vector(nil)
)

// ColumnInt8Vector is a column of int8 vectors of dim components.
type ColumnInt8Vector struct {
	ColumnBase
	name   string
	dim    int
	values [][]int8
}

// NewColumnInt8Vector returns an Int8Vector column of dimension dim (the rows are not copied).
// Every row must have dim components; writes reject a column where one does not.
func NewColumnInt8Vector(name string, dim int, values [][]int8) *ColumnInt8Vector {
	return &ColumnInt8Vector{name: name, dim: dim, values: values}
}

// Name returns the field name of the column.
func (c *ColumnInt8Vector) Name() string { return c.name }

// Type returns FieldTypeInt8Vector.
func (c *ColumnInt8Vector) Type() FieldType { return FieldTypeInt8Vector }

// Len returns the number of rows.
func (c *ColumnInt8Vector) Len() int { return len(c.values) }

// Dim returns the declared vector dimension.
func (c *ColumnInt8Vector) Dim() int { return c.dim }

// Data returns the rows (not a copy).
func (c *ColumnInt8Vector) Data() [][]int8 { return c.values }

// ValueByIdx returns row idx.
func (c *ColumnInt8Vector) ValueByIdx(idx int) ([]int8, error) {
	if idx < 0 || idx >= c.Len() {
		return nil, errors.New("index out of range")
	}
	return c.values[idx], nil
}

// Get returns row idx as an interface{} holding a []int8.
func (c *ColumnInt8Vector) Get(idx int) (interface{}, error) { return c.ValueByIdx(idx) }

// AppendValue appends one []int8 row.
func (c *ColumnInt8Vector) AppendValue(i interface{}) error {
	v, ok := i.([]int8)
	if !ok {
		return fmt.Errorf("invalid type, expected []int8, got %T", i)
	}
	c.values = append(c.values, v)
	return nil
}

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnInt8Vector) Slice(start, end int) Column {
	l := c.Len()
	if start > l {
		start = l
	}
	if end == -1 || end > l {
		end = l
	}
	return &ColumnInt8Vector{name: c.name, dim: c.dim, values: c.values[start:end]}
}

// Int8Vector is an int8 query vector.
type Int8Vector []int8

// Dim returns the number of components.
func (v Int8Vector) Dim() int { return len(v) }

// Serialize returns the components as bytes (two's complement, one byte each).
func (v Int8Vector) Serialize() []byte {
	out := make([]byte, len(v))
	for i, x := range v {
		out[i] = byte(x)
	}
	return out
}

// FieldType returns FieldTypeInt8Vector.
func (v Int8Vector) FieldType() FieldType { return FieldTypeInt8Vector }
