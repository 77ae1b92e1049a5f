package client

/*
#include "helpers.h"
*/
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

// sparseCSR holds sparse vectors as CSR arrays: len(rows)+1 offsets from 0, then every row's
// positions and values in order.
type sparseCSR struct {
	offsets []uint64
	indices []uint32
	values  []float32
}

// sparseCSROf flattens sparse vectors into CSR arrays.
func sparseCSROf(rows []entity.SparseEmbedding) sparseCSR {
	out := sparseCSR{offsets: make([]uint64, 1, len(rows)+1)}
	for _, r := range rows {
		if r != nil {
			for i := 0; i < r.Len(); i++ {
				pos, value, _ := r.Get(i)
				out.indices = append(out.indices, pos)
				out.values = append(out.values, value)
			}
		}
		out.offsets = append(out.offsets, uint64(len(out.indices)))
	}
	return out
}

func (s *sparseCSR) ptrs() (*C.uint64_t, *C.uint32_t, *C.float, C.size_t) {
	return slicePtr[uint64, C.uint64_t](s.offsets), slicePtr[uint32, C.uint32_t](s.indices),
		slicePtr[float32, C.float](s.values), C.size_t(len(s.indices))
}

// sparseToC builds the C column of a sparse vector column named (np, nl); ok is false for a
// column that is not a sparse vector column.
func sparseToC(col entity.Column, np *C.uint8_t, nl C.size_t, out **C.veclite_column, cerr **C.veclite_error) (st C.veclite_status, ok bool) {
	c, ok := col.(*entity.ColumnSparseFloatVector)
	if !ok {
		return 0, false
	}
	csr := sparseCSROf(c.Data())
	offsets, indices, values, nnz := csr.ptrs()
	st = C.veclite_column_new_sparse_float_vector(np, nl, offsets, C.size_t(c.Len()), indices, values, nnz, out, cerr)
	runtime.KeepAlive(csr)
	return st, true
}

// sparseFromC copies the sparse vector column col (borrowed) named name into a Go column.
func sparseFromC(col *C.veclite_column, name string) (entity.Column, error) {
	var cerr *C.veclite_error
	var op *C.uint64_t
	var ip *C.uint32_t
	var vp *C.float
	var rows, nnz C.size_t
	if st := C.veclite_column_sparse_float_vector_data(col, &op, &ip, &vp, &rows, &nnz, &cerr); st != C.VECLITE_STATUS_OK {
		return nil, errFrom(st, cerr, nil)
	}
	offsets := copyC[uint64](unsafe.Pointer(op), int(rows)+1)
	indices := copyC[uint32](unsafe.Pointer(ip), int(nnz))
	values := copyC[float32](unsafe.Pointer(vp), int(nnz))
	vectors := make([]entity.SparseEmbedding, rows)
	for r := range vectors {
		a, b := offsets[r], offsets[r+1]
		v, err := entity.NewSliceSparseEmbedding(indices[a:b:b], values[a:b:b])
		if err != nil {
			return nil, newErr(StatusInvalidArgument, "column %s, row %d: %v", name, r, err)
		}
		vectors[r] = v
	}
	return entity.NewColumnSparseVectors(name, vectors), nil
}

// sparseQueries returns the query vectors as CSR arrays when they are sparse (ok false when
// the first is not); a mix of sparse and other vectors is an error.
func sparseQueries(vectors []entity.Vector) (csr sparseCSR, ok bool, err error) {
	if len(vectors) == 0 {
		return csr, false, nil
	}
	if _, ok := vectors[0].(entity.SparseEmbedding); !ok {
		return csr, false, nil
	}
	rows := make([]entity.SparseEmbedding, len(vectors))
	for i, v := range vectors {
		s, ok := v.(entity.SparseEmbedding)
		if !ok {
			return csr, false, newErr(StatusInvalidArgument, "query vector %d is %T, query vector 0 is a SparseEmbedding", i, v)
		}
		rows[i] = s
	}
	return sparseCSROf(rows), true, nil
}

// search runs veclite_search_sparse with these queries.
func (s *sparseCSR) search(db *C.veclite_db, ctx *C.veclite_ctx, cp *C.uint8_t, cn C.size_t, so *C.veclite_search_options,
	topK C.size_t, metric C.uint32_t, sr **C.veclite_search_result, cerr **C.veclite_error) C.veclite_status {
	offsets, indices, values, nnz := s.ptrs()
	st := C.veclite_search_sparse(db, ctx, cp, cn, so, offsets, C.size_t(len(s.offsets)-1), indices, values, nnz, topK,
		metric, nil, nil, nil, sr, cerr)
	runtime.KeepAlive(s)
	return st
}
