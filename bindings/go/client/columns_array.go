package client

/*
#include "helpers.h"
*/
import "C"

import (
	"runtime"
	"strconv"
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

// flatten returns the rows' element offsets (len(rows)+1, from 0) and their elements in order.
func flatten[T any](rows [][]T) ([]uint64, []T) {
	offsets := make([]uint64, 1, len(rows)+1)
	total := 0
	for _, r := range rows {
		total += len(r)
	}
	flat := make([]T, 0, total)
	for _, r := range rows {
		flat = append(flat, r...)
		offsets = append(offsets, uint64(len(flat)))
	}
	return offsets, flat
}

// arrayToC builds the C column of an ARRAY column named (np, nl) with validity flags valid
// (nil: no nulls); ok is false for a column that is not an ARRAY column.
func arrayToC(col entity.Column, np *C.uint8_t, nl C.size_t, valid *C.bool, out **C.veclite_column, cerr **C.veclite_error) (st C.veclite_status, ok bool) {
	var offsets []uint64
	rows := C.size_t(col.Len())
	off := func() *C.uint64_t { return (*C.uint64_t)(unsafe.Pointer(unsafe.SliceData(offsets))) }
	switch c := col.(type) {
	case *entity.ColumnBoolArray:
		o, flat := flatten(c.Data())
		offsets = o
		st = C.veclite_column_new_array_bool(np, nl, off(), rows, slicePtr[bool, C.bool](flat), valid, out, cerr)
		runtime.KeepAlive(flat)
	case *entity.ColumnInt8Array:
		o, flat := flatten(c.Data())
		offsets = o
		st = C.veclite_column_new_array_int8(np, nl, off(), rows, slicePtr[int8, C.int8_t](flat), valid, out, cerr)
		runtime.KeepAlive(flat)
	case *entity.ColumnInt16Array:
		o, flat := flatten(c.Data())
		offsets = o
		st = C.veclite_column_new_array_int16(np, nl, off(), rows, slicePtr[int16, C.int16_t](flat), valid, out, cerr)
		runtime.KeepAlive(flat)
	case *entity.ColumnInt32Array:
		o, flat := flatten(c.Data())
		offsets = o
		st = C.veclite_column_new_array_int32(np, nl, off(), rows, slicePtr[int32, C.int32_t](flat), valid, out, cerr)
		runtime.KeepAlive(flat)
	case *entity.ColumnInt64Array:
		o, flat := flatten(c.Data())
		offsets = o
		st = C.veclite_column_new_array_int64(np, nl, off(), rows, slicePtr[int64, C.int64_t](flat), valid, out, cerr)
		runtime.KeepAlive(flat)
	case *entity.ColumnFloatArray:
		o, flat := flatten(c.Data())
		offsets = o
		st = C.veclite_column_new_array_float(np, nl, off(), rows, slicePtr[float32, C.float](flat), valid, out, cerr)
		runtime.KeepAlive(flat)
	case *entity.ColumnDoubleArray:
		o, flat := flatten(c.Data())
		offsets = o
		st = C.veclite_column_new_array_double(np, nl, off(), rows, slicePtr[float64, C.double](flat), valid, out, cerr)
		runtime.KeepAlive(flat)
	case *entity.ColumnVarCharArray:
		o, flat := flatten(c.Data())
		offsets = o
		var pin runtime.Pinner
		defer pin.Unpin()
		ptrs, lens, _ := cbytes(flat, &pin)
		st = C.veclite_column_new_array_varchar(np, nl, off(), rows, ptrs, lens, valid, out, cerr)
	default:
		return 0, false
	}
	runtime.KeepAlive(offsets)
	return st, true
}

// arrayRows splits the flat values of an ARRAY column into rows by its offsets (copied).
func arrayRows[T any](offsets []uint64, p unsafe.Pointer, n int) [][]T {
	flat := copyC[T](p, n)
	rows := make([][]T, len(offsets)-1)
	for i := range rows {
		rows[i] = flat[offsets[i]:offsets[i+1]:offsets[i+1]]
	}
	return rows
}

// arrayFromC copies the ARRAY column col (borrowed) named name into a Go column.
func arrayFromC(col *C.veclite_column, name string) (entity.Column, error) {
	var cerr *C.veclite_error
	var op *C.uint64_t
	var rows C.size_t
	var elem C.uint32_t
	if st := C.veclite_column_array_offsets(col, &op, &rows, &elem, &cerr); st != C.VECLITE_STATUS_OK {
		return nil, errFrom(st, cerr, nil)
	}
	offsets := copyC[uint64](unsafe.Pointer(op), int(rows)+1)
	var data unsafe.Pointer
	var n C.size_t
	var st C.veclite_status
	switch elem {
	case C.VECLITE_FIELD_BOOL:
		st = C.veclite_column_array_bool_values(col, (**C.uint8_t)(unsafe.Pointer(&data)), &n, &cerr)
	case C.VECLITE_FIELD_INT8:
		st = C.veclite_column_array_int8_values(col, (**C.int8_t)(unsafe.Pointer(&data)), &n, &cerr)
	case C.VECLITE_FIELD_INT16:
		st = C.veclite_column_array_int16_values(col, (**C.int16_t)(unsafe.Pointer(&data)), &n, &cerr)
	case C.VECLITE_FIELD_INT32:
		st = C.veclite_column_array_int32_values(col, (**C.int32_t)(unsafe.Pointer(&data)), &n, &cerr)
	case C.VECLITE_FIELD_INT64:
		st = C.veclite_column_array_int64_values(col, (**C.int64_t)(unsafe.Pointer(&data)), &n, &cerr)
	case C.VECLITE_FIELD_FLOAT:
		st = C.veclite_column_array_float_values(col, (**C.float)(unsafe.Pointer(&data)), &n, &cerr)
	case C.VECLITE_FIELD_DOUBLE:
		st = C.veclite_column_array_double_values(col, (**C.double)(unsafe.Pointer(&data)), &n, &cerr)
	case C.VECLITE_FIELD_VARCHAR:
		total := int(offsets[len(offsets)-1])
		flat := make([][]byte, total)
		for i := range flat {
			var p *C.uint8_t
			var l C.size_t
			if st := C.veclite_column_array_varchar_value(col, C.size_t(i), &p, &l, &cerr); st != C.VECLITE_STATUS_OK {
				return nil, errFrom(st, cerr, nil)
			}
			flat[i] = C.GoBytes(unsafe.Pointer(p), C.int(l))
		}
		out := make([][][]byte, len(offsets)-1)
		for i := range out {
			out[i] = flat[offsets[i]:offsets[i+1]:offsets[i+1]]
		}
		return entity.NewColumnVarCharArray(name, out), nil
	default:
		return nil, newErr(StatusInvalidArgument, "column %s: unsupported array element type %d in result", name, int(elem))
	}
	if st != C.VECLITE_STATUS_OK {
		return nil, errFrom(st, cerr, nil)
	}
	switch elem {
	case C.VECLITE_FIELD_BOOL:
		return entity.NewColumnBoolArray(name, arrayRows[bool](offsets, data, int(n))), nil
	case C.VECLITE_FIELD_INT8:
		return entity.NewColumnInt8Array(name, arrayRows[int8](offsets, data, int(n))), nil
	case C.VECLITE_FIELD_INT16:
		return entity.NewColumnInt16Array(name, arrayRows[int16](offsets, data, int(n))), nil
	case C.VECLITE_FIELD_INT32:
		return entity.NewColumnInt32Array(name, arrayRows[int32](offsets, data, int(n))), nil
	case C.VECLITE_FIELD_INT64:
		return entity.NewColumnInt64Array(name, arrayRows[int64](offsets, data, int(n))), nil
	case C.VECLITE_FIELD_FLOAT:
		return entity.NewColumnFloatArray(name, arrayRows[float32](offsets, data, int(n))), nil
	default:
		return entity.NewColumnDoubleArray(name, arrayRows[float64](offsets, data, int(n))), nil
	}
}

// arrayFieldToC adds ARRAY field f to the schema builder b with flags.
func arrayFieldToC(b *C.veclite_schema_builder, f *entity.Field, flags C.uint32_t, cerr **C.veclite_error) error {
	capacity, err := typeParam(f, entity.TypeParamMaxCapacity)
	if err != nil {
		return err
	}
	var maxLength uint64
	if f.ElementType == entity.FieldTypeVarChar {
		if maxLength, err = typeParam(f, entity.TypeParamMaxLength); err != nil {
			return err
		}
	}
	fp, fl := cstr(f.Name)
	st := C.veclite_schema_builder_add_array_field(b, fp, fl, C.uint32_t(f.ElementType), C.uint32_t(capacity),
		C.uint32_t(maxLength), flags, cerr)
	runtime.KeepAlive(f)
	if st != C.VECLITE_STATUS_OK {
		return errFrom(st, *cerr, nil)
	}
	return nil
}

// arrayFieldFromC fills in the element type, capacity and VarChar max length of ARRAY field i
// of schema s.
func arrayFieldFromC(s *C.veclite_schema, i int, f *entity.Field) {
	var elem, capacity, maxLength C.uint32_t
	if !C.veclite_schema_field_array(s, C.size_t(i), &elem, &capacity, &maxLength) {
		return
	}
	f.ElementType = entity.FieldType(elem)
	f.TypeParams[entity.TypeParamMaxCapacity] = strconv.FormatUint(uint64(capacity), 10)
	if f.ElementType == entity.FieldTypeVarChar {
		f.TypeParams[entity.TypeParamMaxLength] = strconv.FormatUint(uint64(maxLength), 10)
	}
}
