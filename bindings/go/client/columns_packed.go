package client

/*
#include "veclite.h"
*/
import "C"

import (
	"encoding/binary"
	"runtime"
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

// packedColumn is a BinaryVector, Float16Vector or BFloat16Vector column: rows of bytes in
// the stored form.
type packedColumn interface {
	entity.Column
	Dim() int
	Data() [][]byte
}

// asPacked returns col as a packedColumn, or false for the other column types.
func asPacked(col entity.Column) (packedColumn, bool) {
	switch c := col.(type) {
	case *entity.ColumnBinaryVector, *entity.ColumnFloat16Vector, *entity.ColumnBFloat16Vector:
		return c.(packedColumn), true
	}
	return nil, false
}

// rowBytes is the number of bytes a vector of dim takes in a column or query of type t:
// dim/8 for binary vectors, 2·dim for float16 and bfloat16 vectors.
func rowBytes(t entity.FieldType, dim int) int {
	if t == entity.FieldTypeBinaryVector {
		return dim / 8
	}
	return 2 * dim
}

// checkPacked checks what a C call cannot see in a packed vector column: a positive dim (a
// multiple of 8 for binary vectors) and every row holding the bytes of one vector of that dim.
// Other columns pass.
func checkPacked(col entity.Column) error {
	c, ok := asPacked(col)
	if !ok {
		return nil
	}
	name, dim := c.Name(), c.Dim()
	if dim <= 0 {
		return newErr(StatusDimensionMismatch, "column %s: dim %d is not positive", name, dim)
	}
	if c.Type() == entity.FieldTypeBinaryVector && dim%8 != 0 {
		return newErr(StatusDimensionMismatch, "column %s: a BinaryVector dim (%d) must be a multiple of 8", name, dim)
	}
	want := rowBytes(c.Type(), dim)
	for r, v := range c.Data() {
		if len(v) != want {
			return newErr(StatusDimensionMismatch, "column %s, row %d: vector has %d bytes, a %s of dim %d has %d",
				name, r, len(v), c.Type(), dim, want)
		}
	}
	return nil
}

// packedToC copies a packed vector column into a C column; ok is false for other column types.
func packedToC(col entity.Column, np *C.uint8_t, nl C.size_t, out **C.veclite_column, cerr **C.veclite_error) (C.veclite_status, bool, error) {
	c, ok := asPacked(col)
	if !ok {
		return 0, false, nil
	}
	if err := checkPacked(c); err != nil {
		return 0, true, err
	}
	rows := c.Data()
	dim, n := C.size_t(c.Dim()), C.size_t(len(rows))
	var st C.veclite_status
	switch c.Type() {
	case entity.FieldTypeBinaryVector:
		flat := make([]byte, 0, len(rows)*rowBytes(c.Type(), c.Dim()))
		for _, v := range rows {
			flat = append(flat, v...)
		}
		st = C.veclite_column_new_binary_vector(np, nl, slicePtr[byte, C.uint8_t](flat), dim, n, out, cerr)
		runtime.KeepAlive(flat)
	case entity.FieldTypeFloat16Vector:
		flat := halves(rows)
		st = C.veclite_column_new_float16_vector(np, nl, (*C.uint16_t)(flat), dim, n, out, cerr)
		runtime.KeepAlive(flat)
	case entity.FieldTypeBFloat16Vector:
		flat := halves(rows)
		st = C.veclite_column_new_bfloat16_vector(np, nl, (*C.uint16_t)(flat), dim, n, out, cerr)
		runtime.KeepAlive(flat)
	}
	return st, true, nil
}

// littleEndian reports whether this machine stores a uint16 as the rows do (little-endian):
// then rows are joined by whole-row copies instead of decoded component by component.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// halves joins rows of little-endian 2-byte components into one buffer of native uint16 bit
// patterns (nil when there are none).
func halves(rows [][]byte) unsafe.Pointer {
	total := 0
	for _, v := range rows {
		total += len(v) / 2
	}
	if total == 0 {
		return nil
	}
	out := make([]uint16, total)
	if littleEndian {
		buf := unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), 2*total)
		off := 0
		for _, v := range rows {
			off += copy(buf[off:], v[:len(v)&^1])
		}
		return unsafe.Pointer(&out[0])
	}
	k := 0
	for _, v := range rows {
		for i := 0; i+1 < len(v); i += 2 {
			out[k] = binary.LittleEndian.Uint16(v[i:])
			k++
		}
	}
	return unsafe.Pointer(&out[0])
}

// packedFromC copies a packed vector column of a result (borrowed) into a Go column; ok is
// false for other field types.
func packedFromC(col *C.veclite_column, name string, typ C.uint32_t) (entity.Column, bool, error) {
	var cerr *C.veclite_error
	var rows, dim C.size_t
	var st C.veclite_status
	var flat []byte
	switch typ {
	case C.VECLITE_FIELD_BINARY_VECTOR:
		var p *C.uint8_t
		if st = C.veclite_column_binary_vector_data(col, &p, &rows, &dim, &cerr); st == C.VECLITE_STATUS_OK {
			flat = copyC[byte](unsafe.Pointer(p), int(rows)*int(dim)/8)
		}
	case C.VECLITE_FIELD_FLOAT16_VECTOR, C.VECLITE_FIELD_BFLOAT16_VECTOR:
		var p *C.uint16_t
		if typ == C.VECLITE_FIELD_FLOAT16_VECTOR {
			st = C.veclite_column_float16_vector_data(col, &p, &rows, &dim, &cerr)
		} else {
			st = C.veclite_column_bfloat16_vector_data(col, &p, &rows, &dim, &cerr)
		}
		if st == C.VECLITE_STATUS_OK && littleEndian {
			flat = copyC[byte](unsafe.Pointer(p), 2*int(rows)*int(dim))
		} else if st == C.VECLITE_STATUS_OK {
			bits := unsafe.Slice((*uint16)(unsafe.Pointer(p)), int(rows)*int(dim))
			flat = make([]byte, 2*len(bits))
			for i, b := range bits {
				binary.LittleEndian.PutUint16(flat[2*i:], b)
			}
		}
	default:
		return nil, false, nil
	}
	if st != C.VECLITE_STATUS_OK {
		return nil, true, errFrom(st, cerr, nil)
	}
	d := int(dim)
	ft := entity.FieldType(typ)
	width := rowBytes(ft, d)
	values := make([][]byte, int(rows))
	for i := range values {
		values[i] = flat[i*width : (i+1)*width : (i+1)*width]
	}
	switch ft {
	case entity.FieldTypeBinaryVector:
		return entity.NewColumnBinaryVector(name, d, values), true, nil
	case entity.FieldTypeFloat16Vector:
		return entity.NewColumnFloat16Vector(name, d, values), true, nil
	}
	return entity.NewColumnBFloat16Vector(name, d, values), true, nil
}

// isDenseVector reports whether t is a vector type with a dim: FloatVector, BinaryVector,
// Float16Vector, BFloat16Vector or Int8Vector.
func isDenseVector(t entity.FieldType) bool {
	switch t {
	case entity.FieldTypeFloatVector, entity.FieldTypeBinaryVector, entity.FieldTypeFloat16Vector,
		entity.FieldTypeBFloat16Vector, entity.FieldTypeInt8Vector:
		return true
	}
	return false
}
