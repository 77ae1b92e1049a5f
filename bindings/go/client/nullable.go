package client

/*
#include "veclite.h"
*/
import "C"

import (
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

// Null values and default values (veclite additions; see entity.ColumnNullable and
// entity.Field.DefaultValue).

// nullableParts splits a column into its values and its validity (nil when col has no nulls
// to report: not an entity.ColumnNullable).
func nullableParts(col entity.Column) (entity.Column, []bool) {
	if n, ok := col.(*entity.ColumnNullable); ok {
		return n.Values, n.ValidData()
	}
	return col, nil
}

// checkNullable refuses a nullable column whose values and validity differ in length.
func checkNullable(col entity.Column) error {
	n, ok := col.(*entity.ColumnNullable)
	if !ok {
		return nil
	}
	if isNilColumn(n.Values) {
		return newErr(StatusInvalidArgument, "nullable column has nil values")
	}
	if n.Values.Len() != len(n.ValidData()) {
		return newErr(StatusInvalidArgument, "column %s: %d values for %d validity flags", n.Name(), n.Values.Len(), len(n.ValidData()))
	}
	return nil
}

// withValidity wraps a result column read from c in an entity.ColumnNullable when c reports
// validity flags (a nullable field).
func withValidity(c *C.veclite_column, col entity.Column) (entity.Column, error) {
	var valid *C.bool
	var cerr *C.veclite_error
	if st := C.veclite_column_validity(c, &valid, &cerr); st != C.VECLITE_STATUS_OK {
		return nil, errFrom(st, cerr, nil)
	}
	if valid == nil {
		return col, nil
	}
	n, err := entity.NewNullableColumn(col, copyC[bool](unsafe.Pointer(valid), col.Len()))
	if err != nil {
		return nil, newErr(StatusInvalidArgument, "%v", err)
	}
	return n, nil
}

// setDefault gives field f of the schema being built its default value, if it has one.
func setDefault(b *C.veclite_schema_builder, f *entity.Field, cerr **C.veclite_error) error {
	if f.DefaultValue == nil {
		return nil
	}
	fp, fl := cstr(f.Name)
	var st C.veclite_status
	switch v := f.DefaultValue.(type) {
	case bool:
		st = C.veclite_schema_builder_set_default_bool(b, fp, fl, C.bool(v), cerr)
	case int32:
		st = C.veclite_schema_builder_set_default_int(b, fp, fl, C.int64_t(v), cerr)
	case int64:
		st = C.veclite_schema_builder_set_default_int(b, fp, fl, C.int64_t(v), cerr)
	case float32:
		st = C.veclite_schema_builder_set_default_double(b, fp, fl, C.double(v), cerr)
	case float64:
		st = C.veclite_schema_builder_set_default_double(b, fp, fl, C.double(v), cerr)
	case string:
		vp, vl := cstr(v)
		st = C.veclite_schema_builder_set_default_varchar(b, fp, fl, vp, vl, cerr)
	default:
		return newErr(StatusInvalidArgument, "field %s: default value of Go type %T (give a bool, int32, int64, "+
			"float32, float64 or string)", f.Name, f.DefaultValue)
	}
	if st != C.VECLITE_STATUS_OK {
		return errFrom(st, *cerr, nil)
	}
	return nil
}

// defaultFromC is the default value of field i of s (nil when it has none), as the Go type
// the field's WithDefaultValue* method takes.
func defaultFromC(s *C.veclite_schema, i int, t entity.FieldType) interface{} {
	var iv C.int64_t
	var dv C.double
	var bv C.bool
	var tp *C.uint8_t
	var tl C.size_t
	if !C.veclite_schema_field_default(s, C.size_t(i), &iv, &dv, &bv, &tp, &tl) {
		return nil
	}
	switch t {
	case entity.FieldTypeBool:
		return bool(bv)
	case entity.FieldTypeInt8, entity.FieldTypeInt16, entity.FieldTypeInt32:
		return int32(iv)
	case entity.FieldTypeInt64:
		return int64(iv)
	case entity.FieldTypeFloat:
		return float32(dv)
	case entity.FieldTypeDouble:
		return float64(dv)
	case entity.FieldTypeVarChar, entity.FieldTypeString:
		return C.GoStringN((*C.char)(unsafe.Pointer(tp)), C.int(tl))
	}
	return nil
}
