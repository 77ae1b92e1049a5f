package client_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// exampleClient opens a database in a fresh temporary directory with the seed collection.
func exampleClient() (client.Client, func()) {
	dir, err := os.MkdirTemp("", "veclite-example")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	c, err := client.NewClient(ctx, client.Config{Address: dir})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.CreateCollection(ctx, seedSchema("hello"), entity.DefaultShardNumber); err != nil {
		log.Fatal(err)
	}
	return c, func() { c.Close(); os.RemoveAll(dir) }
}

func ExampleEmbeddedClient_Upsert() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()

	ids, err := c.Upsert(ctx, "hello", "", seedColumns(0, 3000, 0)...)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("upserted", ids.Len(), "rows; primary keys in", ids.Name())

	// Upsert half of them again: they replace the existing rows. UpsertWithResult also
	// returns the counts of the MutationResult.
	r, err := c.(*client.EmbeddedClient).UpsertWithResult(ctx, "hello", "", seedColumns(0, 1500, 1000)...)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("insert_count=%d delete_count=%d upsert_count=%d err_count=%d\n",
		r.InsertCount, r.DeleteCount, r.UpsertCount, r.ErrCount)
	stats, _ := c.GetCollectionStatistics(ctx, "hello")
	fmt.Println("row_count", stats["row_count"])
	// Output:
	// upserted 3000 rows; primary keys in ID
	// insert_count=1500 delete_count=1500 upsert_count=1500 err_count=0
	// row_count 3000
}

func ExampleEmbeddedClient_Search() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()
	if _, err := c.Upsert(ctx, "hello", "", seedColumns(0, 3000, 0)...); err != nil {
		log.Fatal(err)
	}
	query := entity.FloatVector{2500, 2501, 2502, 2503, 2504, 2505, 2506, 2507} // row 2500's vector
	sp, _ := entity.NewIndexFlatSearchParam()
	results, err := c.Search(ctx, "hello", nil, "random < 250", []string{"random"},
		[]entity.Vector{query}, "embeddings", entity.L2, 3, sp)
	if err != nil {
		log.Fatal(err)
	}
	for _, res := range results {
		random := res.Fields.GetColumn("random")
		for i := 0; i < res.ResultCount; i++ {
			id, _ := res.IDs.GetAsInt64(i)
			r, _ := random.GetAsDouble(i)
			fmt.Printf("ID %d  L2 %.0f  random %.1f\n", id, res.Scores[i], r)
		}
	}
	// Output:
	// ID 2499  L2 8  random 249.9
	// ID 2498  L2 32  random 249.8
	// ID 2497  L2 72  random 249.7
}

func ExampleEmbeddedClient_Query() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()
	if _, err := c.Upsert(ctx, "hello", "", seedColumns(0, 3000, 0)...); err != nil {
		log.Fatal(err)
	}
	rs, err := c.Query(ctx, "hello", nil, "ID in [7, 2999]", []string{"random"})
	if err != nil {
		log.Fatal(err)
	}
	ids, random := rs.GetColumn("ID"), rs.GetColumn("random")
	for i := 0; i < rs.Len(); i++ {
		id, _ := ids.GetAsInt64(i)
		r, _ := random.GetAsDouble(i)
		fmt.Printf("ID %d random %.1f\n", id, r)
	}
	count, _ := c.Query(ctx, "hello", nil, "random >= 100", []string{"count(*)"})
	n, _ := count.GetColumn("count(*)").GetAsInt64(0)
	fmt.Println("count(*) where random >= 100:", n)
	// Output:
	// ID 7 random 0.7
	// ID 2999 random 299.9
	// count(*) where random >= 100: 2000
}
