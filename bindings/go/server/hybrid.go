package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// rankRequest is a HybridSearch's rank_params: the ranker, and the limit, offset and rounding
// of the fused hits.
type rankRequest struct {
	reranker     client.Reranker
	limit        int
	offset       int64
	roundDecimal int
}

// rankKeys are the rank_params keys the server reads; any other key (rank_group_scorer,
// group_by_field, group_size, …) is refused.
var rankKeys = map[string]bool{"strategy": true, "params": true, "limit": true, "offset": true, "round_decimal": true}

// rankerParams are the ranker's params as clients send them: {"k": 60} for rrf,
// {"weights": [...], "norm_score": true} for weighted.
type rankerParams struct {
	K         *float64  `json:"k"`
	Weights   []float64 `json:"weights"`
	NormScore *bool     `json:"norm_score"`
}

// parseRank reads a HybridSearch's rank_params (values as pymilvus and milvus-sdk-go send
// them: plain strings and numbers, params a JSON object).
func parseRank(kvs []*commonpb.KeyValuePair) (*rankRequest, *commonpb.Status) {
	kv := kvMap(kvs)
	for k := range kv {
		if !rankKeys[k] {
			return nil, unsupported("HybridSearch rank parameter " + k)
		}
	}
	rr := &rankRequest{roundDecimal: -1}
	var err error
	if rr.limit, err = strconv.Atoi(kv["limit"]); err != nil || rr.limit < 1 {
		return nil, invalid(fmt.Sprintf("HybridSearch limit %q must be a positive integer", kv["limit"]))
	}
	if v := kv["offset"]; v != "" {
		if rr.offset, err = strconv.ParseInt(v, 10, 64); err != nil || rr.offset < 0 {
			return nil, invalid(fmt.Sprintf("HybridSearch offset %q must be a non-negative integer", v))
		}
	}
	if v := kv["round_decimal"]; v != "" {
		if rr.roundDecimal, err = strconv.Atoi(v); err != nil || rr.roundDecimal < -1 || rr.roundDecimal > 6 {
			return nil, invalid(fmt.Sprintf("round_decimal %q must be an integer in [-1, 6]", v))
		}
	}
	var p rankerParams
	if raw := strings.TrimSpace(kv["params"]); raw != "" {
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return nil, invalid(fmt.Sprintf("HybridSearch ranker params %q: %v", raw, err))
		}
	}
	strategy := strings.ToLower(strings.Trim(kv["strategy"], `"`))
	switch strategy {
	case "rrf", "":
		if p.Weights != nil || p.NormScore != nil {
			return nil, invalid("the rrf ranker takes the param k only")
		}
		r := client.NewRRFReranker()
		if p.K != nil {
			r = r.WithK(*p.K)
		}
		rr.reranker = r
	case "weighted":
		if p.K != nil {
			return nil, invalid("the weighted ranker takes the params weights and norm_score")
		}
		r := client.NewWeightedReranker(p.Weights)
		if p.NormScore != nil {
			r = r.WithVecliteNormScore(*p.NormScore)
		}
		rr.reranker = r
	default:
		return nil, unsupported("ranker strategy " + strategy + " (veclite fuses with rrf and weighted)")
	}
	return rr, nil
}

// annRequest turns one of a HybridSearch's requests into the engine's, checking that it sets
// nothing the fused search does not honour: its partitions must be the HybridSearch's, and its
// offset and round_decimal (pymilvus copies the HybridSearch's into each) unset or the same.
func (s *service) annRequest(ctx context.Context, coll *entity.Collection, req *milvuspb.HybridSearchRequest,
	rank *rankRequest, i int, sub *milvuspb.SearchRequest) (*client.ANNSearchRequest, *commonpb.Status) {
	wrap := func(st *commonpb.Status) *commonpb.Status {
		st.Reason = fmt.Sprintf("HybridSearch request %d: %s", i, st.GetReason())
		return st
	}
	sr, st := parseSearch(sub)
	if st != nil {
		return nil, wrap(st)
	}
	switch {
	case sr.iter != nil:
		return nil, wrap(unsupported("search iterators"))
	case sr.groupBy != "":
		return nil, wrap(unsupported("group_by_field"))
	case sr.offset != 0 && sr.offset != rank.offset:
		return nil, wrap(invalid(fmt.Sprintf("offset %d: set the offset on the HybridSearch", sr.offset)))
	case sr.roundDecimal != -1 && sr.roundDecimal != rank.roundDecimal:
		return nil, wrap(invalid(fmt.Sprintf("round_decimal %d: set round_decimal on the HybridSearch", sr.roundDecimal)))
	case len(sub.GetPartitionNames()) > 0 && !slices.Equal(sub.GetPartitionNames(), req.GetPartitionNames()):
		return nil, wrap(invalid("partitions differ from the HybridSearch's: set them on the HybridSearch"))
	}
	if sr.field == "" {
		sr.field = vectorField(coll.Schema)
	}
	if sr.metric == "" {
		sr.metric = s.fieldMetric(ctx, coll.Schema.CollectionName, sr.field)
	}
	if sr.metric == "" {
		return nil, wrap(invalid("metric_type is required: field " + sr.field + " has no index to take it from"))
	}
	var sp entity.SearchParam
	if len(sr.params) > 0 {
		sp = sr.params
	}
	return client.NewANNSearchRequest(sr.field, entity.MetricType(sr.metric), sr.expr, sr.vectors, sp, sr.topK), nil
}

// HybridSearch runs the requests on one snapshot and fuses their hits with the ranker.
func (s *service) HybridSearch(ctx context.Context, req *milvuspb.HybridSearchRequest) (*milvuspb.SearchResults, error) {
	fail := func(st *commonpb.Status) (*milvuspb.SearchResults, error) {
		return &milvuspb.SearchResults{Status: st}, nil
	}
	if req.GetFunctionScore() != nil {
		return fail(unsupported("HybridSearch function scores (veclite fuses with the rrf and weighted rankers)"))
	}
	if req.Namespace != nil {
		return fail(unsupported("namespaces"))
	}
	if len(req.GetRequests()) == 0 {
		return fail(invalid("HybridSearch needs at least one search request"))
	}
	rank, st := parseRank(req.GetRankParams())
	if st != nil {
		return fail(st)
	}
	coll, err := s.h(ctx).DescribeCollection(ctx, req.GetCollectionName())
	if err != nil {
		return fail(errStatus(err))
	}
	parts, st := s.loads.readable(collKey(ctx, coll.Schema.CollectionName), req.GetPartitionNames())
	if st != nil {
		return fail(st)
	}
	anns := make([]*client.ANNSearchRequest, len(req.GetRequests()))
	for i, sub := range req.GetRequests() {
		if anns[i], st = s.annRequest(ctx, coll, req, rank, i, sub); st != nil {
			return fail(st)
		}
	}
	var opts []client.SearchQueryOptionFunc
	if rank.offset > 0 {
		opts = append(opts, client.WithOffset(rank.offset))
	}
	outputs := req.GetOutputFields()
	results, err := s.h(ctx).HybridSearch(ctx, req.GetCollectionName(), parts, rank.limit, engineOutputs(coll.Schema, outputs),
		rank.reranker, anns, opts...)
	if err != nil {
		return fail(errStatus(err))
	}
	data, err := searchResultData(coll.Schema, results, &searchRequest{topK: rank.limit, roundDecimal: rank.roundDecimal}, outputs)
	if err != nil {
		return fail(errStatus(err))
	}
	return &milvuspb.SearchResults{Status: success(), Results: data, CollectionName: coll.Schema.CollectionName, SessionTs: timestamp()}, nil
}
