package entity

import (
	"errors"
	"fmt"
)

// byteRows holds the rows of a vector column stored as bytes: binary vectors packed 8 bits a
// byte, float16 and bfloat16 vectors as 2 little-endian bytes a component.
type byteRows struct {
	name   string
	dim    int
	values [][]byte
}

// Name returns the field name of the column.
func (c *byteRows) Name() string { return c.name }

// Len returns the number of rows.
func (c *byteRows) Len() int { return len(c.values) }

// Dim returns the declared vector dimension (bits for a binary vector, components otherwise).
func (c *byteRows) Dim() int { return c.dim }

// Data returns the rows (not a copy).
func (c *byteRows) Data() [][]byte { return c.values }

// ValueByIdx returns row idx.
func (c *byteRows) ValueByIdx(idx int) ([]byte, error) {
	if idx < 0 || idx >= c.Len() {
		return nil, errors.New("index out of range")
	}
	return c.values[idx], nil
}

// Get returns row idx as an interface{} holding a []byte.
func (c *byteRows) Get(idx int) (interface{}, error) { return c.ValueByIdx(idx) }

// AppendValue appends one []byte row.
func (c *byteRows) AppendValue(i interface{}) error {
	v, ok := i.([]byte)
	if !ok {
		return fmt.Errorf("invalid type, expected []byte, got %T", i)
	}
	c.values = append(c.values, v)
	return nil
}

// slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *byteRows) slice(start, end int) byteRows {
	l := c.Len()
	if start > l {
		start = l
	}
	if end == -1 || end > l {
		end = l
	}
	return byteRows{name: c.name, dim: c.dim, values: c.values[start:end]}
}

var (
	_ Column = (*ColumnBinaryVector)(nil)
	_ Column = (*ColumnFloat16Vector)(nil)
	_ Column = (*ColumnBFloat16Vector)(nil)
)

// ColumnBinaryVector is a column of binary vectors of dim bits, each row dim/8 bytes (8 bits a
// byte, as numpy.packbits packs them).
type ColumnBinaryVector struct {
	ColumnBase
	byteRows
}

// NewColumnBinaryVector returns a BinaryVector column of dim bits (a multiple of 8) a row (the
// rows are not copied). Every row must hold dim/8 bytes; writes reject a column where one does
// not.
func NewColumnBinaryVector(name string, dim int, values [][]byte) *ColumnBinaryVector {
	return &ColumnBinaryVector{byteRows: byteRows{name: name, dim: dim, values: values}}
}

// Type returns FieldTypeBinaryVector.
func (c *ColumnBinaryVector) Type() FieldType { return FieldTypeBinaryVector }

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnBinaryVector) Slice(start, end int) Column {
	return &ColumnBinaryVector{ColumnBase: c.ColumnBase, byteRows: c.slice(start, end)}
}

// ColumnFloat16Vector is a column of float16 vectors of dim components, each row 2·dim bytes:
// the IEEE binary16 bit patterns of the components, little-endian.
type ColumnFloat16Vector struct {
	ColumnBase
	byteRows
}

// NewColumnFloat16Vector returns a Float16Vector column of dimension dim (the rows are not
// copied). Every row must hold 2·dim bytes; writes reject a column where one does not, and a
// component that is NaN or infinite.
func NewColumnFloat16Vector(name string, dim int, values [][]byte) *ColumnFloat16Vector {
	return &ColumnFloat16Vector{byteRows: byteRows{name: name, dim: dim, values: values}}
}

// Type returns FieldTypeFloat16Vector.
func (c *ColumnFloat16Vector) Type() FieldType { return FieldTypeFloat16Vector }

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnFloat16Vector) Slice(start, end int) Column {
	return &ColumnFloat16Vector{ColumnBase: c.ColumnBase, byteRows: c.slice(start, end)}
}

// ColumnBFloat16Vector is a column of bfloat16 vectors of dim components, each row 2·dim
// bytes: the bfloat16 bit patterns (the top 16 bits of a float32) of the components,
// little-endian.
type ColumnBFloat16Vector struct {
	ColumnBase
	byteRows
}

// NewColumnBFloat16Vector returns a BFloat16Vector column of dimension dim (the rows are not
// copied). Every row must hold 2·dim bytes; writes reject a column where one does not, and a
// component that is NaN or infinite.
func NewColumnBFloat16Vector(name string, dim int, values [][]byte) *ColumnBFloat16Vector {
	return &ColumnBFloat16Vector{byteRows: byteRows{name: name, dim: dim, values: values}}
}

// Type returns FieldTypeBFloat16Vector.
func (c *ColumnBFloat16Vector) Type() FieldType { return FieldTypeBFloat16Vector }

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnBFloat16Vector) Slice(start, end int) Column {
	return &ColumnBFloat16Vector{ColumnBase: c.ColumnBase, byteRows: c.slice(start, end)}
}

var (
	_ Vector = BinaryVector(nil)
	_ Vector = Float16Vector(nil)
	_ Vector = BFloat16Vector(nil)
)

// BinaryVector is a binary query vector: 8 bits a byte, packed as in ColumnBinaryVector.
type BinaryVector []byte

// Dim returns the number of bits: 8·len.
func (bv BinaryVector) Dim() int { return 8 * len(bv) }

// Serialize returns the bytes (not a copy).
func (bv BinaryVector) Serialize() []byte { return bv }

// FieldType returns FieldTypeBinaryVector.
func (bv BinaryVector) FieldType() FieldType { return FieldTypeBinaryVector }

// Float16Vector is a float16 query vector: the little-endian IEEE binary16 bit patterns of its
// components.
type Float16Vector []byte

// Dim returns the number of components: len/2.
func (fv Float16Vector) Dim() int { return len(fv) / 2 }

// Serialize returns the bytes (not a copy).
func (fv Float16Vector) Serialize() []byte { return fv }

// FieldType returns FieldTypeFloat16Vector.
func (fv Float16Vector) FieldType() FieldType { return FieldTypeFloat16Vector }

// BFloat16Vector is a bfloat16 query vector: the little-endian bfloat16 bit patterns of its
// components.
type BFloat16Vector []byte

// Dim returns the number of components: len/2.
func (fv BFloat16Vector) Dim() int { return len(fv) / 2 }

// Serialize returns the bytes (not a copy).
func (fv BFloat16Vector) Serialize() []byte { return fv }

// FieldType returns FieldTypeBFloat16Vector.
func (fv BFloat16Vector) FieldType() FieldType { return FieldTypeBFloat16Vector }

// emptyPackedColumn is an empty BinaryVector, Float16Vector or BFloat16Vector column for
// field, with room for n rows.
func emptyPackedColumn(field *Field, n int) (Column, error) {
	dim, err := field.GetDim()
	if err != nil {
		return nil, fmt.Errorf("vector field %s: %w", field.Name, err)
	}
	rows := make([][]byte, 0, n)
	switch field.DataType {
	case FieldTypeBinaryVector:
		return NewColumnBinaryVector(field.Name, int(dim), rows), nil
	case FieldTypeFloat16Vector:
		return NewColumnFloat16Vector(field.Name, int(dim), rows), nil
	}
	return NewColumnBFloat16Vector(field.Name, int(dim), rows), nil
}
