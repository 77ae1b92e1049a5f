package client_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// entity.NewIndexSparseInverted / NewIndexSparseWAND built on a flushed sparse field, described
// with their build params, and searched with their search params: without drops the index
// answers like the exact search; drop_ratio_search needs a sparse index.
func TestSparseIndex(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	schema := entity.NewSchema().WithName("spi").
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeSparseVector))
	if err := c.CreateCollection(ctx, schema, 1); err != nil {
		t.Fatal(err)
	}
	// Row i: {i % 7: 1 + i/10, 10 + i % 13: 0.5, 100 + i: 1}.
	ids := make([]int64, 300)
	vectors := make([]entity.SparseEmbedding, len(ids))
	for i := range ids {
		ids[i] = int64(i)
		vectors[i] = sparse(t, []uint32{uint32(i % 7), uint32(10 + i%13), uint32(100 + i)},
			[]float32{1 + float32(i/10), 0.5, 1})
	}
	if _, err := c.Insert(ctx, "spi", "", entity.NewColumnInt64("id", ids), entity.NewColumnSparseVectors("v", vectors)); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(ctx, "spi", false); err != nil {
		t.Fatal(err)
	}
	queries := []entity.Vector{
		sparse(t, []uint32{3, 12}, []float32{1, 2}),
		sparse(t, []uint32{0, 5, 150}, []float32{0.5, 1, 4}),
	}
	search := func(sp entity.SearchParam) [][]int64 {
		t.Helper()
		res, err := c.Search(ctx, "spi", nil, "id > 20", nil, queries, "v", entity.IP, 5, sp)
		if err != nil {
			t.Fatal(err)
		}
		out := make([][]int64, len(res))
		for i, r := range res {
			out[i] = r.IDs.(*entity.ColumnInt64).Data()
		}
		return out
	}
	flat, _ := entity.NewIndexFlatSearchParam()
	exact := search(flat)
	if len(exact[0]) != 5 || len(exact[1]) != 5 {
		t.Fatalf("exact answers %v", exact)
	}
	inverted0, _ := entity.NewIndexSparseInvertedSearchParam(0)
	_, err := c.Search(ctx, "spi", nil, "", nil, queries, "v", entity.IP, 5, inverted0)
	wantErr(t, "drop_ratio_search without an index", err, client.ErrInvalidArgument, "drop_ratio_search")

	inverted, err := entity.NewIndexSparseInverted(entity.IP, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "spi", "v", inverted, false); err != nil {
		t.Fatal(err)
	}
	described, err := c.DescribeIndex(ctx, "spi", "v")
	if err != nil {
		t.Fatal(err)
	}
	params := described[0].Params()
	if params["index_type"] != "SPARSE_INVERTED_INDEX" || params["drop_ratio_build"] != "0" ||
		params["inverted_index_algo"] != "DAAT_MAXSCORE" || params["metric_type"] != "IP" {
		t.Fatalf("described %v", params)
	}
	if got := search(inverted0); !reflect.DeepEqual(got, exact) {
		t.Fatalf("SPARSE_INVERTED_INDEX answers %v, exact %v", got, exact)
	}
	dropping, _ := entity.NewIndexSparseInvertedSearchParam(0.5)
	if got := search(dropping); len(got[0]) == 0 {
		t.Fatalf("drop_ratio_search 0.5 answers %v", got)
	}

	if err := c.DropIndex(ctx, "spi", "v"); err != nil {
		t.Fatal(err)
	}
	wand, err := entity.NewIndexSparseWAND(entity.IP, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "spi", "v", wand, false); err != nil {
		t.Fatal(err)
	}
	wand0, _ := entity.NewIndexSparseWANDSearchParam(0)
	if got := search(wand0); !reflect.DeepEqual(got, exact) {
		t.Fatalf("SPARSE_WAND answers %v, exact %v", got, exact)
	}
	// A sparse index type on a float vector field, an L2 sparse index: refused by name.
	l2, _ := entity.NewIndexSparseInverted(entity.L2, 0)
	err = c.CreateIndex(ctx, "spi", "v", l2, false)
	wantErr(t, "L2 sparse index", err, client.ErrInvalidArgument, "use IP")
}
