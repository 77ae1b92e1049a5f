package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// PartialUpsert keeps the fields a batch leaves out, merges dynamic keys, refuses a new key
// without its required fields (writing nothing) and reports exact counts.
func TestPartialUpsert(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	if err := c.CreateCollection(ctx, dynSchema("p", true), 1); err != nil {
		t.Fatal(err)
	}
	cols := append(dynBase(1, 2),
		entity.NewColumnJSONBytes("doc", [][]byte{[]byte(`{"k": 1}`), []byte(`{"k": 2}`)}),
		entity.NewColumnInt64("b", []int64{10, 20}))
	if _, err := c.Insert(ctx, "p", "", cols...); err != nil {
		t.Fatal(err)
	}
	r, err := c.PartialUpsert(ctx, "p", "", entity.NewColumnInt64("id", []int64{1}),
		entity.NewColumnVarChar("g", []string{"new"}))
	if err != nil {
		t.Fatal(err)
	}
	if r.UpsertCount != 1 || r.DeleteCount != 1 {
		t.Fatalf("result %+v", r)
	}
	rs, err := c.Query(ctx, "p", nil, "id == 1", []string{"doc", "v", "b", "g"})
	if err != nil {
		t.Fatal(err)
	}
	doc := rs.GetColumn("doc").(*entity.ColumnNullable).Values.(*entity.ColumnJSONBytes) // doc is nullable
	b, _ := rs.GetColumn("b").GetAsInt64(0)
	g, _ := rs.GetColumn("g").GetAsString(0)
	v := rs.GetColumn("v").(*entity.ColumnFloatVector).Data()[0]
	if rs.Len() != 1 || string(doc.Data()[0]) != `{"k": 1}` || b != 10 || g != "new" || v[0] != 1 || v[1] != 1 {
		t.Fatalf("row 1 after the partial update: doc %q b %d g %q v %v", doc.Data()[0], b, g, v)
	}

	_, err = c.PartialUpsert(ctx, "p", "", entity.NewColumnInt64("id", []int64{2, 3}),
		entity.NewColumnInt64("b", []int64{0, 0}))
	if !errors.Is(err, client.ErrMissingField) || !strings.Contains(err.Error(), "row 1") ||
		!strings.Contains(err.Error(), "`v`") {
		t.Fatalf("new key without v: %v", err)
	}
	rs, err = c.Query(ctx, "p", nil, "id == 2", []string{"b"})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := rs.GetColumn("b").GetAsInt64(0); b != 20 {
		t.Fatalf("nothing may be written on error: b = %d", b)
	}
}
