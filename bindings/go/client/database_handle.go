package client

/*
#include "helpers.h"
*/
import "C"

import "context"

// InDatabase returns a second client on the same open directory that works in database dbName
// ("" = default), which must exist (ErrNotFound otherwise); c keeps working in its own database.
// Both share one open directory: closing either closes it, and calls through the other then fail
// with ErrClosed. Unlike NewClient's, the returned client has no cleanup that closes it when it
// becomes unreachable (that would close the directory under c): close it after c, or keep it.
func (c *EmbeddedClient) InDatabase(ctx context.Context, dbName string) (*EmbeddedClient, error) {
	// Checked first: a clone cannot be released without closing the directory it shares.
	if _, err := c.DescribeDatabase(ctx, dbName); err != nil {
		return nil, err
	}
	var out *EmbeddedClient
	err := c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		var clone *C.veclite_db
		var cerr *C.veclite_error
		if st := C.veclite_db_clone(db, &clone, &cerr); st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		if err := useDatabase(clone, cc, dbName); err != nil {
			// Dropped since the check: the clone stays unreleased (closing it would close the
			// directory); it is a few bytes.
			return err
		}
		out = &EmbeddedClient{db: clone, dir: c.dir}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
