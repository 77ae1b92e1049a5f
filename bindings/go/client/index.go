package client

/*
#include "veclite.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

func (c *EmbeddedClient) schemaField(ctx context.Context, collName, fieldName string) (*entity.Field, error) {
	schema, err := c.describe(ctx, collName)
	if err != nil {
		return nil, err
	}
	for _, f := range schema.Fields {
		if f.Name == fieldName {
			return f, nil
		}
	}
	return nil, notFound(ObjectField, "field `%s` does not exist in collection `%s`", fieldName, collName)
}

// indexRequest is an entity.Index in the terms veclite_create_index takes: Milvus's index
// type and metric names and the build params as a flat key/value map.
type indexRequest struct {
	indexType, metric string
	build             map[string]string
}

// flattenIndex flattens an index's params as Milvus does: the "params" JSON object (what the
// typed indexes of entity produce) and the top-level keys (what generic indexes carry), where
// top-level keys win; "index_type" and "metric_type" (in either place) name the type and the
// metric. The library parses and checks the names and values.
func flattenIndex(idx entity.Index) (indexRequest, error) {
	params := idx.Params()
	flat := map[string]string{}
	if raw, ok := params["params"]; ok && strings.TrimSpace(raw) != "" {
		var inner map[string]any
		if err := json.Unmarshal([]byte(raw), &inner); err != nil {
			return indexRequest{}, newErr(StatusInvalidArgument, "index params %q: not a JSON object: %v", raw, err)
		}
		for k, v := range inner {
			flat[k] = paramText(v)
		}
	}
	for k, v := range params {
		if k != "params" {
			flat[k] = v
		}
	}
	req := indexRequest{indexType: flat["index_type"], metric: flat["metric_type"], build: flat}
	if strings.TrimSpace(req.indexType) == "" {
		req.indexType = string(idx.IndexType())
	}
	delete(flat, "index_type")
	delete(flat, "metric_type")
	return req, nil
}

// paramText is a JSON or Go parameter value as the text the library parses.
func paramText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	}
	return fmt.Sprint(v)
}

// cparams passes a key/value map to C as parallel (ptr, len) arrays, keys sorted (so the
// first bad key reported is always the same).
type cparams struct {
	keys, values       **C.uint8_t
	keyLens, valueLens *C.size_t
	n                  C.size_t
}

func newCParams(m map[string]string, pin *runtime.Pinner) cparams {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	values := make([]string, len(keys))
	for i, k := range keys {
		values[i] = m[k]
	}
	var p cparams
	p.keys, p.keyLens, p.n = cstrings(keys, pin)
	p.values, p.valueLens, _ = cstrings(values, pin)
	return p
}

// CreateIndex creates a FLAT, HNSW or IVF_FLAT index on a vector field (entity.NewIndexFlat,
// NewIndexHNSW, NewIndexIvfFlat, or a generic index whose params carry index_type,
// metric_type and Milvus's M / efConstruction / nlist, top-level or in the "params" JSON;
// AUTOINDEX builds HNSW with M 18 and efConstruction 240), SPARSE_INVERTED_INDEX or SPARSE_WAND
// on a sparse vector field (entity.NewIndexSparseInverted, NewIndexSparseWAND: metric IP,
// drop_ratio_build, inverted_index_algo; AUTOINDEX builds SPARSE_INVERTED_INDEX), or a scalar index on a scalar field
// (entity.NewScalarIndex, NewScalarIndexWithType: INVERTED, STL_SORT, BITMAP, TRIE, allowed
// by field type as in Milvus, else ErrInvalidArgument), and builds it for every sealed segment
// before returning; segments sealed later are indexed automatically. The library parses the
// names and params: missing build params take Milvus's defaults (M 30, efConstruction 360,
// nlist 128), ranges are checked (ErrInvalidArgument), and any other index type or a build
// param the type does not read fails with an error wrapping ErrFeatureNotSupported; nothing is
// substituted or ignored. The build is synchronous, so an async call is also done when it
// returns. Creating the same index again is a no-op; a different index on a field that has one
// fails (ErrInvalidArgument). WithIndexName (or a generic index's own name) names the index
// (default: the field name).
func (c *EmbeddedClient) CreateIndex(ctx context.Context, collName string, fieldName string, idx entity.Index, async bool, opts ...IndexOption) error {
	if idx == nil {
		return newErr(StatusInvalidArgument, "index is nil")
	}
	def, err := indexName(fieldName, idx, opts)
	if err != nil {
		return err
	}
	if _, err := c.schemaField(ctx, collName, fieldName); err != nil {
		return err
	}
	req, err := flattenIndex(idx)
	if err != nil {
		return err
	}
	return c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		var pin runtime.Pinner
		defer pin.Unpin()
		params := newCParams(req.build, &pin)
		cp, cn := cstr(collName)
		fp, fnl := cstr(fieldName)
		np, nn := cstr(def.name)
		tp, tn := cstr(req.indexType)
		mp, mn := cstr(req.metric)
		var cerr *C.veclite_error
		st := C.veclite_create_index(db, cc.c, cp, cn, fp, fnl, np, nn, tp, tn, mp, mn,
			params.keys, params.keyLens, params.values, params.valueLens, params.n, &cerr)
		runtime.KeepAlive(collName)
		runtime.KeepAlive(fieldName)
		runtime.KeepAlive(def.name)
		runtime.KeepAlive(req)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		return nil
	})
}

// indexName is the name CreateIndex gives an index: WithIndexName's, else a generic index's
// own name (entity.NewGenericIndex(name, ...)), else the field name. Two different names are
// an error.
func indexName(fieldName string, idx entity.Index, opts []IndexOption) (indexDef, error) {
	var def indexDef
	for _, o := range opts {
		if o != nil {
			o(&def)
		}
	}
	if g, ok := idx.(entity.GenericIndex); ok && g.Name() != "" {
		if def.name != "" && def.name != g.Name() {
			return def, newErr(StatusInvalidArgument, "index named %q by NewGenericIndex and %q by WithIndexName", g.Name(), def.name)
		}
		def.name = g.Name()
	}
	if def.name == "" {
		def.name = fieldName
	}
	return def, nil
}

// indexInfo is one index as veclite_describe_index reports it.
type indexInfo struct {
	name                             string
	index                            entity.Index
	indexedRows, totalRows, pendRows int64
}

// describeIndexC describes the index of one field (NOT_FOUND when it has none).
func (c *EmbeddedClient) describeIndexC(ctx context.Context, collName, fieldName string) (*indexInfo, error) {
	var out *indexInfo
	err := c.nameCall(ctx, collName, fieldName, func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, fp *C.uint8_t, fnl C.size_t, cerr **C.veclite_error) C.veclite_status {
		var info *C.veclite_index_info
		st := C.veclite_describe_index(db, cp, cn, fp, fnl, &info, cerr)
		if st != C.VECLITE_STATUS_OK {
			return st
		}
		defer C.veclite_index_info_free(info)
		var (
			np                      *C.uint8_t
			nl                      C.size_t
			indexed, total, pending C.uint64_t
		)
		C.veclite_index_info_get(info, &np, &nl, nil, nil, nil, nil, &indexed, &total, &pending)
		name := goString(np, nl)
		params := map[string]string{}
		for i := range C.veclite_index_info_params_len(info) {
			var kp, vp *C.uint8_t
			var kl, vl C.size_t
			C.veclite_index_info_param(info, i, &kp, &kl, &vp, &vl)
			// A scalar index has no metric: Milvus describes it without metric_type.
			if k, v := goString(kp, kl), goString(vp, vl); k != "metric_type" || v != "" {
				params[k] = v
			}
		}
		it := entity.IndexType(params["index_type"])
		out = &indexInfo{name: name, index: entity.NewGenericIndex(name, it, params),
			indexedRows: int64(indexed), totalRows: int64(total), pendRows: int64(pending)}
		return st
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func indexMissing(collName, fieldName string) error {
	return notFound(ObjectIndex, "index `%s` does not exist in collection `%s`", fieldName, collName)
}

// DescribeIndex returns the index of fieldName ("" = every field that has one), built
// with entity.NewGenericIndex(name, type, params) as the SDK does: params hold index_type,
// metric_type (vector indexes only) and the build params under Milvus's names (M and
// efConstruction for HNSW, nlist for IVF_FLAT). WithIndexName keeps only the index of that
// name. A field without an index fails with ErrNotFound.
func (c *EmbeddedClient) DescribeIndex(ctx context.Context, collName string, fieldName string, opts ...IndexOption) ([]entity.Index, error) {
	infos, err := c.describeIndexes(ctx, collName, fieldName, opts)
	if err != nil {
		return nil, err
	}
	out := make([]entity.Index, len(infos))
	for i, info := range infos {
		out[i] = info.index
	}
	return out, nil
}

func (c *EmbeddedClient) describeIndexes(ctx context.Context, collName, fieldName string, opts []IndexOption) ([]*indexInfo, error) {
	var def indexDef
	for _, o := range opts {
		if o != nil {
			o(&def)
		}
	}
	fields := []string{fieldName}
	if fieldName == "" {
		schema, err := c.describe(ctx, collName)
		if err != nil {
			return nil, err
		}
		fields = fields[:0]
		for _, f := range schema.Fields {
			fields = append(fields, f.Name)
		}
	}
	var out []*indexInfo
	for _, f := range fields {
		info, err := c.describeIndexC(ctx, collName, f)
		if err != nil {
			if fieldName == "" && errors.Is(err, ErrNotFound) && !errors.Is(err, ErrCollectionNotExists{}) {
				continue
			}
			return nil, err
		}
		if def.name == "" || info.name == def.name {
			out = append(out, info)
		}
	}
	if len(out) == 0 {
		if def.name != "" {
			return nil, indexMissing(collName, def.name)
		}
		return nil, indexMissing(collName, fieldName)
	}
	return out, nil
}

// GetIndexBuildProgress returns the rows of fieldName's collection (total, growing segments
// included) and how many are covered by the built index (sealed segments whose index is
// built), as the SDK's call of the same name.
func (c *EmbeddedClient) GetIndexBuildProgress(ctx context.Context, collName string, fieldName string, opts ...IndexOption) (total, indexed int64, err error) {
	infos, err := c.describeIndexes(ctx, collName, fieldName, opts)
	if err != nil {
		return 0, 0, err
	}
	for _, info := range infos {
		total += info.totalRows
		indexed += info.indexedRows
	}
	return total, indexed, nil
}

// DropIndex drops the index of fieldName; searches of the field become exact. A field
// without an index, or whose index is not the one WithIndexName names, fails with ErrNotFound.
func (c *EmbeddedClient) DropIndex(ctx context.Context, collName string, fieldName string, opts ...IndexOption) error {
	var def indexDef
	for _, o := range opts {
		if o != nil {
			o(&def)
		}
	}
	if def.name != "" {
		info, err := c.describeIndexC(ctx, collName, fieldName)
		if err != nil {
			return err
		}
		if info.name != def.name {
			return indexMissing(collName, def.name)
		}
	}
	return c.nameCall(ctx, collName, fieldName, func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, fp *C.uint8_t, fnl C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_drop_index(db, cp, cn, fp, fnl, cerr)
	})
}

// setSearchParams passes sp.Params() (HNSW's "ef", IVF_FLAT's "nprobe", ...) to the search
// options; the library parses them and refuses what it would ignore (range search,
// page_retain_order true, unknown keys: ErrFeatureNotSupported; bad values:
// ErrInvalidArgument). Nil values are skipped.
func setSearchParams(sp entity.SearchParam, so *C.veclite_search_options) error {
	if sp == nil {
		return nil
	}
	params := map[string]string{}
	for k, v := range sp.Params() {
		if v != nil {
			params[k] = paramText(v)
		}
	}
	if len(params) == 0 {
		return nil
	}
	var pin runtime.Pinner
	defer pin.Unpin()
	p := newCParams(params, &pin)
	var cerr *C.veclite_error
	if st := C.veclite_search_options_set_params(so, p.keys, p.keyLens, p.values, p.valueLens, p.n, &cerr); st != C.VECLITE_STATUS_OK {
		return errFrom(st, cerr, nil)
	}
	return nil
}

// goString copies a (ptr, len) string the library returned.
func goString(p *C.uint8_t, n C.size_t) string {
	if n == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
}
