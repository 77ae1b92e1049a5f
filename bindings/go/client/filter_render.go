package client

/*
#include "veclite.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// RenderFilter returns the filter template expr (Milvus's filter_params / expr_params:
// `age > {min} and name in {names}`) with each `{name}` placeholder replaced by the literal of
// its value in paramsJSON, a JSON object such as `{"min": 3, "names": ["a", "b"]}` (integers
// that fit 64 bits are integers, other numbers floats). A placeholder without a value, a value
// no placeholder uses, or a value that is not a boolean, number, string or array of those is
// ErrInvalidArgument.
func RenderFilter(expr string, paramsJSON []byte) (string, error) {
	ep, en := cstr(expr)
	var pp *C.uint8_t
	if len(paramsJSON) > 0 {
		pp = (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(paramsJSON)))
	}
	var list *C.veclite_strings
	var cerr *C.veclite_error
	st := C.veclite_filter_render(ep, en, pp, C.size_t(len(paramsJSON)), &list, &cerr)
	runtime.KeepAlive(expr)
	runtime.KeepAlive(paramsJSON)
	if st != C.VECLITE_STATUS_OK {
		return "", errFrom(st, cerr, nil)
	}
	defer C.veclite_strings_free(list)
	rendered := stringsFromC(list)
	if len(rendered) != 1 {
		return "", newErr(StatusPanic, "filter rendering returned %d filters, want 1", len(rendered))
	}
	return rendered[0], nil
}
