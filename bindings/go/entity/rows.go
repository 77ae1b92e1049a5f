package entity

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"reflect"
	"strconv"
	"strings"
)

// Struct tags of row-based data, as milvus-sdk-go reads them: `milvus:"name:id;primary_key"`.
const (
	// MilvusTag is the struct tag key.
	MilvusTag = `milvus`
	// MilvusSkipTagValue skips a struct field.
	MilvusSkipTagValue = `-`
	// MilvusTagSep separates the settings of a tag (`\;` escapes it).
	MilvusTagSep = `;`
	// MilvusTagName sets the field name (default: the Go field name).
	MilvusTagName = `NAME`
	// VectorDimTag sets the dimension of a slice vector field.
	VectorDimTag = `DIM`
	// VectorTypeTag makes a []byte field fp16 or bf16 (default: binary vector).
	VectorTypeTag = `VECTOR_TYPE`
	// MilvusPrimaryKey marks the primary key.
	MilvusPrimaryKey = `PRIMARY_KEY`
	// MilvusAutoID marks an auto-id primary key.
	MilvusAutoID = `AUTO_ID`
	// DimMax is the largest dimension a tag may give.
	DimMax = 65535
)

// Row is row-based data: a struct (usually embedding RowBase) or a MapRow.
type Row interface {
	Collection() string
	Partition() string
	Description() string
}

// MapRow is a row given as a map from field name to value.
type MapRow map[string]interface{}

// Collection returns "" (a MapRow names no collection).
func (mr MapRow) Collection() string { return "" }

// Partition returns "" (the default partition).
func (mr MapRow) Partition() string { return "" }

// Description returns "".
func (mr MapRow) Description() string { return "" }

// RowBase gives a struct the Row methods; the collection name defaults to the struct's type
// name.
type RowBase struct{}

// Collection returns "" (the struct's type name is used).
func (b RowBase) Collection() string { return "" }

// Partition returns "" (the default partition).
func (b RowBase) Partition() string { return "" }

// Description returns "".
func (b RowBase) Description() string { return "" }

// ParseSchemaAny derives a schema from a struct (or a pointer, array or slice of them): the
// collection is named after the type, each exported field not tagged `milvus:"-"` becomes a
// field named by its `name:` tag or its Go name, typed by its Go type (bool, int8..int64,
// float32, float64, string as FieldTypeString, [N]float32 or []float32 with a `dim:` tag as a
// float vector, [N]byte or []byte as a binary vector, fp16 or bf16 by `vector_type:`), with
// `primary_key` and `auto_id` tags. Maps are refused.
func ParseSchemaAny(r interface{}) (*Schema, error) {
	t := reflect.TypeOf(r)
	if t == nil {
		return nil, errors.New("unsupported data type: nil")
	}
	if t.Kind() == reflect.Array || t.Kind() == reflect.Slice || t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	if t.Kind() == reflect.Map {
		return nil, errors.New("map row is not supported for schema definition")
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("unsupported data type: %+v", r)
	}
	sch := &Schema{CollectionName: t.Name()}
	if sch.CollectionName == "" {
		return nil, errors.New("collection name not provided")
	}
	sch.Fields = make([]*Field, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous || !ast.IsExported(f.Name) {
			continue
		}
		tag := f.Tag.Get(MilvusTag)
		if tag == MilvusSkipTagValue {
			continue
		}
		field, err := parseField(f, ParseTagSetting(tag, MilvusTagSep))
		if err != nil {
			return nil, err
		}
		sch.Fields = append(sch.Fields, field)
	}
	return sch, nil
}

