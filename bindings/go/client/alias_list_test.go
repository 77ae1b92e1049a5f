package client_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
)

// CollectionAliases lists a collection's aliases (or all of them); AliasCollection names the
// collection an alias stands for.
func TestAliasListing(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	createSeed(t, c, "books")
	createSeed(t, c, "films")
	for _, a := range [][2]string{{"books", "b2"}, {"books", "b1"}, {"films", "f1"}} {
		if err := c.CreateAlias(ctx, a[0], a[1]); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := c.CollectionAliases(ctx, "books"); err != nil || !slices.Equal(got, []string{"b1", "b2"}) {
		t.Fatalf("aliases of books: %v, %v", got, err)
	}
	if got, err := c.CollectionAliases(ctx, ""); err != nil || !slices.Equal(got, []string{"b1", "b2", "f1"}) {
		t.Fatalf("every alias: %v, %v", got, err)
	}
	if got, err := c.AliasCollection(ctx, "f1"); err != nil || got != "films" {
		t.Fatalf("f1 stands for %q, %v", got, err)
	}
	var e *client.Error
	if _, err := c.AliasCollection(ctx, "nope"); !errors.As(err, &e) || e.Code != client.StatusNotFound || e.Kind != client.ObjectAlias {
		t.Fatalf("unknown alias: %v", err)
	}
}
