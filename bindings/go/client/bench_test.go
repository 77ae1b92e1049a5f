package client_test

import (
	"context"
	"math/rand"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
	"github.com/veclite/veclite/bindings/go/internal/cpath"
)

func benchClient(b *testing.B, dim int, policy client.SyncPolicy) *client.EmbeddedClient {
	c, err := client.NewEmbeddedClient(context.Background(), client.Config{Address: b.TempDir(), SyncPolicy: policy})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	schema := entity.NewSchema().WithName("bench").
		WithField(entity.NewField().WithName("ID").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("random").WithDataType(entity.FieldTypeDouble)).
		WithField(entity.NewField().WithName("embeddings").WithDataType(entity.FieldTypeFloatVector).WithDim(int64(dim)))
	if err := c.CreateCollection(context.Background(), schema, 1); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkSeedUpsert: the seed's Upsert, 3,000 rows of dim 8, per op (default fsync policy).
// Keys repeat across iterations, so every op after the first replaces 3,000 rows.
func BenchmarkSeedUpsert(b *testing.B) {
	for _, p := range []struct {
		name   string
		policy client.SyncPolicy
	}{{"fsync", client.SyncEveryWrite}, {"nosync", client.SyncNone}} {
		b.Run(p.name, func(b *testing.B) {
			c := benchClient(b, 8, p.policy)
			cols := randomColumns(rand.New(rand.NewSource(1)), 0, 3000, 8)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.Upsert(ctx, "bench", "", cols...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(3000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkUpsert100kDim128: 100,000 rows of dim 128 in batches of 3,000 per op (new keys).
func BenchmarkUpsert100kDim128(b *testing.B) {
	const rows, batch, dim = 100_000, 3000, 128
	r := rand.New(rand.NewSource(2))
	batches := make([][]entity.Column, 0, rows/batch+1)
	for first := 0; first < rows; first += batch {
		n := min(batch, rows-first)
		batches = append(batches, randomColumns(r, first, n, dim))
	}
	for _, p := range []struct {
		name   string
		policy client.SyncPolicy
	}{{"fsync", client.SyncEveryWrite}, {"nosync", client.SyncNone}} {
		b.Run(p.name, func(b *testing.B) {
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				c := benchClient(b, dim, p.policy)
				b.StartTimer()
				for _, cols := range batches {
					if _, err := c.Upsert(ctx, "bench", "", cols...); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				c.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// The same upserts through the C API directly (internal/cpath), in the same run, so the Go
// wrapper's overhead is the ratio of the two (ns/op Go / ns/op C).
func BenchmarkSeedUpsertCAPI(b *testing.B) {
	for _, p := range []struct {
		name   string
		policy uint32
	}{{"fsync", 0}, {"nosync", 2}} {
		b.Run(p.name, func(b *testing.B) {
			db, err := cpath.Open(b.TempDir(), p.policy, 8)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ids, random, vectors := rawBatch(rand.New(rand.NewSource(1)), 0, 3000, 8)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := db.Upsert(ids, random, vectors, 8); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(3000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func BenchmarkUpsert100kDim128CAPI(b *testing.B) {
	const rows, batch, dim = 100_000, 3000, 128
	r := rand.New(rand.NewSource(2))
	type raw struct {
		ids     []int64
		random  []float64
		vectors []float32
	}
	var batches []raw
	for first := 0; first < rows; first += batch {
		ids, random, vectors := rawBatch(r, first, min(batch, rows-first), dim)
		batches = append(batches, raw{ids, random, vectors})
	}
	for _, p := range []struct {
		name   string
		policy uint32
	}{{"fsync", 0}, {"nosync", 2}} {
		b.Run(p.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db, err := cpath.Open(b.TempDir(), p.policy, dim)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				for _, x := range batches {
					if err := db.Upsert(x.ids, x.random, x.vectors, dim); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// rawBatch is randomColumns' data as plain slices.
func rawBatch(r *rand.Rand, first, n, dim int) ([]int64, []float64, []float32) {
	ids := make([]int64, n)
	random := make([]float64, n)
	vectors := make([]float32, n*dim)
	for i := range ids {
		ids[i] = int64(first + i)
		random[i] = r.Float64()
	}
	for i := range vectors {
		vectors[i] = r.Float32()
	}
	return ids, random, vectors
}
