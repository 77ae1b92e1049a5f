package client_test

import (
	"context"
	"errors"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

const (
	annDim  = 128
	annRows = 3000
)

// annSetup is hello_milvus with 128-d vectors: a collection "ann" (ID, random, embeddings)
// holding annRows random vectors, flushed so that every row is in a sealed segment.
func annSetup(t *testing.T, c client.Client) [][]float32 {
	t.Helper()
	ctx := context.Background()
	schema := entity.NewSchema().WithName("ann").WithDescription("hello_milvus, indexed").
		WithField(entity.NewField().WithName("ID").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("random").WithDataType(entity.FieldTypeDouble)).
		WithField(entity.NewField().WithName("embeddings").WithDataType(entity.FieldTypeFloatVector).WithDim(annDim))
	if err := c.CreateCollection(ctx, schema, entity.DefaultShardNumber); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(7))
	ids := make([]int64, annRows)
	random := make([]float64, annRows)
	vecs := make([][]float32, annRows)
	for i := range annRows {
		ids[i] = int64(i)
		random[i] = rng.Float64()
		v := make([]float32, annDim)
		for j := range v {
			v[j] = rng.Float32()
		}
		vecs[i] = v
	}
	if _, err := c.Insert(ctx, "ann", "", entity.NewColumnInt64("ID", ids),
		entity.NewColumnDouble("random", random), entity.NewColumnFloatVector("embeddings", annDim, vecs)); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(ctx, "ann", false); err != nil {
		t.Fatal(err)
	}
	return vecs
}

// checkSelfNearest searches 100 stored vectors and asserts that the nearest neighbour of at
// least minHits of them is the vector itself (IVF_FLAT always probes a vector's own list, so
// it finds all; HNSW is approximate: with M 16 / efConstruction 64 / ef 32 about 1 in 500
// misses, and its parallel build is not deterministic).
func checkSelfNearest(t *testing.T, c client.Client, vecs [][]float32, sp entity.SearchParam, minHits int) {
	t.Helper()
	const nq = 100
	queries := make([]entity.Vector, nq)
	want := make([]int64, nq)
	for i := range nq {
		id := (i * 29) % len(vecs)
		queries[i] = entity.FloatVector(vecs[id])
		want[i] = int64(id)
	}
	res, err := c.Search(context.Background(), "ann", nil, "", []string{"random"}, queries, "embeddings", entity.L2, 5, sp)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != nq {
		t.Fatalf("%d results for %d queries", len(res), nq)
	}
	hits := 0
	for i, r := range res {
		if r.ResultCount != 5 || r.IDs.Len() != 5 || r.Fields.GetColumn("random") == nil {
			t.Fatalf("query %d: %d hits, fields %v", i, r.ResultCount, r.Fields)
		}
		got, _ := r.IDs.GetAsInt64(0)
		if got == want[i] && r.Scores[0] == 0 {
			hits++
		} else {
			t.Logf("query %d: nearest is %d (score %v), want %d (score 0)", i, got, r.Scores[0], want[i])
		}
	}
	if hits < minHits {
		t.Fatalf("%d of %d stored vectors found themselves, want at least %d", hits, nq, minHits)
	}
}

func describeOne(t *testing.T, c client.Client, coll, field string) entity.Index {
	t.Helper()
	idx, err := c.DescribeIndex(context.Background(), coll, field)
	if err != nil || len(idx) != 1 {
		t.Fatalf("describe %s.%s: %v %v", coll, field, idx, err)
	}
	return idx[0]
}

func checkParams(t *testing.T, idx entity.Index, name string, it entity.IndexType, want map[string]string) {
	t.Helper()
	if idx.Name() != name || idx.IndexType() != it {
		t.Fatalf("index %q %q, want %q %q", idx.Name(), idx.IndexType(), name, it)
	}
	got := idx.Params()
	if len(got) != len(want) {
		t.Fatalf("params %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("params %v, want %v", got, want)
		}
	}
}

