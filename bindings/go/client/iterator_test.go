package client_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// QueryIterator pages in key order with a filter, output fields and partitions, ends with
// io.EOF, and neither repeats nor skips rows when writes land between pages.
func TestQueryIterator(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	createSeed(t, c, "hello")
	if err := c.CreatePartition(ctx, "hello", "p"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, "hello", "", seedColumns(20, 30, 0)...); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, "hello", "p", seedColumns(0, 20, 0)...); err != nil {
		t.Fatal(err)
	}
	itr, err := c.QueryIterator(ctx, client.NewQueryIteratorOption("hello").
		WithExpr("random >= 0.5").WithOutputFields("random").WithBatchSize(8))
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for page := 0; ; page++ {
		rs, err := itr.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rs.Len() > 8 || rs.GetColumn("random") == nil || rs.GetColumn("random").Len() != rs.Len() {
			t.Fatalf("page %d: %d rows, columns %v", page, rs.Len(), rs)
		}
		ids := rs.GetColumn("ID").(*entity.ColumnInt64).Data()
		got = append(got, ids...)
		if page == 0 {
			// Between pages: delete a later row, rewrite an earlier one, add a new one.
			if err := c.Delete(ctx, "hello", "", "ID in [30]"); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Upsert(ctx, "hello", "", seedColumns(6, 1, 1)...); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Upsert(ctx, "hello", "", seedColumns(99, 1, 0)...); err != nil {
				t.Fatal(err)
			}
		}
	}
	var want []int64
	for id := int64(5); id < 50; id++ {
		if id != 30 {
			want = append(want, id)
		}
	}
	want = append(want, 99)
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if _, err := itr.Next(ctx); !errors.Is(err, io.EOF) {
		t.Fatalf("after the end: %v", err)
	}

	inP, err := c.QueryIterator(ctx, client.NewQueryIteratorOption("hello").WithPartitions("p").WithBatchSize(50))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := inP.Next(ctx)
	if err != nil || rs.Len() != 19 { // key 6 moved to _default by its upsert
		t.Fatalf("partition p: %v rows, %v", rs.Len(), err)
	}
	if _, err := c.QueryIterator(ctx, client.NewQueryIteratorOption("hello").WithBatchSize(0)); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("batch 0: %v", err)
	}
	if _, err := c.QueryIterator(ctx, client.NewQueryIteratorOption("missing")); !errors.Is(err, client.ErrCollectionNotExists{}) {
		t.Fatalf("missing collection: %v", err)
	}
	bad, err := c.QueryIterator(ctx, client.NewQueryIteratorOption("hello").WithExpr("nope > 1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Next(ctx); err == nil || errors.Is(err, io.EOF) {
		t.Fatalf("bad filter: %v", err)
	}
}
