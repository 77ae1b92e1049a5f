package client

/*
#include "veclite.h"
*/
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

// Int8Vector columns and query vectors (a veclite addition with the newer Go SDK's names; see
// entity.ColumnInt8Vector).

// checkInt8Vector checks what a C call cannot see in an Int8Vector column: a positive dim and
// every row holding dim components. Other columns pass.
func checkInt8Vector(col entity.Column) error {
	c, ok := col.(*entity.ColumnInt8Vector)
	if !ok {
		return nil
	}
	if c.Dim() <= 0 {
		return newErr(StatusDimensionMismatch, "column %s: dim %d is not positive", c.Name(), c.Dim())
	}
	for r, v := range c.Data() {
		if len(v) != c.Dim() {
			return newErr(StatusDimensionMismatch, "column %s, row %d: vector has %d components, column dim is %d",
				c.Name(), r, len(v), c.Dim())
		}
	}
	return nil
}

// int8ToC copies an Int8Vector column into a C column; ok is false for other column types.
func int8ToC(col entity.Column, np *C.uint8_t, nl C.size_t, out **C.veclite_column, cerr **C.veclite_error) (C.veclite_status, bool, error) {
	c, ok := col.(*entity.ColumnInt8Vector)
	if !ok {
		return 0, false, nil
	}
	if err := checkInt8Vector(c); err != nil {
		return 0, true, err
	}
	rows := c.Data()
	flat := make([]int8, 0, len(rows)*c.Dim())
	for _, v := range rows {
		flat = append(flat, v...)
	}
	st := C.veclite_column_new_int8_vector(np, nl, slicePtr[int8, C.int8_t](flat), C.size_t(c.Dim()), C.size_t(len(rows)), out, cerr)
	runtime.KeepAlive(flat)
	return st, true, nil
}

// int8FromC copies an Int8Vector column of a result (borrowed) into a Go column; ok is false
// for other field types.
func int8FromC(col *C.veclite_column, name string, typ C.uint32_t) (entity.Column, bool, error) {
	if typ != C.VECLITE_FIELD_INT8_VECTOR {
		return nil, false, nil
	}
	var cerr *C.veclite_error
	var p *C.int8_t
	var rows, dim C.size_t
	if st := C.veclite_column_int8_vector_data(col, &p, &rows, &dim, &cerr); st != C.VECLITE_STATUS_OK {
		return nil, true, errFrom(st, cerr, nil)
	}
	d := int(dim)
	flat := copyC[int8](unsafe.Pointer(p), int(rows)*d)
	values := make([][]int8, int(rows))
	for i := range values {
		values[i] = flat[i*d : (i+1)*d : (i+1)*d]
	}
	return entity.NewColumnInt8Vector(name, d, values), true, nil
}

// searchInt8 runs nq int8 query vectors of dim (flat) through veclite_search_int8; the other
// arguments are veclite_search's.
func searchInt8(db *C.veclite_db, ctx *C.veclite_ctx, cp *C.uint8_t, cn C.size_t, so *C.veclite_search_options,
	flat []int8, nq, dim, topK int, metric C.uint32_t, sr **C.veclite_search_result, cerr **C.veclite_error) C.veclite_status {
	defer runtime.KeepAlive(flat)
	return C.veclite_search_int8(db, ctx, cp, cn, so, slicePtr[int8, C.int8_t](flat), C.size_t(nq), C.size_t(dim),
		C.size_t(topK), metric, nil, nil, nil, sr, cerr)
}
