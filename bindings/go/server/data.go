package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"
	"google.golang.org/protobuf/proto"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// columnsFromProto converts a write request's field data.
func columnsFromProto(fields []*schemapb.FieldData) ([]entity.Column, error) {
	cols := make([]entity.Column, 0, len(fields))
	for _, fd := range fields {
		col, err := columnFromProto(fd)
		if err != nil {
			return nil, err
		}
		cols = append(cols, col)
	}
	return cols, nil
}

// mutationResponse converts an engine write result to Milvus's.
func mutationResponse(r *client.MutationResult, err error) *milvuspb.MutationResult {
	if err != nil {
		return &milvuspb.MutationResult{Status: errStatus(err)}
	}
	out := &milvuspb.MutationResult{
		Status:    success(),
		InsertCnt: r.InsertCount,
		DeleteCnt: r.DeleteCount,
		UpsertCnt: r.UpsertCount,
		Timestamp: timestamp(),
	}
	if r.IDs != nil {
		ids, err := idsAppend(nil, r.IDs)
		if err != nil {
			return &milvuspb.MutationResult{Status: errStatus(err)}
		}
		out.IDs = ids
		out.SuccIndex = make([]uint32, r.IDs.Len())
		for i := range out.SuccIndex {
			out.SuccIndex[i] = uint32(i)
		}
	}
	return out
}

func (s *service) Insert(ctx context.Context, req *milvuspb.InsertRequest) (*milvuspb.MutationResult, error) {
	s.fillElementTypes(ctx, req.GetCollectionName(), req.GetFieldsData())
	cols, err := columnsFromProto(req.GetFieldsData())
	if err != nil {
		return &milvuspb.MutationResult{Status: invalid(err.Error())}, nil
	}
	return mutationResponse(s.h(ctx).InsertWithResult(ctx, req.GetCollectionName(), req.GetPartitionName(), cols...)), nil
}

func (s *service) Upsert(ctx context.Context, req *milvuspb.UpsertRequest) (*milvuspb.MutationResult, error) {
	if len(req.GetFieldOps()) > 0 {
		return &milvuspb.MutationResult{Status: unsupported("array field operations (upsert with field_ops)")}, nil
	}
	s.fillElementTypes(ctx, req.GetCollectionName(), req.GetFieldsData())
	cols, err := columnsFromProto(req.GetFieldsData())
	if err != nil {
		return &milvuspb.MutationResult{Status: invalid(err.Error())}, nil
	}
	if req.GetPartialUpdate() {
		return mutationResponse(s.h(ctx).PartialUpsert(ctx, req.GetCollectionName(), req.GetPartitionName(), cols...)), nil
	}
	return mutationResponse(s.h(ctx).UpsertWithResult(ctx, req.GetCollectionName(), req.GetPartitionName(), cols...)), nil
}

func (s *service) Delete(ctx context.Context, req *milvuspb.DeleteRequest) (*milvuspb.MutationResult, error) {
	expr, st := renderExpr(req.GetExpr(), req.GetExprTemplateValues())
	if st != nil {
		return &milvuspb.MutationResult{Status: st}, nil
	}
	resp := mutationResponse(s.h(ctx).DeleteWithResult(ctx, req.GetCollectionName(), req.GetPartitionName(), expr))
	// Milvus (since 2.3.2) returns the count of a delete, not the deleted keys.
	resp.IDs, resp.SuccIndex = nil, nil
	return resp, nil
}

// searchParams is a search's parameters ("params" of the search params), passed to the
// engine, which refuses what it does not honour.
type searchParams map[string]any

func (p searchParams) Params() map[string]any       { return p }
func (p searchParams) AddRadius(r float64)          { p["radius"] = r }
func (p searchParams) AddRangeFilter(r float64)     { p["range_filter"] = r }
func (p searchParams) AddPageRetainOrder(keep bool) { p["page_retain_order"] = keep }

