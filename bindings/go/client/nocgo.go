//go:build !cgo

package client

// The client package calls the veclite C library through cgo. Without cgo (CGO_ENABLED=0, or
// no C compiler found) every other file of the package is left out and the build stops here,
// with one error whose name says what to do.
var _ = veclite_requires_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler
