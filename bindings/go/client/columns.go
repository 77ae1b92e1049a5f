package client

/*
#include "helpers.h"
*/
import "C"

import (
	"reflect"
	"runtime"
	"strings"
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

// cColumns are C copies of Go columns, freed by free.
type cColumns []*C.veclite_column

func (cs cColumns) free() {
	for _, c := range cs {
		C.veclite_column_free(c)
	}
}

func isNilColumn(col entity.Column) bool {
	if col == nil {
		return true
	}
	v := reflect.ValueOf(col)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// checkColumns validates in Go what a C call cannot see (no columns, nil columns, a
// non-positive dim, ragged vector rows) before anything is built; the library checks the rest
// (duplicate names, unequal lengths, the schema).
func checkColumns(columns []entity.Column) error {
	if len(columns) == 0 {
		return newErr(StatusInvalidArgument, "no columns given")
	}
	for i, col := range columns {
		if isNilColumn(col) {
			return newErr(StatusInvalidArgument, "column %d is nil", i)
		}
		name := col.Name()
		if err := checkNullable(col); err != nil {
			return err
		}
		if err := checkPacked(col); err != nil {
			return err
		}
		if err := checkInt8Vector(col); err != nil {
			return err
		}
		if fv, ok := col.(*entity.ColumnFloatVector); ok {
			if fv.Dim() <= 0 {
				return newErr(StatusDimensionMismatch, "column %s: dim %d is not positive", name, fv.Dim())
			}
			for r, v := range fv.Data() {
				if len(v) != fv.Dim() {
					return newErr(StatusDimensionMismatch, "column %s, row %d: vector has %d elements, column dim is %d",
						name, r, len(v), fv.Dim())
				}
			}
		}
	}
	return nil
}

// toC copies Go columns into C columns (one C call per column). On error nothing is left
// allocated.
func toC(columns []entity.Column) (cColumns, error) {
	out := make(cColumns, 0, len(columns))
	for _, col := range columns {
		c, err := columnToC(col)
		if err != nil {
			out.free()
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func slicePtr[T any, C any](s []T) *C {
	if len(s) == 0 {
		return nil
	}
	return (*C)(unsafe.Pointer(unsafe.SliceData(s)))
}

func columnToC(col entity.Column) (*C.veclite_column, error) {
	if isNilColumn(col) {
		return nil, newErr(StatusInvalidArgument, "column is nil")
	}
	col, valid := nullableParts(col)
	vp := slicePtr[bool, C.bool](valid)
	name := col.Name()
	np, nl := cstr(name)
	var out *C.veclite_column
	var cerr *C.veclite_error
	var st C.veclite_status
	switch c := col.(type) {
	case *entity.ColumnBool:
		d := c.Data()
		st = C.veclite_column_new_bool(np, nl, slicePtr[bool, C.bool](d), C.size_t(len(d)), vp, &out, &cerr)
	case *entity.ColumnInt8:
		d := c.Data()
		st = C.veclite_column_new_int8(np, nl, slicePtr[int8, C.int8_t](d), C.size_t(len(d)), vp, &out, &cerr)
	case *entity.ColumnInt16:
		d := c.Data()
		st = C.veclite_column_new_int16(np, nl, slicePtr[int16, C.int16_t](d), C.size_t(len(d)), vp, &out, &cerr)
	case *entity.ColumnInt32:
		d := c.Data()
		st = C.veclite_column_new_int32(np, nl, slicePtr[int32, C.int32_t](d), C.size_t(len(d)), vp, &out, &cerr)
	case *entity.ColumnInt64:
		d := c.Data()
		st = C.veclite_column_new_int64(np, nl, slicePtr[int64, C.int64_t](d), C.size_t(len(d)), vp, &out, &cerr)
	case *entity.ColumnFloat:
		d := c.Data()
		st = C.veclite_column_new_float(np, nl, slicePtr[float32, C.float](d), C.size_t(len(d)), vp, &out, &cerr)
	case *entity.ColumnDouble:
		d := c.Data()
		st = C.veclite_column_new_double(np, nl, slicePtr[float64, C.double](d), C.size_t(len(d)), vp, &out, &cerr)
	case *entity.ColumnFloatVector:
		rows := c.Data()
		dim := c.Dim()
		flat := make([]float32, 0, len(rows)*dim)
		for r, v := range rows {
			if len(v) != dim {
				return nil, newErr(StatusDimensionMismatch, "column %s, row %d: vector has %d elements, column dim is %d",
					name, r, len(v), dim)
			}
			flat = append(flat, v...)
		}
		st = C.veclite_column_new_float_vector(np, nl, slicePtr[float32, C.float](flat), C.size_t(dim),
			C.size_t(len(rows)), &out, &cerr)
		runtime.KeepAlive(flat)
	case *entity.ColumnVarChar:
		var pin runtime.Pinner
		defer pin.Unpin()
		ptrs, lens, n := cstrings(c.Data(), &pin)
		st = C.veclite_column_new_varchar(np, nl, ptrs, lens, n, vp, &out, &cerr)
	case *entity.ColumnJSONBytes:
		if c.IsDynamic() {
			np, nl = cstr(dynamicFieldName) // an explicit dynamic column is `$meta`, as in the SDK
		}
		var pin runtime.Pinner
		defer pin.Unpin()
		ptrs, lens, n := cbytes(c.Data(), &pin)
		st = C.veclite_column_new_json(np, nl, ptrs, lens, n, vp, &out, &cerr)
	default:
		var ok bool
		if st, ok = arrayToC(col, np, nl, vp, &out, &cerr); ok {
			break
		}
		if valid != nil {
			return nil, newErr(StatusInvalidArgument, "column %s: a %s column cannot hold nulls", name, col.Type())
		}
		var err error
		if st, ok, err = packedToC(col, np, nl, &out, &cerr); err != nil {
			return nil, err
		} else if ok {
			break
		}
		if st, ok, err = int8ToC(col, np, nl, &out, &cerr); err != nil {
			return nil, err
		} else if ok {
			break
		}
		if st, ok = sparseToC(col, np, nl, &out, &cerr); ok {
			break
		}
		return nil, newErr(StatusInvalidArgument, "column %s: unsupported column type %T (%s)", name, col, col.Type())
	}
	runtime.KeepAlive(col)
	runtime.KeepAlive(valid)
	runtime.KeepAlive(name)
	if st != C.VECLITE_STATUS_OK {
		return nil, errFrom(st, cerr, nil)
	}
	return out, nil
}

// fromC copies a C column (borrowed) into a Go column.
func fromC(col *C.veclite_column) (entity.Column, error) {
	if col == nil {
		return nil, newErr(StatusNullArgument, "missing column in result")
	}
	var info C.vl_col
	var cerr *C.veclite_error
	if st := C.vl_col_read(col, &info, &cerr); st != C.VECLITE_STATUS_OK {
		return nil, errFrom(st, cerr, nil)
	}
	name := C.GoStringN((*C.char)(unsafe.Pointer(info.name)), C.int(info.name_len))
	n := int(info.len)
	switch info._type {
	case C.VECLITE_FIELD_BOOL:
		return entity.NewColumnBool(name, copyC[bool](info.data, n)), nil
	case C.VECLITE_FIELD_INT8:
		return entity.NewColumnInt8(name, copyC[int8](info.data, n)), nil
	case C.VECLITE_FIELD_INT16:
		return entity.NewColumnInt16(name, copyC[int16](info.data, n)), nil
	case C.VECLITE_FIELD_INT32:
		return entity.NewColumnInt32(name, copyC[int32](info.data, n)), nil
	case C.VECLITE_FIELD_INT64:
		return entity.NewColumnInt64(name, copyC[int64](info.data, n)), nil
	case C.VECLITE_FIELD_FLOAT:
		return entity.NewColumnFloat(name, copyC[float32](info.data, n)), nil
	case C.VECLITE_FIELD_DOUBLE:
		return entity.NewColumnDouble(name, copyC[float64](info.data, n)), nil
	case C.VECLITE_FIELD_FLOAT_VECTOR:
		dim := int(info.dim)
		flat := copyC[float32](info.data, n*dim)
		rows := make([][]float32, n)
		for i := range rows {
			rows[i] = flat[i*dim : (i+1)*dim : (i+1)*dim]
		}
		return entity.NewColumnFloatVector(name, dim, rows), nil
	case C.VECLITE_FIELD_JSON:
		values, err := readTexts(col, n)
		if err != nil {
			return nil, err
		}
		rows := make([][]byte, n)
		for i, v := range values {
			rows[i] = []byte(v)
		}
		return entity.NewColumnJSONBytes(name, rows).WithIsDynamic(name == dynamicFieldName), nil
	case C.VECLITE_FIELD_VARCHAR:
		values, err := readTexts(col, n)
		if err != nil {
			return nil, err
		}
		return entity.NewColumnVarChar(name, values), nil
	case C.VECLITE_FIELD_ARRAY:
		return arrayFromC(col, name)
	case C.VECLITE_FIELD_SPARSE_FLOAT_VECTOR:
		return sparseFromC(col, name)
	}
	if packed, ok, err := packedFromC(col, name, info._type); ok {
		return packed, err
	}
	if v, ok, err := int8FromC(col, name, info._type); ok {
		return v, err
	}
	return nil, newErr(StatusInvalidArgument, "column %s: unsupported field type %d in result", name, int(info._type))
}

// readTexts copies the n rows of a VarChar or JSON column (borrowed) into strings sharing one
// allocation.
func readTexts(col *C.veclite_column, n int) ([]string, error) {
	var cerr *C.veclite_error
	{
		values := make([]string, n)
		if n > 0 {
			ptrs := make([]*C.uint8_t, n)
			lens := make([]C.size_t, n)
			if st := C.vl_varchar_read(col, C.size_t(n), &ptrs[0], &lens[0], &cerr); st != C.VECLITE_STATUS_OK {
				return nil, errFrom(st, cerr, nil)
			}
			var sb strings.Builder
			total := 0
			for _, l := range lens {
				total += int(l)
			}
			sb.Grow(total)
			for i := range n {
				sb.Write(unsafe.Slice((*byte)(unsafe.Pointer(ptrs[i])), int(lens[i])))
			}
			all := sb.String() // one allocation; values share it
			off := 0
			for i := range n {
				values[i] = all[off : off+int(lens[i])]
				off += int(lens[i])
			}
		}
		return values, nil
	}
}

// dynamicFieldName is the name of the dynamic field of a collection.
const dynamicFieldName = "$meta"

// withDynamicColumns shapes the columns of a read as milvus-sdk-go does: the `$meta` column is
// kept only when outputFields names it or holds "*", and every output field that is neither "*"
// nor a returned column is a dynamic key, returned as an entity.ColumnDynamic over `$meta`.
func withDynamicColumns(cols []entity.Column, outputFields []string) []entity.Column {
	wildcard, wantMeta := false, false
	for _, f := range outputFields {
		wildcard = wildcard || f == "*"
		wantMeta = wantMeta || f == dynamicFieldName
	}
	var meta *entity.ColumnJSONBytes
	present := make(map[string]bool, len(cols))
	out := make([]entity.Column, 0, len(cols)+len(outputFields))
	for _, col := range cols {
		present[col.Name()] = true
		if j, ok := col.(*entity.ColumnJSONBytes); ok && j.IsDynamic() {
			meta = j
			if !wildcard && !wantMeta {
				continue
			}
		}
		out = append(out, col)
	}
	if meta == nil {
		return out
	}
	for _, f := range outputFields {
		if f != "*" && !present[f] {
			present[f] = true
			out = append(out, entity.NewColumnDynamic(meta, f))
		}
	}
	return out
}

// copyC copies n values of type T from C memory.
func copyC[T any](p unsafe.Pointer, n int) []T {
	out := make([]T, n)
	if n > 0 && p != nil {
		copy(out, unsafe.Slice((*T)(p), n))
	}
	return out
}

// resultColumns copies every column of a C result (borrowed).
func resultColumns(r *C.veclite_result) (ResultSet, error) {
	n := int(C.veclite_result_num_columns(r))
	if n == 0 {
		return ResultSet{}, nil
	}
	ptrs := make([]*C.veclite_column, n)
	C.vl_result_columns(r, C.size_t(n), &ptrs[0])
	rs := make(ResultSet, 0, n)
	for _, p := range ptrs {
		col, err := fromC(p)
		if err == nil {
			col, err = withValidity(p, col)
		}
		if err != nil {
			return nil, err
		}
		rs = append(rs, col)
	}
	return rs, nil
}
