// Command hello is a hello-world of the newer Go SDK (github.com/milvus-io/milvus/client/v2)
// against the address given as its argument: it creates a collection, upserts, searches,
// queries and deletes, checking each answer, and exits non-zero on the first surprise.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/milvus-io/milvus/client/v2/entity"
	"github.com/milvus-io/milvus/client/v2/milvusclient"
)

const (
	collection = "hello_v2"
	dim        = 4
	rows       = 100
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: hello ADDRESS")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := milvusclient.New(ctx, &milvusclient.ClientConfig{Address: os.Args[1]})
	if err != nil {
		log.Fatal("connect: ", err)
	}
	defer c.Close(ctx)

	if err := c.CreateCollection(ctx, milvusclient.SimpleCreateCollectionOptions(collection, dim).WithAutoID(false)); err != nil {
		log.Fatal("create collection: ", err)
	}
	ids := make([]int64, rows)
	vecs := make([][]float32, rows)
	for i := range ids {
		ids[i] = int64(i)
		vecs[i] = []float32{float32(i), 1, 0, 0}
	}
	up, err := c.Upsert(ctx, milvusclient.NewColumnBasedInsertOption(collection).
		WithInt64Column("id", ids).WithFloatVectorColumn("vector", dim, vecs))
	if err != nil || up.UpsertCount != rows {
		log.Fatalf("upsert: %v, %+v", err, up)
	}
	rs, err := c.Search(ctx, milvusclient.NewSearchOption(collection, 3, []entity.Vector{entity.FloatVector(vecs[42])}).
		WithOutputFields("id"))
	if err != nil || len(rs) != 1 || rs[0].ResultCount != 3 {
		log.Fatalf("search: %v, %+v", err, rs)
	}
	fmt.Println("search ids:", rs[0].IDs.FieldData().GetScalars().GetLongData().GetData(), "scores:", rs[0].Scores)
	q, err := c.Query(ctx, milvusclient.NewQueryOption(collection).WithFilter("id < 10").WithOutputFields("count(*)"))
	if err != nil {
		log.Fatal("query: ", err)
	}
	n, err := q.GetColumn("count(*)").GetAsInt64(0)
	if err != nil || n != 10 {
		log.Fatalf("count(*) = %d, %v; want 10", n, err)
	}
	del, err := c.Delete(ctx, milvusclient.NewDeleteOption(collection).WithExpr("id < 10"))
	if err != nil || del.DeleteCount != 10 {
		log.Fatalf("delete: %v, %+v", err, del)
	}
	q, err = c.Query(ctx, milvusclient.NewQueryOption(collection).WithOutputFields("count(*)"))
	if err != nil {
		log.Fatal("query: ", err)
	}
	if n, _ := q.GetColumn("count(*)").GetAsInt64(0); n != rows-10 {
		log.Fatalf("count(*) after delete = %d, want %d", n, rows-10)
	}
	if err := c.DropCollection(ctx, milvusclient.NewDropCollectionOption(collection)); err != nil {
		log.Fatal("drop: ", err)
	}
	fmt.Println("hello_v2: ok")
}
