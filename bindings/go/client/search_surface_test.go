package client_test

import (
	"context"
	"slices"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// Range search (AddRadius / AddRangeFilter) and grouping search (WithGroupByField) through the
// HNSW index of the seeded collection, whose row i has components i..i+7: the squared L2
// distance from row 5's vector to row i is 8·(i−5)².
func TestRangeAndGroupingSearch(t *testing.T) {
	c := seeded(t)
	ctx := context.Background()
	q := []entity.Vector{entity.FloatVector{5, 6, 7, 8, 9, 10, 11, 12}}
	sp, _ := entity.NewIndexHNSWSearchParam(16)
	sp.AddRadius(50)     // 8·(2.5)²: rows 3..7
	sp.AddRangeFilter(1) // but not row 5 itself (distance 0)
	res, err := c.Search(ctx, "hello", nil, "", nil, q, "embeddings", entity.L2, 10, sp)
	if err != nil {
		t.Fatal(err)
	}
	ids := res[0].IDs.(*entity.ColumnInt64).Data()
	if want := []int64{4, 6, 3, 7}; !slices.Equal(ids, want) {
		t.Fatalf("range search: %v, want %v", ids, want)
	}
	if want := []float32{8, 8, 32, 32}; !slices.Equal(res[0].Scores, want) {
		t.Fatalf("range search scores: %v, want %v", res[0].Scores, want)
	}

	plain, _ := entity.NewIndexHNSWSearchParam(16)
	res, err = c.Search(ctx, "hello", nil, "", nil, q, "embeddings", entity.L2, 3, plain, client.WithGroupByField("ID"))
	if err != nil {
		t.Fatal(err)
	}
	ids = res[0].IDs.(*entity.ColumnInt64).Data()
	if want := []int64{5, 4, 6}; !slices.Equal(ids, want) {
		t.Fatalf("grouping search: %v, want %v", ids, want)
	}
	groups, ok := res[0].GroupByValue.(*entity.ColumnInt64)
	if !ok || !slices.Equal(groups.Data(), ids) {
		t.Fatalf("GroupByValue %v, want the ID of each hit %v", res[0].GroupByValue, ids)
	}
	if len(res[0].Fields) != 0 {
		t.Fatalf("no output field was asked for, got %d", len(res[0].Fields))
	}
	if _, err := c.Query(ctx, "hello", nil, "", nil, client.WithGroupByField("ID")); err == nil {
		t.Fatal("Query with WithGroupByField must fail")
	}
}
