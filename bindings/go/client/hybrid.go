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
	"unsafe"

	"github.com/veclite/veclite/bindings/go/entity"
)

// KeyValuePair is one ranker parameter, with the fields of milvus-proto's
// commonpb.KeyValuePair (which veclite does not depend on).
type KeyValuePair struct {
	Key   string
	Value string
}

// Reranker fuses the results of a HybridSearch's requests: NewRRFReranker or
// NewWeightedReranker (veclite runs only these two).
type Reranker interface {
	GetParams() []*KeyValuePair
}

const (
	rerankTypeKey   = "strategy"
	rerankParamsKey = "params"
)

type rrfReranker struct {
	K float64 `json:"k,omitempty"`
}

// NewRRFReranker returns a reciprocal-rank-fusion reranker with k = 60: a hit scores
// Σ 1 / (k + rank) over the requests that returned it, rank counting from 1.
func NewRRFReranker() *rrfReranker {
	return &rrfReranker{K: 60}
}

// WithK sets k, in (0, 16384).
func (r *rrfReranker) WithK(k float64) *rrfReranker {
	r.K = k
	return r
}

// GetParams returns the ranker's parameters as the SDK sends them to Milvus.
func (r *rrfReranker) GetParams() []*KeyValuePair {
	bs, _ := json.Marshal(r)
	return []*KeyValuePair{{Key: rerankTypeKey, Value: "rrf"}, {Key: rerankParamsKey, Value: string(bs)}}
}

type weightedReranker struct {
	Weights []float64 `json:"weights,omitempty"`
	// rawScores: scores are fused as the metric gives them (WithVecliteNormScore(false)).
	rawScores bool
}

// NewWeightedReranker returns a reranker scoring a hit Σ weight_i × s_i, one weight in [0, 1]
// per request, s_i the request's score normalized to [0, 1] for its metric (COSINE (1 + s) / 2,
// IP 0.5 + atan(s) / π, L2 1 − 2·atan(d) / π), as Milvus does.
func NewWeightedReranker(weights []float64) *weightedReranker {
	return &weightedReranker{Weights: weights}
}

// GetParams returns the ranker's parameters as the SDK sends them to Milvus.
func (r *weightedReranker) GetParams() []*KeyValuePair {
	bs, _ := json.Marshal(r)
	return []*KeyValuePair{{Key: rerankTypeKey, Value: "weighted"}, {Key: rerankParamsKey, Value: string(bs)}}
}

// ANNSearchRequest is one vector search of a HybridSearch.
type ANNSearchRequest struct {
	fieldName   string
	vectors     []entity.Vector
	metricType  entity.MetricType
	expr        string
	searchParam entity.SearchParam
	options     []SearchQueryOptionFunc
	limit       int
}

// NewANNSearchRequest returns a search of fieldName for the best limit hits of each vector by
// metricsType, filtered by expr, with the index search parameters of searchParam (nil for the
// defaults). Its options may set a consistency level only: offsets and grouping apply to the
// whole HybridSearch.
func NewANNSearchRequest(fieldName string, metricsType entity.MetricType, expr string, vectors []entity.Vector,
	searchParam entity.SearchParam, limit int, options ...SearchQueryOptionFunc) *ANNSearchRequest {
	return &ANNSearchRequest{
		fieldName:   fieldName,
		vectors:     vectors,
		metricType:  metricsType,
		expr:        expr,
		searchParam: searchParam,
		limit:       limit,
		options:     options,
	}
}

// WithExpr sets the request's filter expression.
func (r *ANNSearchRequest) WithExpr(expr string) *ANNSearchRequest {
	r.expr = expr
	return r
}

