package main

import (
	"context"
	"fmt"

	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"

	"github.com/veclite/veclite/bindings/go/entity"
)

// ARRAY fields: Milvus sends one ScalarField per row (ArrayArray.Data) holding the row's
// elements; the Go package has one column type per element type.

// arrayColumnFromProto converts an ARRAY field's data.
func arrayColumnFromProto(fd *schemapb.FieldData) (entity.Column, error) {
	name := fd.GetFieldName()
	arr := fd.GetScalars().GetArrayData()
	rows := arr.GetData()
	switch arr.GetElementType() {
	case schemapb.DataType_Bool:
		return entity.NewColumnBoolArray(name, arrayRows(rows, func(s *schemapb.ScalarField) []bool { return s.GetBoolData().GetData() })), nil
	case schemapb.DataType_Int8:
		return entity.NewColumnInt8Array(name, arrayRows(rows, func(s *schemapb.ScalarField) []int8 { return narrow[int8](s.GetIntData().GetData()) })), nil
	case schemapb.DataType_Int16:
		return entity.NewColumnInt16Array(name, arrayRows(rows, func(s *schemapb.ScalarField) []int16 { return narrow[int16](s.GetIntData().GetData()) })), nil
	case schemapb.DataType_Int32:
		return entity.NewColumnInt32Array(name, arrayRows(rows, func(s *schemapb.ScalarField) []int32 { return s.GetIntData().GetData() })), nil
	case schemapb.DataType_Int64:
		return entity.NewColumnInt64Array(name, arrayRows(rows, func(s *schemapb.ScalarField) []int64 { return s.GetLongData().GetData() })), nil
	case schemapb.DataType_Float:
		return entity.NewColumnFloatArray(name, arrayRows(rows, func(s *schemapb.ScalarField) []float32 { return s.GetFloatData().GetData() })), nil
	case schemapb.DataType_Double:
		return entity.NewColumnDoubleArray(name, arrayRows(rows, func(s *schemapb.ScalarField) []float64 { return s.GetDoubleData().GetData() })), nil
	case schemapb.DataType_VarChar, schemapb.DataType_String:
		return entity.NewColumnVarCharArray(name, arrayRows(rows, func(s *schemapb.ScalarField) [][]byte {
			strs := s.GetStringData().GetData()
			out := make([][]byte, len(strs))
			for i, v := range strs {
				out[i] = []byte(v)
			}
			return out
		})), nil
	}
	return nil, fmt.Errorf("field %s: arrays of %s are not supported by veclite-server", name, arr.GetElementType())
}

// arrayRows is each row's elements.
func arrayRows[T any](rows []*schemapb.ScalarField, elems func(*schemapb.ScalarField) []T) [][]T {
	out := make([][]T, len(rows))
	for i, r := range rows {
		out[i] = elems(r)
	}
	return out
}

// arrayToProto converts an array column's rows to one ScalarField per row, and names the
// element type; ok is false for a column that is not an array.
func arrayToProto(col entity.Column) (rows []*schemapb.ScalarField, elem schemapb.DataType, ok bool) {
	switch c := col.(type) {
	case *entity.ColumnBoolArray:
		return protoRows(c.Data(), func(v []bool) *schemapb.ScalarField {
			return &schemapb.ScalarField{Data: &schemapb.ScalarField_BoolData{BoolData: &schemapb.BoolArray{Data: v}}}
		}), schemapb.DataType_Bool, true
	case *entity.ColumnInt8Array:
		return protoRows(c.Data(), func(v []int8) *schemapb.ScalarField { return intField(v) }), schemapb.DataType_Int8, true
	case *entity.ColumnInt16Array:
		return protoRows(c.Data(), func(v []int16) *schemapb.ScalarField { return intField(v) }), schemapb.DataType_Int16, true
	case *entity.ColumnInt32Array:
		return protoRows(c.Data(), func(v []int32) *schemapb.ScalarField { return intField(v) }), schemapb.DataType_Int32, true
	case *entity.ColumnInt64Array:
		return protoRows(c.Data(), func(v []int64) *schemapb.ScalarField {
			return &schemapb.ScalarField{Data: &schemapb.ScalarField_LongData{LongData: &schemapb.LongArray{Data: v}}}
		}), schemapb.DataType_Int64, true
	case *entity.ColumnFloatArray:
		return protoRows(c.Data(), func(v []float32) *schemapb.ScalarField {
			return &schemapb.ScalarField{Data: &schemapb.ScalarField_FloatData{FloatData: &schemapb.FloatArray{Data: v}}}
		}), schemapb.DataType_Float, true
	case *entity.ColumnDoubleArray:
		return protoRows(c.Data(), func(v []float64) *schemapb.ScalarField {
			return &schemapb.ScalarField{Data: &schemapb.ScalarField_DoubleData{DoubleData: &schemapb.DoubleArray{Data: v}}}
		}), schemapb.DataType_Double, true
	case *entity.ColumnVarCharArray:
		return protoRows(c.Data(), func(v [][]byte) *schemapb.ScalarField {
			strs := make([]string, len(v))
			for i, b := range v {
				strs[i] = string(b)
			}
			return &schemapb.ScalarField{Data: &schemapb.ScalarField_StringData{StringData: &schemapb.StringArray{Data: strs}}}
		}), schemapb.DataType_VarChar, true
	}
	return nil, 0, false
}

