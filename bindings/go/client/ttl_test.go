package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// collection.ttl.seconds expires rows: after the TTL they are gone from queries and gets, and
// AlterCollection changes the TTL from then on.
func TestCollectionTTLExpiresRows(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	err := c.CreateCollection(ctx, seedSchema("ttl"), 1, client.WithCollectionProperty("collection.ttl.seconds", "1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Insert(ctx, "ttl", "", seedColumns(0, 3, 0)...); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		t.Helper()
		rs, err := c.Query(ctx, "ttl", nil, "ID >= 0", []string{"ID"})
		if err != nil {
			t.Fatal(err)
		}
		return rs.Len()
	}
	if n := count(); n != 3 {
		t.Fatalf("before the TTL: %d rows", n)
	}
	time.Sleep(1100 * time.Millisecond) // lets wall time pass beyond the 1-second TTL
	if n := count(); n != 0 {
		t.Fatalf("after the TTL: %d rows", n)
	}
	ids, err := c.QueryByPks(ctx, "ttl", nil, entity.NewColumnInt64("ID", []int64{0, 1}), []string{"ID"})
	if err != nil || ids.Len() != 0 {
		t.Fatalf("get of expired keys: %v rows, %v", ids.Len(), err)
	}
	if err := c.AlterCollection(ctx, "ttl", entity.CollectionTTL(0)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Insert(ctx, "ttl", "", seedColumns(0, 2, 0)...); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 2 {
		t.Fatalf("without a TTL: %d rows", n)
	}
}