// searchRequest is a Milvus search request parsed into the engine's terms.
type searchRequest struct {
	field        string
	metric       string
	topK         int
	offset       int64
	roundDecimal int
	expr         string
	groupBy      string
	groupSize    int
	strictGroup  bool
	params       searchParams
	vectors      []entity.Vector
	iter         *iteratorV2
}

// iteratorV2 is the state pymilvus's search iterator (v2) sends with each page: the page
// size, the iterator's token and the score of the last hit it returned.
type iteratorV2 struct {
	batch     int
	token     string
	lastBound *float32
}

// searchKeys are the search_params keys the server reads (iterator and collection_id mark
// iterator calls; guarantee_timestamp is met by every read, which is strong); any other key
// is refused.
var searchKeys = map[string]bool{
	"anns_field": true, "topk": true, "limit": true, "metric_type": true, "params": true,
	"round_decimal": true, "offset": true, "ignore_growing": true, "group_by_field": true,
	"group_size": true, "strict_group_size": true, "iterator": true,
	"collection_id": true, "search_iter_v2": true, "search_iter_batch_size": true,
	"search_iter_last_bound": true, "search_iter_id": true, "radius": true, "range_filter": true,
	"guarantee_timestamp": true,
}

// parseSearch reads a search request's parameters and query vectors.
func parseSearch(req *milvuspb.SearchRequest) (*searchRequest, *commonpb.Status) {
	kv := kvMap(req.GetSearchParams())
	for k := range kv {
		if !searchKeys[k] {
			return nil, unsupported("search parameter " + k)
		}
	}
	sr := &searchRequest{field: kv["anns_field"], metric: kv["metric_type"], roundDecimal: -1, params: searchParams{}}
	var err error
	topk := kv["topk"]
	if topk == "" {
		topk = kv["limit"]
	}
	if sr.topK, err = strconv.Atoi(topk); err != nil {
		return nil, invalid(fmt.Sprintf("search parameter topk %q is not an integer", topk))
	}
	if v := kv["offset"]; v != "" {
		if sr.offset, err = strconv.ParseInt(v, 10, 64); err != nil {
			return nil, invalid(fmt.Sprintf("search parameter offset %q is not an integer", v))
		}
	}
	if v := kv["round_decimal"]; v != "" {
		if sr.roundDecimal, err = strconv.Atoi(v); err != nil || sr.roundDecimal < -1 || sr.roundDecimal > 6 {
			return nil, invalid(fmt.Sprintf("round_decimal %q must be an integer in [-1, 6]", v))
		}
	}
	if strings.EqualFold(kv["ignore_growing"], "true") {
		return nil, unsupported("ignore_growing (veclite always searches growing data)")
	}
	sr.groupBy = kv["group_by_field"]
	if st := sr.parseGroupSize(kv); st != nil {
		return nil, st
	}
	if strings.EqualFold(kv["search_iter_v2"], "true") {
		it, st := parseIterator(kv, sr.topK)
		if st != nil {
			return nil, st
		}
		sr.iter = it
	}
	if raw := strings.TrimSpace(kv["params"]); raw != "" {
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode((*map[string]any)(&sr.params)); err != nil {
			return nil, invalid(fmt.Sprintf("search params %q: not a JSON object: %v", raw, err))
		}
	}
	for _, k := range []string{"radius", "range_filter"} {
		if v := kv[k]; v != "" {
			sr.params[k] = v
		}
	}
	// milvus-sdk-go sends for_tuning (false) with every search.
	if v, ok := sr.params["for_tuning"]; ok {
		if b, isBool := v.(bool); !isBool || b {
			return nil, unsupported(fmt.Sprintf("search param for_tuning %v", v))
		}
		delete(sr.params, "for_tuning")
	}
	if m, ok := sr.params["metric_type"]; ok {
		if sr.metric == "" {
			sr.metric = fmt.Sprint(m)
		}
		delete(sr.params, "metric_type")
	}
	if len(req.GetSubReqs()) > 0 || req.GetFunctionScore() != nil {
		return nil, unsupported("search sub-requests and function scores")
	}
	var st *commonpb.Status
	if sr.expr, st = renderExpr(req.GetDsl(), req.GetExprTemplateValues()); st != nil {
		return nil, st
	}
	if req.GetIds() != nil {
		return nil, unsupported("search by primary keys")
	}
	if req.Namespace != nil || req.GetHighlighter() != nil {
		return nil, unsupported("namespaces and highlighters")
	}
	vectors, st := queryVectors(req.GetPlaceholderGroup())
	if st != nil {
		return nil, st
	}
	sr.vectors = vectors
	return sr, nil
}

