package client_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// twoVectorCollection creates "multi" with two 2-d vector fields: rows 1..3 in the default
// partition, row 4 in partition "p".
//
//	ID  a        b        tag
//	1   (1, 0)   (1, 0)   one
//	2   (0, 1)   (0, 1)   two
//	3   (.8, 0)  (0, .8)  three
//	4   (5, 5)   (5, 5)   four
func twoVectorCollection(t *testing.T) client.Client {
	t.Helper()
	c := open(t)
	ctx := context.Background()
	schema := entity.NewSchema().WithName("multi").
		WithField(entity.NewField().WithName("ID").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("tag").WithDataType(entity.FieldTypeVarChar).WithMaxLength(16)).
		WithField(entity.NewField().WithName("a").WithDataType(entity.FieldTypeFloatVector).WithDim(2)).
		WithField(entity.NewField().WithName("b").WithDataType(entity.FieldTypeFloatVector).WithDim(2))
	if err := c.CreateCollection(ctx, schema, 1); err != nil {
		t.Fatal(err)
	}
	if err := c.CreatePartition(ctx, "multi", "p"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Insert(ctx, "multi", "",
		entity.NewColumnInt64("ID", []int64{1, 2, 3}),
		entity.NewColumnVarChar("tag", []string{"one", "two", "three"}),
		entity.NewColumnFloatVector("a", 2, [][]float32{{1, 0}, {0, 1}, {.8, 0}}),
		entity.NewColumnFloatVector("b", 2, [][]float32{{1, 0}, {0, 1}, {0, .8}})); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Insert(ctx, "multi", "p",
		entity.NewColumnInt64("ID", []int64{4}),
		entity.NewColumnVarChar("tag", []string{"four"}),
		entity.NewColumnFloatVector("a", 2, [][]float32{{5, 5}}),
		entity.NewColumnFloatVector("b", 2, [][]float32{{5, 5}})); err != nil {
		t.Fatal(err)
	}
	return c
}

func annRequests(exprA string) []*client.ANNSearchRequest {
	return []*client.ANNSearchRequest{
		client.NewANNSearchRequest("a", entity.L2, exprA, []entity.Vector{entity.FloatVector{1, 0}}, nil, 2),
		client.NewANNSearchRequest("b", entity.L2, "", []entity.Vector{entity.FloatVector{0, 1}}, nil, 2),
	}
}

func hitIDs(t *testing.T, r client.SearchResult) []int64 {
	t.Helper()
	return r.IDs.(*entity.ColumnInt64).Data()
}

func near(a, b float32) bool { return math.Abs(float64(a-b)) < 1e-5 }

// Request a returns rows 1, 3 (L2 0, .04); request b rows 2, 3 (0, .04).
func TestHybridSearchRRF(t *testing.T) {
	c := twoVectorCollection(t)
	ctx := context.Background()
	res, err := c.HybridSearch(ctx, "multi", nil, 3, []string{"tag"}, client.NewRRFReranker(), annRequests(""))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || !slices.Equal(hitIDs(t, res[0]), []int64{3, 1, 2}) {
		t.Fatalf("RRF hits %v, want [3 1 2]", hitIDs(t, res[0]))
	}
	want := []float32{2.0 / 62, 1.0 / 61, 1.0 / 61}
	for i, s := range res[0].Scores {
		if !near(s, want[i]) {
			t.Fatalf("RRF scores %v, want %v", res[0].Scores, want)
		}
	}
	tags := res[0].Fields.GetColumn("tag").(*entity.ColumnVarChar).Data()
	if !slices.Equal(tags, []string{"three", "one", "two"}) {
		t.Fatalf("tags %v", tags)
	}

	// WithK changes k; WithOffset skips fused hits.
	res, err = c.HybridSearch(ctx, "multi", nil, 2, nil, client.NewRRFReranker().WithK(10), annRequests(""), client.WithOffset(1))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(hitIDs(t, res[0]), []int64{1, 2}) || !near(res[0].Scores[0], 1.0/11) {
		t.Fatalf("k=10 offset 1: %v %v", hitIDs(t, res[0]), res[0].Scores)
	}

	// A sub-request's filter: request a without row 3 returns rows 1, 2.
	res, err = c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewRRFReranker(), annRequests("ID != 3"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(hitIDs(t, res[0]), []int64{2, 1, 3}) {
		t.Fatalf("filtered: %v, want [2 1 3]", hitIDs(t, res[0]))
	}

	// Partitions restrict every request.
	res, err = c.HybridSearch(ctx, "multi", []string{"p"}, 3, nil, client.NewRRFReranker(), annRequests(""))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(hitIDs(t, res[0]), []int64{4}) {
		t.Fatalf("partition p: %v, want [4]", hitIDs(t, res[0]))
	}
}

func TestHybridSearchWeighted(t *testing.T) {
	c := twoVectorCollection(t)
	ctx := context.Background()
	res, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewWeightedReranker([]float64{0.7, 0.3}), annRequests(""))
	if err != nil {
		t.Fatal(err)
	}
	l2 := func(d float64) float32 { return float32(1 - 2*math.Atan(d)/math.Pi) }
	if !slices.Equal(hitIDs(t, res[0]), []int64{3, 1, 2}) {
		t.Fatalf("weighted hits %v, want [3 1 2]", hitIDs(t, res[0]))
	}
	// Row 3's L2 distance is .04 (squared) in both requests.
	want := []float32{l2(0.04), 0.7, 0.3}
	for i, s := range res[0].Scores {
		if !near(s, want[i]) {
			t.Fatalf("weighted scores %v, want %v", res[0].Scores, want)
		}
	}

	// Two queries per request: one result each.
	two := []*client.ANNSearchRequest{
		client.NewANNSearchRequest("a", entity.L2, "", []entity.Vector{entity.FloatVector{1, 0}, entity.FloatVector{5, 5}}, nil, 1),
		client.NewANNSearchRequest("b", entity.L2, "", []entity.Vector{entity.FloatVector{0, 1}, entity.FloatVector{5, 5}}, nil, 1),
	}
	res, err = c.HybridSearch(ctx, "multi", nil, 1, nil, client.NewWeightedReranker([]float64{1, 0}), two)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || hitIDs(t, res[0])[0] != 1 || hitIDs(t, res[1])[0] != 4 {
		t.Fatalf("two queries: %v", res)
	}
}

func TestHybridSearchErrors(t *testing.T) {
	c := twoVectorCollection(t)
	ctx := context.Background()
	cases := []struct {
		name    string
		call    func() error
		want    error
		message string
	}{
		{"weights", func() error {
			_, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewWeightedReranker([]float64{1}), annRequests(""))
			return err
		}, client.ErrInvalidArgument, "1 weights for 2 search requests"},
		{"rrf k", func() error {
			_, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewRRFReranker().WithK(0), annRequests(""))
			return err
		}, client.ErrInvalidArgument, "RRF k"},
		{"group by", func() error {
			_, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewRRFReranker(), annRequests(""), client.WithGroupByField("ID"))
			return err
		}, client.ErrFeatureNotSupported, "WithGroupByField"},
		{"nq", func() error {
			reqs := annRequests("")
			reqs[1] = client.NewANNSearchRequest("b", entity.L2, "", []entity.Vector{entity.FloatVector{0, 1}, entity.FloatVector{1, 1}}, nil, 2)
			_, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewRRFReranker(), reqs)
			return err
		}, client.ErrInvalidArgument, "same number"},
		{"unknown field", func() error {
			reqs := annRequests("")
			reqs[1] = client.NewANNSearchRequest("zzz", entity.L2, "", []entity.Vector{entity.FloatVector{0, 1}}, nil, 2)
			_, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewRRFReranker(), reqs)
			return err
		}, nil, "zzz"},
		{"bad filter", func() error {
			_, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewRRFReranker(), annRequests("ID >"))
			return err
		}, client.ErrInvalidArgument, "filter error"},
		{"sub-request offset", func() error {
			reqs := annRequests("")
			reqs[0] = client.NewANNSearchRequest("a", entity.L2, "", []entity.Vector{entity.FloatVector{0, 1}}, nil, 2, client.WithOffset(1))
			_, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewRRFReranker(), reqs)
			return err
		}, client.ErrInvalidArgument, "set them on HybridSearch"},
		{"ef without an HNSW index", func() error {
			sp, _ := entity.NewIndexHNSWSearchParam(16)
			reqs := annRequests("")
			reqs[0] = client.NewANNSearchRequest("a", entity.L2, "", []entity.Vector{entity.FloatVector{0, 1}}, sp, 2)
			_, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewRRFReranker(), reqs)
			return err
		}, client.ErrInvalidArgument, "ef"},
		{"no request", func() error {
			_, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewRRFReranker(), nil)
			return err
		}, client.ErrInvalidArgument, "at least one"},
		{"unknown collection", func() error {
			_, err := c.HybridSearch(ctx, "nope", nil, 3, nil, client.NewRRFReranker(), annRequests(""))
			return err
		}, client.ErrCollectionNotExists{}, "nope"},
	}
	for _, tc := range cases {
		err := tc.call()
		if err == nil || !strings.Contains(err.Error(), tc.message) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: got %v, want %v containing %q", tc.name, err, tc.want, tc.message)
		}
	}
}

