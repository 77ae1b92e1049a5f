package client_test

import (
	"context"
	"errors"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

func TestContextCancelAndDeadline(t *testing.T) {
	c := open(t)
	createSeed(t, c, "hello")
	bg := context.Background()
	if _, err := c.Upsert(bg, "hello", "", seedColumns(0, 3000, 0)...); err != nil {
		t.Fatal(err)
	}
	sp, _ := entity.NewIndexFlatSearchParam()
	q := []entity.Vector{entity.FloatVector(make([]float32, seedDim))}

	cancelled, cancel := context.WithCancel(bg)
	cancel()
	if _, err := c.Search(cancelled, "hello", nil, "", nil, q, "", entity.L2, 3, sp); !errors.Is(err, context.Canceled) {
		t.Fatalf("search with cancelled ctx: %v", err)
	}
	if err := c.Flush(cancelled, "hello", false); !errors.Is(err, context.Canceled) || !errors.Is(err, client.ErrCancelled) {
		t.Fatalf("flush with cancelled ctx: %v", err)
	}
	if _, err := c.Upsert(cancelled, "hello", "", seedColumns(9000, 1, 0)...); !errors.Is(err, context.Canceled) {
		t.Fatalf("upsert with cancelled ctx: %v", err)
	}
	expired, cancel2 := context.WithDeadline(bg, time.Now().Add(-time.Second))
	defer cancel2()
	if _, err := c.Search(expired, "hello", nil, "", nil, q, "", entity.L2, 3, sp); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("search with expired ctx: %v", err)
	}
	if err := c.Flush(expired, "hello", false); !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, client.ErrDeadlineExceeded) {
		t.Fatalf("flush with expired ctx: %v", err)
	}
	if n, _ := c.Count(bg, "hello", ""); n != 3000 {
		t.Fatalf("cancelled upsert wrote: %d rows", n)
	}

	// Cancellation that arrives while calls run reaches C: a stream of searches under a
	// context cancelled after a few milliseconds ends with context.Canceled.
	running, cancel3 := context.WithCancel(bg)
	time.AfterFunc(20*time.Millisecond, cancel3)
	var err error
	for start := time.Now(); time.Since(start) < 10*time.Second; {
		if _, err = c.Search(running, "hello", nil, "", nil, q, "", entity.L2, 3, sp); err != nil {
			break
		}
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("search under a cancelled ctx: %v", err)
	}
	short, cancel4 := context.WithTimeout(bg, 20*time.Millisecond)
	defer cancel4()
	for start := time.Now(); time.Since(start) < 10*time.Second; {
		if _, err = c.Search(short, "hello", nil, "", nil, q, "", entity.L2, 3, sp); err != nil {
			break
		}
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("search under an expiring ctx: %v", err)
	}
	// A live context with a deadline works.
	live, cancel5 := context.WithTimeout(bg, time.Minute)
	defer cancel5()
	if res, err := c.Search(live, "hello", nil, "", nil, q, "", entity.L2, 3, sp); err != nil || res[0].ResultCount != 3 {
		t.Fatalf("search with live ctx: %v", err)
	}
}

