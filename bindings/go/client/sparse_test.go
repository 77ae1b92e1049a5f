package client_test

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

func sparse(t *testing.T, positions []uint32, values []float32) entity.SparseEmbedding {
	t.Helper()
	v, err := entity.NewSliceSparseEmbedding(positions, values)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sparseRows reads a sparse column as position → value maps.
func sparseRows(t *testing.T, col entity.Column) []map[uint32]float32 {
	t.Helper()
	c, ok := col.(*entity.ColumnSparseFloatVector)
	if !ok {
		t.Fatalf("column %T is not a sparse vector column", col)
	}
	out := make([]map[uint32]float32, c.Len())
	for r, v := range c.Data() {
		out[r] = map[uint32]float32{}
		for i := 0; i < v.Len(); i++ {
			pos, value, _ := v.Get(i)
			out[r][pos] = value
		}
	}
	return out
}

// Sparse vector columns through insert, upsert, query and search (entity.SparseEmbedding
// queries, metric IP), before and after a flush; rows and queries are validated as in Milvus.
func TestSparseVectors(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	schema := entity.NewSchema().WithName("sp").
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeSparseVector))
	if err := c.CreateCollection(ctx, schema, 1); err != nil {
		t.Fatal(err)
	}
	coll, err := c.DescribeCollection(ctx, "sp")
	if err != nil {
		t.Fatal(err)
	}
	if coll.Schema.Fields[1].DataType != entity.FieldTypeSparseVector {
		t.Fatalf("described type %v", coll.Schema.Fields[1].DataType)
	}
	// Row i: {i % 5: i, 100 + i: 1}.
	ids := make([]int64, 20)
	vectors := make([]entity.SparseEmbedding, 20)
	for i := range ids {
		ids[i] = int64(i)
		vectors[i] = sparse(t, []uint32{uint32(100 + i), uint32(i % 5)}, []float32{1, float32(i)})
	}
	if _, err := c.Insert(ctx, "sp", "", entity.NewColumnInt64("id", ids), entity.NewColumnSparseVectors("v", vectors)); err != nil {
		t.Fatal(err)
	}
	// Upsert row 3 as {7: 0.5}.
	if _, err := c.Upsert(ctx, "sp", "", entity.NewColumnInt64("id", []int64{3}),
		entity.NewColumnSparseVectors("v", []entity.SparseEmbedding{sparse(t, []uint32{7}, []float32{0.5})})); err != nil {
		t.Fatal(err)
	}
	sp, _ := entity.NewIndexFlatSearchParam()
	for _, flush := range []bool{false, true} {
		if flush {
			if err := c.Flush(ctx, "sp", false); err != nil {
				t.Fatal(err)
			}
		}
		rs, err := c.Query(ctx, "sp", nil, "id in [3, 4]", []string{"v"})
		if err != nil {
			t.Fatal(err)
		}
		want := []map[uint32]float32{{7: 0.5}, {4: 4, 104: 1}}
		if got := sparseRows(t, rs.GetColumn("v")); !reflect.DeepEqual(got, want) {
			t.Fatalf("query: %v, want %v", got, want)
		}
		q := []entity.Vector{sparse(t, []uint32{4}, []float32{1}), sparse(t, []uint32{7, 119}, []float32{2, 3})}
		res, err := c.Search(ctx, "sp", nil, "", []string{"v"}, q, "v", entity.IP, 2, sp)
		if err != nil {
			t.Fatal(err)
		}
		if got := res[0].IDs.(*entity.ColumnInt64).Data(); !reflect.DeepEqual(got, []int64{19, 14}) {
			t.Fatalf("query 0 ids %v", got)
		}
		if res[0].Scores[0] != 19 || res[1].ResultCount != 2 || res[1].Scores[0] != 3 || res[1].Scores[1] != 1 {
			t.Fatalf("scores %v %v", res[0].Scores, res[1].Scores)
		}
		if got := sparseRows(t, res[0].Fields.GetColumn("v"))[0]; !reflect.DeepEqual(got, map[uint32]float32{4: 19, 119: 1}) {
			t.Fatalf("output field %v", got)
		}
	}
	wantErr(t, "L2 on sparse", func() error {
		_, err := c.Search(ctx, "sp", nil, "", nil, []entity.Vector{sparse(t, []uint32{1}, []float32{1})}, "v", entity.L2, 1, sp)
		return err
	}(), client.ErrInvalidArgument, "use IP")
	bad := []entity.SparseEmbedding{sparse(t, []uint32{2, 10, 2}, []float32{0.4, 0.5, 0.6})}
	_, err = c.Insert(ctx, "sp", "", entity.NewColumnInt64("id", []int64{50}), entity.NewColumnSparseVectors("v", bad))
	wantErr(t, "repeated position", err, client.ErrInvalidValue, "unsorted or same indices in sparse float vector")
	bad = []entity.SparseEmbedding{sparse(t, []uint32{math.MaxUint32}, []float32{0.4})}
	_, err = c.Insert(ctx, "sp", "", entity.NewColumnInt64("id", []int64{50}), entity.NewColumnSparseVectors("v", bad))
	wantErr(t, "position 2^32-1", err, client.ErrInvalidValue, "invalid index in sparse float vector: must be less than 2^32-1")
	// An empty vector is stored and read back empty.
	empty := []entity.SparseEmbedding{sparse(t, []uint32{}, []float32{})}
	if _, err := c.Insert(ctx, "sp", "", entity.NewColumnInt64("id", []int64{60}), entity.NewColumnSparseVectors("v", empty)); err != nil {
		t.Fatal(err)
	}
	rs, err := c.Query(ctx, "sp", nil, "id == 60", []string{"v"})
	if err != nil {
		t.Fatal(err)
	}
	if got := sparseRows(t, rs.GetColumn("v")); len(got) != 1 || len(got[0]) != 0 {
		t.Fatalf("empty row read back as %v", got)
	}
}
