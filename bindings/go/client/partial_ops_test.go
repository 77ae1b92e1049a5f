package client_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// tagsOf returns the tags array of every row of "t", by ID.
func tagsOf(t *testing.T, c *client.EmbeddedClient) map[int64][]int64 {
	t.Helper()
	rs, err := c.Query(context.Background(), "t", nil, "ID >= 0", []string{"tags"})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64][]int64{}
	tags := rs.GetColumn("tags").(*entity.ColumnInt64Array).Data()
	for i := 0; i < rs.Len(); i++ {
		id, _ := rs.GetColumn("ID").GetAsInt64(i)
		out[id] = tags[i]
	}
	return out
}

// PartialUpsertWithOps appends and removes array elements against the live rows, keeps the
// fields not given, and refuses an append past max_capacity, writing nothing.
func TestPartialUpsertWithOps(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	schema := seedSchema("t").WithField(entity.NewField().WithName("tags").WithDataType(entity.FieldTypeArray).
		WithElementType(entity.FieldTypeInt64).WithMaxCapacity(4))
	if err := c.CreateCollection(ctx, schema, 1); err != nil {
		t.Fatal(err)
	}
	cols := append(seedColumns(1, 2, 0), entity.NewColumnInt64Array("tags", [][]int64{{1, 2}, {5}}))
	if _, err := c.Insert(ctx, "t", "", cols...); err != nil {
		t.Fatal(err)
	}
	r, err := c.PartialUpsertWithOps(ctx, "t", "", []client.FieldPartialOp{client.ArrayAppend("tags")},
		entity.NewColumnInt64("ID", []int64{1, 2}), entity.NewColumnInt64Array("tags", [][]int64{{3}, {5, 6}}))
	if err != nil || r.UpsertCount != 2 {
		t.Fatalf("append: %+v %v", r, err)
	}
	if got := tagsOf(t, c); !reflect.DeepEqual(got, map[int64][]int64{1: {1, 2, 3}, 2: {5, 5, 6}}) {
		t.Fatalf("after append: %v", got)
	}
	if _, err := c.PartialUpsertWithOps(ctx, "t", "", []client.FieldPartialOp{client.ArrayRemove("tags")},
		entity.NewColumnInt64("ID", []int64{2}), entity.NewColumnInt64Array("tags", [][]int64{{5}})); err != nil {
		t.Fatal(err)
	}
	_, err = c.PartialUpsertWithOps(ctx, "t", "", []client.FieldPartialOp{client.ArrayAppend("tags")},
		entity.NewColumnInt64("ID", []int64{2, 1}), entity.NewColumnInt64Array("tags", [][]int64{{7}, {8, 9}}))
	if !errors.Is(err, client.ErrInvalidValue) || !strings.Contains(err.Error(), "max_capacity 4") ||
		!strings.Contains(err.Error(), "row 1") {
		t.Fatalf("append past max_capacity: %v", err)
	}
	_, err = c.PartialUpsertWithOps(ctx, "t", "", []client.FieldPartialOp{{Field: "tags", Op: 9}},
		entity.NewColumnInt64("ID", []int64{1}), entity.NewColumnInt64Array("tags", [][]int64{{1}}))
	if !errors.Is(err, client.ErrInvalidArgument) || !strings.Contains(err.Error(), "unknown field operation 9") {
		t.Fatalf("unknown op: %v", err)
	}
	if got := tagsOf(t, c); !reflect.DeepEqual(got, map[int64][]int64{1: {1, 2, 3}, 2: {6}}) {
		t.Fatalf("after remove and refused calls: %v", got)
	}
	rs, err := c.Query(ctx, "t", nil, "ID == 1", []string{"random"})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := rs.GetColumn("random").GetAsDouble(0); v != 0.1 {
		t.Fatalf("kept field random = %v", v)
	}
}

// WithIgnoreGrowing leaves out rows not sealed yet; Query refuses it.
func TestSearchIgnoreGrowing(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	createSeed(t, c, "hello")
	if _, err := c.Insert(ctx, "hello", "", seedColumns(0, 2, 0)...); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(ctx, "hello", false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Insert(ctx, "hello", "", seedColumns(2, 1, 0)...); err != nil {
		t.Fatal(err)
	}
	sp, _ := entity.NewIndexFlatSearchParam()
	q := []entity.Vector{entity.FloatVector([]float32{2, 3, 4, 5, 6, 7, 8, 9})}
	ids := func(opts ...client.SearchQueryOptionFunc) []int64 {
		t.Helper()
		res, err := c.Search(ctx, "hello", nil, "", nil, q, "embeddings", entity.L2, 5, sp, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return res[0].IDs.(*entity.ColumnInt64).Data()
	}
	if got := ids(); !reflect.DeepEqual(got, []int64{2, 1, 0}) {
		t.Fatalf("search: %v", got)
	}
	if got := ids(client.WithIgnoreGrowing()); !reflect.DeepEqual(got, []int64{1, 0}) {
		t.Fatalf("search WithIgnoreGrowing: %v", got)
	}
	_, err := c.Query(ctx, "hello", nil, "ID >= 0", []string{"ID"}, client.WithIgnoreGrowing())
	if !errors.Is(err, client.ErrFeatureNotSupported) || !strings.Contains(err.Error(), "applies to Search") {
		t.Fatalf("Query WithIgnoreGrowing: %v", err)
	}
}
