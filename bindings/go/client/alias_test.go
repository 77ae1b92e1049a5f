package client_test

import (
	"context"
	"errors"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
)

// An alias stands for its collection in reads and writes, moves with AlterAlias, and blocks
// DropCollection until it is dropped.
func TestAliases(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	createSeed(t, c, "books")
	createSeed(t, c, "films")
	if err := c.CreateAlias(ctx, "books", "current"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, "current", "", seedColumns(0, 5, 0)...); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Count(ctx, "books", ""); err != nil || n != 5 {
		t.Fatalf("rows written through the alias: %d, %v", n, err)
	}
	var e *client.Error
	err := c.CreateAlias(ctx, "films", "current")
	if !errors.Is(err, client.ErrAlreadyExists) || !errors.As(err, &e) || e.Kind != client.ObjectAlias {
		t.Fatalf("alias of another collection: %v", err)
	}
	if err := c.DropCollection(ctx, "books"); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("dropping an aliased collection: %v", err)
	}
	if err := c.AlterAlias(ctx, "films", "current"); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Count(ctx, "current", ""); err != nil || n != 0 {
		t.Fatalf("the alias now names films: %d, %v", n, err)
	}
	err = c.AlterAlias(ctx, "films", "nope")
	if !errors.Is(err, client.ErrNotFound) || !errors.As(err, &e) || e.Kind != client.ObjectAlias {
		t.Fatalf("unknown alias: %v", err)
	}
	for range 2 { // a missing alias drops without error
		if err := c.DropAlias(ctx, "current"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.DropCollection(ctx, "books"); err != nil {
		t.Fatal(err)
	}
}