func TestCloseIsSafe(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	c, err := client.NewClient(ctx, client.Config{Address: dir, SyncPolicy: client.SyncNone})
	if err != nil {
		t.Fatal(err)
	}
	createSeed(t, c, "hello")
	if _, err := c.Upsert(ctx, "hello", "", seedColumns(0, 10, 0)...); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	sp, _ := entity.NewIndexFlatSearchParam()
	q := []entity.Vector{entity.FloatVector(make([]float32, seedDim))}
	checks := map[string]error{}
	_, checks["upsert"] = c.Upsert(ctx, "hello", "", seedColumns(0, 10, 0)...)
	_, checks["search"] = c.Search(ctx, "hello", nil, "", nil, q, "", entity.L2, 3, sp)
	_, checks["query"] = c.Query(ctx, "hello", nil, "", nil)
	_, checks["has"] = c.HasCollection(ctx, "hello")
	checks["flush"] = c.Flush(ctx, "hello", false)
	checks["index"] = c.CreateIndex(ctx, "hello", "embeddings", mustFlat(entity.L2), false)
	for name, err := range checks {
		if !errors.Is(err, client.ErrClosed) || !errors.Is(err, client.ErrClientNotReady) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	// Reopen: the data is there.
	c2, err := client.NewClient(ctx, client.Config{Address: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	rs, err := c2.Query(ctx, "hello", nil, "", []string{"count(*)"})
	if n, _ := rs.GetColumn("count(*)").GetAsInt64(0); err != nil || n != 10 {
		t.Fatalf("after reopen: %d %v", n, err)
	}
}

func mustFlat(m entity.MetricType) entity.Index {
	idx, _ := entity.NewIndexFlat(m)
	return idx
}

// 16 goroutines upsert and search for a few seconds while another closes the client at the
// end: no race, no crash, every failure after Close is ErrClosed.
func TestConcurrentUpsertSearchAndClose(t *testing.T) {
	ctx := context.Background()
	c, err := client.NewEmbeddedClient(ctx, client.Config{Address: t.TempDir(), SyncPolicy: client.SyncNone})
	if err != nil {
		t.Fatal(err)
	}
	createSeed(t, c, "hello")
	if _, err := c.Upsert(ctx, "hello", "", seedColumns(0, 1000, 0)...); err != nil {
		t.Fatal(err)
	}
	duration := 3 * time.Second
	if testing.Short() {
		duration = 500 * time.Millisecond
	}
	const workers = 16
	var wg sync.WaitGroup
	var ops, closedErrs atomic.Int64
	errs := make(chan error, workers)
	stop := time.Now().Add(duration)
	sp, _ := entity.NewIndexFlatSearchParam()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(w)))
			for i := 0; ; i++ {
				var err error
				if i%2 == 0 {
					_, err = c.Upsert(ctx, "hello", "", seedColumns(2000+w*100, 50, float64(i))...)
				} else {
					q := make(entity.FloatVector, seedDim)
					for j := range q {
						q[j] = r.Float32() * 1000
					}
					var res []client.SearchResult
					res, err = c.Search(ctx, "hello", nil, "", []string{"random"}, []entity.Vector{q}, "", entity.L2, 5, sp)
					if err == nil && res[0].ResultCount != 5 {
						err = errors.New("short result")
					}
				}
				if errors.Is(err, client.ErrClosed) {
					closedErrs.Add(1)
					return
				}
				if err != nil {
					errs <- err
					return
				}
				ops.Add(1)
			}
		}()
	}
	time.Sleep(time.Until(stop))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if closedErrs.Load() != workers {
		t.Errorf("%d workers saw ErrClosed, want %d", closedErrs.Load(), workers)
	}
	t.Logf("%d operations in %v by %d goroutines", ops.Load(), duration, workers)
}

func TestFlatIndexSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	c, err := client.NewClient(ctx, client.Config{Address: dir, SyncPolicy: client.SyncNone})
	if err != nil {
		t.Fatal(err)
	}
	createSeed(t, c, "hello")
	if _, err := c.DescribeIndex(ctx, "hello", "embeddings"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("describe before create: %v", err)
	}
	for _, it := range []entity.IndexType{entity.IvfPQ, entity.DISKANN, entity.SCANN} {
		idx := entity.NewGenericIndex("x", it, map[string]string{"metric_type": "L2"})
		if err := c.CreateIndex(ctx, "hello", "embeddings", idx, false); !errors.Is(err, client.ErrFeatureNotSupported) {
			t.Fatalf("%s: %v", it, err)
		}
	}
	// A vector index type on a scalar field breaks Milvus's rule.
	if err := c.CreateIndex(ctx, "hello", "random", mustFlat(entity.L2), false); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("scalar: %v", err)
	}
	if err := c.CreateIndex(ctx, "hello", "nope", mustFlat(entity.L2), false); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown field: %v", err)
	}
	if err := c.CreateIndex(ctx, "nope", "embeddings", mustFlat(entity.L2), false); !errors.Is(err, client.ErrCollectionNotExists{}) {
		t.Fatalf("unknown collection: %v", err)
	}
	if _, err := c.DescribeIndex(ctx, "hello", "embeddings"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("rejected indexes were recorded: %v", err)
	}
	if err := c.CreateIndex(ctx, "hello", "embeddings", mustFlat(entity.COSINE), false, client.WithIndexName("emb_idx")); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, client.MetaFileName)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%s written: %v", client.MetaFileName, err)
	}
	c, err = client.NewClient(ctx, client.Config{Address: dir, SyncPolicy: client.SyncNone})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	idx, err := c.DescribeIndex(ctx, "hello", "embeddings")
	if err != nil || len(idx) != 1 || idx[0].Name() != "emb_idx" || idx[0].IndexType() != entity.Flat ||
		idx[0].Params()["metric_type"] != "COSINE" {
		t.Fatalf("after reopen: %v %v", idx, err)
	}
	coll, err := c.DescribeCollection(ctx, "hello")
	if err != nil || coll.Schema.Description != "seed collection" {
		t.Fatalf("description after reopen: %+v %v", coll, err)
	}
	if err := c.DropIndex(ctx, "hello", "embeddings"); err != nil {
		t.Fatal(err)
	}
	if err := c.DropIndex(ctx, "hello", "embeddings"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("drop twice: %v", err)
	}
	// Dropping the collection forgets its records.
	if err := c.CreateIndex(ctx, "hello", "embeddings", mustFlat(entity.L2), false); err != nil {
		t.Fatal(err)
	}
	if err := c.DropCollection(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	createSeed(t, c, "hello")
	if _, err := c.DescribeIndex(ctx, "hello", ""); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("index survived drop: %v", err)
	}
}
