package client

/*
#include "helpers.h"
*/
import "C"

import (
	"context"
	"runtime"
	"strings"
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

// dataCall runs fn under the read lock with the database handle and a C context for ctx.
func (c *EmbeddedClient) dataCall(ctx context.Context, fn func(db *C.veclite_db, cc *callCtx) error) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	db, err := c.handle()
	if err != nil {
		return err
	}
	cc, err := newCallCtx(ctx)
	if err != nil {
		return err
	}
	defer cc.release()
	err = fn(db, cc)
	runtime.KeepAlive(c)
	return err
}

func readMutation(r *C.veclite_mutation_result) (*MutationResult, error) {
	var s C.vl_mr
	C.vl_mr_read(r, &s)
	out := &MutationResult{
		InsertCount: int64(s.insert_count), DeleteCount: int64(s.delete_count),
		UpsertCount: int64(s.upsert_count), SuccCount: int64(s.succ_count), ErrCount: int64(s.err_count),
		Timestamp: uint64(s.timestamp),
	}
	out.SuccIndex = toU32(copyC[uint64](unsafe.Pointer(s.succ), int(s.succ_len)))
	out.ErrIndex = toU32(copyC[uint64](unsafe.Pointer(s.errs), int(s.err_len)))
	if s.keys != nil {
		ids, err := fromC(s.keys)
		if err != nil {
			return nil, err
		}
		out.IDs = ids
	}
	return out, nil
}

func toU32(v []uint64) []uint32 {
	out := make([]uint32, len(v))
	for i, x := range v {
		out[i] = uint32(x)
	}
	return out
}

const (
	opUpsert = iota
	opInsert
	opPartialUpsert
)

func (c *EmbeddedClient) write(ctx context.Context, op int, collName, partitionName string, columns []entity.Column) (*MutationResult, error) {
	if err := checkColumns(columns); err != nil {
		return nil, err
	}
	var out *MutationResult
	err := c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		cols, err := toC(columns)
		if err != nil {
			return err
		}
		defer cols.free()
		cp, cn := cstr(collName)
		pp, pn := cstr(partitionName)
		var res *C.veclite_mutation_result
		var cerr *C.veclite_error
		var st C.veclite_status
		if op == opInsert {
			st = C.veclite_insert(db, cc.c, cp, cn, pp, pn, &cols[0], C.size_t(len(cols)), &res, &cerr)
		} else if op == opPartialUpsert {
			st = C.veclite_partial_upsert(db, cc.c, cp, cn, pp, pn, &cols[0], C.size_t(len(cols)), &res, &cerr)
		} else {
			st = C.veclite_upsert(db, cc.c, cp, cn, pp, pn, &cols[0], C.size_t(len(cols)), &res, &cerr)
		}
		runtime.KeepAlive(collName)
		runtime.KeepAlive(partitionName)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		defer C.veclite_mutation_result_free(res)
		out, err = readMutation(res)
		return err
	})
	return out, err
}

// Insert writes the rows of columns into partitionName ("" = _default) of collName and returns
// the primary-key column (the generated keys on an auto-id collection). A primary key that
// exists already, or repeats in the batch, fails with ErrDuplicatePrimaryKey; any invalid row
// fails the whole call and nothing is written.
func (c *EmbeddedClient) Insert(ctx context.Context, collName string, partitionName string, columns ...entity.Column) (entity.Column, error) {
	r, err := c.write(ctx, opInsert, collName, partitionName, columns)
	if err != nil {
		return nil, err
	}
	return r.IDs, nil
}

// Upsert replaces, for each row, the entity with the same primary key anywhere in the
// collection, or inserts it; the rows go into partitionName ("" = _default). It returns the
// primary-key column. All-or-nothing. UpsertWithResult also returns the counts.
func (c *EmbeddedClient) Upsert(ctx context.Context, collName string, partitionName string, columns ...entity.Column) (entity.Column, error) {
	r, err := c.write(ctx, opUpsert, collName, partitionName, columns)
	if err != nil {
		return nil, err
	}
	return r.IDs, nil
}

// UpsertWithResult is Upsert returning the full MutationResult (veclite-only).
func (c *EmbeddedClient) UpsertWithResult(ctx context.Context, collName string, partitionName string, columns ...entity.Column) (*MutationResult, error) {
	return c.write(ctx, opUpsert, collName, partitionName, columns)
}

