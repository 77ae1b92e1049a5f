// Command database checks databases through milvus-sdk-go v2.4.2 (the real SDK): a database
// named in the address (host:port/db), UsingDatabase, the same collection name in two
// databases, and dropping. It exits non-zero on the first surprise.
package main

import (
	"context"
	"log"
	"slices"
	"time"

	"github.com/milvus-io/milvus-sdk-go/v2/client"
	"github.com/milvus-io/milvus-sdk-go/v2/entity"
)

const (
	milvusAddr = `localhost:19530`
	dbName     = "db_go"
	collName   = "in_db"
	dim        = 4
)

func must(what string, err error) {
	if err != nil {
		log.Fatalf("%s: %v", what, err)
	}
}

// createAndFill creates collName in c's database with n rows.
func createAndFill(ctx context.Context, c client.Client, n int) {
	schema := entity.NewSchema().WithName(collName).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(dim))
	must("create collection", c.CreateCollection(ctx, schema, entity.DefaultShardNumber))
	ids := make([]int64, n)
	vecs := make([][]float32, n)
	for i := range ids {
		ids[i], vecs[i] = int64(i), []float32{float32(i), 1, 0, 0}
	}
	_, err := c.Insert(ctx, collName, "", entity.NewColumnInt64("id", ids), entity.NewColumnFloatVector("v", dim, vecs))
	must("insert", err)
}

// count is count(*) of collName in c's database.
func count(ctx context.Context, c client.Client) int64 {
	rs, err := c.Query(ctx, collName, nil, "", []string{"count(*)"})
	must("count", err)
	return rs.GetColumn("count(*)").(*entity.ColumnInt64).Data()[0]
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.NewClient(ctx, client.Config{Address: milvusAddr})
	must("connect", err)
	defer c.Close()
	must("create database", c.CreateDatabase(ctx, dbName))
	dbs, err := c.ListDatabases(ctx)
	must("list databases", err)
	if len(dbs) != 2 || dbs[0].Name != "default" || dbs[1].Name != dbName {
		log.Fatalf("databases: %+v", dbs)
	}
	createAndFill(ctx, c, 5)

	// A second client whose address names the database.
	inDB, err := client.NewClient(ctx, client.Config{Address: milvusAddr + "/" + dbName})
	must("connect to "+dbName, err)
	defer inDB.Close()
	createAndFill(ctx, inDB, 3)
	if a, b := count(ctx, c), count(ctx, inDB); a != 5 || b != 3 {
		log.Fatalf("count(*): default %d, %s %d; want 5 and 3", a, dbName, b)
	}
	must("using database", c.UsingDatabase(ctx, dbName))
	if n := count(ctx, c); n != 3 {
		log.Fatalf("count(*) after UsingDatabase: %d, want 3", n)
	}
	if err := c.DropDatabase(ctx, dbName); err == nil {
		log.Fatal("dropping a database with a collection succeeded")
	}
	must("drop collection", inDB.DropCollection(ctx, collName))
	must("using default", c.UsingDatabase(ctx, "default"))
	must("drop database", c.DropDatabase(ctx, dbName))
	dbs, err = c.ListDatabases(ctx)
	must("list databases", err)
	if !slices.EqualFunc(dbs, []string{"default"}, func(d entity.Database, n string) bool { return d.Name == n }) {
		log.Fatalf("databases after drop: %+v", dbs)
	}
	log.Printf("databases: ok")
}