// parseIterator reads the search iterator's state (search_iter_batch_size, search_iter_id,
// search_iter_last_bound).
func parseIterator(kv map[string]string, topK int) (*iteratorV2, *commonpb.Status) {
	it := &iteratorV2{batch: topK, token: kv["search_iter_id"]}
	if v := kv["search_iter_batch_size"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, invalid(fmt.Sprintf("search_iter_batch_size %q must be a positive integer", v))
		}
		it.batch = n
	}
	if v := kv["search_iter_last_bound"]; v != "" {
		f, err := strconv.ParseFloat(v, 32)
		if err != nil {
			return nil, invalid(fmt.Sprintf("search_iter_last_bound %q is not a number", v))
		}
		b := float32(f)
		it.lastBound = &b
	}
	if it.token == "" {
		it.token = strconv.FormatUint(timestamp(), 36)
	}
	return it, nil
}

// iteratorSlack is how many hits beyond a page the iterator asks for, to skip hits tied with
// the last bound (already returned) and still fill the page.
const iteratorSlack = 16

// prepare turns the search into the iterator's next page: a range search beyond the last
// bound, for one query vector.
func (it *iteratorV2) prepare(sr *searchRequest) *commonpb.Status {
	if len(sr.vectors) != 1 {
		return invalid("the search iterator takes one query vector")
	}
	if sr.groupBy != "" {
		return unsupported("the search iterator with group_by_field")
	}
	_, r := sr.params["radius"]
	_, f := sr.params["range_filter"]
	if r || f {
		return unsupported("the search iterator (v2) with radius / range_filter")
	}
	sr.topK = it.batch + iteratorSlack
	if it.lastBound != nil {
		// Hits at the bound or beyond it (ties with the bound are dropped by page).
		sr.params["range_filter"] = float64(*it.lastBound)
		if ascendingMetric(sr.metric) {
			sr.params["radius"] = math.MaxFloat32
		} else {
			sr.params["radius"] = -math.MaxFloat32
		}
	}
	return nil
}

// page drops the hits tied with the last bound (the previous page returned them) and keeps
// one page.
func (it *iteratorV2) page(results []client.SearchResult) []client.SearchResult {
	for i := range results {
		r := &results[i]
		skip := 0
		if it.lastBound != nil {
			for skip < r.ResultCount && r.Scores[skip] == *it.lastBound {
				skip++
			}
		}
		results[i] = *r.Slice(skip, skip+it.batch)
	}
	return results
}

// nextBound is the score of the last hit of the page (the previous bound when it is empty).
func (it *iteratorV2) nextBound(results []client.SearchResult) float32 {
	if len(results) > 0 && results[0].ResultCount > 0 {
		return results[0].Scores[results[0].ResultCount-1]
	}
	if it.lastBound != nil {
		return *it.lastBound
	}
	return 0
}

// ascendingMetric reports whether smaller scores are better (distances, not similarities).
func ascendingMetric(metric string) bool {
	return !strings.EqualFold(metric, "IP") && !strings.EqualFold(metric, "COSINE")
}

