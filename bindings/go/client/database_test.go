package client_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
)

// Databases namespace collections; UsingDatabase, Config.DBName and an Address "dir/db1" pick
// one; a non-empty database and default are not dropped.
func TestDatabases(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	c, err := client.NewEmbeddedClient(ctx, client.Config{Address: dir, SyncPolicy: client.SyncNone})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateDatabase(ctx, "db1"); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateDatabase(ctx, "db1"); !errors.Is(err, client.ErrAlreadyExists) {
		t.Fatalf("second CreateDatabase: %v", err)
	}
	dbs, err := c.ListDatabases(ctx)
	if err != nil || len(dbs) != 2 || dbs[0].Name != "default" || dbs[1].Name != "db1" {
		t.Fatalf("ListDatabases: %v, %v", dbs, err)
	}
	createSeed(t, c, "hello")
	if _, err := c.Upsert(ctx, "hello", "", seedColumns(0, 3, 0)...); err != nil {
		t.Fatal(err)
	}
	if err := c.UsingDatabase(ctx, "db1"); err != nil {
		t.Fatal(err)
	}
	if has, err := c.HasCollection(ctx, "hello"); err != nil || has {
		t.Fatalf("hello in db1: %v, %v", has, err)
	}
	createSeed(t, c, "hello")
	if _, err := c.Upsert(ctx, "hello", "", seedColumns(0, 5, 0)...); err != nil {
		t.Fatal(err)
	}
	if err := c.DropDatabase(ctx, "db1"); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("dropping a non-empty database: %v", err)
	}
	if err := c.UsingDatabase(ctx, "nope"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown database: %v", err)
	}
	if err := c.UsingDatabase(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.RenameCollection(ctx, "hello", "greeting"); err != nil {
		t.Fatal(err)
	}
	if err := c.RenameCollection(ctx, "hello", "x"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("renaming a missing collection: %v", err)
	}
	if err := c.RenameCollection(ctx, "greeting", "hello"); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Count(ctx, "hello", ""); err != nil || n != 3 {
		t.Fatalf("default's hello: %d, %v", n, err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	for _, cfg := range []client.Config{{Address: dir, DBName: "db1"}, {Address: dir + "/db1"}} {
		c, err := client.NewEmbeddedClient(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := c.Count(ctx, "hello", ""); err != nil || n != 5 {
			t.Fatalf("%+v: db1's hello: %d, %v", cfg, n, err)
		}
		d, err := c.DescribeDatabase(ctx, "db1")
		if err != nil || d.Name != "db1" {
			t.Fatalf("DescribeDatabase: %v, %v", d, err)
		}
		c.Close()
	}
	c, err = client.NewEmbeddedClient(ctx, client.Config{Address: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.UsingDatabase(ctx, "db1"); err != nil {
		t.Fatal(err)
	}
	if err := c.DropCollection(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	if err := c.DropDatabase(ctx, "db1"); err != nil {
		t.Fatal(err)
	}
	if err := c.DropDatabase(ctx, "default"); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("dropping default: %v", err)
	}
	c.Close()
	if _, err := client.NewEmbeddedClient(ctx, client.Config{Address: dir, DBName: "db1"}); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("a dropped database: %v", err)
	}
}
