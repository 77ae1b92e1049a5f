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
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

func (c *EmbeddedClient) vectorField(ctx context.Context, collName, fieldName string) (*entity.Field, error) {
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

// Build-parameter defaults (Milvus's), used when an index's params omit them.
const (
	DefaultHNSWM              = 30
	DefaultHNSWEfConstruction = 360
	DefaultIvfNlist           = 128
)

// indexSpec is an entity.Index translated for veclite_create_index.
type indexSpec struct {
	kind           C.uint32_t
	metric         C.uint32_t
	param0, param1 C.uint32_t
}

// buildParams merges the build parameters of an index: the "params" JSON object (what the
// typed indexes of entity produce) and top-level keys (what generic indexes and Milvus's
// flattened form carry); top-level keys win.
func buildParams(params map[string]string) (map[string]string, error) {
	out := map[string]string{}
	if raw, ok := params["params"]; ok && strings.TrimSpace(raw) != "" {
		var inner map[string]any
		if err := json.Unmarshal([]byte(raw), &inner); err != nil {
			return nil, newErr(StatusInvalidArgument, "index params %q: not a JSON object: %v", raw, err)
		}
		for k, v := range inner {
			switch x := v.(type) {
			case string:
				out[k] = x
			case float64:
				out[k] = strconv.FormatFloat(x, 'f', -1, 64)
			default:
				out[k] = fmt.Sprint(x)
			}
		}
	}
	for k, v := range params {
		if k != "params" && k != "index_type" && k != "metric_type" {
			out[k] = v
		}
	}
	return out, nil
}

// buildKeys are the build params veclite reads, by index type.
var buildKeys = map[entity.IndexType][]string{
	entity.Flat:    nil,
	entity.HNSW:    {"M", "efConstruction"},
	entity.IvfFlat: {"nlist"},
}

// checkBuildKeys refuses a build param the index type does not read (it would be ignored).
func checkBuildKeys(it entity.IndexType, build map[string]string) error {
	for key := range build {
		if !slices.Contains(buildKeys[it], key) {
			reads := "no build params"
			if keys := buildKeys[it]; len(keys) > 0 {
				reads = strings.Join(keys, " and ")
			}
			return featureErr("index param %q for %s (veclite's %s reads %s)", key, it, it, reads)
		}
	}
	return nil
}

func uintParam(build map[string]string, name string, def uint32) (C.uint32_t, error) {
	s, ok := build[name]
	if !ok || strings.TrimSpace(s) == "" {
		return C.uint32_t(def), nil
	}
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil {
		return 0, newErr(StatusInvalidArgument, "index param %s = %q: expected an integer in [0, %d]", name, s, uint32(math.MaxUint32))
	}
	return C.uint32_t(v), nil
}

// indexToC maps FLAT, HNSW and IVF_FLAT (typed or generic) onto the C API; every other index
// type fails with an error wrapping ErrFeatureNotSupported.
func indexToC(idx entity.Index) (indexSpec, error) {
	params := idx.Params()
	it := entity.IndexType(strings.ToUpper(strings.TrimSpace(params["index_type"])))
	if it == "" {
		it = entity.IndexType(strings.ToUpper(string(idx.IndexType())))
	}
	var spec indexSpec
	switch it {
	case entity.Flat:
		spec.kind = C.VECLITE_INDEX_FLAT
	case entity.HNSW:
		spec.kind = C.VECLITE_INDEX_HNSW
	case entity.IvfFlat:
		spec.kind = C.VECLITE_INDEX_IVF_FLAT
	default:
		if it == "" {
			return spec, featureErr("scalar indexes (veclite's Go package supports FLAT, HNSW and IVF_FLAT)")
		}
		return spec, featureErr("index type %q (veclite's Go package supports FLAT, HNSW and IVF_FLAT)", it)
	}
	switch entity.MetricType(strings.ToUpper(params["metric_type"])) {
	case entity.L2:
		spec.metric = C.VECLITE_METRIC_L2
	case entity.IP:
		spec.metric = C.VECLITE_METRIC_IP
	case entity.COSINE:
		spec.metric = C.VECLITE_METRIC_COSINE
	default:
		return spec, newErr(StatusInvalidArgument, "index metric type %q: expected L2, IP or COSINE", params["metric_type"])
	}
	build, err := buildParams(params)
	if err != nil {
		return spec, err
	}
	if err := checkBuildKeys(it, build); err != nil {
		return spec, err
	}
	switch spec.kind {
	case C.VECLITE_INDEX_HNSW:
		if spec.param0, err = uintParam(build, "M", DefaultHNSWM); err != nil {
			return spec, err
		}
		if spec.param1, err = uintParam(build, "efConstruction", DefaultHNSWEfConstruction); err != nil {
			return spec, err
		}
	case C.VECLITE_INDEX_IVF_FLAT:
		if spec.param0, err = uintParam(build, "nlist", DefaultIvfNlist); err != nil {
			return spec, err
		}
	}
	return spec, nil
}

// CreateIndex creates a FLAT, HNSW or IVF_FLAT index on a vector field (entity.NewIndexFlat,
// NewIndexHNSW, NewIndexIvfFlat, or a generic index whose params carry index_type,
// metric_type and Milvus's M / efConstruction / nlist; missing build params take Milvus's
// defaults M 30, efConstruction 360, nlist 128) and builds it for every sealed segment before
// returning; segments sealed later are indexed automatically. The build is synchronous, so an
// async call is also done when it returns. Creating the same index again is a no-op; a
// different index on a field that has one fails (ErrInvalidArgument). Any other index type, a
// build param the type does not read, or an index on a scalar field fails with an error
// wrapping ErrFeatureNotSupported; nothing is substituted or ignored. WithIndexName (or a
// generic index's own name) names the index (default: the field name).
func (c *EmbeddedClient) CreateIndex(ctx context.Context, collName string, fieldName string, idx entity.Index, async bool, opts ...IndexOption) error {
	if idx == nil {
		return newErr(StatusInvalidArgument, "index is nil")
	}
	def, err := indexName(fieldName, idx, opts)
	if err != nil {
		return err
	}
	f, err := c.vectorField(ctx, collName, fieldName)
	if err != nil {
		return err
	}
	spec, err := indexToC(idx)
	if err != nil {
		return err
	}
	if f.DataType != entity.FieldTypeFloatVector {
		return featureErr("index on scalar field %s", fieldName)
	}
	return c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		cp, cn := cstr(collName)
		fp, fnl := cstr(fieldName)
		np, nn := cstr(def.name)
		var cerr *C.veclite_error
		st := C.veclite_create_index(db, cc.c, cp, cn, fp, fnl, np, nn, spec.kind, spec.metric,
			spec.param0, spec.param1, &cerr)
		runtime.KeepAlive(collName)
		runtime.KeepAlive(fieldName)
		runtime.KeepAlive(def.name)
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

var (
	indexTypeNames  = map[C.uint32_t]entity.IndexType{C.VECLITE_INDEX_FLAT: entity.Flat, C.VECLITE_INDEX_HNSW: entity.HNSW, C.VECLITE_INDEX_IVF_FLAT: entity.IvfFlat}
	metricTypeNames = map[C.uint32_t]entity.MetricType{C.VECLITE_METRIC_L2: entity.L2, C.VECLITE_METRIC_IP: entity.IP, C.VECLITE_METRIC_COSINE: entity.COSINE}
)

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
			kind, metric, p0, p1    C.uint32_t
			indexed, total, pending C.uint64_t
		)
		C.veclite_index_info_get(info, &np, &nl, &kind, &metric, &p0, &p1, &indexed, &total, &pending)
		name := ""
		if nl > 0 {
			name = string(unsafe.Slice((*byte)(unsafe.Pointer(np)), int(nl)))
		}
		it, ok := indexTypeNames[kind]
		if !ok {
			it = entity.IndexType(fmt.Sprintf("UNKNOWN(%d)", kind))
		}
		mt, ok := metricTypeNames[metric]
		if !ok {
			mt = entity.MetricType(fmt.Sprintf("UNKNOWN(%d)", metric))
		}
		params := map[string]string{"index_type": string(it), "metric_type": string(mt)}
		switch kind {
		case C.VECLITE_INDEX_HNSW:
			params["M"] = strconv.FormatUint(uint64(p0), 10)
			params["efConstruction"] = strconv.FormatUint(uint64(p1), 10)
		case C.VECLITE_INDEX_IVF_FLAT:
			params["nlist"] = strconv.FormatUint(uint64(p0), 10)
		}
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

// DescribeIndex returns the index of fieldName ("" = every vector field that has one), built
// with entity.NewGenericIndex(name, type, params) as the SDK does: params hold index_type,
// metric_type and the build params under Milvus's names (M and efConstruction for HNSW, nlist
// for IVF_FLAT). WithIndexName keeps only the index of that name. A field without an index
// fails with ErrNotFound.
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
			if f.DataType == entity.FieldTypeFloatVector {
				fields = append(fields, f.Name)
			}
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

// annParams are the index search parameters of a Search: 0 = not given.
type annParams struct {
	ef, nprobe int64
}

// parseSearchParams reads sp.Params(): HNSW's "ef" and IVF_FLAT's "nprobe" (positive integers).
// Every other key is refused rather than ignored: "radius" / "range_filter" (range search) and
// "page_retain_order" true with an error wrapping ErrFeatureNotSupported, like unknown keys.
func parseSearchParams(sp entity.SearchParam) (annParams, error) {
	var out annParams
	if sp == nil {
		return out, nil
	}
	for key, raw := range sp.Params() {
		switch key {
		case "ef", "nprobe":
			if raw == nil {
				continue
			}
			v, err := intParam(raw)
			if err != nil || v < 1 {
				return out, newErr(StatusInvalidArgument, "search param %s = %v: expected a positive integer", key, raw)
			}
			if key == "ef" {
				out.ef = v
			} else {
				out.nprobe = v
			}
		case "radius", "range_filter":
			return out, featureErr("range search (search param %q, AddRadius / AddRangeFilter)", key)
		case "page_retain_order":
			if on, ok := raw.(bool); !ok || on {
				return out, featureErr("search param page_retain_order = %v (AddPageRetainOrder)", raw)
			}
		default:
			return out, featureErr("search param %q (veclite reads ef for HNSW and nprobe for IVF_FLAT)", key)
		}
	}
	return out, nil
}

// checkApplies fails unless the index of the searched field takes the params given: ef needs
// an HNSW index, nprobe an IVF_FLAT index (a FLAT index or no index is an exact search, which
// has neither). vectorField "" is the collection's only vector field; with several, the
// library reports the missing field name and nothing is checked here.
func (c *EmbeddedClient) checkApplies(ctx context.Context, collName, vectorField string, p annParams) error {
	if p.ef == 0 && p.nprobe == 0 {
		return nil
	}
	if vectorField == "" {
		schema, err := c.describe(ctx, collName)
		if err != nil {
			return err
		}
		for _, f := range schema.Fields {
			if f.DataType == entity.FieldTypeFloatVector {
				if vectorField != "" {
					return nil
				}
				vectorField = f.Name
			}
		}
	}
	kind := "no index"
	info, err := c.describeIndexC(ctx, collName, vectorField)
	switch {
	case err == nil:
		kind = "a " + string(info.index.IndexType()) + " index"
		if (p.ef == 0 || info.index.IndexType() == entity.HNSW) && (p.nprobe == 0 || info.index.IndexType() == entity.IvfFlat) {
			return nil
		}
	case !errors.Is(err, ErrNotFound) || errors.Is(err, ErrCollectionNotExists{}):
		return err
	}
	key, want := "ef", "HNSW"
	if p.ef == 0 || kind == "a HNSW index" {
		key, want = "nprobe", "IVF_FLAT"
	}
	return newErr(StatusInvalidArgument, "search param %s applies to %s indexes, and field `%s` of collection `%s` has %s "+
		"(remove it: the search of that field does not use it)", key, want, vectorField, collName, kind)
}

// setSearchParams passes the index search parameters to the search options.
func setSearchParams(p annParams, so *C.veclite_search_options) error {
	var cerr *C.veclite_error
	if p.ef > 0 {
		if st := C.veclite_search_options_set_ef(so, C.size_t(p.ef), &cerr); st != C.VECLITE_STATUS_OK {
			return errFrom(st, cerr, nil)
		}
	}
	if p.nprobe > 0 {
		if st := C.veclite_search_options_set_nprobe(so, C.size_t(p.nprobe), &cerr); st != C.VECLITE_STATUS_OK {
			return errFrom(st, cerr, nil)
		}
	}
	return nil
}

func intParam(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case uint:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return 0, errors.New("out of range")
		}
		return int64(x), nil
	case float32:
		if float32(int64(x)) != x {
			return 0, errors.New("not an integer")
		}
		return int64(x), nil
	case float64:
		if float64(int64(x)) != x {
			return 0, errors.New("not an integer")
		}
		return int64(x), nil
	case string:
		return strconv.ParseInt(strings.TrimSpace(x), 10, 64)
	case json.Number:
		return x.Int64()
	}
	return 0, fmt.Errorf("unsupported type %T", v)
}