// queryVectors decodes a placeholder group of query vectors: float vectors each copied out of
// the message as one block, packed vectors sliced out of it.
func queryVectors(raw []byte) ([]entity.Vector, *commonpb.Status) {
	var pg commonpb.PlaceholderGroup
	if err := proto.Unmarshal(raw, &pg); err != nil {
		return nil, invalid("placeholder group: " + err.Error())
	}
	if len(pg.GetPlaceholders()) != 1 {
		return nil, invalid(fmt.Sprintf("placeholder group has %d placeholders, want 1", len(pg.GetPlaceholders())))
	}
	ph := pg.GetPlaceholders()[0]
	if vectors, st, ok := packedQueryVectors(ph); ok {
		return vectors, st
	}
	if ph.GetType() != commonpb.PlaceholderType_FloatVector {
		return nil, unsupported("query vectors of type " + ph.GetType().String() + " (veclite searches float, binary, " +
			"float16, bfloat16 and int8 vectors)")
	}
	out := make([]entity.Vector, len(ph.GetValues()))
	for i, b := range ph.GetValues() {
		if len(b)%4 != 0 || len(b) == 0 {
			return nil, invalid(fmt.Sprintf("query vector %d has %d bytes, not a float32 vector", i, len(b)))
		}
		v := make([]float32, len(b)/4)
		// Little-endian float32s, as Milvus clients send them and as this machine stores them.
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(b)), b)
		out[i] = entity.FloatVector(v)
	}
	return out, nil
}

// fieldMetric is the metric of a field's index, when it has one.
func (s *service) fieldMetric(ctx context.Context, coll, field string) string {
	indexes, err := s.h(ctx).DescribeIndex(ctx, coll, field)
	if err != nil || len(indexes) == 0 {
		return ""
	}
	return indexes[0].Params()["metric_type"]
}

// vectorField is the name of the collection's only vector field ("" when none or many).
func vectorField(schema *entity.Schema) string {
	name := ""
	for _, f := range schema.Fields {
		if f.DataType >= entity.FieldTypeBinaryVector {
			if name != "" {
				return ""
			}
			name = f.Name
		}
	}
	return name
}

func (s *service) Search(ctx context.Context, req *milvuspb.SearchRequest) (*milvuspb.SearchResults, error) {
	sr, st := parseSearch(req)
	if st != nil {
		return &milvuspb.SearchResults{Status: st}, nil
	}
	coll, err := s.h(ctx).DescribeCollection(ctx, req.GetCollectionName())
	if err != nil {
		return &milvuspb.SearchResults{Status: errStatus(err)}, nil
	}
	if sr.field == "" {
		sr.field = vectorField(coll.Schema)
	}
	if sr.metric == "" {
		sr.metric = s.fieldMetric(ctx, req.GetCollectionName(), sr.field)
	}
	if sr.metric == "" {
		return &milvuspb.SearchResults{Status: invalid("metric_type is required: field " + sr.field + " has no index to take it from")}, nil
	}
	parts, st := s.loads.readable(collKey(ctx, coll.Schema.CollectionName), req.GetPartitionNames())
	if st != nil {
		return &milvuspb.SearchResults{Status: st}, nil
	}
	var opts []client.SearchQueryOptionFunc
	if sr.offset > 0 {
		opts = append(opts, client.WithOffset(sr.offset))
	}
	opts = append(opts, sr.groupOptions()...)
	if sr.iter != nil {
		if st := sr.iter.prepare(sr); st != nil {
			return &milvuspb.SearchResults{Status: st}, nil
		}
	}
	var sp entity.SearchParam
	if len(sr.params) > 0 {
		sp = sr.params
	}
	outputs := req.GetOutputFields()
	results, err := s.h(ctx).Search(ctx, req.GetCollectionName(), parts, sr.expr, engineOutputs(coll.Schema, outputs),
		sr.vectors, sr.field, entity.MetricType(sr.metric), sr.topK, sp, opts...)
	if err != nil {
		return &milvuspb.SearchResults{Status: errStatus(err)}, nil
	}
	if sr.iter != nil {
		results = sr.iter.page(results)
	}
	data, err := searchResultData(coll.Schema, results, sr, outputs)
	if err != nil {
		return &milvuspb.SearchResults{Status: errStatus(err)}, nil
	}
	return &milvuspb.SearchResults{Status: success(), Results: data, CollectionName: coll.Schema.CollectionName, SessionTs: timestamp()}, nil
}

