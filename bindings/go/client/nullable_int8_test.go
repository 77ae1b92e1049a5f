package client_test

// Int8Vector fields, nullable fields and default values through the Go package (veclite
// additions with the newer Go SDK's names).

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

func openTemp(t *testing.T) client.Client {
	t.Helper()
	c, err := client.NewClient(context.Background(), client.Config{Address: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestInt8VectorRoundTrip(t *testing.T) {
	ctx := context.Background()
	c := openTemp(t)
	schema := entity.NewSchema().WithName("i8").
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeInt8Vector).WithDim(4))
	if err := c.CreateCollection(ctx, schema, 1); err != nil {
		t.Fatal(err)
	}
	desc, err := c.DescribeCollection(ctx, "i8")
	if err != nil {
		t.Fatal(err)
	}
	if f := desc.Schema.Fields[1]; f.DataType != entity.FieldTypeInt8Vector || f.TypeParams[entity.TypeParamDim] != "4" ||
		f.DataType.Name() != "Int8Vector" {
		t.Fatalf("described field %+v", f)
	}
	rows := [][]int8{{1, 2, 3, 4}, {-1, -2, -3, -4}, {100, 0, -100, 5}}
	if _, err := c.Insert(ctx, "i8", "", entity.NewColumnInt64("id", []int64{0, 1, 2}), entity.NewColumnInt8Vector("v", 4, rows)); err != nil {
		t.Fatal(err)
	}
	rs, err := c.Query(ctx, "i8", nil, "id >= 0", []string{"v"})
	if err != nil {
		t.Fatal(err)
	}
	got := rs.GetColumn("v").(*entity.ColumnInt8Vector)
	ids := rs.GetColumn("id").(*entity.ColumnInt64).Data()
	for i, id := range ids {
		if !slices.Equal(got.Data()[i], rows[id]) {
			t.Fatalf("row %d = %v, want %v", id, got.Data()[i], rows[id])
		}
	}
	for _, mt := range []entity.MetricType{entity.L2, entity.IP, entity.COSINE} {
		res, err := c.Search(ctx, "i8", nil, "", []string{"v"}, []entity.Vector{entity.Int8Vector(rows[2])}, "v", mt, 2, nil)
		if err != nil {
			t.Fatal(mt, err)
		}
		top, _ := res[0].IDs.(*entity.ColumnInt64).ValueByIdx(0)
		if res[0].ResultCount != 2 || top != 2 {
			t.Fatalf("%s: %d hits, top %d", mt, res[0].ResultCount, top)
		}
	}
	// A ragged row is refused before anything is written, naming the row.
	_, err = c.Insert(ctx, "i8", "", entity.NewColumnInt64("id", []int64{9}), entity.NewColumnInt8Vector("v", 4, [][]int8{{1}}))
	if err == nil || !strings.Contains(err.Error(), "row 0") {
		t.Fatalf("ragged row: %v", err)
	}
}

func TestNullableColumnsAndDefaultValues(t *testing.T) {
	ctx := context.Background()
	c := openTemp(t)
	schema := entity.NewSchema().WithName("nd").
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2)).
		WithField(entity.NewField().WithName("note").WithDataType(entity.FieldTypeVarChar).WithMaxLength(8).WithNullable(true)).
		WithField(entity.NewField().WithName("score").WithDataType(entity.FieldTypeDouble).WithNullable(true)).
		WithField(entity.NewField().WithName("copies").WithDataType(entity.FieldTypeInt32).WithDefaultValueInt(3)).
		WithField(entity.NewField().WithName("label").WithDataType(entity.FieldTypeVarChar).WithMaxLength(8).
			WithDefaultValueString("none")).
		WithField(entity.NewField().WithName("tags").WithDataType(entity.FieldTypeArray).WithElementType(entity.FieldTypeInt64).
			WithMaxCapacity(4).WithNullable(true))
	if err := c.CreateCollection(ctx, schema, 1); err != nil {
		t.Fatal(err)
	}
	desc, err := c.DescribeCollection(ctx, "nd")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*entity.Field{}
	for _, f := range desc.Schema.Fields {
		byName[f.Name] = f
	}
	if !byName["note"].Nullable || byName["copies"].DefaultValue != int32(3) || byName["label"].DefaultValue != "none" ||
		byName["score"].DefaultValue != nil {
		t.Fatalf("described fields: note %+v copies %+v label %+v", byName["note"], byName["copies"], byName["label"])
	}
	valid := []bool{true, false, false}
	// note: one value per row; score: one value per valid row (the compact layout).
	note, err := entity.NewNullableColumn(entity.NewColumnVarChar("note", []string{"a", "", "ignored"}), valid)
	if err != nil {
		t.Fatal(err)
	}
	score, err := entity.NewNullableColumn(entity.NewColumnDouble("score", []float64{1.5}), valid)
	if err != nil {
		t.Fatal(err)
	}
	copies, err := entity.NewNullableColumn(entity.NewColumnInt32("copies", []int32{7, 0, 0}), valid)
	if err != nil {
		t.Fatal(err)
	}
	tags, err := entity.NewNullableColumn(entity.NewColumnInt64Array("tags", [][]int64{{4, 5}}), valid)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Insert(ctx, "nd", "", entity.NewColumnInt64("id", []int64{1, 2, 3}),
		entity.NewColumnFloatVector("v", 2, [][]float32{{1, 0}, {0, 1}, {1, 1}}), note, score, copies, tags)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := c.Query(ctx, "nd", nil, "id > 0", []string{"note", "score", "copies", "label", "tags"})
	if err != nil {
		t.Fatal(err)
	}
	ids := rs.GetColumn("id").(*entity.ColumnInt64).Data()
	gotNote, ok := rs.GetColumn("note").(*entity.ColumnNullable)
	if !ok {
		t.Fatalf("note column is a %T, want *entity.ColumnNullable", rs.GetColumn("note"))
	}
	for i, id := range ids {
		v, _ := gotNote.Get(i)
		s, _ := rs.GetColumn("score").Get(i)
		cp, _ := rs.GetColumn("copies").Get(i)
		lb, _ := rs.GetColumn("label").Get(i)
		tg, _ := rs.GetColumn("tags").Get(i)
		if (id == 1) != (tg != nil) || (id == 1 && !slices.Equal(tg.([]int64), []int64{4, 5})) {
			t.Fatalf("row %d: tags %v", id, tg)
		}
		null, _ := gotNote.IsNull(i)
		if id == 1 && (v != "a" || s != 1.5 || cp != int32(7) || null) {
			t.Fatalf("row 1: %v %v %v", v, s, cp)
		}
		if id != 1 && (v != nil || s != nil || cp != int32(3) || !null) {
			t.Fatalf("row %d: note %v score %v copies %v, want nil nil 3", id, v, s, cp)
		}
		if lb != "none" {
			t.Fatalf("row %d: label %v, want the default", id, lb)
		}
	}
	// A nullable column whose values fit neither layout is refused.
	if _, err := entity.NewNullableColumn(entity.NewColumnDouble("score", []float64{1, 2}), valid); err == nil {
		t.Fatal("2 values for 3 rows, 1 valid: accepted")
	}
	// A default that does not fit the field type is refused by CreateCollection, naming the field.
	bad := entity.NewSchema().WithName("bad").
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2)).
		WithField(entity.NewField().WithName("small").WithDataType(entity.FieldTypeInt8).WithDefaultValueInt(300))
	if err := c.CreateCollection(ctx, bad, 1); err == nil || !strings.Contains(err.Error(), "small") {
		t.Fatalf("default 300 for an Int8 field: %v", err)
	}
}
