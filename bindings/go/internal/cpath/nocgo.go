//go:build !cgo

package cpath

// cpath calls the veclite C library through cgo: without cgo the build stops here, with one
// error whose name says what to do.
var _ = veclite_requires_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler
