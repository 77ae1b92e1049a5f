package client

/*
#include "helpers.h"
*/
import "C"

import (
	"context"
	"io"
	"runtime"

	"github.com/veclite/veclite/bindings/go/entity"
)

// maxIteratorBatch is the largest batch of a query iterator (Milvus's query window).
const maxIteratorBatch = 16384

// QueryIteratorOption configures QueryIterator (milvus-sdk-go v2.4.2): the collection, and
// optionally partitions, a filter expression, output fields and the batch size (default 1000).
type QueryIteratorOption struct {
	collectionName string
	partitionNames []string
	expr           string
	outputFields   []string
	batchSize      int
}

// NewQueryIteratorOption returns the options of an iterator over collectionName, 1000 rows a batch.
func NewQueryIteratorOption(collectionName string) *QueryIteratorOption {
	return &QueryIteratorOption{collectionName: collectionName, batchSize: 1000}
}

// WithPartitions restricts the iteration to these partitions.
func (opt *QueryIteratorOption) WithPartitions(partitionNames ...string) *QueryIteratorOption {
	opt.partitionNames = partitionNames
	return opt
}

// WithExpr sets the filter expression (empty = every row).
func (opt *QueryIteratorOption) WithExpr(expr string) *QueryIteratorOption {
	opt.expr = expr
	return opt
}

// WithOutputFields sets the fields returned besides the primary key.
func (opt *QueryIteratorOption) WithOutputFields(outputFields ...string) *QueryIteratorOption {
	opt.outputFields = outputFields
	return opt
}

// WithBatchSize sets the rows per Next call (1..16384).
func (opt *QueryIteratorOption) WithBatchSize(batchSize int) *QueryIteratorOption {
	opt.batchSize = batchSize
	return opt
}

// QueryIterator pages through the rows matching a filter in ascending primary-key order. Each
// Next returns the next batch, read from one consistent state: no key comes back twice, and
// every row alive (not deleted, key unchanged) for the whole iteration comes back once,
// whatever writes run between calls. Memory is bounded by the batch size.
type QueryIterator struct {
	client *EmbeddedClient
	opt    QueryIteratorOption
	after  entity.Column // the last key returned; nil before the first batch
	done   bool
}

// QueryIterator starts an iteration over opt's collection. The collection, partitions, filter
// and output fields are checked by the first Next.
func (c *EmbeddedClient) QueryIterator(ctx context.Context, opt *QueryIteratorOption) (*QueryIterator, error) {
	if opt == nil {
		return nil, newErr(StatusInvalidArgument, "QueryIterator needs a QueryIteratorOption")
	}
	if opt.batchSize < 1 || opt.batchSize > maxIteratorBatch {
		return nil, newErr(StatusInvalidArgument, "iterator batch size %d must be in 1..=%d", opt.batchSize, maxIteratorBatch)
	}
	if _, err := c.describe(ctx, opt.collectionName); err != nil {
		return nil, err
	}
	o := *opt
	return &QueryIterator{client: c, opt: o}, nil
}

// Next returns the next batch of rows (the primary key and the output fields); io.EOF once
// every row has been returned.
func (itr *QueryIterator) Next(ctx context.Context) (ResultSet, error) {
	if itr.done {
		return nil, io.EOF
	}
	rs, key, err := itr.client.queryPage(ctx, &itr.opt, itr.after)
	if err != nil {
		return nil, err
	}
	if rs.Len() < itr.opt.batchSize {
		itr.done = true
	}
	if rs.Len() == 0 {
		return nil, io.EOF
	}
	itr.after = key.Slice(key.Len()-1, key.Len())
	return rs, nil
}

// queryPage reads one page after the cursor `after` (nil = from the start); returns the page
// and its primary-key column.
func (c *EmbeddedClient) queryPage(ctx context.Context, o *QueryIteratorOption, after entity.Column) (ResultSet, entity.Column, error) {
	var rs ResultSet
	var key entity.Column
	err := c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		var cursor *C.veclite_column
		if after != nil {
			col, err := columnToC(after)
			if err != nil {
				return err
			}
			defer C.veclite_column_free(col)
			cursor = col
		}
		var pin runtime.Pinner
		defer pin.Unpin()
		pps, pls, np := cstrings(o.partitionNames, &pin)
		ops, ols, no := cstrings(o.outputFields, &pin)
		cp, cn := cstr(o.collectionName)
		ep, en := cstr(o.expr)
		var res *C.veclite_result
		var cerr *C.veclite_error
		st := C.veclite_query_page(db, cc.c, cp, cn, ep, en, pps, pls, np, ops, ols, no, cursor,
			C.size_t(o.batchSize), &res, &cerr)
		runtime.KeepAlive(o)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		defer C.veclite_result_free(res)
		cols, err := resultColumns(res)
		if err != nil {
			return err
		}
		key = cols[0] // the core returns the primary key first
		rs = withDynamicColumns(cols, o.outputFields)
		return nil
	})
	return rs, key, err
}
