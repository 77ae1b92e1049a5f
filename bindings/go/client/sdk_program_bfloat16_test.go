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

// milvus-sdk-go v2.4.2's examples/bfloat16 (examples/sdk/bfloat16), unmodified but for its
// import paths and address: a BFloat16Vector field of dim 128 with an IVF_FLAT index created
// before 3000 rows are inserted, then a query. Built, run in a fresh directory, its exit status
// and output checked.
func TestSDKExampleBFloat16(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "bfloat16")
	build := exec.CommandContext(ctx, filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "./examples/sdk/bfloat16")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./examples/sdk/bfloat16: %v\n%s", err, out)
	}
	run := t.TempDir()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = run
	out, err := cmd.CombinedOutput()
	text := string(out)
	if err != nil {
		t.Fatalf("bfloat16: %v\n%s", err, text)
	}
	rest := text
	for _, w := range []string{"start creating index IVF_FLAT", "start loading collection",
		"query with expr `ID in [0, 1, 2]`", "Column ID: value: [0 1 2]", "Column random: value: [",
		"drop collection `query_example`"} {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("%q missing (in order) from the output:\n%s", w, text)
		}
		rest = rest[i+len(w):]
	}
	if _, err := os.Stat(filepath.Join(run, "veclite_example_db")); err != nil {
		t.Fatalf("the program did not open its database in the run directory: %v", err)
	}
}
