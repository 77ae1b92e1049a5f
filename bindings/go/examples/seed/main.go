// Command seed is the veclite seed demo in the style of milvus-sdk-go's hello_milvus: it
// creates a database in a local directory, creates the collection (ID Int64 primary key,
// random Double, embeddings FloatVector dim 8), upserts 3,000 rows, upserts half of them again,
// flushes, searches, counts, and prints the MutationResult of each upsert.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"time"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

const (
	collectionName                 = "hello_veclite"
	dim                            = 8
	nEntities                      = 3000
	idCol, randomCol, embeddingCol = "ID", "random", "embeddings"
	topK                           = 3
)

func main() {
	dir := flag.String("dir", "./veclite_demo_db", "database directory (created if missing)")
	flag.Parse()
	ctx := context.Background()

	c, err := client.NewClient(ctx, client.Config{Address: *dir})
	if err != nil {
		log.Fatal("failed to open veclite: ", err)
	}
	defer c.Close()
	vc := c.(*client.EmbeddedClient) // veclite-only calls: UpsertWithResult
	fmt.Printf("veclite %s (simd %s), database %s\n", client.Version(), client.SIMDCapabilities(), *dir)

	if has, err := c.HasCollection(ctx, collectionName); err != nil {
		log.Fatal(err)
	} else if has {
		if err := c.DropCollection(ctx, collectionName); err != nil {
			log.Fatal(err)
		}
	}
	schema := entity.NewSchema().WithName(collectionName).WithDescription("the seed demo").
		WithField(entity.NewField().WithName(idCol).WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName(randomCol).WithDataType(entity.FieldTypeDouble)).
		WithField(entity.NewField().WithName(embeddingCol).WithDataType(entity.FieldTypeFloatVector).WithDim(dim))
	if err := c.CreateCollection(ctx, schema, entity.DefaultShardNumber); err != nil {
		log.Fatal("create collection failed: ", err)
	}

	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	ids, randoms, vectors := make([]int64, nEntities), make([]float64, nEntities), make([][]float32, nEntities)
	for i := range nEntities {
		ids[i], randoms[i] = int64(i), rng.Float64()
		vectors[i] = make([]float32, dim)
		for j := range dim {
			vectors[i][j] = rng.Float32()
		}
	}
	start := time.Now()
	r1, err := vc.UpsertWithResult(ctx, collectionName, "",
		entity.NewColumnInt64(idCol, ids), entity.NewColumnDouble(randomCol, randoms),
		entity.NewColumnFloatVector(embeddingCol, dim, vectors))
	if err != nil {
		log.Fatal("upsert failed: ", err)
	}
	fmt.Printf("upsert %d rows took %v\n", nEntities, time.Since(start))
	printResult("first upsert", r1)

	half := nEntities / 2
	for i := range half {
		randoms[i] += 1
		for j := range dim {
			vectors[i][j] = rng.Float32()
		}
	}
	r2, err := vc.UpsertWithResult(ctx, collectionName, "",
		entity.NewColumnInt64(idCol, ids[:half]), entity.NewColumnDouble(randomCol, randoms[:half]),
		entity.NewColumnFloatVector(embeddingCol, dim, vectors[:half]))
	if err != nil {
		log.Fatal("second upsert failed: ", err)
	}
	printResult("second upsert (half again)", r2)

	if err := c.Flush(ctx, collectionName, false); err != nil {
		log.Fatal("flush failed: ", err)
	}
	idx, _ := entity.NewIndexFlat(entity.L2)
	if err := c.CreateIndex(ctx, collectionName, embeddingCol, idx, false); err != nil {
		log.Fatal("create index failed: ", err)
	}
	if err := c.LoadCollection(ctx, collectionName, false); err != nil {
		log.Fatal(err)
	}

	sp, _ := entity.NewIndexFlatSearchParam()
	queries := []entity.Vector{entity.FloatVector(vectors[0]), entity.FloatVector(vectors[nEntities-1])}
	results, err := c.Search(ctx, collectionName, nil, "", []string{randomCol}, queries, embeddingCol, entity.L2, topK, sp)
	if err != nil {
		log.Fatal("search failed: ", err)
	}
	for q, res := range results {
		fmt.Printf("search %d: %d hits\n", q, res.ResultCount)
		random := res.Fields.GetColumn(randomCol)
		for i := 0; i < res.ResultCount; i++ {
			id, _ := res.IDs.GetAsInt64(i)
			rv, _ := random.GetAsDouble(i)
			fmt.Printf("  ID %-5d L2 %.4f random %.4f\n", id, res.Scores[i], rv)
		}
	}
	count, err := c.Query(ctx, collectionName, nil, "", []string{"count(*)"})
	if err != nil {
		log.Fatal("count failed: ", err)
	}
	n, _ := count.GetColumn("count(*)").GetAsInt64(0)
	fmt.Printf("count(*) = %d\n", n)
}

func printResult(label string, r *client.MutationResult) {
	first, _ := r.IDs.GetAsInt64(0)
	last, _ := r.IDs.GetAsInt64(r.IDs.Len() - 1)
	fmt.Printf("%s: MutationResult{insert_count: %d, delete_count: %d, upsert_count: %d, succ_count: %d, "+
		"succ_index: [0..%d], err_count: %d, err_index: %v, primary_keys: [%d..%d] (%d), timestamp: %d}\n",
		label, r.InsertCount, r.DeleteCount, r.UpsertCount, r.SuccCount, len(r.SuccIndex)-1, r.ErrCount,
		r.ErrIndex, first, last, r.IDs.Len(), r.Timestamp)
}
