package entity

import (
	"testing"
)

func TestColumns(t *testing.T) {
	c := NewColumnInt64("ID", []int64{1, 2, 3})
	if c.Name() != "ID" || c.Type() != FieldTypeInt64 || c.Len() != 3 {
		t.Fatal(c)
	}
	if err := c.AppendValue(int64(4)); err != nil || c.Len() != 4 {
		t.Fatal(err)
	}
	if err := c.AppendValue("x"); err == nil {
		t.Fatal("string appended to Int64 column")
	}
	s := c.Slice(1, -1).(*ColumnInt64)
	if s.Len() != 3 || s.Data()[0] != 2 {
		t.Fatal(s.Data())
	}
	if _, err := c.ValueByIdx(9); err == nil || err.Error() != "index out of range" {
		t.Fatal(err)
	}
	if v, err := c.Get(0); err != nil || v.(int64) != 1 {
		t.Fatal(v, err)
	}
	if _, err := c.GetAsString(0); err == nil {
		t.Fatal("int64 column converted to string")
	}
	i8 := NewColumnInt8("a", []int8{-3})
	if v, err := i8.GetAsInt64(0); err != nil || v != -3 {
		t.Fatal(v, err)
	}
	f := NewColumnFloat("f", []float32{1.5})
	if v, err := f.GetAsDouble(0); err != nil || v != 1.5 {
		t.Fatal(v, err)
	}
	b := NewColumnBool("b", []bool{true})
	if v, err := b.GetAsBool(0); err != nil || !v {
		t.Fatal(v, err)
	}
	vc := NewColumnVarChar("s", []string{"x", "y"})
	if v, err := vc.GetAsString(1); err != nil || v != "y" {
		t.Fatal(v, err)
	}
	fv := NewColumnFloatVector("v", 2, [][]float32{{1, 2}})
	if err := fv.AppendValue([]float32{3, 4}); err != nil || fv.Len() != 2 || fv.Dim() != 2 {
		t.Fatal(err)
	}
	if row, _ := fv.ValueByIdx(1); row[1] != 4 {
		t.Fatal(row)
	}
	if _, err := fv.GetAsDouble(0); err == nil {
		t.Fatal("vector converted to double")
	}
	if got := FloatVector([]float32{1}).Serialize(); len(got) != 4 || got[3] != 0x3f {
		t.Fatal(got)
	}
}

func TestSchemaBuilders(t *testing.T) {
	s := NewSchema().WithName("c").WithDescription("d").WithAutoID(true).
		WithField(NewField().WithName("id").WithDataType(FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(NewField().WithName("t").WithDataType(FieldTypeVarChar).WithMaxLength(10)).
		WithField(NewField().WithName("v").WithDataType(FieldTypeFloatVector).WithDim(8))
	if s.PKFieldName() != "id" || s.Fields[1].TypeParams[TypeParamMaxLength] != "10" ||
		s.Fields[2].TypeParams[TypeParamDim] != "8" || !s.AutoID || s.Description != "d" {
		t.Fatalf("%+v", s)
	}
	if d, err := s.Fields[2].GetDim(); err != nil || d != 8 {
		t.Fatal(d, err)
	}
	if FieldTypeFloatVector != 101 || FieldTypeVarChar != 21 || FieldTypeDouble != 11 || ClBounded != 2 {
		t.Fatal("constants differ from Milvus")
	}
	idx, _ := NewIndexFlat(L2)
	if idx.Params()["metric_type"] != "L2" || idx.IndexType() != Flat {
		t.Fatal(idx.Params())
	}
	if _, err := NewIndexHNSW(L2, 2, 100); err == nil {
		t.Fatal("M=2 accepted")
	}
}