// searchResultData lays the hits of every query end to end, as Milvus does: topks[i] hits of
// query i, with their ids, scores and output fields.
func searchResultData(schema *entity.Schema, results []client.SearchResult, sr *searchRequest, outputs []string) (*schemapb.SearchResultData, error) {
	data := &schemapb.SearchResultData{
		NumQueries:       int64(len(results)),
		TopK:             int64(sr.topK),
		PrimaryFieldName: schema.PKFieldName(),
	}
	sets := make([][]entity.Column, 0, len(results))
	var group fieldAppender
	for _, r := range results {
		data.Topks = append(data.Topks, int64(r.ResultCount))
		data.Scores = append(data.Scores, r.Scores...)
		ids, err := idsAppend(data.Ids, r.IDs)
		if err != nil {
			return nil, err
		}
		data.Ids = ids
		sets = append(sets, withoutGroupOnly(r.Fields, sr.groupBy, outputs))
		if r.GroupByValue != nil {
			if err := group.appendColumn(r.GroupByValue); err != nil {
				return nil, err
			}
		}
	}
	if data.Ids == nil {
		data.Ids = emptyIDs(schema)
	}
	if sr.roundDecimal >= 0 {
		scale := math.Pow10(sr.roundDecimal)
		for i, v := range data.Scores {
			data.Scores[i] = float32(math.Round(float64(v)*scale) / scale)
		}
	}
	fields, err := fieldsToProto(sets...)
	if err != nil {
		return nil, err
	}
	data.FieldsData = fields
	data.GroupByFieldValue = group.fd
	data.OutputFields = outputNames(schema, outputs, fields)
	if it := sr.iter; it != nil {
		data.TopK = int64(it.batch)
		data.SearchIteratorV2Results = &schemapb.SearchIteratorV2Results{Token: it.token, LastBound: it.nextBound(results)}
	}
	return data, nil
}

// engineOutputs are the output fields to ask the engine for: the requested ones, and `$meta`
// when a requested name is a dynamic key (Milvus returns `$meta`, and clients read the keys
// out of it).
func engineOutputs(schema *entity.Schema, requested []string) []string {
	if !schema.EnableDynamicField {
		return requested
	}
	known := map[string]bool{dynamicField: true, "*": true}
	for _, f := range schema.Fields {
		known[f.Name] = true
	}
	for _, r := range requested {
		if !known[r] && !isCount(r) {
			return append(slices.Clone(requested), dynamicField)
		}
	}
	return requested
}

// isCount reports whether an output field is count(*).
func isCount(name string) bool {
	return strings.EqualFold(strings.ReplaceAll(name, " ", ""), "count(*)")
}

// withoutGroupOnly drops the group-by column the engine adds when the request did not ask for
// it as an output field.
func withoutGroupOnly(cols []entity.Column, groupBy string, outputs []string) []entity.Column {
	if groupBy == "" {
		return cols
	}
	for _, o := range outputs {
		if o == groupBy || o == "*" {
			return cols
		}
	}
	out := cols[:0:0]
	for _, c := range cols {
		if c.Name() != groupBy {
			out = append(out, c)
		}
	}
	return out
}

// emptyIDs is an empty id list of the collection's primary key type.
func emptyIDs(schema *entity.Schema) *schemapb.IDs {
	if pk := schema.PKField(); pk != nil && pk.DataType == entity.FieldTypeVarChar {
		return &schemapb.IDs{IdField: &schemapb.IDs_StrId{StrId: &schemapb.StringArray{}}}
	}
	return &schemapb.IDs{IdField: &schemapb.IDs_IntId{IntId: &schemapb.LongArray{}}}
}