func TestRerankerParams(t *testing.T) {
	p := client.NewRRFReranker().WithK(20).GetParams()
	if p[0].Value != "rrf" || p[1].Value != `{"k":20}` {
		t.Fatalf("RRF params %+v %+v", p[0], p[1])
	}
	p = client.NewWeightedReranker([]float64{0.5, 1}).GetParams()
	if p[0].Value != "weighted" || p[1].Value != `{"weights":[0.5,1]}` {
		t.Fatalf("weighted params %+v %+v", p[0], p[1])
	}
}

// Sub-requests use their field's index and its search parameters.
func TestHybridSearchThroughIndexes(t *testing.T) {
	c := twoVectorCollection(t)
	ctx := context.Background()
	if err := c.Flush(ctx, "multi", false); err != nil {
		t.Fatal(err)
	}
	hnsw, _ := entity.NewIndexHNSW(entity.L2, 8, 32)
	ivf, _ := entity.NewIndexIvfFlat(entity.L2, 2)
	if err := c.CreateIndex(ctx, "multi", "a", hnsw, false); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "multi", "b", ivf, false); err != nil {
		t.Fatal(err)
	}
	ef, _ := entity.NewIndexHNSWSearchParam(16)
	nprobe, _ := entity.NewIndexIvfFlatSearchParam(2)
	reqs := []*client.ANNSearchRequest{
		client.NewANNSearchRequest("a", entity.L2, "", []entity.Vector{entity.FloatVector{1, 0}}, ef, 2),
		client.NewANNSearchRequest("b", entity.L2, "", []entity.Vector{entity.FloatVector{0, 1}}, nprobe, 2),
	}
	res, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewRRFReranker(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(hitIDs(t, res[0]), []int64{3, 1, 2}) {
		t.Fatalf("indexed hybrid search %v, want [3 1 2]", hitIDs(t, res[0]))
	}
	// The metric must be the index's.
	reqs[0] = client.NewANNSearchRequest("a", entity.IP, "", []entity.Vector{entity.FloatVector{1, 0}}, ef, 2)
	if _, err := c.HybridSearch(ctx, "multi", nil, 3, nil, client.NewRRFReranker(), reqs); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("metric other than the index's: %v", err)
	}
}
