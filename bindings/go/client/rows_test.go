package client_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// film is a row type in the style of the SDK's examples: RowBase, tags, a fixed-size vector.
type film struct {
	entity.RowBase
	ID     int64      `milvus:"name:film_id;primary_key"`
	Year   int32      `milvus:"name:year"`
	Vector [4]float32 `milvus:"name:vec"`
	Note   string     `milvus:"-"`
	hidden int
}

func (film) Collection() string { return "films" }

// The SDK makes string fields FieldTypeString, which Milvus refuses; a VarChar field needs a
// schema (CreateCollection) and then takes strings from rows.
type book struct {
	ID    int64     `milvus:"primary_key;auto_id"`
	Title string    `milvus:"name:title"`
	Emb   []float32 `milvus:"name:emb;dim:2"`
}

type noDim struct{ V []float32 }
type zeroDim struct {
	V []float32 `milvus:"dim:0"`
}
type withMap struct{ M map[string]int }

func TestParseSchemaFromTags(t *testing.T) {
	sch, err := entity.ParseSchema(&film{})
	if err != nil {
		t.Fatal(err)
	}
	if sch.CollectionName != "films" || len(sch.Fields) != 3 {
		t.Fatalf("schema %+v", sch)
	}
	id, year, vec := sch.Fields[0], sch.Fields[1], sch.Fields[2]
	if id.Name != "film_id" || !id.PrimaryKey || id.AutoID || id.DataType != entity.FieldTypeInt64 {
		t.Fatalf("id field %+v", id)
	}
	if year.Name != "year" || year.DataType != entity.FieldTypeInt32 {
		t.Fatalf("year field %+v", year)
	}
	if vec.Name != "vec" || vec.DataType != entity.FieldTypeFloatVector || vec.TypeParams[entity.TypeParamDim] != "4" {
		t.Fatalf("vector field %+v", vec)
	}
	sch, err = entity.ParseSchemaAny(book{})
	if err != nil {
		t.Fatal(err)
	}
	if sch.CollectionName != "book" || !sch.Fields[0].AutoID || sch.Fields[1].DataType != entity.FieldTypeString ||
		sch.Fields[2].TypeParams[entity.TypeParamDim] != "2" {
		t.Fatalf("book schema %+v %+v %+v", sch.Fields[0], sch.Fields[1], sch.Fields[2])
	}
	settings := entity.ParseTagSetting(`name:a\;b;primary_key; dim:8`, entity.MilvusTagSep)
	if settings["NAME"] != "a;b" || settings["PRIMARY_KEY"] != "PRIMARY_KEY" || settings["DIM"] != "8" {
		t.Fatalf("tag settings %v", settings)
	}
	bad := []struct {
		row  interface{}
		want string
	}{
		{entity.MapRow{}, "map row is not supported"},
		{noDim{}, "dim not provided"},
		{zeroDim{}, "out of range"},
		{withMap{}, "not supported"},
		{struct{ ID int64 }{}, "collection name not provided"},
		{42, "unsupported data type"},
	}
	for _, b := range bad {
		if _, err := entity.ParseSchemaAny(b.row); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("ParseSchemaAny(%T): %v, want %q", b.row, err, b.want)
		}
	}
}

func TestCreateCollectionByRowAndInsertRows(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	if err := c.CreateCollectionByRow(ctx, &film{}, 1); err != nil {
		t.Fatal(err)
	}
	err := c.CreateCollectionByRow(ctx, &film{}, 1)
	if !errors.Is(err, client.ErrAlreadyExists) || !strings.Contains(err.Error(), "films") {
		t.Fatalf("second CreateCollectionByRow: %v", err)
	}
	rows := []interface{}{
		&film{ID: 1, Year: 1999, Vector: [4]float32{1, 0, 0, 0}, Note: "skipped"},
		film{ID: 2, Year: 2001, Vector: [4]float32{0, 1, 0, 0}}, // by value: the array is copied
		entity.MapRow{"film_id": int64(3), "year": int32(2010), "vec": []float32{0, 0, 1, 0}},
	}
	ids, err := c.InsertRows(ctx, "films", "", rows)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids.(*entity.ColumnInt64).Data(); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("InsertRows ids %v", got)
	}
	ids, err = c.InsertByRows(ctx, "films", "", []entity.Row{&film{ID: 4, Year: 2020, Vector: [4]float32{0, 0, 0, 1}}})
	if err != nil || ids.Len() != 1 {
		t.Fatalf("InsertByRows: %v, %v", ids, err)
	}
	rs, err := c.Query(ctx, "films", nil, "year >= 2001", []string{"year", "vec"})
	if err != nil {
		t.Fatal(err)
	}
	years := rs.GetColumn("year").(*entity.ColumnInt32).Data()
	slices.Sort(years)
	if !slices.Equal(years, []int32{2001, 2010, 2020}) {
		t.Fatalf("years %v", years)
	}

	// Errors name the row and field.
	_, err = c.InsertRows(ctx, "films", "", []interface{}{entity.MapRow{"film_id": int64(5), "vec": []float32{1, 1, 1, 1}}})
	if !errors.Is(err, client.ErrInvalidArgument) || !strings.Contains(err.Error(), "row 0 does not has field year") {
		t.Fatalf("missing field: %v", err)
	}
	_, err = c.InsertRows(ctx, "films", "", []interface{}{entity.MapRow{"film_id": "x", "year": int32(1), "vec": []float32{1, 1, 1, 1}}})
	if !errors.Is(err, client.ErrInvalidArgument) || !strings.Contains(err.Error(), "field film_id") {
		t.Fatalf("wrong type: %v", err)
	}
	if _, err := c.InsertRows(ctx, "films", "", nil); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("no rows: %v", err)
	}
	if _, err := c.InsertRows(ctx, "missing", "", rows); !errors.Is(err, client.ErrCollectionNotExists{}) {
		t.Fatalf("missing collection: %v", err)
	}
	// A String field, as the SDK derives it, is refused as Milvus refuses it.
	if err := c.CreateCollectionByRow(ctx, entity.MapRow{}, 1); err == nil {
		t.Fatal("CreateCollectionByRow(MapRow) must fail")
	}
}

func TestInsertRowsAutoIDVarCharAndDynamic(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	schema := entity.NewSchema().WithName("books").WithDynamicFieldEnabled(true).
		WithField(entity.NewField().WithName("ID").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true).WithIsAutoID(true)).
		WithField(entity.NewField().WithName("title").WithDataType(entity.FieldTypeVarChar).WithMaxLength(64)).
		WithField(entity.NewField().WithName("emb").WithDataType(entity.FieldTypeFloatVector).WithDim(2))
	if err := c.CreateCollection(ctx, schema, 1); err != nil {
		t.Fatal(err)
	}
	rows := []interface{}{
		book{Title: "Dune", Emb: []float32{1, 0}},
		entity.MapRow{"title": "Emma", "emb": []float32{0, 1}, "pages": 474},
	}
	ids, err := c.InsertRows(ctx, "books", "", rows)
	if err != nil {
		t.Fatal(err)
	}
	if ids.Len() != 2 {
		t.Fatalf("%d generated keys", ids.Len())
	}
	rs, err := c.Query(ctx, "books", nil, "pages == 474", []string{"title"})
	if err != nil {
		t.Fatal(err)
	}
	if titles := rs.GetColumn("title").(*entity.ColumnVarChar).Data(); !slices.Equal(titles, []string{"Emma"}) {
		t.Fatalf("dynamic key filter: %v", titles)
	}
}
