package main

import (
	"context"
	"math/rand"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"
	"google.golang.org/protobuf/proto"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// The server's overhead on a search: the same exact top-10 search of 20,000 x 128 rows
// in process (the Go package) and through the server over loopback gRPC.
const benchRows, benchDim = 20000, 128

func benchCollection(b *testing.B, c milvuspb.MilvusServiceClient) []float32 {
	ctx := context.Background()
	schema, _ := proto.Marshal(&schemapb.CollectionSchema{Name: "b", Fields: []*schemapb.FieldSchema{
		{Name: "id", DataType: schemapb.DataType_Int64, IsPrimaryKey: true},
		{Name: "v", DataType: schemapb.DataType_FloatVector, TypeParams: []*commonpb.KeyValuePair{{Key: "dim", Value: "128"}}},
	}})
	if st, err := c.CreateCollection(ctx, &milvuspb.CreateCollectionRequest{CollectionName: "b", Schema: schema}); err != nil || st.GetCode() != 0 {
		b.Fatal(st, err)
	}
	rng := rand.New(rand.NewSource(1))
	ids := make([]int64, benchRows)
	vecs := make([]float32, benchRows*benchDim)
	for i := range ids {
		ids[i] = int64(i)
	}
	for i := range vecs {
		vecs[i] = rng.Float32()
	}
	r, err := c.Insert(ctx, &milvuspb.InsertRequest{CollectionName: "b", NumRows: benchRows, FieldsData: []*schemapb.FieldData{
		{FieldName: "id", Type: schemapb.DataType_Int64, Field: &schemapb.FieldData_Scalars{Scalars: &schemapb.ScalarField{
			Data: &schemapb.ScalarField_LongData{LongData: &schemapb.LongArray{Data: ids}}}}},
		{FieldName: "v", Type: schemapb.DataType_FloatVector, Field: &schemapb.FieldData_Vectors{Vectors: &schemapb.VectorField{
			Dim: benchDim, Data: &schemapb.VectorField_FloatVector{FloatVector: &schemapb.FloatArray{Data: vecs}}}}},
	}})
	if err != nil || r.GetStatus().GetCode() != 0 {
		b.Fatal(r, err)
	}
	return vecs[:benchDim]
}

func BenchmarkSearchOverGRPC(b *testing.B) {
	c, _ := serveBench(b)
	q := benchCollection(b, c)
	pg, _ := proto.Marshal(&commonpb.PlaceholderGroup{Placeholders: []*commonpb.PlaceholderValue{{
		Tag: "$0", Type: commonpb.PlaceholderType_FloatVector,
		Values: [][]byte{unsafe.Slice((*byte)(unsafe.Pointer(&q[0])), 4*len(q))},
	}}})
	req := &milvuspb.SearchRequest{CollectionName: "b", Nq: 1,
		SearchInput:  &milvuspb.SearchRequest_PlaceholderGroup{PlaceholderGroup: pg},
		SearchParams: []*commonpb.KeyValuePair{{Key: "topk", Value: "10"}, {Key: "metric_type", Value: "L2"}, {Key: "anns_field", Value: "v"}},
	}
	lat := latencies{}
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		if r, err := c.Search(context.Background(), req); err != nil || r.GetStatus().GetCode() != 0 {
			b.Fatal(r, err)
		}
		lat.add(t)
	}
	lat.report(b)
}

func BenchmarkSearchInProcess(b *testing.B) {
	c, db := serveBench(b)
	q := benchCollection(b, c)
	lat := latencies{}
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		if _, err := db.Search(context.Background(), "b", nil, "", nil, []entity.Vector{entity.FloatVector(q)},
			"v", entity.L2, 10, nil); err != nil {
			b.Fatal(err)
		}
		lat.add(t)
	}
	lat.report(b)
}

// latencies are the durations of a benchmark's calls, reported as p50 and p99 (µs) beside
// the mean (ns/op).
type latencies []time.Duration

func (l *latencies) add(start time.Time) { *l = append(*l, time.Since(start)) }

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	at := func(q float64) float64 { return float64(l[int(q*float64(len(l)-1))].Nanoseconds()) / 1e3 }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

func serveBench(b *testing.B) (milvuspb.MilvusServiceClient, *client.EmbeddedClient) {
	return serveWith(b)
}