// parseField is the schema field of struct field f with tag settings.
func parseField(f reflect.StructField, settings map[string]string) (*Field, error) {
	field := &Field{Name: f.Name}
	_, field.PrimaryKey = settings[MilvusPrimaryKey]
	_, field.AutoID = settings[MilvusAutoID]
	if name, has := settings[MilvusTagName]; has {
		field.Name = name
	}
	ft := f.Type
	if ft.Kind() == reflect.Ptr {
		ft = ft.Elem()
	}
	scalars := map[reflect.Kind]FieldType{
		reflect.Bool: FieldTypeBool, reflect.Int8: FieldTypeInt8, reflect.Int16: FieldTypeInt16,
		reflect.Int32: FieldTypeInt32, reflect.Int64: FieldTypeInt64, reflect.Float32: FieldTypeFloat,
		reflect.Float64: FieldTypeDouble, reflect.String: FieldTypeString,
	}
	if dt, ok := scalars[ft.Kind()]; ok {
		field.DataType = dt
		return field, nil
	}
	switch ft.Kind() {
	case reflect.Array:
		switch ft.Elem().Kind() {
		case reflect.Uint8:
			field.DataType = FieldTypeBinaryVector
			field.TypeParams = map[string]string{TypeParamDim: strconv.Itoa(ft.Len() * 8)}
		case reflect.Float32:
			field.DataType = FieldTypeFloatVector
			field.TypeParams = map[string]string{TypeParamDim: strconv.Itoa(ft.Len())}
		default:
			return nil, fmt.Errorf("field %s is array of %v, which is not supported", f.Name, ft.Elem())
		}
	case reflect.Slice:
		dimStr, has := settings[VectorDimTag]
		if !has {
			return nil, fmt.Errorf("field %s is slice but dim not provided", f.Name)
		}
		dim, err := strconv.ParseInt(dimStr, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("dim value %s is not valid", dimStr)
		}
		if dim < 1 || dim > DimMax {
			return nil, fmt.Errorf("dim value %d is out of range", dim)
		}
		field.TypeParams = map[string]string{TypeParamDim: dimStr}
		switch ft.Elem().Kind() {
		case reflect.Uint8:
			switch settings[VectorTypeTag] {
			case "fp16":
				field.DataType = FieldTypeFloat16Vector
			case "bf16":
				field.DataType = FieldTypeBFloat16Vector
			default:
				field.DataType = FieldTypeBinaryVector
			}
		case reflect.Float32:
			field.DataType = FieldTypeFloatVector
		default:
			return nil, fmt.Errorf("field %s is slice of %v, which is not supported", f.Name, ft.Elem())
		}
	default:
		return nil, fmt.Errorf("field %s is %v, which is not supported", field.Name, ft)
	}
	return field, nil
}

// ParseSchema derives a schema from a struct row (ParseSchemaAny); a non-empty Collection()
// names the collection.
func ParseSchema(r Row) (*Schema, error) {
	schema, err := ParseSchemaAny(r)
	if err != nil {
		return nil, err
	}
	if r.Collection() != "" {
		schema.CollectionName = r.Collection()
	}
	if schema.Description != "" {
		schema.Description = r.Description()
	}
	return schema, nil
}

// ParseTagSetting parses a struct tag into settings: keys upper-cased, `key:value` or a bare
// `key` (whose value is the key); a separator escaped with `\` stays in the value.
func ParseTagSetting(str string, sep string) map[string]string {
	settings := map[string]string{}
	names := strings.Split(str, sep)
	for i := 0; i < len(names); i++ {
		j := i
		if len(names[j]) > 0 {
			for names[j][len(names[j])-1] == '\\' && i+1 < len(names) {
				i++
				names[j] = names[j][0:len(names[j])-1] + sep + names[i]
				names[i] = ""
			}
		}
		values := strings.Split(names[j], ":")
		k := strings.TrimSpace(strings.ToUpper(values[0]))
		if len(values) >= 2 {
			settings[k] = strings.Join(values[1:], ":")
		} else if k != "" {
			settings[k] = k
		}
	}
	return settings
}

// AnyToColumns turns rows (structs, pointers to structs or maps) into one column per field of
// the schema (schemas[0], else parsed from the first row), in schema order: an auto-id key is
// skipped; every other field must be in every row; with the dynamic field enabled, a row's
// other values become its `$meta` JSON object.
func AnyToColumns(rows []interface{}, schemas ...*Schema) ([]Column, error) {
	if len(rows) == 0 {
		return []Column{}, errors.New("0 length column")
	}
	var sch *Schema
	if len(schemas) == 0 {
		var err error
		if sch, err = ParseSchemaAny(rows[0]); err != nil {
			return []Column{}, err
		}
	} else {
		sch = schemas[0]
	}
	var fields []*Field
	var columns []Column
	for _, field := range sch.Fields {
		if (field.PrimaryKey && field.AutoID) || (sch.EnableDynamicField && field.IsDynamic) {
			continue
		}
		col, err := emptyColumn(field, len(rows))
		if err != nil {
			return nil, err
		}
		fields = append(fields, field)
		columns = append(columns, col)
	}
	var dynamic *ColumnJSONBytes
	if sch.EnableDynamicField {
		dynamic = NewColumnJSONBytes("", make([][]byte, 0, len(rows))).WithIsDynamic(true)
	}
	for r, row := range rows {
		set, err := reflectValueCandi(reflect.ValueOf(row))
		if err != nil {
			return nil, err
		}
		for i, field := range fields {
			candi, ok := set[field.Name]
			if !ok {
				return nil, fmt.Errorf("row %d does not has field %s", r, field.Name)
			}
			if err := columns[i].AppendValue(candi.v.Interface()); err != nil {
				return nil, fmt.Errorf("row %d, field %s: %w", r, field.Name, err)
			}
			delete(set, field.Name)
		}
		for _, field := range sch.Fields {
			if field.PrimaryKey && field.AutoID {
				delete(set, field.Name)
			}
		}
		if dynamic != nil {
			m := make(map[string]interface{}, len(set))
			for name, candi := range set {
				m[name] = candi.v.Interface()
			}
			bs, err := json.Marshal(m)
			if err != nil {
				return nil, fmt.Errorf("failed to marshal dynamic field %w", err)
			}
			if err := dynamic.AppendValue(bs); err != nil {
				return nil, fmt.Errorf("failed to append value to dynamic field %w", err)
			}
		}
	}
	if dynamic != nil {
		columns = append(columns, dynamic)
	}
	return columns, nil
}