// outputNames is the output_fields list of a result, as Milvus fills it: the returned fields
// (but `$meta`) and the requested dynamic keys; clients read dynamic keys out of `$meta` by
// these names (all of them when none is named).
func outputNames(schema *entity.Schema, requested []string, fields []*schemapb.FieldData) []string {
	var out []string
	seen := map[string]bool{}
	for _, fd := range fields {
		if !fd.GetIsDynamic() {
			out = append(out, fd.GetFieldName())
			seen[fd.GetFieldName()] = true
		}
	}
	known := map[string]bool{dynamicField: true, "*": true}
	for _, f := range schema.Fields {
		known[f.Name] = true
	}
	for _, r := range requested {
		if !known[r] && !seen[r] {
			out = append(out, r)
			seen[r] = true
		}
	}
	return out
}

// pkOrderedPage is a query iterator's page: the matching rows with the smallest primary keys
// (after skipping offset of them), in primary key order, as Milvus returns iterator pages.
// The engine reads rows in storage order, so the page is chosen from every matching key.
func (s *service) pkOrderedPage(ctx context.Context, schema *entity.Schema, parts []string, expr string,
	outputs []string, offset, limit int64) (client.ResultSet, error) {
	pk := schema.PKField()
	if pk == nil {
		return nil, &client.Error{Code: client.StatusInvalidArgument, Msg: "collection has no primary key"}
	}
	keys, err := s.h(ctx).Query(ctx, schema.CollectionName, parts, expr, []string{pk.Name})
	if err != nil {
		return nil, err
	}
	col := keys.GetColumn(pk.Name)
	var page entity.Column
	switch c := col.(type) {
	case *entity.ColumnInt64:
		ids := slices.Clone(c.Data())
		slices.Sort(ids)
		page = entity.NewColumnInt64(pk.Name, window(ids, offset, limit))
	case *entity.ColumnVarChar:
		ids := slices.Clone(c.Data())
		slices.Sort(ids)
		page = entity.NewColumnVarChar(pk.Name, window(ids, offset, limit))
	default:
		return nil, &client.Error{Code: client.StatusInvalidArgument, Msg: "primary key " + pk.Name + " has no key column in the result"}
	}
	if page.Len() == 0 {
		return emptyColumns(schema, outputs), nil
	}
	return s.h(ctx).QueryByPks(ctx, schema.CollectionName, parts, page, outputs)
}

// emptyColumns is a result with no rows: the primary key and the output fields, typed.
func emptyColumns(schema *entity.Schema, outputs []string) client.ResultSet {
	want := map[string]bool{}
	for _, o := range outputs {
		want[o] = true
	}
	var rs client.ResultSet
	for _, f := range schema.Fields {
		if !f.PrimaryKey && !want["*"] && !want[f.Name] && !(f.IsDynamic && want[dynamicField]) {
			continue
		}
		if col := emptyColumn(f); col != nil {
			rs = append(rs, col)
		}
	}
	return rs
}

// emptyColumn is a column of f's type with no rows (nil for a type the server does not carry).
func emptyColumn(f *entity.Field) entity.Column {
	switch f.DataType {
	case entity.FieldTypeBool:
		return entity.NewColumnBool(f.Name, nil)
	case entity.FieldTypeInt8:
		return entity.NewColumnInt8(f.Name, nil)
	case entity.FieldTypeInt16:
		return entity.NewColumnInt16(f.Name, nil)
	case entity.FieldTypeInt32:
		return entity.NewColumnInt32(f.Name, nil)
	case entity.FieldTypeInt64:
		return entity.NewColumnInt64(f.Name, nil)
	case entity.FieldTypeFloat:
		return entity.NewColumnFloat(f.Name, nil)
	case entity.FieldTypeDouble:
		return entity.NewColumnDouble(f.Name, nil)
	case entity.FieldTypeVarChar, entity.FieldTypeString:
		return entity.NewColumnVarChar(f.Name, nil)
	case entity.FieldTypeJSON:
		return entity.NewColumnJSONBytes(f.Name, nil).WithIsDynamic(f.IsDynamic)
	case entity.FieldTypeFloatVector:
		dim, _ := f.GetDim()
		return entity.NewColumnFloatVector(f.Name, int(dim), nil)
	case entity.FieldTypeArray:
		return emptyArrayColumn(f)
	}
	return emptyPackedColumn(f)
}