// waitIndexed polls GetIndexBuildProgress until every row is covered by the index.
func waitIndexed(t *testing.T, c *client.EmbeddedClient, total int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		tot, indexed, err := c.GetIndexBuildProgress(context.Background(), "ann", "embeddings")
		if err != nil {
			t.Fatal(err)
		}
		if tot == total && indexed == total {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("build progress: %d of %d rows indexed, want %d", indexed, tot, total)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestIvfFlatHelloMilvus(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	vecs := annSetup(t, c)
	idx, err := entity.NewIndexIvfFlat(entity.L2, 128)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "ann", "embeddings", idx, false); err != nil {
		t.Fatal(err)
	}
	// The build is synchronous: every flushed row is indexed when CreateIndex returns.
	total, indexed, err := c.GetIndexBuildProgress(ctx, "ann", "embeddings")
	if err != nil || total != annRows || indexed != annRows {
		t.Fatalf("progress %d/%d %v", indexed, total, err)
	}
	checkParams(t, describeOne(t, c, "ann", "embeddings"), "embeddings", entity.IvfFlat,
		map[string]string{"index_type": "IVF_FLAT", "metric_type": "L2", "nlist": "128"})
	sp, _ := entity.NewIndexIvfFlatSearchParam(16)
	checkSelfNearest(t, c, vecs, sp, 100)

	// Creating the same index again is a no-op; async is accepted.
	if err := c.CreateIndex(ctx, "ann", "embeddings", idx, true); err != nil {
		t.Fatalf("same index again: %v", err)
	}
	// A different index on the same field fails, whatever differs.
	hnsw, _ := entity.NewIndexHNSW(entity.L2, 16, 64)
	other, _ := entity.NewIndexIvfFlat(entity.L2, 64)
	ip, _ := entity.NewIndexIvfFlat(entity.IP, 128)
	for _, o := range []entity.Index{hnsw, other, ip, mustFlat(entity.L2)} {
		err := c.CreateIndex(ctx, "ann", "embeddings", o, false)
		if !errors.Is(err, client.ErrInvalidArgument) || !strings.Contains(err.Error(), "at most one distinct index") {
			t.Fatalf("second index %v: %v", o.Params(), err)
		}
	}
	// Searching with another metric than the index's fails.
	q := []entity.Vector{entity.FloatVector(vecs[0])}
	if _, err := c.Search(ctx, "ann", nil, "", nil, q, "embeddings", entity.IP, 3, sp); !errors.Is(err, client.ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "metric type not match") {
		t.Fatalf("search with IP on an L2 index: %v", err)
	}
	// A filter and other search params work on the index; an invalid nprobe fails.
	flat, _ := entity.NewIndexFlatSearchParam()
	res, err := c.Search(ctx, "ann", nil, "ID == 42", nil, []entity.Vector{entity.FloatVector(vecs[0])}, "embeddings", entity.L2, 3, flat)
	if err != nil || res[0].ResultCount != 1 {
		t.Fatalf("filtered search: %v %v", res, err)
	}
	badSp, _ := entity.NewIndexFlatSearchParam()
	badSp.Params()["nprobe"] = "many"
	if _, err := c.Search(ctx, "ann", nil, "", nil, q, "embeddings", entity.L2, 3, badSp); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("nprobe=many: %v", err)
	}

	// Rows added later are indexed once sealed.
	more := make([][]float32, 500)
	ids := make([]int64, len(more))
	random := make([]float64, len(more))
	for i := range more {
		ids[i] = int64(annRows + i)
		more[i] = append([]float32(nil), vecs[i]...)
		more[i][0] += 1000
	}
	if _, err := c.Insert(ctx, "ann", "", entity.NewColumnInt64("ID", ids), entity.NewColumnDouble("random", random),
		entity.NewColumnFloatVector("embeddings", annDim, more)); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(ctx, "ann", false); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, c, annRows+500)

	if err := c.DropIndex(ctx, "ann", "embeddings"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeIndex(ctx, "ann", "embeddings"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("describe after drop: %v", err)
	}
	if err := c.DropIndex(ctx, "ann", "embeddings"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("drop twice: %v", err)
	}
	// Without an index, any metric searches exactly, and nprobe has nothing to tune.
	if _, err := c.Search(ctx, "ann", nil, "", nil, q, "embeddings", entity.IP, 3, sp); !errors.Is(err, client.ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "has no index") {
		t.Fatalf("nprobe after drop: %v", err)
	}
	exact, _ := entity.NewIndexFlatSearchParam()
	if _, err := c.Search(ctx, "ann", nil, "", nil, q, "embeddings", entity.IP, 3, exact); err != nil {
		t.Fatalf("IP search after drop: %v", err)
	}
	if err := c.CreateIndex(ctx, "ann", "embeddings", hnsw, false); err != nil {
		t.Fatalf("another index after drop: %v", err)
	}
}