// emptyColumn is an empty column for field, with room for n rows.
func emptyColumn(field *Field, n int) (Column, error) {
	switch field.DataType {
	case FieldTypeBool:
		return NewColumnBool(field.Name, make([]bool, 0, n)), nil
	case FieldTypeInt8:
		return NewColumnInt8(field.Name, make([]int8, 0, n)), nil
	case FieldTypeInt16:
		return NewColumnInt16(field.Name, make([]int16, 0, n)), nil
	case FieldTypeInt32:
		return NewColumnInt32(field.Name, make([]int32, 0, n)), nil
	case FieldTypeInt64:
		return NewColumnInt64(field.Name, make([]int64, 0, n)), nil
	case FieldTypeFloat:
		return NewColumnFloat(field.Name, make([]float32, 0, n)), nil
	case FieldTypeDouble:
		return NewColumnDouble(field.Name, make([]float64, 0, n)), nil
	case FieldTypeString, FieldTypeVarChar:
		return NewColumnVarChar(field.Name, make([]string, 0, n)), nil
	case FieldTypeJSON:
		return NewColumnJSONBytes(field.Name, make([][]byte, 0, n)), nil
	case FieldTypeFloatVector:
		dim, err := field.GetDim()
		if err != nil {
			return nil, fmt.Errorf("vector field %s: %w", field.Name, err)
		}
		return NewColumnFloatVector(field.Name, int(dim), make([][]float32, 0, n)), nil
	case FieldTypeBinaryVector, FieldTypeFloat16Vector, FieldTypeBFloat16Vector:
		return emptyPackedColumn(field, n)
	default:
		return nil, fmt.Errorf("field %s: rows of type %s are not supported", field.Name, field.DataType)
	}
}

// RowsToColumns is AnyToColumns for Rows.
func RowsToColumns(rows []Row, schemas ...*Schema) ([]Column, error) {
	anys := make([]interface{}, 0, len(rows))
	for _, row := range rows {
		anys = append(anys, row)
	}
	return AnyToColumns(anys, schemas...)
}

type fieldCandi struct {
	name    string
	v       reflect.Value
	options map[string]string
}

// reflectValueCandi returns the values of a row by field name: a map's entries, or a struct's
// fields (named by their tags; embedded structs flattened; arrays as slices).
func reflectValueCandi(v reflect.Value) (map[string]fieldCandi, error) {
	if v.Kind() == reflect.Ptr {
		v = v.Elem()
	}
	result := make(map[string]fieldCandi)
	switch v.Kind() {
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			key := iter.Key().String()
			result[key] = fieldCandi{name: key, v: iter.Value()}
		}
		return result, nil
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			ft := v.Type().Field(i)
			if ft.Anonymous && ft.Type.Kind() == reflect.Struct {
				embedded, err := reflectValueCandi(v.Field(i))
				if err != nil {
					return nil, err
				}
				for key, candi := range embedded {
					if _, dup := result[key]; dup {
						return nil, fmt.Errorf("column has duplicated name: %s when parsing field: %s", key, ft.Name)
					}
					result[key] = candi
				}
				continue
			}
			if !ft.IsExported() {
				continue
			}
			name := ft.Name
			settings := map[string]string{}
			if tag, ok := ft.Tag.Lookup(MilvusTag); ok {
				if tag == MilvusSkipTagValue {
					continue
				}
				settings = ParseTagSetting(tag, MilvusTagSep)
				if fn, has := settings[MilvusTagName]; has {
					name = fn
				}
			}
			if _, dup := result[name]; dup {
				return nil, fmt.Errorf("column has duplicated name: %s when parsing field: %s", name, ft.Name)
			}
			fv := v.Field(i)
			if fv.Kind() == reflect.Array {
				fv = arrayAsSlice(fv)
			}
			result[name] = fieldCandi{name: name, v: fv, options: settings}
		}
		return result, nil
	default:
		return nil, fmt.Errorf("unsupport row type: %s", v.Kind().String())
	}
}

// arrayAsSlice returns a slice of the array v's elements (copied when v is not addressable).
func arrayAsSlice(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return v.Slice(0, v.Len())
	}
	s := reflect.MakeSlice(reflect.SliceOf(v.Type().Elem()), v.Len(), v.Len())
	reflect.Copy(s, v)
	return s
}
