//go:build !veclite_system

package client

// Links the static library built in this checkout (cargo build --release --lib). Build with
// -tags veclite_system to link an installed libveclite instead (CGO_LDFLAGS / CGO_CFLAGS
// give its location).

/*
#cgo LDFLAGS: ${SRCDIR}/../../../target/release/libveclite.a -lm -ldl -lpthread
*/
import "C"
