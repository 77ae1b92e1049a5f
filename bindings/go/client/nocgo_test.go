package client_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Building the module without cgo fails with one error per cgo package, each naming the fix
// (not a list of undefined identifiers of the package's internals).
func TestBuildWithoutCgoSaysCgoIsRequired(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command(goBin, "build", "./...")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("CGO_ENABLED=0 go build ./... succeeded:\n%s", out)
	}
	const marker = "undefined: veclite_requires_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler"
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !strings.HasPrefix(line, "# ") && !strings.Contains(line, marker) {
			t.Errorf("unexpected output of a build without cgo: %s", line)
		}
	}
	for _, file := range []string{"client/nocgo.go:", "internal/cpath/nocgo.go:"} {
		if !strings.Contains(string(out), file) {
			t.Errorf("no error from %s names the fix:\n%s", file, out)
		}
	}
}
