package client_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// Every write-rule error surfaces with its sentinel and a message naming what failed, and
// nothing is written.
func TestWriteErrors(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	createSeed(t, c, "hello")
	if _, err := c.Upsert(ctx, "hello", "", seedColumns(0, 100, 0)...); err != nil {
		t.Fatal(err)
	}
	autoSchema := entity.NewSchema().WithName("auto").
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true).WithIsAutoID(true)).
		WithField(entity.NewField().WithName("title").WithDataType(entity.FieldTypeVarChar).WithMaxLength(4)).
		WithField(entity.NewField().WithName("score").WithDataType(entity.FieldTypeFloat).WithNullable(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2))
	if err := c.CreateCollection(ctx, autoSchema, 1); err != nil {
		t.Fatal(err)
	}

	good := func() []entity.Column { return seedColumns(5000, 2, 0) }
	with := func(i int, col entity.Column) []entity.Column {
		cols := good()
		cols[i] = col
		return cols
	}
	nan := [][]float32{make([]float32, seedDim), make([]float32, seedDim)}
	nan[1][3] = float32(math.NaN())
	inf := [][]float32{make([]float32, seedDim), make([]float32, seedDim)}
	inf[0][0] = float32(math.Inf(1))
	ragged := [][]float32{make([]float32, seedDim), make([]float32, seedDim-1)}

	cases := []struct {
		name     string
		coll     string
		part     string
		insert   bool
		cols     []entity.Column
		sentinel error
		msg      string
	}{
		{"unknown collection", "nope", "", false, good(), client.ErrNotFound, "collection `nope`"},
		{"unknown partition", "hello", "p9", false, good(), client.ErrNotFound, "partition `p9`"},
		{"unknown field", "hello", "", false, append(good(), entity.NewColumnInt64("bogus", []int64{1, 2})), client.ErrNotFound, "bogus"},
		{"field twice", "hello", "", false, append(good(), entity.NewColumnDouble("random", []float64{1, 2})), client.ErrSchemaMismatch, "field `random` is passed twice"},
		{"unequal lengths", "hello", "", false, with(1, entity.NewColumnDouble("random", []float64{1})), client.ErrSchemaMismatch, "unequal lengths"},
		{"dim mismatch", "hello", "", false, with(2, entity.NewColumnFloatVector("embeddings", 7, [][]float32{make([]float32, 7), make([]float32, 7)})), client.ErrDimensionMismatch, "dim"},
		{"ragged vector rows", "hello", "", false, with(2, entity.NewColumnFloatVector("embeddings", seedDim, ragged)), client.ErrDimensionMismatch, "row 1"},
		{"wrong column type", "hello", "", false, with(1, entity.NewColumnFloat("random", []float32{1, 2})), client.ErrSchemaMismatch, "random"},
		{"NaN in vector", "hello", "", false, with(2, entity.NewColumnFloatVector("embeddings", seedDim, nan)), client.ErrInvalidValue, "NaN"},
		{"Inf in vector", "hello", "", false, with(2, entity.NewColumnFloatVector("embeddings", seedDim, inf)), client.ErrInvalidValue, "row 0"},
		{"NaN in scalar", "hello", "", false, with(1, entity.NewColumnDouble("random", []float64{0, math.NaN()})), client.ErrInvalidValue, "random"},
		{"duplicate pk in batch", "hello", "", false, with(0, entity.NewColumnInt64("ID", []int64{42, 42})), client.ErrDuplicatePrimaryKey, "rows 0 and 1"},
		{"insert existing pk", "hello", "", true, seedColumns(7, 2, 0), client.ErrDuplicatePrimaryKey, "7"},
		{"missing field", "hello", "", false, good()[:2], client.ErrMissingField, "embeddings"},
		{"zero rows", "hello", "", false, seedColumns(0, 0, 0), client.ErrInvalidArgument, "row"},
		{"nil column", "hello", "", false, with(1, nil), client.ErrInvalidArgument, "nil"},
		{"typed nil column", "hello", "", false, with(1, (*entity.ColumnDouble)(nil)), client.ErrInvalidArgument, "nil"},
		{"no columns", "hello", "", false, nil, client.ErrInvalidArgument, "no columns"},
		{"upsert on auto_id", "auto", "", false, []entity.Column{entity.NewColumnInt64("id", []int64{1}),
			entity.NewColumnVarChar("title", []string{"a"}), entity.NewColumnFloatVector("v", 2, [][]float32{{1, 2}})},
			client.ErrInvalidArgument, "upsert is not applicable"},
		{"insert pk into auto_id", "auto", "", true, []entity.Column{entity.NewColumnInt64("id", []int64{1}),
			entity.NewColumnVarChar("title", []string{"a"}), entity.NewColumnFloatVector("v", 2, [][]float32{{1, 2}})},
			client.ErrInvalidArgument, "id"},
		{"varchar over max_length", "auto", "", true, []entity.Column{
			entity.NewColumnVarChar("title", []string{"abcd", "abcde"}), entity.NewColumnFloatVector("v", 2, [][]float32{{1, 2}, {3, 4}})},
			client.ErrInvalidValue, "length 5 exceeds max_length 4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.insert {
				_, err = c.Insert(ctx, tc.coll, tc.part, tc.cols...)
			} else {
				_, err = c.Upsert(ctx, tc.coll, tc.part, tc.cols...)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("error %q (%T) does not match %v", err, err, tc.sentinel)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %q does not mention %q", err, tc.msg)
			}
			var ve *client.Error
			if !errors.As(err, &ve) || ve.Code == client.StatusOK || ve.Msg == "" {
				t.Fatalf("not a *client.Error with code and message: %#v", err)
			}
		})
	}
	if n, _ := c.Count(ctx, "hello", ""); n != 100 {
		t.Fatalf("hello holds %d rows after bad writes, want 100", n)
	}
	if n, _ := c.Count(ctx, "auto", ""); n != 0 {
		t.Fatalf("auto holds %d rows after bad writes", n)
	}
	// Omitted nullable field -> null; auto id generates keys.
	ids, err := c.Insert(ctx, "auto", "", entity.NewColumnVarChar("title", []string{"ok"}),
		entity.NewColumnFloatVector("v", 2, [][]float32{{1, 2}}))
	if err != nil || ids.Len() != 1 || ids.Name() != "id" {
		t.Fatalf("auto insert: %v %v", ids, err)
	}
}

func TestSDKErrorTypes(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	createSeed(t, c, "hello")
	_, err := c.DescribeCollection(ctx, "missing")
	if !errors.Is(err, client.ErrCollectionNotExists{}) || !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("describe missing: %v", err)
	}
	if err := c.LoadCollection(ctx, "missing", false); !errors.Is(err, client.ErrCollectionNotExists{}) {
		t.Fatalf("load missing: %v", err)
	}
	_, err = c.Upsert(ctx, "hello", "nope", seedColumns(0, 1, 0)...)
	if !errors.Is(err, client.ErrPartitionNotExists{}) || errors.Is(err, client.ErrCollectionNotExists{}) {
		t.Fatalf("missing partition: %v", err)
	}
	if err := c.CreateCollection(ctx, seedSchema("hello"), 1); !errors.Is(err, client.ErrAlreadyExists) {
		t.Fatalf("create twice: %v", err)
	}
	if err := c.CreateCollection(ctx, nil, 1); err == nil || !strings.Contains(err.Error(), "nil schema") {
		t.Fatalf("nil schema: %v", err)
	}
	arr := seedSchema("arr").WithField(entity.NewField().WithName("tags").WithDataType(entity.FieldTypeArray))
	if err := c.CreateCollection(ctx, arr, 1); !errors.Is(err, client.ErrSchemaMismatch) || !strings.Contains(err.Error(), "max_capacity") {
		t.Fatalf("array without max_capacity: %v", err)
	}
	noVec := entity.NewSchema().WithName("novec").
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true))
	if err := c.CreateCollection(ctx, noVec, 1); !errors.Is(err, client.ErrSchemaMismatch) && !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("no vector: %v", err)
	}
	if has, _ := c.HasCollection(ctx, "novec"); has {
		t.Fatal("invalid schema created a collection")
	}
	// Search and query errors.
	sp, _ := entity.NewIndexFlatSearchParam()
	q := []entity.Vector{entity.FloatVector(make([]float32, 3))}
	if _, err := c.Search(ctx, "hello", nil, "", nil, q, "embeddings", entity.L2, 3, sp); !errors.Is(err, client.ErrDimensionMismatch) {
		t.Fatalf("search dim: %v", err)
	}
	q = []entity.Vector{entity.FloatVector(make([]float32, seedDim))}
	if _, err := c.Search(ctx, "hello", nil, "bogus > 1", nil, q, "", entity.L2, 3, sp); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Fatalf("bad filter: %v", err)
	}
	if _, err := c.Search(ctx, "hello", nil, "", nil, q, "", entity.HAMMING, 3, sp); !errors.Is(err, client.ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "FLOAT_VECTOR field: search it with f32 query vectors and L2, IP or COSINE") {
		t.Fatalf("hamming: %v", err)
	}
	if _, err := c.Search(ctx, "hello", nil, "", nil, q, "", entity.L2, 0, sp); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("topk 0: %v", err)
	}
	if _, err := c.Query(ctx, "hello", nil, "ID >", nil); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("bad query expr: %v", err)
	}
	if _, err := c.QueryByPks(ctx, "hello", nil, entity.NewColumnInt64("ID", nil), nil); err == nil ||
		!strings.Contains(err.Error(), "ids len must not be zero") {
		t.Fatalf("empty ids: %v", err)
	}
	if err := c.DeleteByPks(ctx, "hello", "", entity.NewColumnDouble("ID", []float64{1})); err == nil {
		t.Fatal("double ids accepted")
	}
	if err := c.DeleteByPks(ctx, "hello", "", entity.NewColumnInt64("random", []int64{1})); err == nil ||
		!strings.Contains(err.Error(), "only delete by primary key is supported now") {
		t.Fatalf("delete by a non-key column: %v", err)
	}
	if _, err := c.Get(ctx, "hello", entity.NewColumnInt64("random", []int64{1})); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("get by a non-key column: %v", err)
	}
	if _, err := c.Get(ctx, "nope", entity.NewColumnInt64("ID", []int64{1})); !errors.Is(err, client.ErrCollectionNotExists{}) {
		t.Fatalf("get on a missing collection: %v", err)
	}
	// A second client on the same directory: locked.
	if _, err := client.NewClient(ctx, client.Config{Address: tmpDirOf(t, c)}); !errors.Is(err, client.ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
	if _, err := client.NewClient(ctx, client.Config{}); err == nil {
		t.Fatal("empty address accepted")
	}
}

