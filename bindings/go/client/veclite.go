// Package client mirrors the client package of milvus-sdk-go v2.4.2 over veclite, an embedded
// vector database: NewClient(ctx, Config{Address: dir}) opens (or creates) the database in
// directory dir, in this process. The calls, option types and results have the SDK's names and
// signatures for everything veclite supports; see docs/go.md for the differences.
//
// Each call makes one cgo call per batch (plus one per column to build or read columns), never
// one per row. Every call takes the client's read lock, so Close (write lock) waits for calls
// in flight and later calls return an error matching ErrClosed.
package client

/*
#cgo CFLAGS: -I${SRCDIR}/../../../include
#include "helpers.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// emptyByte gives empty strings a non-NULL pointer (the C API rejects NULL names).
var emptyByte [1]byte

// cstr passes s as a borrowed (ptr, len) pair. s holds no Go pointers and C keeps nothing.
func cstr(s string) (*C.uint8_t, C.size_t) {
	if len(s) == 0 {
		return (*C.uint8_t)(unsafe.Pointer(&emptyByte[0])), 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// cstrings passes a list of strings as parallel (ptrs, lens) arrays. The strings are copied
// into one buffer that p pins, so the ptrs array (Go memory) holds only pinned Go pointers.
func cstrings(list []string, p *runtime.Pinner) (**C.uint8_t, *C.size_t, C.size_t) {
	return ctexts(list, p)
}

// cbytes is cstrings for byte slices.
func cbytes(list [][]byte, p *runtime.Pinner) (**C.uint8_t, *C.size_t, C.size_t) {
	return ctexts(list, p)
}

func ctexts[T ~string | ~[]byte](list []T, p *runtime.Pinner) (**C.uint8_t, *C.size_t, C.size_t) {
	if len(list) == 0 {
		return nil, nil, 0
	}
	total := 1 // one spare byte: an empty last string still points inside the buffer
	for _, s := range list {
		total += len(s)
	}
	buf := make([]byte, 0, total)
	for _, s := range list {
		buf = append(buf, s...)
	}
	buf = buf[:total]
	p.Pin(&buf[0])
	ptrs := make([]*C.uint8_t, len(list))
	lens := make([]C.size_t, len(list))
	off := 0
	for i, s := range list {
		ptrs[i] = (*C.uint8_t)(unsafe.Pointer(&buf[off]))
		lens[i] = C.size_t(len(s))
		off += len(s)
	}
	return &ptrs[0], &lens[0], C.size_t(len(list))
}

// Version returns the version of the linked veclite library, e.g. "0.1.0".
func Version() string { return C.GoString(C.veclite_version()) }

// SIMDCapabilities returns the SIMD path the linked library's distance kernels use.
func SIMDCapabilities() string { return C.GoString(C.veclite_simd_capabilities()) }
