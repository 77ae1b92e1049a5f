package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// rawParams is a SearchParam with arbitrary keys, as a program may implement one.
type rawParams map[string]interface{}

func (p rawParams) Params() map[string]interface{} { return p }
func (p rawParams) AddRadius(r float64)            { p["radius"] = r }
func (p rawParams) AddRangeFilter(r float64)       { p["range_filter"] = r }
func (p rawParams) AddPageRetainOrder(on bool)     { p["page_retain_order"] = on }
func wantErr(t *testing.T, what string, err, kind error, words ...string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: got %v, want %v", what, err, kind)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("%s: %q does not say %q", what, err, w)
		}
	}
}

// seeded is a collection "hello" of 20 seed rows with an HNSW index on embeddings.
func seeded(t *testing.T) *client.EmbeddedClient {
	t.Helper()
	c := open(t)
	ctx := context.Background()
	createSeed(t, c, "hello")
	if _, err := c.Upsert(ctx, "hello", "", seedColumns(0, 20, 0)...); err != nil {
		t.Fatal(err)
	}
	hnsw, _ := entity.NewIndexHNSW(entity.L2, 8, 32)
	if err := c.CreateIndex(ctx, "hello", "embeddings", hnsw, false); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSearchRefusesWhatItWouldIgnore(t *testing.T) {
	c := seeded(t)
	ctx := context.Background()
	q := []entity.Vector{entity.FloatVector(make([]float32, seedDim))}
	search := func(sp entity.SearchParam, opts ...client.SearchQueryOptionFunc) error {
		_, err := c.Search(ctx, "hello", nil, "", nil, q, "embeddings", entity.L2, 3, sp, opts...)
		return err
	}
	ranged, _ := entity.NewIndexHNSWSearchParam(16)
	ranged.AddRangeFilter(1)
	wantErr(t, "AddRangeFilter alone", search(ranged), client.ErrInvalidArgument, "range_filter needs radius")
	ranged.AddRadius(0.5)
	wantErr(t, "range_filter above radius", search(ranged), client.ErrInvalidArgument, "range_filter must be less than radius")
	ordered, _ := entity.NewIndexFlatSearchParam()
	ordered.AddPageRetainOrder(true)
	wantErr(t, "page_retain_order", search(ordered), client.ErrFeatureNotSupported, "page_retain_order")
	ordered, _ = entity.NewIndexFlatSearchParam()
	ordered.AddPageRetainOrder(false) // the default order: nothing to refuse
	if err := search(ordered); err != nil {
		t.Fatalf("page_retain_order false: %v", err)
	}
	wantErr(t, "unknown key", search(rawParams{"search_list": 30}), client.ErrFeatureNotSupported, "`search_list`")
	wantErr(t, "ef 0", search(rawParams{"ef": 0}), client.ErrInvalidArgument, "ef", "positive integer")
	// ef tunes the HNSW index; nprobe would tune an IVF_FLAT one.
	if err := search(rawParams{"ef": 40}); err != nil {
		t.Fatalf("ef on HNSW: %v", err)
	}
	ivf, _ := entity.NewIndexIvfFlatSearchParam(4)
	wantErr(t, "nprobe on HNSW", search(ivf), client.ErrInvalidArgument, "`nprobe` applies to IVF_FLAT", "a HNSW index")
	wantErr(t, "WithLimit", search(nil, client.WithLimit(2)), client.ErrInvalidArgument, "WithLimit(2)", "topK")
	tuning := func(o *client.SearchQueryOption) { o.ForTuning = true }
	wantErr(t, "ForTuning", search(nil, tuning), client.ErrFeatureNotSupported, "ForTuning")
	wantErr(t, "WithGroupByField on a Double", search(nil, client.WithGroupByField("random")), client.ErrInvalidArgument, "grouping takes")
	wantErr(t, "negative offset", search(nil, client.WithOffset(-1)), client.ErrInvalidArgument, "offset -1")
	// ef against a FLAT index, or the collection's only vector field named implicitly.
	if err := c.DropIndex(ctx, "hello", "embeddings"); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, "hello", "embeddings", mustFlat(entity.L2), false); err != nil {
		t.Fatal(err)
	}
	hnswSP, _ := entity.NewIndexHNSWSearchParam(16)
	_, err := c.Search(ctx, "hello", nil, "", nil, q, "", entity.L2, 3, hnswSP)
	wantErr(t, "ef on FLAT", err, client.ErrInvalidArgument, "`ef` applies to HNSW", "`embeddings`", "a FLAT index")
}

func TestQueryOptionsAreHonouredOrRefused(t *testing.T) {
	c := seeded(t)
	ctx := context.Background()
	_, err := c.Query(ctx, "hello", nil, "", []string{"count(*)"}, client.WithLimit(5))
	wantErr(t, "count(*) with a limit", err, client.ErrInvalidArgument, "count(*)")
	_, err = c.Query(ctx, "hello", nil, "", nil, client.WithLimit(-5))
	wantErr(t, "negative limit", err, client.ErrInvalidArgument, "limit -5")
	// QueryByPks pages through the rows of the requested keys, in request order.
	ids := entity.NewColumnInt64("ID", []int64{9, 3, 7, 1, 5})
	for _, tc := range []struct {
		opts []client.SearchQueryOptionFunc
		want []int64
	}{
		{nil, []int64{9, 3, 7, 1, 5}},
		{[]client.SearchQueryOptionFunc{client.WithOffset(1), client.WithLimit(2)}, []int64{3, 7}},
		{[]client.SearchQueryOptionFunc{client.WithOffset(3)}, []int64{1, 5}},
		{[]client.SearchQueryOptionFunc{client.WithLimit(1)}, []int64{9}},
		{[]client.SearchQueryOptionFunc{client.WithOffset(9)}, []int64{}},
	} {
		rs, err := c.QueryByPks(ctx, "hello", nil, ids, []string{"random"}, tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		got := rs.GetColumn("ID").(*entity.ColumnInt64).Data()
		if len(got) != len(tc.want) || rs.GetColumn("random").Len() != len(tc.want) {
			t.Fatalf("%d options: got %v, want %v", len(tc.opts), got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("%d options: got %v, want %v", len(tc.opts), got, tc.want)
			}
		}
	}
}

func TestCollectionOptionsAreHonouredOrRefused(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	for name, opt := range map[string]client.CreateCollectionOption{
		"WithAutoID":          client.WithAutoID(true),
		"WithPKFieldName":     client.WithPKFieldName("pk"),
		"WithPKFieldType":     client.WithPKFieldType(entity.FieldTypeVarChar),
		"WithPKMaxLength":     client.WithPKMaxLength(10),
		"WithVectorFieldName": client.WithVectorFieldName("v"),
		"WithMetricsType":     client.WithMetricsType(entity.L2),
	} {
		err := c.CreateCollection(ctx, seedSchema("quick_only"), 1, opt)
		wantErr(t, name, err, client.ErrInvalidArgument, name, "NewCollection")
	}
	err := c.CreateCollection(ctx, seedSchema("props"), 1, client.WithCollectionProperty("collection.ttl.seconds", "ten"))
	wantErr(t, "property", err, client.ErrInvalidArgument, "collection.ttl.seconds")
	err = c.NewCollection(ctx, "quick", 4, client.WithCollectionProperty("partitionkey.isolation", "true"))
	wantErr(t, "NewCollection property", err, client.ErrInvalidArgument, "partitionkey.isolation")
	err = c.NewCollection(ctx, "quick", 4, client.WithPartitionNum(4))
	wantErr(t, "NewCollection partitions", err, client.ErrInvalidArgument, "num_partitions should only be specified with partition key field enabled")
	err = c.NewCollection(ctx, "quick", 4, client.WithPKMaxLength(10))
	wantErr(t, "max length of an Int64 key", err, client.ErrInvalidArgument, "WithPKMaxLength")
	err = c.CreateCollection(ctx, seedSchema("shards"), -1)
	wantErr(t, "negative shards", err, client.ErrInvalidArgument, "shardsNum -1")
	for _, name := range []string{"quick_only", "props", "quick", "shards"} {
		if ok, _ := c.HasCollection(ctx, name); ok {
			t.Fatalf("a refused call created %s", name)
		}
	}
	if err := c.NewCollection(ctx, "quick", 4, client.WithPKFieldType(entity.FieldTypeVarChar), client.WithPKMaxLength(12),
		client.WithPKFieldName("pk"), client.WithVectorFieldName("v"), client.WithMetricsType(entity.L2)); err != nil {
		t.Fatal(err)
	}
	coll, err := c.DescribeCollection(ctx, "quick")
	if err != nil || coll.Schema.PKFieldName() != "pk" || coll.Schema.Fields[0].TypeParams[entity.TypeParamMaxLength] != "12" {
		t.Fatalf("NewCollection options: %+v %v", coll, err)
	}
	wantErr(t, "two replicas", c.LoadCollection(ctx, "quick", false, client.WithReplicaNumber(2)), client.ErrFeatureNotSupported,
		"WithReplicaNumber(2)")
	if err := c.LoadCollection(ctx, "quick", true, client.WithReplicaNumber(1)); err != nil {
		t.Fatalf("one replica: %v", err)
	}
}

func TestFieldSettingsAreHonouredOrRefused(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	field := func(name string, f *entity.Field) *entity.Schema {
		s := seedSchema(name)
		s.Fields = append(s.Fields, f)
		return s
	}
	for what, f := range map[string]*entity.Field{
		"type param":   entity.NewField().WithName("x").WithDataType(entity.FieldTypeInt64).WithTypeParams("mmap.enabled", "true"),
		"dim":          entity.NewField().WithName("x").WithDataType(entity.FieldTypeInt64).WithDim(4),
		"max_capacity": entity.NewField().WithName("x").WithDataType(entity.FieldTypeVarChar).WithMaxLength(4).WithMaxCapacity(3),
		"IndexParams":  {Name: "x", DataType: entity.FieldTypeInt64, IndexParams: map[string]string{"index_type": "STL_SORT"}},
		"ElementType":  entity.NewField().WithName("x").WithDataType(entity.FieldTypeInt64).WithElementType(entity.FieldTypeInt8),
	} {
		wantErr(t, what, c.CreateCollection(ctx, field("f", f), 1), client.ErrFeatureNotSupported, "field x")
	}
	wrongID := &entity.Field{ID: 7, Name: "x", DataType: entity.FieldTypeInt64}
	wantErr(t, "ID", c.CreateCollection(ctx, field("f", wrongID), 1), client.ErrInvalidArgument, "ID 7")
	// Field descriptions are kept; a described schema (IDs 100+i) creates the same collection.
	s := seedSchema("described")
	s.Fields[1].Description = "a random double"
	if err := c.CreateCollection(ctx, s, 1); err != nil {
		t.Fatal(err)
	}
	coll, err := c.DescribeCollection(ctx, "described")
	if err != nil || coll.Schema.Fields[1].Description != "a random double" || coll.Schema.Fields[0].Description != "" {
		t.Fatalf("field descriptions: %+v %v", coll.Schema.Fields, err)
	}
	coll.Schema.CollectionName = "copy"
	if err := c.CreateCollection(ctx, coll.Schema, 1); err != nil {
		t.Fatalf("a described schema: %v", err)
	}
}

func TestIndexSettingsAreHonouredOrRefused(t *testing.T) {
	c := seeded(t)
	ctx := context.Background()
	if err := c.DropIndex(ctx, "hello", "embeddings"); err != nil {
		t.Fatal(err)
	}
	for what, params := range map[string]map[string]string{
		"nlist for HNSW": {"index_type": "HNSW", "metric_type": "L2", "M": "8", "nlist": "16"},
		"M for FLAT":     {"index_type": "FLAT", "metric_type": "L2", "M": "8"},
		"mmap":           {"index_type": "IVF_FLAT", "metric_type": "L2", "params": `{"nlist": 16, "mmap.enabled": true}`},
	} {
		err := c.CreateIndex(ctx, "hello", "embeddings", entity.NewGenericIndex("", "", params), false)
		wantErr(t, what, err, client.ErrFeatureNotSupported, "index param")
	}
	// A generic index's own name names it; a different WithIndexName is an error.
	named := entity.NewGenericIndex("by_generic", entity.HNSW, map[string]string{"metric_type": "L2"})
	err := c.CreateIndex(ctx, "hello", "embeddings", named, false, client.WithIndexName("by_option"))
	wantErr(t, "two names", err, client.ErrInvalidArgument, "by_generic", "by_option")
	if err := c.CreateIndex(ctx, "hello", "embeddings", named, false); err != nil {
		t.Fatal(err)
	}
	if idx := describeOne(t, c, "hello", "embeddings"); idx.Name() != "by_generic" {
		t.Fatalf("index name %q", idx.Name())
	}
	// DropIndex honours WithIndexName.
	wantErr(t, "drop another name", c.DropIndex(ctx, "hello", "embeddings", client.WithIndexName("other")), client.ErrNotFound, "other")
	describeOne(t, c, "hello", "embeddings")
	if err := c.DropIndex(ctx, "hello", "embeddings", client.WithIndexName("by_generic")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeIndex(ctx, "hello", "embeddings"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("after drop: %v", err)
	}
}

// coreIndexParamError is the library's message for a build param HNSW does not read; the
// Python package's test of the same name expects the same text.
const coreIndexParamError = "not supported: index param `nlist` for HNSW (HNSW reads M and efConstruction)"

// The library parses index names and params: its error reaches Go unchanged, with its status.
func TestIndexParamErrorsComeFromTheLibrary(t *testing.T) {
	c := seeded(t)
	ctx := context.Background()
	if err := c.DropIndex(ctx, "hello", "embeddings"); err != nil {
		t.Fatal(err)
	}
	idx := entity.NewGenericIndex("", entity.HNSW, map[string]string{"metric_type": "L2", "M": "8", "nlist": "16"})
	err := c.CreateIndex(ctx, "hello", "embeddings", idx, false)
	var ve *client.Error
	if !errors.As(err, &ve) || ve.Code != client.StatusUnsupported || ve.Msg != coreIndexParamError {
		t.Fatalf("got %v", err)
	}
	if !errors.Is(err, client.ErrFeatureNotSupported) || !errors.Is(err, client.ErrUnsupported) {
		t.Fatalf("%v does not match ErrFeatureNotSupported and ErrUnsupported", err)
	}
	// A value out of range and a bad search param are the library's too.
	bad := entity.NewGenericIndex("", entity.HNSW, map[string]string{"metric_type": "L2", "M": "1"})
	err = c.CreateIndex(ctx, "hello", "embeddings", bad, false)
	if !errors.As(err, &ve) || ve.Code != client.StatusInvalidArgument || ve.Msg != "invalid argument: M out of range: [2, 2048], got 1" {
		t.Fatalf("got %v", err)
	}
	q := []entity.Vector{entity.FloatVector(make([]float32, seedDim))}
	_, err = c.Search(ctx, "hello", nil, "", nil, q, "embeddings", entity.L2, 3, rawParams{"ef": "0"})
	want := "invalid argument: search param `ef` = `0`: expected a positive integer (at least 1, at most 2147483647)"
	if !errors.As(err, &ve) || ve.Msg != want {
		t.Fatalf("got %v", err)
	}
}