// InsertWithResult is Insert returning the full MutationResult (veclite-only).
func (c *EmbeddedClient) InsertWithResult(ctx context.Context, collName string, partitionName string, columns ...entity.Column) (*MutationResult, error) {
	return c.write(ctx, opInsert, collName, partitionName, columns)
}

// DeleteWithResult is Delete returning the MutationResult; DeleteCount is exact (veclite-only).
func (c *EmbeddedClient) DeleteWithResult(ctx context.Context, collName string, partitionName string, expr string) (*MutationResult, error) {
	var out *MutationResult
	err := c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		cp, cn := cstr(collName)
		pp, pn := cstr(partitionName)
		ep, en := cstr(expr)
		var res *C.veclite_mutation_result
		var cerr *C.veclite_error
		st := C.veclite_delete(db, cc.c, cp, cn, pp, pn, ep, en, &res, &cerr)
		runtime.KeepAlive(collName)
		runtime.KeepAlive(partitionName)
		runtime.KeepAlive(expr)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		defer C.veclite_mutation_result_free(res)
		var err error
		out, err = readMutation(res)
		return err
	})
	return out, err
}

// Delete deletes the rows matching expr in partitionName ("" = the whole collection).
func (c *EmbeddedClient) Delete(ctx context.Context, collName string, partitionName string, expr string) error {
	_, err := c.DeleteWithResult(ctx, collName, partitionName, expr)
	return err
}

func checkIDs(ids entity.Column) error {
	if isNilColumn(ids) || ids.Len() == 0 {
		return newErr(StatusInvalidArgument, "ids len must not be zero")
	}
	if ids.Type() != entity.FieldTypeInt64 && ids.Type() != entity.FieldTypeVarChar {
		return newErr(StatusInvalidArgument, "only int64 and varchar column can be primary key for now")
	}
	return nil
}

// checkPKName fails unless ids is named after the collection's primary key (the C calls look
// keys up by value whatever the column's name).
func (c *EmbeddedClient) checkPKName(ctx context.Context, collName string, ids entity.Column, msg string) error {
	schema, err := c.describe(ctx, collName)
	if err != nil {
		return err
	}
	if pk := schema.PKFieldName(); pk != ids.Name() {
		return newErr(StatusInvalidArgument, "%s: ids column %s is not the primary key %s", msg, ids.Name(), pk)
	}
	return nil
}

// DeleteByPksWithResult is DeleteByPks returning the MutationResult (veclite-only).
func (c *EmbeddedClient) DeleteByPksWithResult(ctx context.Context, collName string, partitionName string, ids entity.Column) (*MutationResult, error) {
	if err := checkIDs(ids); err != nil {
		return nil, err
	}
	if err := c.checkPKName(ctx, collName, ids, "only delete by primary key is supported now"); err != nil {
		return nil, err
	}
	var out *MutationResult
	err := c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		col, err := columnToC(ids)
		if err != nil {
			return err
		}
		defer C.veclite_column_free(col)
		cp, cn := cstr(collName)
		pp, pn := cstr(partitionName)
		var res *C.veclite_mutation_result
		var cerr *C.veclite_error
		st := C.veclite_delete_by_pks(db, cc.c, cp, cn, pp, pn, col, &res, &cerr)
		runtime.KeepAlive(collName)
		runtime.KeepAlive(partitionName)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		defer C.veclite_mutation_result_free(res)
		out, err = readMutation(res)
		return err
	})
	return out, err
}

// DeleteByPks deletes the rows whose primary keys are in ids (keys without a row are
// ignored) in partitionName ("" = the whole collection).
func (c *EmbeddedClient) DeleteByPks(ctx context.Context, collName string, partitionName string, ids entity.Column) error {
	_, err := c.DeleteByPksWithResult(ctx, collName, partitionName, ids)
	return err
}

// Flush seals the collection's growing segments into memory-mapped files. It is not needed
// for visibility (reads see every acknowledged write). async is ignored: Flush returns when it
// is done, or when ctx is cancelled or expires.
func (c *EmbeddedClient) Flush(ctx context.Context, collName string, async bool, opts ...FlushOption) error {
	return c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		cp, cn := cstr(collName)
		var cerr *C.veclite_error
		st := C.veclite_flush(db, cc.c, cp, cn, &cerr)
		runtime.KeepAlive(collName)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		return nil
	})
}

