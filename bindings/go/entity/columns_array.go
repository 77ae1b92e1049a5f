package entity

// ARRAY columns, as milvus-sdk-go v2.4.2 names them: one column type per element type, each
// row a slice of elements (VarChar elements as []byte). Type() is FieldTypeArray.

import (
	"errors"
	"fmt"
)

// arrayColumn holds the rows of an ARRAY column of element type T.
type arrayColumn[T any] struct {
	ColumnBase
	name   string
	values [][]T
}

// Name returns the field name of the column.
func (c *arrayColumn[T]) Name() string { return c.name }

// Type returns FieldTypeArray.
func (c *arrayColumn[T]) Type() FieldType { return FieldTypeArray }

// Len returns the number of rows.
func (c *arrayColumn[T]) Len() int { return len(c.values) }

// Data returns the rows (not a copy).
func (c *arrayColumn[T]) Data() [][]T { return c.values }

// ValueByIdx returns row idx.
func (c *arrayColumn[T]) ValueByIdx(idx int) ([]T, error) {
	if idx < 0 || idx >= c.Len() {
		return nil, errors.New("index out of range")
	}
	return c.values[idx], nil
}

// Get returns row idx as an interface{} holding a []T.
func (c *arrayColumn[T]) Get(idx int) (interface{}, error) { return c.ValueByIdx(idx) }

// AppendValue appends one []T row.
func (c *arrayColumn[T]) AppendValue(i interface{}) error {
	v, ok := i.([]T)
	if !ok {
		var want []T
		return fmt.Errorf("invalid type, expected %T, got %T", want, i)
	}
	c.values = append(c.values, v)
	return nil
}

// slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *arrayColumn[T]) slice(start, end int) arrayColumn[T] {
	l := c.Len()
	if start > l {
		start = l
	}
	if end == -1 || end > l {
		end = l
	}
	return arrayColumn[T]{name: c.name, values: c.values[start:end]}
}

// ColumnBoolArray is an ARRAY column of Bool elements.
type ColumnBoolArray struct{ arrayColumn[bool] }

// NewColumnBoolArray returns an ARRAY column of Bool elements (the rows are not copied).
func NewColumnBoolArray(name string, values [][]bool) *ColumnBoolArray {
	return &ColumnBoolArray{arrayColumn[bool]{name: name, values: values}}
}

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnBoolArray) Slice(start, end int) Column { return &ColumnBoolArray{c.slice(start, end)} }

// ColumnInt8Array is an ARRAY column of Int8 elements.
type ColumnInt8Array struct{ arrayColumn[int8] }

// NewColumnInt8Array returns an ARRAY column of Int8 elements (the rows are not copied).
func NewColumnInt8Array(name string, values [][]int8) *ColumnInt8Array {
	return &ColumnInt8Array{arrayColumn[int8]{name: name, values: values}}
}

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnInt8Array) Slice(start, end int) Column { return &ColumnInt8Array{c.slice(start, end)} }

// ColumnInt16Array is an ARRAY column of Int16 elements.
type ColumnInt16Array struct{ arrayColumn[int16] }

// NewColumnInt16Array returns an ARRAY column of Int16 elements (the rows are not copied).
func NewColumnInt16Array(name string, values [][]int16) *ColumnInt16Array {
	return &ColumnInt16Array{arrayColumn[int16]{name: name, values: values}}
}

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnInt16Array) Slice(start, end int) Column {
	return &ColumnInt16Array{c.slice(start, end)}
}

// ColumnInt32Array is an ARRAY column of Int32 elements.
type ColumnInt32Array struct{ arrayColumn[int32] }

// NewColumnInt32Array returns an ARRAY column of Int32 elements (the rows are not copied).
func NewColumnInt32Array(name string, values [][]int32) *ColumnInt32Array {
	return &ColumnInt32Array{arrayColumn[int32]{name: name, values: values}}
}

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnInt32Array) Slice(start, end int) Column {
	return &ColumnInt32Array{c.slice(start, end)}
}

// ColumnInt64Array is an ARRAY column of Int64 elements.
type ColumnInt64Array struct{ arrayColumn[int64] }

// NewColumnInt64Array returns an ARRAY column of Int64 elements (the rows are not copied).
func NewColumnInt64Array(name string, values [][]int64) *ColumnInt64Array {
	return &ColumnInt64Array{arrayColumn[int64]{name: name, values: values}}
}

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnInt64Array) Slice(start, end int) Column {
	return &ColumnInt64Array{c.slice(start, end)}
}

// ColumnFloatArray is an ARRAY column of Float elements.
type ColumnFloatArray struct{ arrayColumn[float32] }

// NewColumnFloatArray returns an ARRAY column of Float elements (the rows are not copied).
func NewColumnFloatArray(name string, values [][]float32) *ColumnFloatArray {
	return &ColumnFloatArray{arrayColumn[float32]{name: name, values: values}}
}

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnFloatArray) Slice(start, end int) Column {
	return &ColumnFloatArray{c.slice(start, end)}
}

// ColumnDoubleArray is an ARRAY column of Double elements.
type ColumnDoubleArray struct{ arrayColumn[float64] }

// NewColumnDoubleArray returns an ARRAY column of Double elements (the rows are not copied).
func NewColumnDoubleArray(name string, values [][]float64) *ColumnDoubleArray {
	return &ColumnDoubleArray{arrayColumn[float64]{name: name, values: values}}
}

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnDoubleArray) Slice(start, end int) Column {
	return &ColumnDoubleArray{c.slice(start, end)}
}

// ColumnVarCharArray is an ARRAY column of VarChar elements.
type ColumnVarCharArray struct{ arrayColumn[[]byte] }

// NewColumnVarCharArray returns an ARRAY column of VarChar elements (the rows are not copied).
func NewColumnVarCharArray(name string, values [][][]byte) *ColumnVarCharArray {
	return &ColumnVarCharArray{arrayColumn[[]byte]{name: name, values: values}}
}

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnVarCharArray) Slice(start, end int) Column {
	return &ColumnVarCharArray{c.slice(start, end)}
}
