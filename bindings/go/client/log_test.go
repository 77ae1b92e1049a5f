package client_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
)

// capture is a slog.Handler that keeps the records at or above its level.
type capture struct {
	level   slog.Level
	mu      sync.Mutex
	records []slog.Record
}

func (h *capture) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *capture) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

func (h *capture) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *capture) WithGroup(string) slog.Handler      { return h }

// matching returns the records whose message contains needle.
func (h *capture) matching(needle string) []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []slog.Record
	for _, r := range h.records {
		if strings.Contains(r.Message, needle) {
			out = append(out, r)
		}
	}
	return out
}

func (h *capture) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.records)
}

// The seal of a flush arrives at the slog handler SetLogger installed, as an Info record with
// the veclite module as its target; after SetLogger(nil) nothing arrives.
func TestSetLoggerForwardsSealEvents(t *testing.T) {
	ctx := context.Background()
	h := &capture{level: slog.LevelInfo}
	if err := client.SetLogger(slog.New(h)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.SetLogger(nil) })
	c := open(t)
	createSeed(t, c, "logged")
	writeAndFlush := func() {
		t.Helper()
		if _, err := c.Upsert(ctx, "logged", "", seedColumns(0, 100, 0)...); err != nil {
			t.Fatal(err)
		}
		if err := c.Flush(ctx, "logged", false); err != nil {
			t.Fatal(err)
		}
	}
	writeAndFlush()
	// The seal is committed on the flushing thread: its record has arrived when Flush returns.
	seals := h.matching("sealed collection `logged`: 1 segments, 100 rows, ")
	if len(seals) != 1 || seals[0].Level != slog.LevelInfo {
		t.Fatalf("want one Info seal record, got %v", seals)
	}
	var target string
	seals[0].Attrs(func(a slog.Attr) bool {
		if a.Key == "target" {
			target = a.Value.String()
		}
		return true
	})
	if !strings.HasPrefix(target, "veclite::") {
		t.Fatalf("target attribute: %q", target)
	}
	if debug := h.matching("wrote segment file"); len(debug) != 0 {
		t.Fatalf("debug records reached an Info handler: %v", debug)
	}

	if err := client.SetLogger(nil); err != nil {
		t.Fatal(err)
	}
	before := h.count()
	writeAndFlush()
	if after := h.count(); after != before {
		t.Fatalf("%d records after SetLogger(nil)", after-before)
	}
}
