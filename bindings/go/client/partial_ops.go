//go:build cgo

package client

/*
#include "veclite.h"
*/
import "C"

import (
	"context"
	"runtime"
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

// FieldPartialOpType is what a partial update does to one field (Milvus's
// FieldPartialUpdateOp.OpType; the values are Milvus's).
type FieldPartialOpType int32

const (
	// FieldOpReplace: the given value replaces the field's (the default).
	FieldOpReplace FieldPartialOpType = 0
	// FieldOpArrayAppend: the given elements are appended to the row's array.
	FieldOpArrayAppend FieldPartialOpType = 1
	// FieldOpArrayRemove: every element of the row's array equal to a given one is removed.
	FieldOpArrayRemove FieldPartialOpType = 2
)

// FieldPartialOp applies Op to the given column of the Array field Field in a partial update
// (PartialUpsertWithOps).
type FieldPartialOp struct {
	Field string
	Op    FieldPartialOpType
}

// ArrayAppend is the operation that appends the given elements of field to each row's array
// (newer Milvus Go SDKs spell it WithArrayAppend).
func ArrayAppend(field string) FieldPartialOp {
	return FieldPartialOp{Field: field, Op: FieldOpArrayAppend}
}

// ArrayRemove is the operation that removes from each row's array of field every element
// equal to a given one (newer Milvus Go SDKs spell it WithArrayRemove).
func ArrayRemove(field string) FieldPartialOp {
	return FieldPartialOp{Field: field, Op: FieldOpArrayRemove}
}

// PartialUpsertWithOps is PartialUpsert with per-field operations on Array fields (pymilvus's
// upsert(..., field_ops=...); milvus-sdk-go v2.4.2 has none, so this is a veclite extension).
// Each operation applies to its field's given column, resolved against the live row: an append
// keeps the row's elements then the given ones (more than max_capacity in all fails with
// ErrInvalidValue naming the row and key); a removal drops every element equal to a given one;
// a null given value keeps the row's value; a null row value or a new key starts from an empty
// array. An operation named twice, on the primary key, on a field outside the schema, not an
// Array field or not given is refused. All-or-nothing.
func (c *EmbeddedClient) PartialUpsertWithOps(ctx context.Context, collName string, partitionName string, ops []FieldPartialOp, columns ...entity.Column) (*MutationResult, error) {
	if err := checkColumns(columns); err != nil {
		return nil, err
	}
	names := make([]string, len(ops))
	kinds := make([]C.uint32_t, len(ops)+1) // never empty: &kinds[0] is always valid
	for i, op := range ops {
		names[i] = op.Field
		kinds[i] = C.uint32_t(uint32(op.Op))
	}
	var out *MutationResult
	err := c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		cols, err := toC(columns)
		if err != nil {
			return err
		}
		defer cols.free()
		var pin runtime.Pinner
		defer pin.Unpin()
		fps, fls, nf := cstrings(names, &pin)
		cp, cn := cstr(collName)
		pp, pn := cstr(partitionName)
		var res *C.veclite_mutation_result
		var cerr *C.veclite_error
		st := C.veclite_partial_upsert_ops(db, cc.c, cp, cn, pp, pn, &cols[0], C.size_t(len(cols)),
			fps, fls, (*C.uint32_t)(unsafe.Pointer(&kinds[0])), nf, &res, &cerr)
		runtime.KeepAlive(collName)
		runtime.KeepAlive(partitionName)
		runtime.KeepAlive(kinds)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		defer C.veclite_mutation_result_free(res)
		out, err = readMutation(res)
		return err
	})
	return out, err
}
