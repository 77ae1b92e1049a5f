package client_test

// Crash consistency through the Go package under the default sync policy (fsync on every
// write), as tests/crash.rs checks it for the Rust API.
//
// TestCrashKillReopen re-executes the test binary as a writer (TestCrashWriterChild, active only
// when crashDirEnv names a directory). The writer upserts seeded random batches in a loop,
// sometimes deletes or flushes, and prints a "begin" line before and an "ok" line after every
// operation. The parent kills it with SIGKILL at a random moment, reopens the directory and
// checks it against a model of the acknowledged operations: every acknowledged batch present
// with its exact values, deleted keys absent, the in-flight operation entirely applied or
// entirely absent, and Count equal to the number of live keys.

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

const (
	crashDirEnv   = "VECLITE_GO_CRASH_DIR"
	crashSeedEnv  = "VECLITE_GO_CRASH_SEED"
	crashColl     = "crash"
	crashDim      = 8
	crashKeySpace = 2000
	crashRounds   = 10
)

type crashRow struct {
	random float64
	vec    [crashDim]float32
}

type crashOp struct {
	kind string // "upsert", "delete" or "flush"
	seed uint64
}

// crashConfig is the writer's and the checker's configuration: default sync policy, small
// segments so that writes seal automatically.
func crashConfig(dir string) client.Config {
	return client.Config{Address: dir, SealThresholdBytes: 48 << 10, WorkerThreads: 2}
}

// crashBatch is the upsert batch of seed: 1..300 distinct keys with their values.
func crashBatch(seed uint64) ([]int64, []crashRow) {
	r := rand.New(rand.NewPCG(seed, 1))
	n := 1 + r.IntN(300)
	keys := make([]int64, n)
	rows := make([]crashRow, n)
	for i, k := range r.Perm(crashKeySpace)[:n] {
		keys[i] = int64(k)
		rows[i].random = r.Float64()
		for j := range rows[i].vec {
			rows[i].vec[j] = r.Float32()*2 - 1
		}
	}
	return keys, rows
}

// crashDeleteKeys is the key list of the delete of seed (some keys may not exist).
func crashDeleteKeys(seed uint64) []int64 {
	r := rand.New(rand.NewPCG(seed, 2))
	perm := r.Perm(crashKeySpace)[:1+r.IntN(100)]
	keys := make([]int64, len(perm))
	for i, k := range perm {
		keys[i] = int64(k)
	}
	return keys
}

func crashColumns(keys []int64, rows []crashRow) []entity.Column {
	random := make([]float64, len(rows))
	vecs := make([][]float32, len(rows))
	for i := range rows {
		random[i] = rows[i].random
		vecs[i] = rows[i].vec[:]
	}
	return []entity.Column{entity.NewColumnInt64("ID", keys), entity.NewColumnDouble("random", random),
		entity.NewColumnFloatVector("embeddings", crashDim, vecs)}
}

func (op crashOp) apply(model map[int64]crashRow) {
	switch op.kind {
	case "upsert":
		keys, rows := crashBatch(op.seed)
		for i, k := range keys {
			model[k] = rows[i]
		}
	case "delete":
		for _, k := range crashDeleteKeys(op.seed) {
			delete(model, k)
		}
	}
}

// touched is the keys op writes (none for a flush).
func (op crashOp) touched() []int64 {
	switch op.kind {
	case "upsert":
		keys, _ := crashBatch(op.seed)
		return keys
	case "delete":
		return crashDeleteKeys(op.seed)
	}
	return nil
}

// TestCrashWriterChild is the writer process; it does nothing unless TestCrashKillReopen started it.
func TestCrashWriterChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("the writer of TestCrashKillReopen")
	}
	seed, err := strconv.ParseUint(os.Getenv(crashSeedEnv), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := client.NewEmbeddedClient(ctx, crashConfig(dir))
	if err != nil {
		t.Fatal(err)
	}
	say := func(format string, args ...any) { fmt.Fprintf(os.Stdout, "OP "+format+"\n", args...) }
	say("ready")
	r := rand.New(rand.NewPCG(seed, 3))
	for {
		opSeed := r.Uint64()
		switch p := r.IntN(100); {
		case p < 83:
			say("begin upsert %d", opSeed)
			keys, rows := crashBatch(opSeed)
			if _, err := c.Upsert(ctx, crashColl, "", crashColumns(keys, rows)...); err != nil {
				t.Fatal(err)
			}
		case p < 95:
			say("begin delete %d", opSeed)
			if err := c.DeleteByPks(ctx, crashColl, "", entity.NewColumnInt64("ID", crashDeleteKeys(opSeed))); err != nil {
				t.Fatal(err)
			}
		default:
			say("begin flush 0")
			if err := c.Flush(ctx, crashColl, false); err != nil {
				t.Fatal(err)
			}
		}
		say("ok")
	}
}

