//go:build !veclite_system && !veclite_static

package client

// Links the static library built in this checkout (cargo build --release --lib), by its path
// relative to this directory: the package must be used from the checkout (a replace directive).
// Build with -tags veclite_static to link an installed static library found through pkg-config
// (veclite-static.pc), or -tags veclite_system to link -lveclite (CGO_LDFLAGS / CGO_CFLAGS give
// its location).

/*
#cgo LDFLAGS: ${SRCDIR}/../../../target/release/libveclite.a -lm -ldl -lpthread
*/
import "C"