func TestHNSWHelloMilvus(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	vecs := annSetup(t, c)
	idx, err := entity.NewIndexHNSW(entity.L2, 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "ann", "embeddings", idx, true, client.WithIndexName("emb_hnsw")); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, c, annRows)
	want := map[string]string{"index_type": "HNSW", "metric_type": "L2", "M": "16", "efConstruction": "64"}
	checkParams(t, describeOne(t, c, "ann", "embeddings"), "emb_hnsw", entity.HNSW, want)
	all, err := c.DescribeIndex(ctx, "ann", "")
	if err != nil || len(all) != 1 || all[0].Name() != "emb_hnsw" {
		t.Fatalf("describe every field: %v %v", all, err)
	}
	if named, err := c.DescribeIndex(ctx, "ann", "", client.WithIndexName("emb_hnsw")); err != nil || len(named) != 1 {
		t.Fatalf("describe by name: %v %v", named, err)
	}
	if _, err := c.DescribeIndex(ctx, "ann", "", client.WithIndexName("nope")); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("describe unknown name: %v", err)
	}
	sp, _ := entity.NewIndexHNSWSearchParam(32)
	checkSelfNearest(t, c, vecs, sp, 97)
	// ef is a search parameter of the C API; a generic map with ef as a string works too.
	generic, _ := entity.NewIndexFlatSearchParam()
	generic.Params()["ef"] = "64"
	checkSelfNearest(t, c, vecs, generic, 97)
	q := []entity.Vector{entity.FloatVector(vecs[0])}
	if _, err := c.Search(ctx, "ann", nil, "", nil, q, "embeddings", entity.COSINE, 3, sp); !errors.Is(err, client.ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "metric type not match") {
		t.Fatalf("search with COSINE on an L2 index: %v", err)
	}
	ivf, _ := entity.NewIndexIvfFlat(entity.L2, 128)
	if err := c.CreateIndex(ctx, "ann", "embeddings", ivf, false); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("IVF_FLAT on an HNSW field: %v", err)
	}
}

func TestIndexSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	cfg := client.Config{Address: dir, SyncPolicy: client.SyncNone, WorkerThreads: 2}
	c, err := client.NewEmbeddedClient(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	vecs := annSetup(t, c)
	idx, _ := entity.NewIndexHNSW(entity.L2, 16, 64)
	if err := c.CreateIndex(ctx, "ann", "embeddings", idx, false); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, client.MetaFileName)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%s written: %v", client.MetaFileName, err)
	}
	c, err = client.NewEmbeddedClient(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	checkParams(t, describeOne(t, c, "ann", "embeddings"), "embeddings", entity.HNSW,
		map[string]string{"index_type": "HNSW", "metric_type": "L2", "M": "16", "efConstruction": "64"})
	waitIndexed(t, c, annRows)
	sp, _ := entity.NewIndexHNSWSearchParam(32)
	checkSelfNearest(t, c, vecs, sp, 97)
	coll, err := c.DescribeCollection(ctx, "ann")
	if err != nil || coll.Schema.Description != "hello_milvus, indexed" {
		t.Fatalf("description after reopen: %+v %v", coll, err)
	}
}

func TestGenericIndexesAndParamErrors(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	createSeed(t, c, "hello")
	if _, err := c.Upsert(ctx, "hello", "", seedColumns(0, 500, 0)...); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(ctx, "hello", false); err != nil {
		t.Fatal(err)
	}
	// Out-of-range parameters are reported by the C library as ErrInvalidArgument.
	for _, params := range []map[string]string{
		{"index_type": "HNSW", "metric_type": "L2", "M": "1", "efConstruction": "64"},
		{"index_type": "HNSW", "metric_type": "L2", "M": "4096", "efConstruction": "64"},
		{"index_type": "HNSW", "metric_type": "L2", "M": "16", "efConstruction": "0"},
		{"index_type": "IVF_FLAT", "metric_type": "L2", "nlist": "0"},
		{"index_type": "IVF_FLAT", "metric_type": "L2", "nlist": "70000"},
		{"index_type": "IVF_FLAT", "metric_type": "L2", "nlist": "-1"},
		{"index_type": "IVF_FLAT", "metric_type": "L2", "nlist": "lots"},
		{"index_type": "IVF_FLAT", "metric_type": "L2", "params": "{not json"},
		{"index_type": "IVF_FLAT", "metric_type": "HAMMING", "nlist": "16"},
	} {
		err := c.CreateIndex(ctx, "hello", "embeddings", entity.NewGenericIndex("g", "", params), false)
		if !errors.Is(err, client.ErrInvalidArgument) {
			t.Fatalf("%v: %v", params, err)
		}
	}
	if _, err := c.DescribeIndex(ctx, "hello", "embeddings"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("a rejected index was created: %v", err)
	}
	// Unsupported types: generic or typed-looking, vector or scalar, never substituted.
	for _, it := range []entity.IndexType{entity.IvfPQ, entity.IvfSQ8, entity.DISKANN} {
		err := c.CreateIndex(ctx, "hello", "embeddings", entity.NewGenericIndex("g", it, map[string]string{"metric_type": "L2"}), false)
		if !errors.Is(err, client.ErrFeatureNotSupported) || !strings.Contains(err.Error(), "index type `"+string(it)+"`") {
			t.Fatalf("%s: %v", it, err)
		}
	}
	// BIN_IVF_FLAT is built on binary vector fields only.
	binIvf := entity.NewGenericIndex("g", entity.BinIvfFlat, map[string]string{"metric_type": "HAMMING"})
	if err := c.CreateIndex(ctx, "hello", "embeddings", binIvf, false); !errors.Is(err, client.ErrInvalidArgument) || !strings.Contains(err.Error(), "BINARY_VECTOR fields only") {
		t.Fatalf("BIN_IVF_FLAT on a float vector field: %v", err)
	}
	// A scalar index type on a vector field breaks Milvus's rule.
	inv := entity.NewGenericIndex("g", entity.Inverted, map[string]string{"metric_type": "L2"})
	if err := c.CreateIndex(ctx, "hello", "embeddings", inv, false); !errors.Is(err, client.ErrInvalidArgument) || !strings.Contains(err.Error(), "INVERTED indexes only") {
		t.Fatalf("INVERTED on a vector field: %v", err)
	}
	// AUTOINDEX builds HNSW with Milvus's AUTOINDEX parameters.
	auto := entity.NewGenericIndex("auto", entity.AUTOINDEX, map[string]string{"metric_type": "L2"})
	if err := c.CreateIndex(ctx, "hello", "embeddings", auto, false); err != nil {
		t.Fatalf("AUTOINDEX: %v", err)
	}
	checkParams(t, describeOne(t, c, "hello", "embeddings"), "auto", entity.HNSW,
		map[string]string{"index_type": "HNSW", "metric_type": "L2", "M": "18", "efConstruction": "240"})
	if err := c.DropIndex(ctx, "hello", "embeddings"); err != nil {
		t.Fatal(err)
	}
	// Scalar indexes: a generic STL_SORT, then the scalar default (INVERTED on a Double field).
	if err := c.CreateIndex(ctx, "hello", "random", entity.NewGenericIndex("s", entity.Sorted, nil), false); err != nil {
		t.Fatalf("scalar index: %v", err)
	}
	checkParams(t, describeOne(t, c, "hello", "random"), "s", entity.Sorted, map[string]string{"index_type": "STL_SORT"})
	if err := c.DropIndex(ctx, "hello", "random"); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "hello", "random", entity.NewScalarIndex(), false); err != nil {
		t.Fatalf("scalar index: %v", err)
	}
	checkParams(t, describeOne(t, c, "hello", "random"), "random", entity.Inverted, map[string]string{"index_type": "INVERTED"})
	if err := c.DropIndex(ctx, "hello", "random"); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "hello", "random", entity.NewScalarIndexWithType(entity.Trie), false); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("Trie on a Double field: %v", err)
	}
	// Generic HNSW with Milvus's flattened names and the JSON "params" form; missing build
	// params take the defaults.
	gen := entity.NewGenericIndex("g", entity.HNSW, map[string]string{"metric_type": "IP", "M": "8", "efConstruction": "40"})
	if err := c.CreateIndex(ctx, "hello", "embeddings", gen, false, client.WithIndexName("g")); err != nil {
		t.Fatal(err)
	}
	checkParams(t, describeOne(t, c, "hello", "embeddings"), "g", entity.HNSW,
		map[string]string{"index_type": "HNSW", "metric_type": "IP", "M": "8", "efConstruction": "40"})
	same := entity.NewGenericIndex("g", "", map[string]string{"index_type": "hnsw", "metric_type": "ip", "params": `{"M": 8, "efConstruction": "40"}`})
	if err := c.CreateIndex(ctx, "hello", "embeddings", same, false, client.WithIndexName("g")); err != nil {
		t.Fatalf("same index in JSON form: %v", err)
	}
	if err := c.DropIndex(ctx, "hello", "embeddings"); err != nil {
		t.Fatal(err)
	}
	dflt := entity.NewGenericIndex("", entity.HNSW, map[string]string{"metric_type": "COSINE"})
	if err := c.CreateIndex(ctx, "hello", "embeddings", dflt, false); err != nil {
		t.Fatal(err)
	}
	checkParams(t, describeOne(t, c, "hello", "embeddings"), "embeddings", entity.HNSW,
		map[string]string{"index_type": "HNSW", "metric_type": "COSINE", "M": "30", "efConstruction": "360"})
	if err := c.DropIndex(ctx, "hello", "embeddings"); err != nil {
		t.Fatal(err)
	}
	// Errors of unknown collections and fields.
	if _, err := c.DescribeIndex(ctx, "nope", "embeddings"); !errors.Is(err, client.ErrCollectionNotExists{}) {
		t.Fatalf("describe in unknown collection: %v", err)
	}
	if err := c.DropIndex(ctx, "nope", "embeddings"); !errors.Is(err, client.ErrCollectionNotExists{}) {
		t.Fatalf("drop in unknown collection: %v", err)
	}
	if _, err := c.DescribeIndex(ctx, "hello", "random"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("describe scalar field: %v", err)
	}
	ivf := entity.NewGenericIndex("", entity.IvfFlat, map[string]string{"metric_type": "L2"})
	if err := c.CreateIndex(ctx, "hello", "embeddings", ivf, false); err != nil {
		t.Fatal(err)
	}
	checkParams(t, describeOne(t, c, "hello", "embeddings"), "embeddings", entity.IvfFlat,
		map[string]string{"index_type": "IVF_FLAT", "metric_type": "L2", "nlist": "128"})
}

