package client_test

import (
	"context"
	"slices"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

func TestGroupSize(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	schema := entity.NewSchema().WithName("groups").
		WithField(entity.NewField().WithName("ID").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("g").WithDataType(entity.FieldTypeInt64)).
		WithField(entity.NewField().WithName("embeddings").WithDataType(entity.FieldTypeFloatVector).WithDim(seedDim))
	if err := c.CreateCollection(ctx, schema, 1); err != nil {
		t.Fatal(err)
	}
	seed := seedColumns(0, 30, 0)
	groups := make([]int64, 30)
	for i := range groups {
		groups[i] = int64(i % 3)
	}
	if _, err := c.Insert(ctx, "groups", "", seed[0], entity.NewColumnInt64("g", groups), seed[2]); err != nil {
		t.Fatal(err)
	}
	q := []entity.Vector{entity.FloatVector(seed[2].(*entity.ColumnFloatVector).Data()[0])}
	search := func(opts ...client.SearchQueryOptionFunc) ([]client.SearchResult, error) {
		return c.Search(ctx, "groups", nil, "", nil, q, "embeddings", entity.L2, 2, nil, opts...)
	}
	for _, strict := range []bool{false, true} {
		res, err := search(client.WithGroupByField("g"), client.WithVecliteGroupSize(3), client.WithVecliteStrictGroupSize(strict))
		if err != nil {
			t.Fatal(err)
		}
		// The two groups nearest to row 0 (g = 0 and 1), each with its three nearest rows.
		ids := slices.Clone(res[0].IDs.(*entity.ColumnInt64).Data())
		slices.Sort(ids)
		if want := []int64{0, 1, 3, 4, 6, 7}; !slices.Equal(ids, want) {
			t.Fatalf("strict %v: ids %v, want %v", strict, ids, want)
		}
	}
	_, err := search(client.WithVecliteGroupSize(3))
	wantErr(t, "group size without a group field", err, client.ErrInvalidArgument, "WithGroupByField")
	_, err = search(client.WithGroupByField("g"), client.WithVecliteGroupSize(-1))
	wantErr(t, "negative group size", err, client.ErrInvalidArgument, "at least 1")
}
