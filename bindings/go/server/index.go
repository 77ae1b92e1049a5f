package main

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// defaultMetric is the metric Milvus gives a vector index whose request names none.
const defaultMetric = "COSINE"

// Indexes are built synchronously: CreateIndex returns once the index covers every sealed
// segment, so index state is Finished whenever the index exists.

func (s *service) CreateIndex(ctx context.Context, req *milvuspb.CreateIndexRequest) (*commonpb.Status, error) {
	params := kvMap(req.GetExtraParams())
	it := params["index_type"]
	delete(params, "index_type")
	vector, err := s.isVectorField(ctx, req.GetCollectionName(), req.GetFieldName())
	if err != nil {
		return errStatus(err), nil
	}
	if vector && params["metric_type"] == "" && !strings.Contains(params["params"], "metric_type") {
		params["metric_type"] = defaultMetric // as Milvus does when the request names none
	}
	if !vector && strings.EqualFold(it, "AUTOINDEX") {
		it = "" // the engine picks the field type's default scalar index, as Milvus's AUTOINDEX does
	}
	idx := entity.NewGenericIndex(req.GetIndexName(), entity.IndexType(it), params)
	return errStatus(s.h(ctx).CreateIndex(ctx, req.GetCollectionName(), req.GetFieldName(), idx, false)), nil
}

// isVectorField reports whether field of coll is a vector field (a field the collection does
// not have is left to the engine's CreateIndex to report).
func (s *service) isVectorField(ctx context.Context, coll, field string) (bool, error) {
	c, err := s.h(ctx).DescribeCollection(ctx, coll)
	if err != nil {
		return false, err
	}
	for _, f := range c.Schema.Fields {
		if f.Name == field {
			return f.DataType >= entity.FieldTypeBinaryVector, nil
		}
	}
	return true, nil
}

// AlterIndex sets index properties through the engine: mmap.enabled is the one Milvus clients
// set; other keys, and deleting keys, are refused with "unsupported operation" naming them.
func (s *service) AlterIndex(ctx context.Context, req *milvuspb.AlterIndexRequest) (*commonpb.Status, error) {
	if len(req.GetDeleteKeys()) > 0 {
		return unsupported("deleting index properties (AlterIndex delete_keys " + strings.Join(req.GetDeleteKeys(), ", ") + ")"), nil
	}
	var opts []client.IndexOption
	for _, kv := range req.GetExtraParams() {
		if kv.GetKey() != "mmap.enabled" {
			return unsupported("index property " + kv.GetKey() + " (AlterIndex sets mmap.enabled only)"), nil
		}
		enabled, err := strconv.ParseBool(kv.GetValue())
		if err != nil {
			return invalid("index property mmap.enabled: " + kv.GetValue() + " is not true or false"), nil
		}
		opts = append(opts, client.WithMmap(enabled))
	}
	return errStatus(s.h(ctx).AlterIndex(ctx, req.GetCollectionName(), req.GetIndexName(), opts...)), nil
}

// indexOpts names the index a request selects, if any.
func indexOpts(name string) []client.IndexOption {
	if name == "" {
		return nil
	}
	return []client.IndexOption{client.WithIndexName(name)}
}

// describeIndexes returns the descriptions of the indexes a request names (by field, by index
// name, or all).
func (s *service) describeIndexes(ctx context.Context, coll, field, name string) ([]*milvuspb.IndexDescription, error) {
	if field == "" && name != "" {
		// An index name without a field: look through every indexed field.
		all, err := s.describeIndexes(ctx, coll, "", "")
		if err != nil {
			return nil, err
		}
		for _, d := range all {
			if d.IndexName == name {
				return []*milvuspb.IndexDescription{d}, nil
			}
		}
		return nil, &client.Error{Code: client.StatusNotFound, Kind: client.ObjectIndex,
			Msg: "index not found[indexName=" + name + "]"}
	}
	fields := []string{field}
	if field == "" {
		coll, err := s.h(ctx).DescribeCollection(ctx, coll)
		if err != nil {
			return nil, err
		}
		fields = fields[:0]
		for _, f := range coll.Schema.Fields {
			fields = append(fields, f.Name)
		}
	}
	var out []*milvuspb.IndexDescription
	for _, f := range fields {
		indexes, err := s.h(ctx).DescribeIndex(ctx, coll, f, indexOpts(name)...)
		if err != nil {
			if field == "" && !errors.Is(err, client.ErrCollectionNotExists{}) {
				continue // a field without an index (or one veclite cannot index)
			}
			return nil, err
		}
		for _, idx := range indexes {
			out = append(out, s.indexDescription(ctx, coll, f, idx))
		}
	}
	if len(out) == 0 {
		return nil, &client.Error{Code: client.StatusNotFound, Kind: client.ObjectIndex,
			Msg: "index not found[collection=" + coll + "]"}
	}
	return out, nil
}

