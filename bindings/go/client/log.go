package client

/*
#include "veclite.h"

// Defined in Go below (//export vecliteGoLog).
extern void vecliteGoLog(uint32_t level, char *target, char *message, void *user_data);
*/
import "C"

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"unsafe"
)

// LevelTrace is the slog level of veclite's finest (trace) events, below slog.LevelDebug.
const LevelTrace = slog.LevelDebug - 4

// logger receives the library's events; nil while logging is off.
var logger atomic.Pointer[slog.Logger]

// setLoggerMu serialises SetLogger calls, so the level given to C matches the logger stored.
var setLoggerMu sync.Mutex

// SetLogger sends the veclite library's events to l: seals, compactions and index builds
// (slog.LevelInfo), recovery actions, slow fsyncs and retried background work (slog.LevelWarn),
// corruption found and failed background work (slog.LevelError), per-file detail
// (slog.LevelDebug). Each record's message is the event's text and its "target" attribute the
// veclite module that logged it. nil turns logging off (the default: nothing is logged until
// SetLogger is called). Logging is process-wide, for every client.
//
// Only the levels l is enabled for when SetLogger is called are produced by the library; call
// SetLogger again after changing the handler's level. Records may come from the library's
// background threads, concurrently and while it holds internal locks: l's handler must be safe
// for concurrent use and must not call this package. A panic in the handler is recovered and the
// record dropped.
//
// The error matches ErrAlreadyExists when the process already has another logger for the
// library's Rust log facade.
func SetLogger(l *slog.Logger) error {
	setLoggerMu.Lock()
	defer setLoggerMu.Unlock()
	level := C.uint32_t(C.VECLITE_LOG_OFF)
	if l != nil {
		level = maxLevel(l.Handler())
	}
	// The new logger is stored first: records produced under the new level find it.
	previous := logger.Swap(l)
	var cerr *C.veclite_error
	callback := C.veclite_log_callback(C.vecliteGoLog)
	if l == nil {
		callback = nil
	}
	if st := C.veclite_set_log_callback(callback, nil, level, &cerr); st != C.VECLITE_STATUS_OK {
		logger.Store(previous)
		return errFrom(st, cerr, nil)
	}
	return nil
}

// maxLevel is the most detailed veclite level h is enabled for.
func maxLevel(h slog.Handler) C.uint32_t {
	ctx := context.Background()
	for _, l := range []struct {
		slog  slog.Level
		level C.uint32_t
	}{
		{LevelTrace, C.VECLITE_LOG_TRACE},
		{slog.LevelDebug, C.VECLITE_LOG_DEBUG},
		{slog.LevelInfo, C.VECLITE_LOG_INFO},
		{slog.LevelWarn, C.VECLITE_LOG_WARN},
		{slog.LevelError, C.VECLITE_LOG_ERROR},
	} {
		if h.Enabled(ctx, l.slog) {
			return l.level
		}
	}
	return C.VECLITE_LOG_OFF
}

// slogLevel is the slog level of a veclite level.
func slogLevel(level C.uint32_t) slog.Level {
	switch level {
	case C.VECLITE_LOG_ERROR:
		return slog.LevelError
	case C.VECLITE_LOG_WARN:
		return slog.LevelWarn
	case C.VECLITE_LOG_INFO:
		return slog.LevelInfo
	case C.VECLITE_LOG_DEBUG:
		return slog.LevelDebug
	default:
		return LevelTrace
	}
}

// vecliteGoLog is the C log callback: it forwards one event to the current logger. It runs on
// whichever thread logged (often one of the library's own); target and message are copied
// before it returns, and no panic crosses back into C.
//
//export vecliteGoLog
func vecliteGoLog(level C.uint32_t, target, message *C.char, _ unsafe.Pointer) {
	l := logger.Load()
	if l == nil {
		return
	}
	defer func() { _ = recover() }()
	lvl, ctx := slogLevel(level), context.Background()
	if !l.Enabled(ctx, lvl) {
		return
	}
	l.LogAttrs(ctx, lvl, C.GoString(message), slog.String("target", C.GoString(target)))
}
