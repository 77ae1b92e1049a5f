package main

import (
	"context"
	"testing"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// A request works in the database of its db_name field, else of its dbname metadata, else
// default; an unknown database is "database not found" in the method's own response.
func TestRequestsWorkInTheirDatabase(t *testing.T) {
	c, _ := serveWith(t)
	ctx := context.Background()
	if st, err := c.CreateDatabase(ctx, &milvuspb.CreateDatabaseRequest{DbName: "d1"}); err != nil || st.GetCode() != 0 {
		t.Fatal(st, err)
	}
	create := func(ctx context.Context, db, name string) {
		t.Helper()
		st, err := c.CreateCollection(ctx, &milvuspb.CreateCollectionRequest{DbName: db, CollectionName: name, Schema: testSchema(t, name)})
		if err != nil || st.GetCode() != 0 {
			t.Fatal(st, err)
		}
	}
	list := func(ctx context.Context, db string) []string {
		t.Helper()
		r, err := c.ShowCollections(ctx, &milvuspb.ShowCollectionsRequest{DbName: db})
		if err != nil || r.GetStatus().GetCode() != 0 {
			t.Fatal(r, err)
		}
		return r.GetCollectionNames()
	}
	create(ctx, "", "in_default")
	create(ctx, "d1", "by_field")
	inD1 := metadata.AppendToOutgoingContext(ctx, "dbname", "d1")
	create(inD1, "", "by_metadata")
	if got := list(ctx, ""); len(got) != 1 || got[0] != "in_default" {
		t.Errorf("default holds %v, want [in_default]", got)
	}
	if got := list(inD1, ""); len(got) != 2 {
		t.Errorf("d1 (metadata) holds %v, want by_field and by_metadata", got)
	}
	// The field wins over the metadata.
	if got := list(inD1, "default"); len(got) != 1 || got[0] != "in_default" {
		t.Errorf("db_name default with dbname d1 lists %v, want [in_default]", got)
	}
	r, err := c.ShowCollections(ctx, &milvuspb.ShowCollectionsRequest{DbName: "nope"})
	if err != nil || r.GetStatus().GetCode() != codeDatabaseNotFound {
		t.Errorf("unknown database: %v, %v; want code %d", r, err, codeDatabaseNotFound)
	}
	// Dropped and created again: the new database is empty.
	for _, name := range []string{"by_field", "by_metadata"} {
		if st, err := c.DropCollection(ctx, &milvuspb.DropCollectionRequest{DbName: "d1", CollectionName: name}); err != nil || st.GetCode() != 0 {
			t.Fatal(st, err)
		}
	}
	if st, err := c.DropDatabase(ctx, &milvuspb.DropDatabaseRequest{DbName: "d1"}); err != nil || st.GetCode() != 0 {
		t.Fatal(st, err)
	}
	if r, _ := c.ShowCollections(inD1, &milvuspb.ShowCollectionsRequest{}); r.GetStatus().GetCode() != codeDatabaseNotFound {
		t.Errorf("dropped database: %v, want code %d", r, codeDatabaseNotFound)
	}
	if st, err := c.CreateDatabase(ctx, &milvuspb.CreateDatabaseRequest{DbName: "d1"}); err != nil || st.GetCode() != 0 {
		t.Fatal(st, err)
	}
	if got := list(inD1, ""); len(got) != 0 {
		t.Errorf("re-created d1 holds %v, want nothing", got)
	}
}

// testSchema is a serialized schema of collection name: id Int64 and v FloatVector(2).
func testSchema(t *testing.T, name string) []byte {
	t.Helper()
	b, err := proto.Marshal(&schemapb.CollectionSchema{Name: name, Fields: []*schemapb.FieldSchema{
		{Name: "id", DataType: schemapb.DataType_Int64, IsPrimaryKey: true},
		{Name: "v", DataType: schemapb.DataType_FloatVector, TypeParams: []*commonpb.KeyValuePair{{Key: "dim", Value: "2"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
