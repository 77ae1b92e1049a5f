package main

import (
	"context"
	"errors"
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

// The server's share of an upsert: batches of 3,000 rows (id, a Double, a 128-float vector) of
// new keys, as benches/server_vs_milvus_lite.py sends them, over loopback gRPC and in process.
const upsertBatch = 3000

func upsertSchema(b *testing.B, c milvuspb.MilvusServiceClient) {
	schema, _ := proto.Marshal(&schemapb.CollectionSchema{Name: "u", Fields: []*schemapb.FieldSchema{
		{Name: "id", DataType: schemapb.DataType_Int64, IsPrimaryKey: true},
		{Name: "random", DataType: schemapb.DataType_Double},
		{Name: "v", DataType: schemapb.DataType_FloatVector, TypeParams: []*commonpb.KeyValuePair{{Key: "dim", Value: "128"}}},
	}})
	if st, err := c.CreateCollection(context.Background(), &milvuspb.CreateCollectionRequest{CollectionName: "u", Schema: schema}); err != nil || st.GetCode() != 0 {
		b.Fatal(st, err)
	}
}

// upsertBatchData is batch i's columns: ids from i*upsertBatch, random doubles and vectors.
func upsertBatchData(rng *rand.Rand, i int) ([]int64, []float64, []float32) {
	ids := make([]int64, upsertBatch)
	dbl := make([]float64, upsertBatch)
	vecs := make([]float32, upsertBatch*benchDim)
	for r := range ids {
		ids[r], dbl[r] = int64(i*upsertBatch+r), rng.Float64()
	}
	for k := range vecs {
		vecs[k] = rng.Float32()
	}
	return ids, dbl, vecs
}

// upsertRequest is batch i as an UpsertRequest.
func upsertRequest(rng *rand.Rand, i int) *milvuspb.UpsertRequest {
	ids, dbl, vecs := upsertBatchData(rng, i)
	return &milvuspb.UpsertRequest{CollectionName: "u", NumRows: upsertBatch, FieldsData: []*schemapb.FieldData{
		{FieldName: "id", Type: schemapb.DataType_Int64, Field: &schemapb.FieldData_Scalars{Scalars: &schemapb.ScalarField{
			Data: &schemapb.ScalarField_LongData{LongData: &schemapb.LongArray{Data: ids}}}}},
		{FieldName: "random", Type: schemapb.DataType_Double, Field: &schemapb.FieldData_Scalars{Scalars: &schemapb.ScalarField{
			Data: &schemapb.ScalarField_DoubleData{DoubleData: &schemapb.DoubleArray{Data: dbl}}}}},
		{FieldName: "v", Type: schemapb.DataType_FloatVector, Field: &schemapb.FieldData_Vectors{Vectors: &schemapb.VectorField{
			Dim: benchDim, Data: &schemapb.VectorField_FloatVector{FloatVector: &schemapb.FloatArray{Data: vecs}}}}},
	}}
}

// BenchmarkUpsertDecode is the server's own work on an upsert before the engine: decoding the
// request's bytes and converting its field data to the Go package's columns.
func BenchmarkUpsertDecode(b *testing.B) {
	wire, err := proto.Marshal(upsertRequest(rand.New(rand.NewSource(1)), 0))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(wire)))
	for b.Loop() {
		var req milvuspb.UpsertRequest
		if err := proto.Unmarshal(wire, &req); err != nil {
			b.Fatal(err)
		}
		if _, err := columnsFromProto(req.GetFieldsData()); err != nil {
			b.Fatal(err)
		}
	}
}

// timeUpserts is the loop of the upsert benchmarks: prepare(rng, i) builds batch i outside the
// timer and returns the upsert to time; p50 and p99 are reported.
func timeUpserts(b *testing.B, prepare func(rng *rand.Rand, i int) func() error) {
	rng := rand.New(rand.NewSource(1))
	lat := latencies{}
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		upsert := prepare(rng, i)
		b.StartTimer()
		t := time.Now()
		if err := upsert(); err != nil {
			b.Fatal(err)
		}
		lat.add(t)
	}
	lat.report(b)
}

func BenchmarkUpsertOverGRPC(b *testing.B) {
	c, _ := serveBench(b)
	upsertSchema(b, c)
	timeUpserts(b, func(rng *rand.Rand, i int) func() error {
		req := upsertRequest(rng, i)
		return func() error {
			r, err := c.Upsert(context.Background(), req)
			if err == nil && r.GetStatus().GetCode() != 0 {
				err = errors.New(r.GetStatus().GetReason())
			}
			return err
		}
	})
}

func BenchmarkUpsertInProcess(b *testing.B) {
	c, db := serveBench(b)
	upsertSchema(b, c)
	timeUpserts(b, func(rng *rand.Rand, i int) func() error {
		ids, dbl, vecs := upsertBatchData(rng, i)
		rows := make([][]float32, upsertBatch)
		for r := range rows {
			rows[r] = vecs[r*benchDim : (r+1)*benchDim]
		}
		return func() error {
			_, err := db.Upsert(context.Background(), "u", "", entity.NewColumnInt64("id", ids),
				entity.NewColumnDouble("random", dbl), entity.NewColumnFloatVector("v", benchDim, rows))
			return err
		}
	})
}