// A go-meta.json of version 1 (FLAT index records) is migrated when the client opens: the
// indexes are created through the C API, the rest goes into the catalog, and the file is
// removed.
func TestLegacyFlatRecordsMigrated(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	cfg := client.Config{Address: dir, SyncPolicy: client.SyncNone, WorkerThreads: 2}
	c, err := client.NewEmbeddedClient(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	createSeed(t, c, "hello")
	createSeed(t, c, "other")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	legacy := `{
  "version": 1,
  "collections": {
    "hello": {
      "description": "seed collection",
      "consistency_level": 2,
      "shard_num": 1,
      "properties": {"k": "v"},
      "indexes": {
        "embeddings": {"name": "emb_idx", "index_type": "FLAT",
          "params": {"index_type": "FLAT", "metric_type": "COSINE", "params": "{}"}}
      }
    },
    "other": {
      "consistency_level": 2,
      "shard_num": 1,
      "indexes": {
        "nope": {"name": "nope", "index_type": "FLAT", "params": {"index_type": "FLAT", "metric_type": "L2", "params": "{}"}}
      }
    },
    "gone": {
      "consistency_level": 2,
      "shard_num": 1,
      "indexes": {
        "embeddings": {"name": "e", "index_type": "FLAT", "params": {"index_type": "FLAT", "metric_type": "L2", "params": "{}"}}
      }
    }
  }
}`
	if err := os.WriteFile(filepath.Join(dir, client.MetaFileName), []byte(legacy), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = client.NewEmbeddedClient(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	checkParams(t, describeOne(t, c, "hello", "embeddings"), "emb_idx", entity.Flat,
		map[string]string{"index_type": "FLAT", "metric_type": "COSINE"})
	if _, err := os.Stat(filepath.Join(dir, client.MetaFileName)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%s not removed: %v", client.MetaFileName, err)
	}
	coll, err := c.DescribeCollection(ctx, "hello")
	if err != nil || coll.Schema.Description != "seed collection" || coll.Properties["k"] != "v" {
		t.Fatalf("collection metadata lost: %+v %v", coll, err)
	}
	if _, err := c.DescribeIndex(ctx, "other", ""); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("other: %v", err)
	}
}
