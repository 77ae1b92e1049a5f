package client

/*
#include "veclite.h"
*/
import "C"

import (
	"encoding/binary"
	"runtime"

	"github.com/veclite/veclite/bindings/go/entity"
)

// queryBatch is the query vectors of one Search, all of one type and dimension, in the form
// the type's C search entry point takes.
type queryBatch struct {
	typ     entity.FieldType
	nq, dim int
	floats  []float32 // FloatVector
	bits    []byte    // BinaryVector: nq·dim/8 packed bytes
	halves  []uint16  // Float16Vector, BFloat16Vector: nq·dim bit patterns
	int8s   []int8    // Int8Vector: nq·dim components
}

// queryVectors checks that vectors are FloatVector, BinaryVector, Float16Vector or
// BFloat16Vector, all of one type and one positive dimension, and gathers them.
func queryVectors(vectors []entity.Vector) (queryBatch, error) {
	if len(vectors) == 0 {
		return queryBatch{}, newErr(StatusInvalidArgument, "no query vectors")
	}
	q := queryBatch{typ: vectors[0].FieldType(), nq: len(vectors), dim: vectors[0].Dim()}
	for i, v := range vectors {
		if !isSearchable(v) {
			return queryBatch{}, featureErr("query vectors of type %T (veclite searches FloatVector, BinaryVector, "+
				"Float16Vector, BFloat16Vector and Int8Vector fields)", v)
		}
		if v.FieldType() != q.typ {
			return queryBatch{}, newErr(StatusInvalidArgument, "query vector %d is a %s, query vector 0 is a %s",
				i, v.FieldType(), q.typ)
		}
		if q.typ == entity.FieldTypeFloatVector {
			if v.Dim() != q.dim || q.dim == 0 {
				return queryBatch{}, newErr(StatusDimensionMismatch, "query vector %d has %d elements, query vector 0 has %d",
					i, v.Dim(), q.dim)
			}
			q.floats = append(q.floats, v.(entity.FloatVector)...)
			continue
		}
		if iv, ok := v.(entity.Int8Vector); ok {
			if v.Dim() != q.dim || q.dim == 0 {
				return queryBatch{}, newErr(StatusDimensionMismatch, "query vector %d has dim %d, query vector 0 has %d",
					i, v.Dim(), q.dim)
			}
			q.int8s = append(q.int8s, iv...)
			continue
		}
		raw := v.Serialize()
		if q.typ != entity.FieldTypeBinaryVector && len(raw)%2 != 0 {
			return queryBatch{}, newErr(StatusDimensionMismatch, "query vector %d: %d bytes is not a whole number of "+
				"2-byte %s components", i, len(raw), q.typ)
		}
		if v.Dim() != q.dim || q.dim == 0 {
			return queryBatch{}, newErr(StatusDimensionMismatch, "query vector %d has dim %d, query vector 0 has %d",
				i, v.Dim(), q.dim)
		}
		if q.typ == entity.FieldTypeBinaryVector {
			q.bits = append(q.bits, raw...)
		} else {
			for j := 0; j < len(raw); j += 2 {
				q.halves = append(q.halves, binary.LittleEndian.Uint16(raw[j:]))
			}
		}
	}
	return q, nil
}

func isSearchable(v entity.Vector) bool {
	switch v.(type) {
	case entity.FloatVector, entity.BinaryVector, entity.Float16Vector, entity.BFloat16Vector, entity.Int8Vector:
		return true
	}
	return false
}

// search runs the batch through the C search entry point of its type; the other arguments
// are veclite_search's.
func (q *queryBatch) search(db *C.veclite_db, ctx *C.veclite_ctx, cp *C.uint8_t, cn C.size_t, so *C.veclite_search_options,
	topK int, metric C.uint32_t, sr **C.veclite_search_result, cerr **C.veclite_error) C.veclite_status {
	nq, dim, k := C.size_t(q.nq), C.size_t(q.dim), C.size_t(topK)
	defer runtime.KeepAlive(q)
	switch q.typ {
	case entity.FieldTypeBinaryVector:
		return C.veclite_search_binary(db, ctx, cp, cn, so, slicePtr[byte, C.uint8_t](q.bits), nq, dim, k, metric,
			nil, nil, nil, sr, cerr)
	case entity.FieldTypeFloat16Vector:
		return C.veclite_search_float16(db, ctx, cp, cn, so, slicePtr[uint16, C.uint16_t](q.halves), nq, dim, k, metric,
			nil, nil, nil, sr, cerr)
	case entity.FieldTypeBFloat16Vector:
		return C.veclite_search_bfloat16(db, ctx, cp, cn, so, slicePtr[uint16, C.uint16_t](q.halves), nq, dim, k, metric,
			nil, nil, nil, sr, cerr)
	case entity.FieldTypeInt8Vector:
		return searchInt8(db, ctx, cp, cn, so, q.int8s, q.nq, q.dim, topK, metric, sr, cerr)
	}
	return C.veclite_search(db, ctx, cp, cn, so, slicePtr[float32, C.float](q.floats), nq, dim, k, metric,
		nil, nil, nil, sr, cerr)
}
