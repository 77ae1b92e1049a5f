package client_test

import (
	"context"
	"math/rand"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

const seedDim = 8

// open opens a fresh database in a temporary directory (no fsync, for speed).
func open(t testing.TB) *client.EmbeddedClient {
	t.Helper()
	c, err := client.NewEmbeddedClient(context.Background(), client.Config{
		Address: t.TempDir(), SyncPolicy: client.SyncNone, WorkerThreads: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func seedSchema(name string) *entity.Schema {
	return entity.NewSchema().WithName(name).WithDescription("seed collection").
		WithField(entity.NewField().WithName("ID").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("random").WithDataType(entity.FieldTypeDouble)).
		WithField(entity.NewField().WithName("embeddings").WithDataType(entity.FieldTypeFloatVector).WithDim(seedDim))
}

func createSeed(t testing.TB, c client.Client, name string) {
	t.Helper()
	if err := c.CreateCollection(context.Background(), seedSchema(name), 1); err != nil {
		t.Fatal(err)
	}
}

// seedColumns: ids [first, first+n), random = id/10 + bump, vector[j] = id + j + bump.
func seedColumns(first, n int, bump float64) []entity.Column {
	ids := make([]int64, n)
	random := make([]float64, n)
	vecs := make([][]float32, n)
	for i := range n {
		id := int64(first + i)
		ids[i] = id
		random[i] = float64(id)/10 + bump
		v := make([]float32, seedDim)
		for j := range v {
			v[j] = float32(id+int64(j)) + float32(bump)
		}
		vecs[i] = v
	}
	return []entity.Column{
		entity.NewColumnInt64("ID", ids),
		entity.NewColumnDouble("random", random),
		entity.NewColumnFloatVector("embeddings", seedDim, vecs),
	}
}

func randomColumns(r *rand.Rand, first, n, dim int) []entity.Column {
	ids := make([]int64, n)
	random := make([]float64, n)
	flat := make([]float32, n*dim)
	vecs := make([][]float32, n)
	for i := range n {
		ids[i] = int64(first + i)
		random[i] = r.Float64()
		for j := range dim {
			flat[i*dim+j] = r.Float32()
		}
		vecs[i] = flat[i*dim : (i+1)*dim]
	}
	return []entity.Column{
		entity.NewColumnInt64("ID", ids),
		entity.NewColumnDouble("random", random),
		entity.NewColumnFloatVector("embeddings", dim, vecs),
	}
}