func tmpDirOf(t *testing.T, c *client.EmbeddedClient) string { return c.Dir() }

// A not-found or already-exists error carries the kind of object it names (from C or from Go),
// and ErrCollectionNotExists / ErrPartitionNotExists match on that kind, not on message text.
func TestErrorObjectKind(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	createSeed(t, c, "hello")
	kindOf := func(err error) (client.Status, client.ObjectKind) {
		t.Helper()
		var ve *client.Error
		if !errors.As(err, &ve) {
			t.Fatalf("not a *client.Error: %#v", err)
		}
		return ve.Code, ve.Kind
	}
	_, errColl := c.DescribeCollection(ctx, "missing")
	_, errPart := c.Upsert(ctx, "hello", "p9", seedColumns(0, 1, 0)...)
	_, errField := c.Upsert(ctx, "hello", "", append(seedColumns(0, 1, 0), entity.NewColumnInt64("bogus", []int64{1}))...)
	_, errIndex := c.DescribeIndex(ctx, "hello", "embeddings")
	errExists := c.CreateCollection(ctx, seedSchema("hello"), 1)
	_, errOther := c.Upsert(ctx, "hello", "", seedColumns(0, 0, 0)...)
	cases := []struct {
		name string
		err  error
		code client.Status
		kind client.ObjectKind
	}{
		{"collection", errColl, client.StatusNotFound, client.ObjectCollection},
		{"partition", errPart, client.StatusNotFound, client.ObjectPartition},
		{"field", errField, client.StatusNotFound, client.ObjectField},
		{"index", errIndex, client.StatusNotFound, client.ObjectIndex},
		{"collection exists", errExists, client.StatusAlreadyExists, client.ObjectCollection},
		{"zero rows", errOther, client.StatusInvalidArgument, client.ObjectNone},
	}
	for _, tc := range cases {
		if code, kind := kindOf(tc.err); code != tc.code || kind != tc.kind {
			t.Errorf("%s: code %v kind %d, want %v kind %d (%v)", tc.name, code, kind, tc.code, tc.kind, tc.err)
		}
	}

	// Matching uses the kind: a message without the usual words still matches, and a message
	// that starts like another kind does not.
	part := &client.Error{Code: client.StatusNotFound, Kind: client.ObjectPartition, Msg: "collection `x` gone"}
	if !errors.Is(part, client.ErrPartitionNotExists{}) || errors.Is(part, client.ErrCollectionNotExists{}) {
		t.Fatalf("partition kind: %v", part)
	}
	coll := &client.Error{Code: client.StatusNotFound, Kind: client.ObjectCollection, Msg: "no such thing"}
	if !errors.Is(coll, &client.ErrCollectionNotExists{}) || errors.Is(coll, &client.ErrPartitionNotExists{}) {
		t.Fatalf("collection kind: %v", coll)
	}
	exists := &client.Error{Code: client.StatusAlreadyExists, Kind: client.ObjectCollection}
	if errors.Is(exists, client.ErrCollectionNotExists{}) {
		t.Fatal("an already-exists error matches ErrCollectionNotExists")
	}
}
