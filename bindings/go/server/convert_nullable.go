package main

import (
	"fmt"

	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"

	"github.com/veclite/veclite/bindings/go/entity"
)

// Null values and default values. Milvus clients send a nullable field's values either one
// per row or one per valid row (pymilvus sends the latter), with valid_data one flag per row;
// the server answers one value per row (the zero value at a null row) with valid_data, as
// Milvus does.

// withNulls wraps col in an entity.ColumnNullable when fd has validity flags.
func withNulls(fd *schemapb.FieldData, col entity.Column) (entity.Column, error) {
	valid := fd.GetValidData()
	if len(valid) == 0 {
		return col, nil
	}
	n, err := entity.NewNullableColumn(col, valid)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", fd.GetFieldName(), err)
	}
	return n, nil
}

// defaultFromProto is a Milvus default value as the Go value entity.Field.DefaultValue holds.
func defaultFromProto(f *schemapb.FieldSchema) (interface{}, error) {
	switch d := f.GetDefaultValue().GetData().(type) {
	case nil:
		return nil, nil
	case *schemapb.ValueField_BoolData:
		return d.BoolData, nil
	case *schemapb.ValueField_IntData:
		return d.IntData, nil
	case *schemapb.ValueField_LongData:
		return d.LongData, nil
	case *schemapb.ValueField_FloatData:
		return d.FloatData, nil
	case *schemapb.ValueField_DoubleData:
		return d.DoubleData, nil
	case *schemapb.ValueField_StringData:
		return d.StringData, nil
	}
	return nil, fmt.Errorf("bytes and timestamp default values (field %s)", f.GetName())
}

// defaultToProto is the Milvus form of a field's default value (nil when it has none).
func defaultToProto(f *entity.Field) *schemapb.ValueField {
	switch v := f.DefaultValue.(type) {
	case bool:
		return &schemapb.ValueField{Data: &schemapb.ValueField_BoolData{BoolData: v}}
	case int32:
		return &schemapb.ValueField{Data: &schemapb.ValueField_IntData{IntData: v}}
	case int64:
		return &schemapb.ValueField{Data: &schemapb.ValueField_LongData{LongData: v}}
	case float32:
		return &schemapb.ValueField{Data: &schemapb.ValueField_FloatData{FloatData: v}}
	case float64:
		return &schemapb.ValueField{Data: &schemapb.ValueField_DoubleData{DoubleData: v}}
	case string:
		return &schemapb.ValueField{Data: &schemapb.ValueField_StringData{StringData: v}}
	}
	return nil
}

// appendValidity keeps a's valid_data in step with its rows: col's flags (all true for a
// column without nulls), once any appended column had nulls.
func (a *fieldAppender) appendValidity(col entity.Column, before int) {
	var valid []bool
	if n, ok := col.(*entity.ColumnNullable); ok {
		valid = n.ValidData()
	}
	if valid == nil && a.fd.ValidData == nil {
		return
	}
	for len(a.fd.ValidData) < before {
		a.fd.ValidData = append(a.fd.ValidData, true)
	}
	if valid != nil {
		a.fd.ValidData = append(a.fd.ValidData, valid...)
		return
	}
	for range col.Len() {
		a.fd.ValidData = append(a.fd.ValidData, true)
	}
}

// nullableValues is the values of a nullable column and its validity (col itself and nil for
// a column without nulls).
func nullableValues(col entity.Column) (entity.Column, []bool) {
	if n, ok := col.(*entity.ColumnNullable); ok {
		return n.Values, n.ValidData()
	}
	return col, nil
}