// window is s[offset : offset+limit], clamped.
func window[T any](s []T, offset, limit int64) []T {
	start := min(offset, int64(len(s)))
	end := min(start+limit, int64(len(s)))
	return s[start:end]
}

// queryKeys are the query_params keys the server reads (iterator, reduce_stop_for_best and
// collection_id mark iterator calls, answered in primary key order); any other key is refused.
var queryKeys = map[string]bool{
	"limit": true, "offset": true, "ignore_growing": true, "reduce_stop_for_best": true,
	"iterator": true, "collection_id": true,
}

func (s *service) Query(ctx context.Context, req *milvuspb.QueryRequest) (*milvuspb.QueryResults, error) {
	expr, st := renderExpr(req.GetExpr(), req.GetExprTemplateValues())
	if st != nil {
		return &milvuspb.QueryResults{Status: st}, nil
	}
	if req.Namespace != nil {
		return &milvuspb.QueryResults{Status: unsupported("namespaces")}, nil
	}
	kv := kvMap(req.GetQueryParams())
	for k := range kv {
		if !queryKeys[k] {
			return &milvuspb.QueryResults{Status: unsupported("query parameter " + k)}, nil
		}
	}
	if strings.EqualFold(kv["ignore_growing"], "true") {
		return &milvuspb.QueryResults{Status: unsupported("ignore_growing (veclite always reads growing data)")}, nil
	}
	var limit, offset int64
	for _, k := range []string{"limit", "offset"} {
		v := kv[k]
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return &milvuspb.QueryResults{Status: invalid(fmt.Sprintf("query parameter %s %q is not a non-negative integer", k, v))}, nil
		}
		if k == "limit" {
			limit = n
		} else {
			offset = n
		}
	}
	coll, err := s.h(ctx).DescribeCollection(ctx, req.GetCollectionName())
	if err != nil {
		return &milvuspb.QueryResults{Status: errStatus(err)}, nil
	}
	parts, st := s.loads.readable(collKey(ctx, coll.Schema.CollectionName), req.GetPartitionNames())
	if st != nil {
		return &milvuspb.QueryResults{Status: st}, nil
	}
	outputs := req.GetOutputFields()
	var rs client.ResultSet
	if strings.EqualFold(kv["iterator"], "true") && limit > 0 {
		rs, err = s.pkOrderedPage(ctx, coll.Schema, parts, expr, engineOutputs(coll.Schema, outputs), offset, limit)
	} else {
		var opts []client.SearchQueryOptionFunc
		if limit > 0 {
			opts = append(opts, client.WithLimit(limit))
		}
		if offset > 0 {
			opts = append(opts, client.WithOffset(offset))
		}
		rs, err = s.h(ctx).Query(ctx, req.GetCollectionName(), parts, expr, engineOutputs(coll.Schema, outputs), opts...)
	}
	if err != nil {
		return &milvuspb.QueryResults{Status: errStatus(err)}, nil
	}
	fields, err := fieldsToProto(rs)
	if err != nil {
		return &milvuspb.QueryResults{Status: errStatus(err)}, nil
	}
	return &milvuspb.QueryResults{
		Status:           success(),
		FieldsData:       fields,
		CollectionName:   coll.Schema.CollectionName,
		OutputFields:     outputNames(coll.Schema, outputs, fields),
		PrimaryFieldName: coll.Schema.PKFieldName(),
		SessionTs:        timestamp(),
	}, nil
}
