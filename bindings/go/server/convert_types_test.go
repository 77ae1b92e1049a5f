package main

import (
	"bytes"
	"slices"
	"testing"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"

	"github.com/veclite/veclite/bindings/go/entity"
)

// packedFieldData is the field data of a packed vector field v of dim holding data.
func packedFieldData(t schemapb.DataType, dim int64, data []byte) *schemapb.FieldData {
	vf := &schemapb.VectorField{Dim: dim}
	switch t {
	case schemapb.DataType_BinaryVector:
		vf.Data = &schemapb.VectorField_BinaryVector{BinaryVector: data}
	case schemapb.DataType_Float16Vector:
		vf.Data = &schemapb.VectorField_Float16Vector{Float16Vector: data}
	case schemapb.DataType_BFloat16Vector:
		vf.Data = &schemapb.VectorField_Bfloat16Vector{Bfloat16Vector: data}
	default:
		vf.Data = &schemapb.VectorField_Int8Vector{Int8Vector: data}
	}
	return &schemapb.FieldData{FieldName: "v", Type: t, Field: &schemapb.FieldData_Vectors{Vectors: vf}}
}

func TestPackedVectorsConvertBothWays(t *testing.T) {
	data := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	for _, c := range []struct {
		typ  schemapb.DataType
		dim  int64
		rows int
	}{
		{schemapb.DataType_BinaryVector, 16, 6},
		{schemapb.DataType_Float16Vector, 2, 3},
		{schemapb.DataType_BFloat16Vector, 3, 2},
		{schemapb.DataType_Int8Vector, 4, 3},
	} {
		col, err := columnFromProto(packedFieldData(c.typ, c.dim, data))
		if err != nil {
			t.Fatal(c.typ, err)
		}
		if col.Len() != c.rows || col.Type() != entity.FieldType(c.typ) {
			t.Fatalf("%s: %d rows of %s, want %d", c.typ, col.Len(), col.Type(), c.rows)
		}
		// Two result sets (two queries of a search) append end to end.
		out, err := fieldsToProto([]entity.Column{col.Slice(0, 1)}, []entity.Column{col.Slice(1, -1)})
		if err != nil {
			t.Fatal(c.typ, err)
		}
		back := out[0]
		if back.GetType() != c.typ || back.GetVectors().GetDim() != c.dim {
			t.Fatalf("%s: back as %s dim %d", c.typ, back.GetType(), back.GetVectors().GetDim())
		}
		_, rows, _ := packedRows(mustColumn(t, back))
		if round := bytes.Join(rows, nil); !bytes.Equal(round, data) {
			t.Fatalf("%s: bytes %v, want %v", c.typ, round, data)
		}
		// A byte count that is not whole rows is refused, naming the field.
		if _, err := columnFromProto(packedFieldData(c.typ, c.dim, data[:len(data)-1])); err == nil {
			t.Fatalf("%s: %d bytes accepted", c.typ, len(data)-1)
		}
	}
}

func mustColumn(t *testing.T, fd *schemapb.FieldData) entity.Column {
	t.Helper()
	col, err := columnFromProto(fd)
	if err != nil {
		t.Fatal(err)
	}
	return col
}

func TestPackedPlaceholders(t *testing.T) {
	for typ, want := range map[commonpb.PlaceholderType]entity.FieldType{
		commonpb.PlaceholderType_BinaryVector:   entity.FieldTypeBinaryVector,
		commonpb.PlaceholderType_Float16Vector:  entity.FieldTypeFloat16Vector,
		commonpb.PlaceholderType_BFloat16Vector: entity.FieldTypeBFloat16Vector,
		commonpb.PlaceholderType_Int8Vector:     entity.FieldTypeInt8Vector,
	} {
		vs, st, ok := packedQueryVectors(&commonpb.PlaceholderValue{Type: typ, Values: [][]byte{{1, 2}, {3, 4}}})
		if !ok || st != nil || len(vs) != 2 || vs[1].FieldType() != want || !bytes.Equal(vs[1].Serialize(), []byte{3, 4}) {
			t.Fatalf("%s: %v %v %v", typ, vs, st, ok)
		}
	}
	if _, st, _ := packedQueryVectors(&commonpb.PlaceholderValue{Type: commonpb.PlaceholderType_Float16Vector, Values: [][]byte{{1}}}); st == nil {
		t.Fatal("an odd float16 byte count was accepted")
	}
	if _, _, ok := packedQueryVectors(&commonpb.PlaceholderValue{Type: commonpb.PlaceholderType_SparseFloatVector}); ok {
		t.Fatal("sparse placeholders taken as packed")
	}
}

func TestNullableFieldData(t *testing.T) {
	// pymilvus's layout: one value per valid row.
	fd := &schemapb.FieldData{FieldName: "n", Type: schemapb.DataType_Int64, ValidData: []bool{true, false, true},
		Field: &schemapb.FieldData_Scalars{Scalars: &schemapb.ScalarField{
			Data: &schemapb.ScalarField_LongData{LongData: &schemapb.LongArray{Data: []int64{7, 9}}}}}}
	col, err := columnFromProto(fd)
	if err != nil {
		t.Fatal(err)
	}
	n, ok := col.(*entity.ColumnNullable)
	if !ok || !slices.Equal(n.Values.(*entity.ColumnInt64).Data(), []int64{7, 0, 9}) {
		t.Fatalf("column %#v", col)
	}
	// Out: one value per row with valid_data, also when only a later set has nulls.
	plain := entity.NewColumnInt64("n", []int64{5})
	out, err := fieldsToProto([]entity.Column{plain}, []entity.Column{col})
	if err != nil {
		t.Fatal(err)
	}
	if got := out[0]; !slices.Equal(got.GetScalars().GetLongData().GetData(), []int64{5, 7, 0, 9}) ||
		!slices.Equal(got.GetValidData(), []bool{true, true, false, true}) {
		t.Fatalf("field data %v", got)
	}
	// Neither layout: refused, naming the field.
	fd.ValidData = []bool{true, true, true, false, false}
	if _, err := columnFromProto(fd); err == nil {
		t.Fatal("2 values for 5 rows, 3 valid: accepted")
	}
}

func TestDefaultValuesConvertBothWays(t *testing.T) {
	for _, v := range []*schemapb.ValueField{
		{Data: &schemapb.ValueField_BoolData{BoolData: true}},
		{Data: &schemapb.ValueField_IntData{IntData: 3}},
		{Data: &schemapb.ValueField_LongData{LongData: 1 << 40}},
		{Data: &schemapb.ValueField_FloatData{FloatData: 1.5}},
		{Data: &schemapb.ValueField_DoubleData{DoubleData: 2.5}},
		{Data: &schemapb.ValueField_StringData{StringData: "x"}},
	} {
		def, err := defaultFromProto(&schemapb.FieldSchema{Name: "f", DefaultValue: v})
		if err != nil {
			t.Fatal(err)
		}
		back := defaultToProto(&entity.Field{DefaultValue: def})
		if back.String() != v.String() {
			t.Fatalf("%v came back as %v", v, back)
		}
	}
	if _, err := defaultFromProto(&schemapb.FieldSchema{Name: "f", DefaultValue: &schemapb.ValueField{
		Data: &schemapb.ValueField_BytesData{BytesData: []byte("b")}}}); err == nil {
		t.Fatal("a bytes default was accepted")
	}
}