// Compact flushes, then merges small segments and drops deleted rows (veclite-only).
func (c *EmbeddedClient) Compact(ctx context.Context, collName string) error {
	return c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		cp, cn := cstr(collName)
		var cerr *C.veclite_error
		st := C.veclite_compact(db, cc.c, cp, cn, &cerr)
		runtime.KeepAlive(collName)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		return nil
	})
}

// Count returns the number of live rows matching expr ("" = all) in the given partitions
// (none = all): count(*) (veclite-only).
func (c *EmbeddedClient) Count(ctx context.Context, collName string, expr string, partitions ...string) (uint64, error) {
	var n C.uint64_t
	err := c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		var pin runtime.Pinner
		defer pin.Unpin()
		pps, pls, np := cstrings(partitions, &pin)
		cp, cn := cstr(collName)
		ep, en := cstr(expr)
		var cerr *C.veclite_error
		st := C.veclite_count(db, cc.c, cp, cn, ep, en, pps, pls, np, &n, &cerr)
		runtime.KeepAlive(collName)
		runtime.KeepAlive(expr)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		return nil
	})
	return uint64(n), err
}

// metricToC parses a metric name in the library (L2, IP or COSINE, any case).
func metricToC(mt entity.MetricType) (C.uint32_t, error) {
	var out C.uint32_t
	var cerr *C.veclite_error
	p, n := cstr(string(mt))
	st := C.veclite_metric_parse(p, n, &out, &cerr)
	runtime.KeepAlive(mt)
	if st != C.VECLITE_STATUS_OK {
		return 0, errFrom(st, cerr, nil)
	}
	return out, nil
}

