package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// dynSchema: id Int64 PK, doc nullable JSON, v FloatVector(2); dynamic fields as given.
func dynSchema(name string, dynamic bool) *entity.Schema {
	return entity.NewSchema().WithName(name).WithDynamicFieldEnabled(dynamic).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("doc").WithDataType(entity.FieldTypeJSON).WithNullable(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2))
}

func dynBase(ids ...int64) []entity.Column {
	vecs := make([][]float32, len(ids))
	for i, id := range ids {
		vecs[i] = []float32{float32(id), 1}
	}
	return []entity.Column{entity.NewColumnInt64("id", ids), entity.NewColumnFloatVector("v", 2, vecs)}
}

func TestDynamicFields(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	if err := c.CreateCollection(ctx, dynSchema("d", true), 1); err != nil {
		t.Fatal(err)
	}
	coll, err := c.DescribeCollection(ctx, "d")
	if err != nil {
		t.Fatal(err)
	}
	last := coll.Schema.Fields[len(coll.Schema.Fields)-1]
	if !coll.Schema.EnableDynamicField || last.Name != "$meta" || !last.IsDynamic || last.DataType != entity.FieldTypeJSON {
		t.Fatalf("describe: %+v, last field %+v", coll.Schema, last)
	}
	// The described schema (with `$meta`) creates an equal collection.
	coll.Schema.CollectionName = "d2"
	if err := c.CreateCollection(ctx, coll.Schema, 1); err != nil {
		t.Fatal(err)
	}
	if d2, _ := c.DescribeCollection(ctx, "d2"); len(d2.Schema.Fields) != 4 || !d2.Schema.EnableDynamicField {
		t.Fatalf("round trip: %+v", d2.Schema)
	}

	cols := append(dynBase(1, 2, 3),
		entity.NewColumnJSONBytes("doc", [][]byte{[]byte(`{"k": 1}`), []byte(`{"k": 2}`), []byte(`[3]`)}),
		entity.NewColumnInt64("a", []int64{10, 20, 30}),
		entity.NewColumnVarChar("tag", []string{"x", "y", "x"}))
	if _, err := c.Insert(ctx, "d", "", cols...); err != nil {
		t.Fatal(err)
	}
	// Upsert replaces the whole row, `$meta` included.
	up := append(dynBase(3), entity.NewColumnBool("flag", []bool{true}))
	if _, err := c.Upsert(ctx, "d", "", up...); err != nil {
		t.Fatal(err)
	}

	rs, err := c.Query(ctx, "d", nil, `a >= 10 and tag == "x"`, []string{"a", "tag", "doc"})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(rs); got != "id,doc,a,tag" {
		t.Fatalf("columns %s", got)
	}
	if a, _ := rs.GetColumn("a").GetAsInt64(0); rs.Len() != 1 || a != 10 {
		t.Fatalf("a = %d, rows %d", a, rs.Len())
	}
	if _, err := rs.GetColumn("a").GetAsString(0); err == nil {
		t.Fatal("a is a number")
	}
	doc := rs.GetColumn("doc").(*entity.ColumnNullable).Values.(*entity.ColumnJSONBytes) // doc is nullable
	if string(doc.Data()[0]) != `{"k": 1}` || doc.IsDynamic() {
		t.Fatalf("doc %q", doc.Data()[0])
	}
	// "*" returns `$meta` whole; a missing key reads as nil.
	rs, err = c.Query(ctx, "d", nil, `doc["k"] in [2] or flag`, []string{"*", "tag"})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(rs); got != "id,doc,v,$meta,tag" {
		t.Fatalf("columns %s", got)
	}
	meta := rs.GetColumn("$meta").(*entity.ColumnJSONBytes)
	if !meta.IsDynamic() || string(meta.Data()[0]) != `{"a":20,"tag":"y"}` || string(meta.Data()[1]) != `{"flag":true}` {
		t.Fatalf("$meta %q", meta.Data())
	}
	if v, err := rs.GetColumn("tag").Get(1); v != nil || err != nil {
		t.Fatalf("missing key: %v %v", v, err)
	}
	got, err := c.Get(ctx, "d", entity.NewColumnInt64("id", []int64{3}), client.GetWithOutputFields("flag"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := got.GetColumn("flag").GetAsBool(0); !b || names(got) != "id,flag" {
		t.Fatalf("get: %s", names(got))
	}
	// `!=` matches rows lacking the key, as in Milvus.
	if n, _ := c.Count(ctx, "d", "a != 10"); n != 2 {
		t.Fatalf("a != 10 counts %d", n)
	}

	// Errors: no dynamic fields, invalid JSON, `$meta` not an object; nothing written.
	extra := append(dynBase(9), entity.NewColumnInt64("a", []int64{1}))
	if err := c.CreateCollection(ctx, dynSchema("s", false), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Insert(ctx, "s", "", extra...); !errors.Is(err, client.ErrNotFound) ||
		!strings.Contains(err.Error(), "dynamic fields are not enabled") {
		t.Fatalf("static: %v", err)
	}
	bad := append(dynBase(9), entity.NewColumnJSONBytes("doc", [][]byte{[]byte(`{"k":`)}))
	if _, err := c.Insert(ctx, "d", "", bad...); err == nil || !strings.Contains(err.Error(), "field `doc` row 0: invalid JSON") {
		t.Fatalf("invalid JSON: %v", err)
	}
	notObj := append(dynBase(9), entity.NewColumnJSONBytes("", [][]byte{[]byte(`[1]`)}).WithIsDynamic(true))
	if _, err := c.Insert(ctx, "d", "", notObj...); err == nil || !strings.Contains(err.Error(), "must be a JSON object") {
		t.Fatalf("not an object: %v", err)
	}
	if n, _ := c.Count(ctx, "d", ""); n != 3 {
		t.Fatalf("count %d", n)
	}
	if _, err := c.Query(ctx, "s", nil, "a == 1", nil); err == nil || !strings.Contains(err.Error(), "field `a` does not exist") {
		t.Fatalf("static filter: %v", err)
	}
}

func TestNewCollectionHasDynamicFields(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	if err := c.NewCollection(ctx, "quick", 2); err != nil {
		t.Fatal(err)
	}
	cols := []entity.Column{
		entity.NewColumnInt64("id", []int64{1}),
		entity.NewColumnFloatVector("vector", 2, [][]float32{{1, 0}}),
		entity.NewColumnDouble("score", []float64{0.5}),
	}
	if _, err := c.Insert(ctx, "quick", "", cols...); err != nil {
		t.Fatal(err)
	}
	rs, err := c.Query(ctx, "quick", nil, "score > 0.25", []string{"score"})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := rs.GetColumn("score").GetAsDouble(0); s != 0.5 {
		t.Fatalf("score %v", s)
	}
	if err := c.NewCollection(ctx, "plain", 2, client.WithEnableDynamicSchema(false)); err != nil {
		t.Fatal(err)
	}
	if coll, _ := c.DescribeCollection(ctx, "plain"); coll.Schema.EnableDynamicField || len(coll.Schema.Fields) != 2 {
		t.Fatalf("plain: %+v", coll.Schema)
	}
}

func names(rs client.ResultSet) string {
	out := make([]string, len(rs))
	for i, c := range rs {
		out[i] = c.Name()
	}
	return strings.Join(out, ",")
}