// crashRound runs the writer, kills it after killAfter and returns its operations: the
// acknowledged ones and the one in flight (nil if none).
func crashRound(t *testing.T, dir string, seed uint64, killAfter time.Duration) ([]crashOp, *crashOp) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriterChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashSeedEnv+"="+strconv.FormatUint(seed, 10))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() // a failing check must not leave a writer behind
	ready := make(chan struct{})
	lines := make(chan []string)
	go func() {
		var ops []string
		br := bufio.NewReader(stdout)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				break // a last line without its newline is incomplete: ignored
			}
			at := strings.Index(line, "OP ")
			if at < 0 {
				continue
			}
			if op := strings.TrimSpace(line[at+3:]); op == "ready" {
				close(ready)
			} else {
				ops = append(ops, op)
			}
		}
		lines <- ops
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the writer did not open the database")
	}
	time.Sleep(killAfter)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	out := <-lines
	if err := cmd.Wait(); err == nil {
		t.Fatalf("the writer exited on its own: %v", out)
	}
	var acked []crashOp
	var pending *crashOp
	for _, line := range out {
		if line == "ok" {
			if pending == nil {
				t.Fatalf("`ok` without `begin`: %v", out)
			}
			acked = append(acked, *pending)
			pending = nil
			continue
		}
		var op crashOp
		if n, _ := fmt.Sscanf(line, "begin %s %d", &op.kind, &op.seed); n != 2 {
			t.Fatalf("unexpected writer line %q", line)
		}
		if pending != nil {
			t.Fatalf("two `begin` lines in a row: %v", out)
		}
		pending = &op
	}
	return acked, pending
}

// crashRead returns every stored key with its values.
func crashRead(t *testing.T, c *client.EmbeddedClient) map[int64]crashRow {
	t.Helper()
	all := make([]int64, crashKeySpace)
	for i := range all {
		all[i] = int64(i)
	}
	rs, err := c.Get(context.Background(), crashColl, entity.NewColumnInt64("ID", all))
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]crashRow{}
	if rs.Len() == 0 {
		return stored
	}
	ids := rs.GetColumn("ID").(*entity.ColumnInt64).Data()
	random := rs.GetColumn("random").(*entity.ColumnDouble).Data()
	vecs := rs.GetColumn("embeddings").(*entity.ColumnFloatVector).Data()
	for i, id := range ids {
		if _, dup := stored[id]; dup {
			t.Fatalf("key %d returned twice", id)
		}
		var row crashRow
		row.random = random[i]
		copy(row.vec[:], vecs[i])
		stored[id] = row
	}
	return stored
}

// crashVerify checks the reopened directory against model and resolves the in-flight op:
// entirely applied (the model takes it) or entirely absent.
func crashVerify(t *testing.T, dir string, model map[int64]crashRow, pending *crashOp) string {
	t.Helper()
	c, err := client.NewEmbeddedClient(context.Background(), crashConfig(dir))
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer c.Close()
	stored := crashRead(t, c)
	resolution := "none in flight"
	if pending != nil && pending.kind == "flush" {
		resolution = "flush in flight"
	} else if pending != nil {
		applied := make(map[int64]crashRow, len(model))
		for k, v := range model {
			applied[k] = v
		}
		pending.apply(applied)
		same := func(m map[int64]crashRow, k int64) bool {
			a, inA := m[k]
			b, inB := stored[k]
			return inA == inB && a == b
		}
		touched := pending.touched()
		withOp, withoutOp := 0, 0
		for _, k := range touched {
			if same(applied, k) {
				withOp++
			}
			if same(model, k) {
				withoutOp++
			}
		}
		switch {
		case withOp == len(touched):
			pending.apply(model)
			resolution = "in-flight op present"
		case withoutOp == len(touched):
			resolution = "in-flight op absent"
		default:
			t.Fatalf("in-flight %v is partially applied: %d of %d keys as if applied, %d as if not",
				*pending, withOp, len(touched), withoutOp)
		}
	}
	for k, want := range model {
		got, ok := stored[k]
		if !ok {
			t.Fatalf("key %d of an acknowledged write is missing", k)
		}
		if got != want {
			t.Fatalf("key %d: stored %v, acknowledged %v", k, got, want)
		}
	}
	if len(stored) != len(model) {
		keys := make([]int64, 0)
		for k := range stored {
			if _, ok := model[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		t.Fatalf("%d stored keys, %d acknowledged; deleted or never written: %v", len(stored), len(model), keys)
	}
	n, err := c.Count(context.Background(), crashColl, "")
	if err != nil || n != uint64(len(model)) {
		t.Fatalf("count %d (%v), want %d", n, err, len(model))
	}
	return resolution
}

func TestCrashKillReopen(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	dir := filepath.Join(t.TempDir(), "db")
	c, err := client.NewEmbeddedClient(context.Background(), crashConfig(dir))
	if err != nil {
		t.Fatal(err)
	}
	createSeed(t, c, crashColl)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(0x5eed, 0x60))
	model := map[int64]crashRow{}
	acked, resolutions := 0, map[string]int{}
	for round := range crashRounds {
		killAfter := time.Duration(20+r.IntN(280)) * time.Millisecond
		ops, pending := crashRound(t, dir, r.Uint64(), killAfter)
		for _, op := range ops {
			op.apply(model)
		}
		acked += len(ops)
		res := crashVerify(t, dir, model, pending)
		resolutions[res]++
		t.Logf("round %d: killed after %v, %d acknowledged ops, %s, %d live keys", round, killAfter, len(ops), res, len(model))
	}
	if acked == 0 {
		t.Fatal("no operation was acknowledged in any round")
	}
	t.Logf("%d rounds, %d acknowledged ops, in-flight resolutions %v", crashRounds, acked, resolutions)
}