// Search returns the topK nearest entities of each query vector. The field's index (if any)
// is used: sp's "ef" (entity.NewIndexHNSWSearchParam) and "nprobe"
// (entity.NewIndexIvfFlatSearchParam) tune HNSW and IVF_FLAT searches (defaults: ef = max(64,
// topK), nprobe 8); FLAT's params set nothing. The library parses sp.Params(): a param the
// field's index does not take (ef without an HNSW index, nprobe without an IVF_FLAT or FLAT
// one; FLAT takes it without effect, as in Milvus) or a
// bad value is ErrInvalidArgument; range search (AddRadius / AddRangeFilter),
// page_retain_order true and other keys fail with an error wrapping ErrFeatureNotSupported, and
// WithLimit (a Query option) with ErrInvalidArgument; WithIgnoreGrowing searches sealed segments
// only. AddRadius /
// AddRangeFilter make a range search (Milvus's direction per metric) and WithGroupByField a
// grouping search (GroupByValue holds each hit's group). metricType must be the index's metric (searching an
// indexed field with another metric fails). partitions nil = all; expr "" = no filter;
// outputFields name the fields returned in SearchResult.Fields ("*" = all); vectorField ""
// = the collection's only vector field. vectors are all FloatVector, BinaryVector (metrics
// HAMMING, JACCARD), Float16Vector or BFloat16Vector, of the field's type and dim. One
// SearchResult per vector.
func (c *EmbeddedClient) Search(ctx context.Context, collName string, partitions []string, expr string, outputFields []string,
	vectors []entity.Vector, vectorField string, metricType entity.MetricType, topK int,
	sp entity.SearchParam, opts ...SearchQueryOptionFunc) ([]SearchResult, error) {
	o, err := makeSearchQueryOption(opts)
	if err != nil {
		return nil, err
	}
	if o.Limit != 0 {
		return nil, newErr(StatusInvalidArgument, "WithLimit(%d) applies to Query: Search returns topK hits per vector", o.Limit)
	}
	metric, err := metricToC(metricType)
	if err != nil {
		return nil, err
	}
	if len(vectors) == 0 {
		return nil, newErr(StatusInvalidArgument, "no query vectors")
	}
	if topK < 1 {
		return nil, newErr(StatusInvalidArgument, "topk %d must be at least 1", topK)
	}
	sparse, isSparse, err := sparseQueries(vectors)
	if err != nil {
		return nil, err
	}
	var queries queryBatch
	if !isSparse {
		if queries, err = queryVectors(vectors); err != nil {
			return nil, err
		}
	}
	var results []SearchResult
	err = c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		so := C.veclite_search_options_new()
		defer C.veclite_search_options_free(so)
		var cerr *C.veclite_error
		check := func(st C.veclite_status) error {
			if st != C.VECLITE_STATUS_OK {
				return errFrom(st, cerr, nil)
			}
			return nil
		}
		if expr != "" {
			p, n := cstr(expr)
			if err := check(C.veclite_search_options_set_filter(so, p, n, &cerr)); err != nil {
				return err
			}
		}
		if vectorField != "" {
			p, n := cstr(vectorField)
			if err := check(C.veclite_search_options_set_vector_field(so, p, n, &cerr)); err != nil {
				return err
			}
		}
		for _, part := range partitions {
			p, n := cstr(part)
			if err := check(C.veclite_search_options_add_partition(so, p, n, &cerr)); err != nil {
				return err
			}
		}
		for _, f := range outputFields {
			p, n := cstr(f)
			if err := check(C.veclite_search_options_add_output_field(so, p, n, &cerr)); err != nil {
				return err
			}
		}
		if o.Offset > 0 {
			if err := check(C.veclite_search_options_set_offset(so, C.size_t(o.Offset), &cerr)); err != nil {
				return err
			}
		}
		if err := setSearchParams(sp, so); err != nil {
			return err
		}
		if o.IgnoreGrowing {
			if err := check(C.veclite_search_options_set_ignore_growing(so, true, &cerr)); err != nil {
				return err
			}
		}
		if o.GroupByField != "" {
			p, n := cstr(o.GroupByField)
			size, err := o.groupSize()
			if err != nil {
				return err
			}
			if err := check(C.veclite_search_options_set_group_by(so, p, n, C.size_t(size), C.bool(o.StrictGroupSize), &cerr)); err != nil {
				return err
			}
			if err := check(C.veclite_search_options_add_output_field(so, p, n, &cerr)); err != nil {
				return err
			}
		}
		cp, cn := cstr(collName)
		var sr *C.veclite_search_result
		var st C.veclite_status
		if isSparse {
			st = sparse.search(db, cc.c, cp, cn, so, C.size_t(topK), metric, &sr, &cerr)
		} else {
			st = queries.search(db, cc.c, cp, cn, so, topK, metric, &sr, &cerr)
		}
		runtime.KeepAlive(collName)
		runtime.KeepAlive(outputFields)
		runtime.KeepAlive(partitions)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		defer C.veclite_search_result_free(sr)
		results, err = readSearch(sr, len(vectors), outputFields, o.GroupByField)
		return err
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// readSearch reads nq queries' hits with the requested outputFields; groupBy names the
// grouping field ("" = none), whose column becomes GroupByValue.
func readSearch(sr *C.veclite_search_result, nq int, outputFields []string, groupBy string) ([]SearchResult, error) {
	all := false
	want := make(map[string]bool, len(outputFields))
	for _, f := range outputFields {
		if f == "*" {
			all = true
		}
		want[f] = true
	}
	out := make([]SearchResult, nq)
	for q := range nq {
		var h C.vl_hits
		C.vl_hits_read(sr, C.size_t(q), &h)
		ids, err := fromC(h.ids)
		if err != nil {
			return nil, err
		}
		fields := ResultSet{}
		var group entity.Column
		if h.fields != nil {
			cols, err := resultColumns(h.fields)
			if err != nil {
				return nil, err
			}
			for _, col := range withDynamicColumns(cols, outputFields) {
				if all || want[col.Name()] {
					fields = append(fields, col)
				}
				if groupBy != "" && col.Name() == groupBy {
					group = col
				}
			}
		}
		out[q] = SearchResult{
			ResultCount:  int(h.count),
			GroupByValue: group,
			IDs:          ids,
			Fields:       fields,
			Scores:       copyC[float32](unsafe.Pointer(h.scores), int(h.scores_len)),
		}
	}
	return out, nil
}

// Query returns the rows matching expr ("" = all rows) in partitionNames (nil = all), with the
// primary key and outputFields ("*" = all). outputFields ["count(*)"] returns one Int64 column
// "count(*)". WithLimit / WithOffset page through the rows (offset + limit ≤ 16384).
func (c *EmbeddedClient) Query(ctx context.Context, collectionName string, partitionNames []string, expr string,
	outputFields []string, opts ...SearchQueryOptionFunc) (ResultSet, error) {
	o, err := makeSearchQueryOption(opts)
	if err != nil {
		return nil, err
	}
	if err := o.searchOnly("Query"); err != nil {
		return nil, err
	}
	if o.GroupByField != "" {
		return nil, newErr(StatusInvalidArgument, "WithGroupByField(%q) applies to Search", o.GroupByField)
	}
	if len(outputFields) == 1 && strings.EqualFold(strings.ReplaceAll(outputFields[0], " ", ""), "count(*)") {
		if o.Limit != 0 || o.Offset != 0 {
			return nil, newErr(StatusInvalidArgument, "count(*) counts every matching row: WithLimit / WithOffset do not apply")
		}
		n, err := c.Count(ctx, collectionName, expr, partitionNames...)
		if err != nil {
			return nil, err
		}
		return ResultSet{entity.NewColumnInt64("count(*)", []int64{int64(n)})}, nil
	}
	var rs ResultSet
	err = c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		var pin runtime.Pinner
		defer pin.Unpin()
		pps, pls, np := cstrings(partitionNames, &pin)
		ops, ols, no := cstrings(outputFields, &pin)
		cp, cn := cstr(collectionName)
		ep, en := cstr(expr)
		var res *C.veclite_result
		var cerr *C.veclite_error
		st := C.veclite_query(db, cc.c, cp, cn, ep, en, pps, pls, np, ops, ols, no,
			C.size_t(o.Limit), C.size_t(o.Offset), &res, &cerr)
		runtime.KeepAlive(collectionName)
		runtime.KeepAlive(expr)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		defer C.veclite_result_free(res)
		var err error
		rs, err = resultColumns(res)
		rs = withDynamicColumns(rs, outputFields)
		return err
	})
	return rs, err
}

