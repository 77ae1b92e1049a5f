//go:build veclitedebug && cgo

package client

import "runtime"

// maybeGC forces a collection on every handle access, to catch a missing runtime.KeepAlive.
func maybeGC() { runtime.GC() }
