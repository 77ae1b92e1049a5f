package main

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
)

// loadStates tracks what clients loaded and released, so that the server answers as Milvus
// does: searches and queries read loaded partitions only, a released collection cannot be
// searched, and a loaded partition cannot be dropped. The engine itself always has every
// partition searchable; the state lives in the server and starts "all loaded" on each start.
type loadStates struct {
	mu sync.Mutex
	// loaded maps a collection to its loaded partitions; a collection absent from the map has
	// every partition loaded.
	loaded map[string]map[string]bool
}

func newLoadStates() *loadStates { return &loadStates{loaded: map[string]map[string]bool{}} }

// loadAll marks every partition of coll loaded (LoadCollection; a new or dropped collection).
func (l *loadStates) loadAll(coll string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.loaded, coll)
}

// releaseAll marks every partition of coll released.
func (l *loadStates) releaseAll(coll string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.loaded[coll] = map[string]bool{}
}

// load marks parts loaded.
func (l *loadStates) load(coll string, parts []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	set, ok := l.loaded[coll]
	if !ok {
		return
	}
	for _, p := range parts {
		set[p] = true
	}
}

// release marks parts released; all lists every partition of coll.
func (l *loadStates) release(coll string, parts, all []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	set, ok := l.loaded[coll]
	if !ok {
		set = map[string]bool{}
		for _, p := range all {
			set[p] = true
		}
		l.loaded[coll] = set
	}
	for _, p := range parts {
		delete(set, p)
	}
}

// isLoaded reports whether partition part of coll is loaded.
func (l *loadStates) isLoaded(coll, part string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	set, ok := l.loaded[coll]
	return !ok || set[part]
}

// readable returns the partitions a search or query of coll (a collKey) reads: parts when all of them are
// loaded, the loaded partitions when parts is empty (nil: all of them), or a Milvus "not
// loaded" status.
func (l *loadStates) readable(coll string, parts []string) ([]string, *commonpb.Status) {
	l.mu.Lock()
	defer l.mu.Unlock()
	set, ok := l.loaded[coll]
	if !ok {
		return parts, nil
	}
	if len(set) == 0 {
		return nil, &commonpb.Status{ErrorCode: commonpb.ErrorCode_UnexpectedError, Code: codeCollectionNotLoaded,
			Reason: "collection not loaded[collection=" + coll[strings.IndexByte(coll, 0)+1:] + "]"}
	}
	for _, p := range parts {
		if !set[p] {
			return nil, &commonpb.Status{ErrorCode: commonpb.ErrorCode_UnexpectedError, Code: codePartitionNotLoaded,
				Reason: "partition not loaded[partition=" + p + "]"}
		}
	}
	if len(parts) > 0 {
		return parts, nil
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out, nil
}

// state is Milvus's load state of coll (or of parts of it).
func (l *loadStates) state(coll string, parts []string) commonpb.LoadState {
	l.mu.Lock()
	defer l.mu.Unlock()
	set, ok := l.loaded[coll]
	if !ok {
		return commonpb.LoadState_LoadStateLoaded
	}
	if len(set) == 0 {
		return commonpb.LoadState_LoadStateNotLoad
	}
	for _, p := range parts {
		if !set[p] {
			return commonpb.LoadState_LoadStateNotLoad
		}
	}
	return commonpb.LoadState_LoadStateLoaded
}

// realName resolves an alias to its collection's name (names the engine does not know are
// returned as they are; the engine call that follows reports them).
func (s *service) realName(ctx context.Context, name string) string {
	if coll, err := s.h(ctx).DescribeCollection(ctx, name); err == nil && coll.Schema != nil {
		return coll.Schema.CollectionName
	}
	return name
}