// indexDescription describes one index of field in Milvus's terms.
func (s *service) indexDescription(ctx context.Context, coll, field string, idx entity.Index) *milvuspb.IndexDescription {
	d := &milvuspb.IndexDescription{
		IndexName: idx.Name(),
		IndexID:   collectionID(coll + "/" + idx.Name()),
		FieldName: field,
		State:     commonpb.IndexState_Finished,
	}
	for k, v := range idx.Params() {
		d.Params = append(d.Params, &commonpb.KeyValuePair{Key: k, Value: v})
	}
	if total, indexed, err := s.h(ctx).GetIndexBuildProgress(ctx, coll, field, client.WithIndexName(idx.Name())); err == nil {
		d.TotalRows, d.IndexedRows, d.PendingIndexRows = total, indexed, total-indexed
	}
	return d
}

func (s *service) DescribeIndex(ctx context.Context, req *milvuspb.DescribeIndexRequest) (*milvuspb.DescribeIndexResponse, error) {
	descs, err := s.describeIndexes(ctx, req.GetCollectionName(), req.GetFieldName(), req.GetIndexName())
	if err != nil {
		return &milvuspb.DescribeIndexResponse{Status: errStatus(err)}, nil
	}
	return &milvuspb.DescribeIndexResponse{Status: success(), IndexDescriptions: descs}, nil
}

func (s *service) GetIndexStatistics(ctx context.Context, req *milvuspb.GetIndexStatisticsRequest) (*milvuspb.GetIndexStatisticsResponse, error) {
	descs, err := s.describeIndexes(ctx, req.GetCollectionName(), "", req.GetIndexName())
	if err != nil {
		return &milvuspb.GetIndexStatisticsResponse{Status: errStatus(err)}, nil
	}
	return &milvuspb.GetIndexStatisticsResponse{Status: success(), IndexDescriptions: descs}, nil
}

func (s *service) GetIndexState(ctx context.Context, req *milvuspb.GetIndexStateRequest) (*milvuspb.GetIndexStateResponse, error) {
	if _, err := s.describeIndexes(ctx, req.GetCollectionName(), req.GetFieldName(), req.GetIndexName()); err != nil {
		return &milvuspb.GetIndexStateResponse{Status: errStatus(err)}, nil
	}
	return &milvuspb.GetIndexStateResponse{Status: success(), State: commonpb.IndexState_Finished}, nil
}

func (s *service) GetIndexBuildProgress(ctx context.Context, req *milvuspb.GetIndexBuildProgressRequest) (*milvuspb.GetIndexBuildProgressResponse, error) {
	descs, err := s.describeIndexes(ctx, req.GetCollectionName(), req.GetFieldName(), req.GetIndexName())
	if err != nil {
		return &milvuspb.GetIndexBuildProgressResponse{Status: errStatus(err)}, nil
	}
	out := &milvuspb.GetIndexBuildProgressResponse{Status: success()}
	for _, d := range descs {
		out.TotalRows += d.TotalRows
		out.IndexedRows += d.IndexedRows
	}
	return out, nil
}

func (s *service) DropIndex(ctx context.Context, req *milvuspb.DropIndexRequest) (*commonpb.Status, error) {
	field := req.GetFieldName()
	if field == "" {
		descs, err := s.describeIndexes(ctx, req.GetCollectionName(), "", req.GetIndexName())
		if err != nil {
			if errors.Is(err, client.ErrNotFound) && !errors.Is(err, client.ErrCollectionNotExists{}) {
				return success(), nil // Milvus drops a missing index successfully
			}
			return errStatus(err), nil
		}
		field = descs[0].FieldName
	}
	return errStatus(s.h(ctx).DropIndex(ctx, req.GetCollectionName(), field, indexOpts(req.GetIndexName())...)), nil
}