func (c *EmbeddedClient) get(ctx context.Context, collectionName string, partitionNames []string, ids entity.Column, outputFields []string) (ResultSet, error) {
	if err := checkIDs(ids); err != nil {
		return nil, err
	}
	if err := c.checkPKName(ctx, collectionName, ids, "query by primary keys"); err != nil {
		return nil, err
	}
	var rs ResultSet
	err := c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		col, err := columnToC(ids)
		if err != nil {
			return err
		}
		defer C.veclite_column_free(col)
		var pin runtime.Pinner
		defer pin.Unpin()
		pps, pls, np := cstrings(partitionNames, &pin)
		ops, ols, no := cstrings(outputFields, &pin)
		cp, cn := cstr(collectionName)
		var res *C.veclite_result
		var cerr *C.veclite_error
		st := C.veclite_get(db, cc.c, cp, cn, col, pps, pls, np, ops, ols, no, &res, &cerr)
		runtime.KeepAlive(collectionName)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		defer C.veclite_result_free(res)
		rs, err = resultColumns(res)
		rs = withDynamicColumns(rs, outputFields)
		return err
	})
	return rs, err
}

// QueryByPks returns the live rows whose primary keys are in ids, in request order, with the
// primary key and outputFields; WithOffset / WithLimit page through them.
func (c *EmbeddedClient) QueryByPks(ctx context.Context, collectionName string, partitionNames []string, ids entity.Column,
	outputFields []string, opts ...SearchQueryOptionFunc) (ResultSet, error) {
	o, err := makeSearchQueryOption(opts)
	if err != nil {
		return nil, err
	}
	if err := o.searchOnly("QueryByPks"); err != nil {
		return nil, err
	}
	if o.GroupByField != "" {
		return nil, newErr(StatusInvalidArgument, "WithGroupByField(%q) applies to Search", o.GroupByField)
	}
	rs, err := c.get(ctx, collectionName, partitionNames, ids, outputFields)
	if err != nil || (o.Offset == 0 && o.Limit == 0) {
		return rs, err
	}
	n := int64(rs.Len())
	start := min(o.Offset, n)
	end := n
	if o.Limit > 0 {
		end = min(start+o.Limit, n)
	}
	return rs.Slice(int(start), int(end)), nil
}

// Get returns the rows whose primary keys are in ids, with every field unless
// GetWithOutputFields says otherwise.
func (c *EmbeddedClient) Get(ctx context.Context, collectionName string, ids entity.Column, opts ...GetOption) (ResultSet, error) {
	o := &getOption{}
	for _, f := range opts {
		if f != nil {
			f(o)
		}
	}
	out := o.outputFields
	if len(out) == 0 {
		out = []string{"*"}
	}
	return c.get(ctx, collectionName, o.partitionNames, ids, out)
}
