package client_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veclite/veclite/bindings/go/client"
)

// chdir runs the test in a fresh working directory, so that a directory created from a
// relative address would show up there.
func chdir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

func TestServerAddressesAreRefusedAndCreateNothing(t *testing.T) {
	wd := chdir(t)
	ctx := context.Background()
	for _, addr := range []string{
		"localhost:19530", "127.0.0.1:19530", "milvus-standalone:19530", "[::1]:19530",
		"http://localhost:19530", "https://in01.zillizcloud.com:19538", "HTTP://localhost", "tcp://localhost:19530",
		"grpc://localhost:19530", "unix:/tmp/milvus.sock", "unix:///tmp/milvus.sock",
	} {
		_, err := client.NewClient(ctx, client.Config{Address: addr})
		if !errors.Is(err, client.ErrInvalidArgument) {
			t.Fatalf("%q: %v", addr, err)
		}
		for _, want := range []string{addr, "Milvus server address", "local directory path", "not available in-process"} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("%q: message %q lacks %q", addr, err, want)
			}
		}
	}
	for _, addr := range []string{"", "   ", "file://"} {
		_, err := client.NewClient(ctx, client.Config{Address: addr})
		if !errors.Is(err, client.ErrInvalidArgument) || !strings.Contains(err.Error(), "address is empty") {
			t.Fatalf("%q: %v", addr, err)
		}
	}
	if entries, _ := os.ReadDir(wd); len(entries) != 0 {
		t.Fatalf("refused addresses created %v", entries)
	}
	// Local paths that merely contain a colon or look like Milvus Lite files are directories.
	for _, addr := range []string{"./milvus_demo.db", "milvus.db", "data/v1:2", "file://" + filepath.Join(wd, "f")} {
		c, err := client.NewClient(ctx, client.Config{Address: addr})
		if err != nil {
			t.Fatalf("%q: %v", addr, err)
		}
		c.Close()
	}
	for _, dir := range []string{"milvus_demo.db", "milvus.db", "data/v1:2", "f"} {
		if st, err := os.Stat(filepath.Join(wd, dir)); err != nil || !st.IsDir() {
			t.Fatalf("%s: %v", dir, err)
		}
	}
}

func TestServerOnlyConfigFieldsAreRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for name, cfg := range map[string]client.Config{
		"Username":       {Username: "root"},
		"Password":       {Password: "Milvus"},
		"APIKey":         {APIKey: "k"},
		"Identifier":     {Identifier: "svc"},
		"EnableTLSAuth":  {EnableTLSAuth: true},
		"ServerVersion":  {ServerVersion: "2.4"},
		"RetryRateLimit": {RetryRateLimit: &client.RetryRateLimitOption{MaxRetry: 3}},
		"DisableConn":    {DisableConn: true},
	} {
		cfg.Address = dir
		_, err := client.NewClient(ctx, cfg)
		if !errors.Is(err, client.ErrFeatureNotSupported) || !strings.Contains(err.Error(), name) {
			t.Fatalf("%s: %v", name, err)
		}
	}
	_, err := client.NewClient(ctx, client.Config{Address: dir, SyncInterval: time.Second})
	wantErr(t, "SyncInterval without its policy", err, client.ErrInvalidArgument, "SyncInterval", "SyncPolicy")
	_, err = client.NewClient(ctx, client.Config{Address: dir, SyncPolicy: client.SyncInterval, SyncInterval: -time.Second})
	wantErr(t, "negative SyncInterval", err, client.ErrInvalidArgument, "at least 1ms")
	c, err := client.NewClient(ctx, client.Config{Address: dir, DBName: "default", SyncPolicy: client.SyncInterval,
		SyncInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("DBName default: %v", err)
	}
	c.Close()
}

func TestSecondClientInThisProcessSaysAlreadyOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c, err := client.NewClient(ctx, client.Config{Address: dir})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.NewClient(ctx, client.Config{Address: dir + "/."})
	if !errors.Is(err, client.ErrLocked) || !strings.Contains(err.Error(), "already open in this process") ||
		strings.Contains(err.Error(), "another process") {
		t.Fatalf("second client: %v", err)
	}
	c.Close()
	again, err := client.NewClient(ctx, client.Config{Address: dir})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	again.Close()
}
