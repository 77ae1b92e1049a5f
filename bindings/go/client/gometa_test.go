package client_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// oldDatabase copies testdata/gometa-v2 (a database written by the release that kept
// go-meta.json: collections docs, eventual and plain) into a temporary directory.
func oldDatabase(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	if err := os.CopyFS(dir, os.DirFS("testdata/gometa-v2")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func openDir(t *testing.T, dir string) (*client.EmbeddedClient, error) {
	t.Helper()
	return client.NewEmbeddedClient(context.Background(), client.Config{Address: dir, SyncPolicy: client.SyncNone, WorkerThreads: 2})
}

func metaFileGone(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, client.MetaFileName)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%s still there: %v", client.MetaFileName, err)
	}
}

// checkOldDatabase checks what the fixture's go-meta.json and catalog hold.
func checkOldDatabase(t *testing.T, c *client.EmbeddedClient) {
	t.Helper()
	ctx := context.Background()
	docs, err := c.DescribeCollection(ctx, "docs")
	if err != nil {
		t.Fatal(err)
	}
	if docs.Schema.Description != "documents, described" || docs.ConsistencyLevel != entity.ClStrong || docs.ShardNum != 2 ||
		docs.Properties != nil {
		t.Fatalf("docs: %+v", docs)
	}
	wantFields := map[string]string{"ID": "", "random": "a random double", "embeddings": "the embedding"}
	for _, f := range docs.Schema.Fields {
		if f.Description != wantFields[f.Name] {
			t.Fatalf("field %s: description %q", f.Name, f.Description)
		}
	}
	for name, want := range map[string]entity.ConsistencyLevel{"eventual": entity.ClEventually, "plain": entity.ClBounded} {
		coll, err := c.DescribeCollection(ctx, name)
		if err != nil || coll.ConsistencyLevel != want || coll.ShardNum != 1 || coll.Schema.Description != "seed collection" {
			t.Fatalf("%s: %+v %v", name, coll, err)
		}
	}
	if n, err := c.Count(ctx, "docs", ""); err != nil || n != 10 {
		t.Fatalf("docs rows: %d %v", n, err)
	}
	checkParams(t, describeOne(t, c, "docs", "embeddings"), "emb", entity.Flat,
		map[string]string{"index_type": "FLAT", "metric_type": "L2"})
}

// A directory written by the release that kept go-meta.json opens with its descriptions,
// consistency levels and shard numbers in the catalog, and the file is gone.
func TestGoMetaFileMovesIntoTheCatalog(t *testing.T) {
	dir := oldDatabase(t)
	c, err := openDir(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	metaFileGone(t, dir)
	checkOldDatabase(t, c)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c, err = openDir(t, dir) // from the catalog alone
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	checkOldDatabase(t, c)
}

// A migration that fails leaves go-meta.json in place and the directory usable once the cause
// is fixed; the move is then complete.
func TestFailedGoMetaMigrationKeepsTheFile(t *testing.T) {
	dir := oldDatabase(t)
	path := filepath.Join(dir, client.MetaFileName)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file string
		kind       error
		says       string
	}{
		{"unparsable", `{"version": 2, "collections": `, client.ErrCorrupted, "corrupted file go-meta.json"},
		{"refused property", string(bytes.Replace(orig, []byte(`"shard_num": 1`),
			[]byte(`"shard_num": 1, "properties": {"collection.ttl.seconds": "ten"}`), 1)), client.ErrInvalidArgument,
			"collection.ttl.seconds"},
	} {
		if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := openDir(t, dir)
		wantErr(t, tc.name, err, tc.kind, client.MetaFileName, "the file is kept", tc.says)
		if raw, err := os.ReadFile(path); err != nil || string(raw) != tc.file {
			t.Fatalf("%s: the file changed: %s %v", tc.name, raw, err)
		}
	}
	if err := os.WriteFile(path, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := openDir(t, dir) // the failed open released the directory
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	metaFileGone(t, dir)
	checkOldDatabase(t, c)
}

// Properties go into the catalog at creation and through AlterCollection; those veclite cannot
// honour are refused and change nothing.
func TestCollectionPropertiesAndAlterCollection(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	c, err := openDir(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	s := seedSchema("props")
	s.Fields[0].Description = "the key"
	if err := c.CreateCollection(ctx, s, 3, client.WithConsistencyLevel(entity.ClSession),
		client.WithCollectionProperty("mmap.enabled", "true"), client.WithCollectionProperty("team", "search")); err != nil {
		t.Fatal(err)
	}
	if err := c.AlterCollection(ctx, "props", entity.CollectionTTL(0), entity.CollectionAutoCompactionEnabled(false)); err != nil {
		t.Fatal(err)
	}
	if err := c.AlterCollection(ctx, "props", entity.CollectionTTL(60), entity.CollectionAutoCompactionEnabled(true)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "negative ttl", c.AlterCollection(ctx, "props", entity.CollectionTTL(-1)), client.ErrInvalidArgument, "ttl")
	wantErr(t, "unknown collection", c.AlterCollection(ctx, "nope", entity.CollectionTTL(0)), client.ErrCollectionNotExists{})
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	metaFileGone(t, dir)
	c, err = openDir(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	coll, err := c.DescribeCollection(ctx, "props")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"mmap.enabled": "true", "team": "search", "collection.ttl.seconds": "60",
		"collection.autocompaction.enabled": "true"}
	if coll.ConsistencyLevel != entity.ClSession || coll.ShardNum != 3 || len(coll.Properties) != len(want) ||
		coll.Schema.Fields[0].Description != "the key" {
		t.Fatalf("after reopen: %+v", coll)
	}
	for k, v := range want {
		if coll.Properties[k] != v {
			t.Fatalf("property %s = %q, want %q", k, coll.Properties[k], v)
		}
	}
}
