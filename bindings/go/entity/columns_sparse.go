package entity

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
)

// SparseEmbedding is a sparse float vector: (position, value) pairs ordered by position, the
// values of a SPARSE_FLOAT_VECTOR field and the queries of its searches (metric IP).
type SparseEmbedding interface {
	Dim() int // the dimension: the last position + 1
	Len() int // the number of pairs
	Get(idx int) (pos uint32, value float32, ok bool)
	Serialize() []byte
	FieldType() FieldType
}

var _ SparseEmbedding = sliceSparseEmbedding{}
var _ Vector = sliceSparseEmbedding{}

type sliceSparseEmbedding struct {
	positions []uint32
	values    []float32
	dim       int
	len       int
}

// Dim returns the last position + 1.
func (e sliceSparseEmbedding) Dim() int { return e.dim }

// Len returns the number of pairs.
func (e sliceSparseEmbedding) Len() int { return e.len }

// FieldType returns FieldTypeSparseVector.
func (e sliceSparseEmbedding) FieldType() FieldType { return FieldTypeSparseVector }

// Get returns pair idx.
func (e sliceSparseEmbedding) Get(idx int) (uint32, float32, bool) {
	if idx < 0 || idx >= e.len {
		return 0, 0, false
	}
	return e.positions[idx], e.values[idx], true
}

// Serialize returns the pairs as Milvus encodes them: little-endian uint32 position and float32
// value, pair after pair.
func (e sliceSparseEmbedding) Serialize() []byte {
	row := make([]byte, 8*e.Len())
	for idx := 0; idx < e.Len(); idx++ {
		pos, value, _ := e.Get(idx)
		binary.LittleEndian.PutUint32(row[idx*8:], pos)
		binary.LittleEndian.PutUint32(row[idx*8+4:], math.Float32bits(value))
	}
	return row
}

func (e sliceSparseEmbedding) Less(i, j int) bool { return e.positions[i] < e.positions[j] }

func (e sliceSparseEmbedding) Swap(i, j int) {
	e.positions[i], e.positions[j] = e.positions[j], e.positions[i]
	e.values[i], e.values[j] = e.values[j], e.values[i]
}

// NewSliceSparseEmbedding returns the sparse vector of the pairs (positions[i], values[i]),
// sorted by position in place.
func NewSliceSparseEmbedding(positions []uint32, values []float32) (SparseEmbedding, error) {
	if len(positions) != len(values) {
		return nil, errors.New("invalid sparse embedding input, positions shall have same number of values")
	}
	se := sliceSparseEmbedding{positions: positions, values: values, len: len(positions)}
	sort.Sort(se)
	if se.len > 0 {
		se.dim = int(se.positions[se.len-1]) + 1
	}
	return se, nil
}

var _ Column = (*ColumnSparseFloatVector)(nil)

// ColumnSparseFloatVector is a column of sparse vectors (FieldTypeSparseVector).
type ColumnSparseFloatVector struct {
	ColumnBase
	vectors []SparseEmbedding
	name    string
}

// NewColumnSparseVectors returns a sparse vector column named name holding values.
func NewColumnSparseVectors(name string, values []SparseEmbedding) *ColumnSparseFloatVector {
	return &ColumnSparseFloatVector{name: name, vectors: values}
}

// Name returns the field name of the column.
func (c *ColumnSparseFloatVector) Name() string { return c.name }

// Type returns FieldTypeSparseVector.
func (c *ColumnSparseFloatVector) Type() FieldType { return FieldTypeSparseVector }

// Len returns the number of rows.
func (c *ColumnSparseFloatVector) Len() int { return len(c.vectors) }

// Data returns the vectors (not a copy).
func (c *ColumnSparseFloatVector) Data() []SparseEmbedding { return c.vectors }

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnSparseFloatVector) Slice(start, end int) Column {
	l := c.Len()
	if start > l {
		start = l
	}
	if end == -1 || end > l {
		end = l
	}
	return &ColumnSparseFloatVector{ColumnBase: c.ColumnBase, name: c.name, vectors: c.vectors[start:end]}
}

// Get returns row idx as an interface{}.
func (c *ColumnSparseFloatVector) Get(idx int) (interface{}, error) { return c.ValueByIdx(idx) }

// ValueByIdx returns row idx.
func (c *ColumnSparseFloatVector) ValueByIdx(idx int) (SparseEmbedding, error) {
	if idx < 0 || idx >= c.Len() {
		return nil, errors.New("index out of range")
	}
	return c.vectors[idx], nil
}

// AppendValue appends one SparseEmbedding row.
func (c *ColumnSparseFloatVector) AppendValue(i interface{}) error {
	v, ok := i.(SparseEmbedding)
	if !ok {
		return fmt.Errorf("invalid type, expect SparseEmbedding interface, got %T", i)
	}
	c.vectors = append(c.vectors, v)
	return nil
}
