//go:build veclite_system

package client

// Links an installed libveclite (e.g. after make install): set CGO_LDFLAGS=-L<prefix>/lib and
// CGO_CFLAGS=-I<prefix>/include when it is not on the default paths.

/*
#cgo LDFLAGS: -lveclite -lm -ldl -lpthread
*/
import "C"