func protoRows[T any](rows []T, row func(T) *schemapb.ScalarField) []*schemapb.ScalarField {
	out := make([]*schemapb.ScalarField, len(rows))
	for i, r := range rows {
		out[i] = row(r)
	}
	return out
}

// intField is Milvus's int32 transport of Int8 / Int16 / Int32 elements.
func intField[T int8 | int16 | int32](v []T) *schemapb.ScalarField {
	d := make([]int32, len(v))
	for i, x := range v {
		d[i] = int32(x)
	}
	return &schemapb.ScalarField{Data: &schemapb.ScalarField_IntData{IntData: &schemapb.IntArray{Data: d}}}
}

// emptyArrayFieldData is the field data of an array column with no rows yet (nil when col is
// not an array).
func emptyArrayFieldData(col entity.Column) *schemapb.FieldData {
	_, elem, ok := arrayToProto(col.Slice(0, 0))
	if !ok {
		return nil
	}
	return &schemapb.FieldData{FieldName: col.Name(), Type: schemapb.DataType_Array,
		Field: &schemapb.FieldData_Scalars{Scalars: &schemapb.ScalarField{
			Data: &schemapb.ScalarField_ArrayData{ArrayData: &schemapb.ArrayArray{ElementType: elem}}}}}
}

// appendArray appends an array column's rows to fd; false when col is not an array.
func appendArray(fd *schemapb.FieldData, col entity.Column) bool {
	rows, _, ok := arrayToProto(col)
	if ok {
		d := fd.GetScalars().GetArrayData()
		d.Data = append(d.Data, rows...)
	}
	return ok
}

// emptyArrayColumn is an empty column of an ARRAY field f (nil for an element type the Go
// package has no column of).
func emptyArrayColumn(f *entity.Field) entity.Column {
	switch f.ElementType {
	case entity.FieldTypeBool:
		return entity.NewColumnBoolArray(f.Name, nil)
	case entity.FieldTypeInt8:
		return entity.NewColumnInt8Array(f.Name, nil)
	case entity.FieldTypeInt16:
		return entity.NewColumnInt16Array(f.Name, nil)
	case entity.FieldTypeInt32:
		return entity.NewColumnInt32Array(f.Name, nil)
	case entity.FieldTypeInt64:
		return entity.NewColumnInt64Array(f.Name, nil)
	case entity.FieldTypeFloat:
		return entity.NewColumnFloatArray(f.Name, nil)
	case entity.FieldTypeDouble:
		return entity.NewColumnDoubleArray(f.Name, nil)
	case entity.FieldTypeVarChar, entity.FieldTypeString:
		return entity.NewColumnVarCharArray(f.Name, nil)
	}
	return nil
}

// fillElementTypes sets the element type of ARRAY field data that does not name one (pymilvus
// leaves it unset) from collection coll's schema; a collection it cannot describe is left to
// the write that follows to report.
func (s *service) fillElementTypes(ctx context.Context, coll string, fields []*schemapb.FieldData) {
	var schema *entity.Schema
	for _, fd := range fields {
		arr := fd.GetScalars().GetArrayData()
		if fd.GetType() != schemapb.DataType_Array || arr == nil || arr.GetElementType() != schemapb.DataType_None {
			continue
		}
		if schema == nil {
			c, err := s.h(ctx).DescribeCollection(ctx, coll)
			if err != nil {
				return
			}
			schema = c.Schema
		}
		for _, f := range schema.Fields {
			if f.Name == fd.GetFieldName() {
				arr.ElementType = schemapb.DataType(f.ElementType)
			}
		}
	}
}