// HybridSearch runs every sub-request on the same snapshot of collName (restricted to
// partitions; empty = all), fuses each query's hits with reranker and returns the best limit
// fused hits per query (after WithOffset), larger fused score first, with outputFields. Every
// sub-request has the same number of vectors. WithGroupByField and options that veclite does
// not support fail with an error rather than being ignored.
func (c *EmbeddedClient) HybridSearch(ctx context.Context, collName string, partitions []string, limit int,
	outputFields []string, reranker Reranker, subRequests []*ANNSearchRequest, opts ...SearchQueryOptionFunc) ([]SearchResult, error) {
	o, err := makeSearchQueryOption(opts)
	if err != nil {
		return nil, err
	}
	if err := o.searchOnly("HybridSearch"); err != nil {
		return nil, err
	}
	if o.Limit != 0 {
		return nil, newErr(StatusInvalidArgument, "WithLimit(%d) does not apply to HybridSearch: it takes limit", o.Limit)
	}
	if o.GroupByField != "" {
		return nil, featureErr("WithGroupByField in HybridSearch")
	}
	if limit < 1 {
		return nil, newErr(StatusInvalidArgument, "limit %d must be at least 1", limit)
	}
	if len(subRequests) == 0 {
		return nil, newErr(StatusInvalidArgument, "HybridSearch needs at least one ANNSearchRequest")
	}
	if reranker == nil {
		return nil, newErr(StatusInvalidArgument, "HybridSearch needs a reranker (NewRRFReranker or NewWeightedReranker)")
	}
	flats := make([][]float32, len(subRequests))
	dims := make([]int, len(subRequests))
	for i, r := range subRequests {
		if r == nil {
			return nil, newErr(StatusInvalidArgument, "ANNSearchRequest %d is nil", i)
		}
		if flats[i], dims[i], err = flattenFloatVectors(r.vectors); err != nil {
			return nil, prefixErr(err, "ANNSearchRequest %d", i)
		}
		if len(r.vectors) != len(subRequests[0].vectors) {
			return nil, newErr(StatusInvalidArgument, "ANNSearchRequest %d has %d vectors, ANNSearchRequest 0 has %d: every request has the same number",
				i, len(r.vectors), len(subRequests[0].vectors))
		}
		ro, err := makeSearchQueryOption(r.options)
		if err != nil {
			return nil, err
		}
		if err := ro.searchOnly("HybridSearch"); err != nil {
			return nil, err
		}
		if ro.Offset != 0 || ro.Limit != 0 || ro.GroupByField != "" {
			return nil, newErr(StatusInvalidArgument,
				"ANNSearchRequest %d sets an offset, limit or group-by field: set them on HybridSearch itself", i)
		}
	}
	var results []SearchResult
	err = c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		hr := C.veclite_hybrid_request_new()
		defer C.veclite_hybrid_request_free(hr)
		var cerr *C.veclite_error
		check := func(st C.veclite_status) error {
			if st != C.VECLITE_STATUS_OK {
				return errFrom(st, cerr, nil)
			}
			return nil
		}
		for i, r := range subRequests {
			if err := addANNRequest(hr, r, flats[i], dims[i]); err != nil {
				return prefixErr(err, "ANNSearchRequest %d", i)
			}
		}
		if err := setReranker(hr, reranker); err != nil {
			return err
		}
		for _, part := range partitions {
			p, n := cstr(part)
			if err := check(C.veclite_hybrid_request_add_partition(hr, p, n, &cerr)); err != nil {
				return err
			}
		}
		for _, f := range outputFields {
			p, n := cstr(f)
			if err := check(C.veclite_hybrid_request_add_output_field(hr, p, n, &cerr)); err != nil {
				return err
			}
		}
		if err := check(C.veclite_hybrid_request_set_offset(hr, C.size_t(o.Offset), &cerr)); err != nil {
			return err
		}
		cp, cn := cstr(collName)
		var sr *C.veclite_search_result
		st := C.veclite_hybrid_search(db, cc.c, cp, cn, hr, C.size_t(limit), &sr, &cerr)
		runtime.KeepAlive(collName)
		runtime.KeepAlive(partitions)
		runtime.KeepAlive(outputFields)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		defer C.veclite_search_result_free(sr)
		results, err = readSearch(sr, len(subRequests[0].vectors), outputFields, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// prefixErr prefixes the message of a veclite *Error with where it happened.
func prefixErr(err error, format string, args ...any) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	prefixed := *e
	prefixed.Msg = fmt.Sprintf(format, args...) + ": " + e.Msg
	return &prefixed
}

// flattenFloatVectors returns vectors (FloatVector, all of one dimension) as one slice, and
// their dimension.
func flattenFloatVectors(vectors []entity.Vector) ([]float32, int, error) {
	if len(vectors) == 0 {
		return nil, 0, newErr(StatusInvalidArgument, "no query vectors")
	}
	dim := 0
	if v, ok := vectors[0].(entity.FloatVector); ok {
		dim = len(v)
	}
	flat := make([]float32, 0, len(vectors)*dim)
	for i, v := range vectors {
		fv, ok := v.(entity.FloatVector)
		if !ok {
			return nil, 0, featureErr("query vectors of type %T (veclite searches FloatVector fields)", v)
		}
		if len(fv) != dim || dim == 0 {
			return nil, 0, newErr(StatusDimensionMismatch, "query vector %d has %d elements, query vector 0 has %d", i, len(fv), dim)
		}
		flat = append(flat, fv...)
	}
	return flat, dim, nil
}

// addANNRequest adds r, whose vectors are flat (dim floats each), to the hybrid request hr.
func addANNRequest(hr *C.veclite_hybrid_request, r *ANNSearchRequest, flat []float32, dim int) error {
	metric, err := metricToC(r.metricType)
	if err != nil {
		return err
	}
	if r.limit < 1 {
		return newErr(StatusInvalidArgument, "limit %d must be at least 1", r.limit)
	}
	so := C.veclite_search_options_new()
	defer C.veclite_search_options_free(so)
	var cerr *C.veclite_error
	check := func(st C.veclite_status) error {
		if st != C.VECLITE_STATUS_OK {
			return errFrom(st, cerr, nil)
		}
		return nil
	}
	if r.expr != "" {
		p, n := cstr(r.expr)
		if err := check(C.veclite_search_options_set_filter(so, p, n, &cerr)); err != nil {
			return err
		}
	}
	if r.fieldName != "" {
		p, n := cstr(r.fieldName)
		if err := check(C.veclite_search_options_set_vector_field(so, p, n, &cerr)); err != nil {
			return err
		}
	}
	if r.searchParam != nil {
		if err := setSearchParams(r.searchParam, so); err != nil {
			return err
		}
	}
	st := C.veclite_hybrid_request_add_search(hr, so, (*C.float)(unsafe.Pointer(unsafe.SliceData(flat))),
		C.size_t(len(r.vectors)), C.size_t(dim), C.size_t(r.limit), metric, &cerr)
	runtime.KeepAlive(flat)
	runtime.KeepAlive(r)
	return check(st)
}

// setReranker sets hr's ranker from one of the SDK's rerankers.
func setReranker(hr *C.veclite_hybrid_request, reranker Reranker) error {
	var cerr *C.veclite_error
	var st C.veclite_status
	switch r := reranker.(type) {
	case *rrfReranker:
		st = C.veclite_hybrid_request_set_rrf(hr, C.float(r.K), &cerr)
	case *weightedReranker:
		weights := make([]float32, len(r.Weights))
		for i, w := range r.Weights {
			weights[i] = float32(w)
		}
		st = C.veclite_hybrid_request_set_weighted(hr, (*C.float)(unsafe.Pointer(unsafe.SliceData(weights))),
			C.size_t(len(weights)), C.bool(!r.rawScores), &cerr)
		runtime.KeepAlive(weights)
	default:
		return featureErr("reranker %T (veclite fuses with NewRRFReranker and NewWeightedReranker)", reranker)
	}
	if st != C.VECLITE_STATUS_OK {
		return errFrom(st, cerr, nil)
	}
	return nil
}
