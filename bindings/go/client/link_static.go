//go:build veclite_static

package client

// Links the static library named by pkg-config's veclite-static (installed by make install,
// staged in target/release/pkg by make lib; PKG_CONFIG_PATH=<prefix>/lib/pkgconfig when it is
// not on pkg-config's default path), with that installation's header. Works from any copy of
// the package (a vendor directory, the module cache), and the program needs no libveclite at
// run time.

/*
#cgo pkg-config: veclite-static
*/
import "C"
