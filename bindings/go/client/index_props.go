//go:build cgo

package client

/*
#include "veclite.h"
*/
import "C"

import (
	"context"
	"runtime"
	"sort"
)

// alterIndexProperties sets the properties set of the index named indexName of collName
// (stored in the catalog with the index; DescribeIndex reports them among the index params).
func (c *EmbeddedClient) alterIndexProperties(ctx context.Context, collName, indexName string, set map[string]string) error {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	values := make([]string, len(keys))
	for i, k := range keys {
		values[i] = set[k]
	}
	return c.nameCall(ctx, collName, indexName, func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, ip *C.uint8_t, in C.size_t, cerr **C.veclite_error) C.veclite_status {
		var pin runtime.Pinner
		defer pin.Unpin()
		kp, kl, n := cstrings(keys, &pin)
		vp, vl, _ := cstrings(values, &pin)
		return C.veclite_alter_index_properties(db, cp, cn, ip, in, kp, kl, vp, vl, n, nil, nil, 0, cerr)
	})
}
