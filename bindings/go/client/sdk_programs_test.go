package client_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The example programs of milvus-sdk-go v2.4.2 under examples/sdk, unmodified but for their
// import paths and the address (a database directory, `veclite_example_db`): each is built,
// run in a fresh directory (with films.csv one level up, where the programs read it), and its
// exit status and output checked.
func TestSDKExamplePrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds twelve programs")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := t.TempDir()
	build := exec.CommandContext(ctx, filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin+"/", "./examples/sdk/...")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./examples/sdk/...: %v\n%s", err, out)
	}
	films, err := os.ReadFile("../examples/sdk/films.csv")
	if err != nil {
		t.Fatal(err)
	}
	programs := []struct {
		name string
		want []string // in the output, in this order
		fail string   // non-empty: the program must exit 1 with this in its output
	}{
		// Ten rows of an Array<Double> field, searched (exact hit first), filtered on `random[0] > 0.5`
		// and queried by key.
		{name: "array", want: []string{"start searcching", "scores: [0 ", "start hybrid searching with `random[0] > 0.5`",
			"scores: [0 ", "ids: []int64{0, 1}", "drop collection `hello_array`"}},
		{name: "basic", want: []string{"name: gosdk_basic_collection", "After create partition", "name: new_partition"}},
		// Squared L2 distances of films 0 and 1 to film 3, then of the stored film 0 to film 3.
		{name: "calcdistance", want: []string{"distance [0.6328576 0.508644]", "distance [0.6328576]"}},
		{name: "groupby", want: []string{"GroupByValue", "group by value:", "GroupByValue", "group by value:"}},
		{name: "hello_milvus", want: []string{"results:", "ids: []int64{0, 1}", "drop collection `hello_milvus`"}},
		// IVF_FLAT on the vector, entity.NewScalarIndex() on Year, then `Year > 1990` search for
		// film 0 (Toy Story, 1995): itself first, at distance 0.
		{name: "index", want: []string{"flush completed", "load collection completed", "search without index time elapsed",
			"file id: 0 title: Toy Story scores: 0.000000"}},
		{name: "insert", want: []string{"file id:", "scores:"}},
		// QueryIterator over 3,000 rows in batches of 100: keys 0..2999 in order, then io.EOF.
		{name: "iterator", want: []string{"ids: []int64{0, 1, 2, ", "ids: []int64{100, 101, ", "ids: []int64{2900, ",
			"2998, 2999}", "iterator reach EOF", "drop collection"}},
		{name: "multivectors", want: []string{"start to execute hybrid search", "hybrid search `hello_multi_vectors` done", "score 0.016393"}},
		{name: "partitionkey", want: []string{"insert data done", "build HNSW index done", "search `hello_partition_key` done"}},
		{name: "query", want: []string{"query with expr `ID in [0, 1, 2]`", "Column ID: value: [0 1 2]", "drop collection `query_example`"}},
		{name: "varchar", want: []string{"pks: [", `ids: []string{"0", "1"}`, "drop collection `hello_milvus`"}},
		// The program inserts key 3000 twice (by struct rows, then by MapRow): Milvus keeps both
		// rows, veclite keeps keys unique and refuses the second insert.
		{name: "dynamic_schema", want: []string{"IsDynamic: true", "start inserting with rows", "start to inserting by MapRow"},
			fail: "primary key `ID` value 3000 (row 0) already exists"},
	}
	for _, p := range programs {
		t.Run(p.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "films.csv"), films, 0o644); err != nil {
				t.Fatal(err)
			}
			run := filepath.Join(dir, "run")
			if err := os.Mkdir(run, 0o755); err != nil {
				t.Fatal(err)
			}
			cmd := exec.CommandContext(ctx, filepath.Join(bin, p.name))
			cmd.Dir = run
			out, err := cmd.CombinedOutput()
			text := string(out)
			if p.fail == "" && err != nil {
				t.Fatalf("%s: %v\n%s", p.name, err, text)
			}
			if p.fail != "" && (err == nil || !strings.Contains(text, p.fail)) {
				t.Fatalf("%s: want exit status 1 with %q, got %v\n%s", p.name, p.fail, err, text)
			}
			rest := text
			for _, w := range p.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("%s: %q missing (in order) from the output:\n%s", p.name, w, text)
				}
				rest = rest[i+len(w):]
			}
			if _, err := os.Stat(filepath.Join(run, "veclite_example_db")); err != nil {
				t.Fatalf("%s did not open its database in the run directory: %v", p.name, err)
			}
		})
	}
}
