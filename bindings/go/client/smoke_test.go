package client_test

import (
	"context"
	"testing"

	"github.com/veclite/veclite/bindings/go/entity"
)

func TestSmokeSeed(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	createSeed(t, c, "hello")
	r, err := c.UpsertWithResult(ctx, "hello", "", seedColumns(0, 3000, 0)...)
	if err != nil {
		t.Fatal(err)
	}
	if r.InsertCount != 3000 || r.UpsertCount != 3000 || r.DeleteCount != 0 || r.IDs.Len() != 3000 {
		t.Fatalf("first upsert: %+v", r)
	}
	r, err = c.UpsertWithResult(ctx, "hello", "", seedColumns(0, 1500, 1000)...)
	if err != nil {
		t.Fatal(err)
	}
	if r.DeleteCount != 1500 || r.UpsertCount != 1500 {
		t.Fatalf("second upsert: %+v", r)
	}
	q := make(entity.FloatVector, seedDim)
	for j := range q {
		q[j] = float32(2500 + j)
	}
	sp, _ := entity.NewIndexFlatSearchParam()
	res, err := c.Search(ctx, "hello", nil, "", []string{"random"}, []entity.Vector{q}, "embeddings", entity.L2, 3, sp)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res[0].IDs.GetAsInt64(0)
	rv, _ := res[0].Fields.GetColumn("random").GetAsDouble(0)
	t.Logf("hits %d id %d score %v random %v fields %d", res[0].ResultCount, id, res[0].Scores, rv, len(res[0].Fields))
	rs, err := c.Query(ctx, "hello", nil, "", []string{"count(*)"})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := rs.GetColumn("count(*)").GetAsInt64(0)
	if n != 3000 {
		t.Fatalf("count %d", n)
	}
}
