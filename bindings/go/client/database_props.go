//go:build cgo

package client

/*
#include "veclite.h"
*/
import "C"

import (
	"context"
	"runtime"

	"github.com/veclite/veclite/bindings/go/entity"
)

// AlterDatabase sets properties of database dbName ("" = default), kept in the catalog and
// returned by DescribeDatabase. database.replica.number (entity.DatabaseReplica) must be 1;
// properties veclite cannot honour (entity.DatabaseResourceGroups, quotas, the
// database.force.deny switches, database.max.collections) fail with an error wrapping
// ErrFeatureNotSupported; other keys are recorded. As in the SDK, no attribute, an invalid one
// or a key given twice is an error.
func (c *EmbeddedClient) AlterDatabase(ctx context.Context, dbName string, attrs ...entity.DatabaseAttribute) error {
	if len(attrs) == 0 {
		return newErr(StatusInvalidArgument, "no database attribute provided")
	}
	keys := make([]string, 0, len(attrs))
	values := make([]string, 0, len(attrs))
	for _, attr := range attrs {
		if attr == nil {
			return newErr(StatusInvalidArgument, "nil database attribute")
		}
		if err := attr.Valid(); err != nil {
			return newErr(StatusInvalidArgument, "%v", err)
		}
		k, v := attr.KeyValue()
		for _, seen := range keys {
			if seen == k {
				return newErr(StatusInvalidArgument, "duplicated attributed received: %s", k)
			}
		}
		keys = append(keys, k)
		values = append(values, v)
	}
	return c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		var pin runtime.Pinner
		defer pin.Unpin()
		np, nn := cstr(dbName)
		kp, kl, n := cstrings(keys, &pin)
		vp, vl, _ := cstrings(values, &pin)
		var cerr *C.veclite_error
		st := C.veclite_alter_database_properties(db, np, nn, kp, kl, vp, vl, n, nil, nil, 0, &cerr)
		runtime.KeepAlive(dbName)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		return nil
	})
}
