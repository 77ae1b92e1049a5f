package client_test

// BinaryVector, Float16Vector and BFloat16Vector fields through the Go package: insert,
// upsert, get, query, search (exact, with the type's metrics), flush and reopen, and the
// validation errors surfaced as Go errors naming the field.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// packedCase is one vector type under test: its field type, dim, a row generator and its
// query vector, column constructor and metrics.
type packedCase struct {
	name    string
	typ     entity.FieldType
	dim     int
	row     func(id int64) []byte
	query   func(b []byte) entity.Vector
	column  func(name string, dim int, rows [][]byte) entity.Column
	metrics []entity.MetricType
}

// f16 returns the IEEE binary16 bit pattern of a small integer-valued f (exact for |f| < 2048).
func f16(f float32) uint16 {
	if f == 0 {
		return 0
	}
	sign := uint16(0)
	if f < 0 {
		sign, f = 0x8000, -f
	}
	exp := int(math.Floor(math.Log2(float64(f))))
	mant := uint16((float64(f)/math.Pow(2, float64(exp)) - 1) * 1024)
	return sign | uint16(exp+15)<<10 | mant
}

// bf16 returns the bfloat16 bit pattern of f (the top 16 bits of its float32 bits; exact for
// small integers).
func bf16(f float32) uint16 { return uint16(math.Float32bits(f) >> 16) }

// halfRow is the little-endian 2-byte components id, id+1, ... encoded by enc.
func halfRow(dim int, enc func(float32) uint16) func(int64) []byte {
	return func(id int64) []byte {
		b := make([]byte, 2*dim)
		for j := range dim {
			binary.LittleEndian.PutUint16(b[2*j:], enc(float32(id)+float32(j)))
		}
		return b
	}
}

var packedCases = []packedCase{
	{
		name: "binary", typ: entity.FieldTypeBinaryVector, dim: 64,
		// Every byte of row id is id: distinct rows for ids below 256.
		row: func(id int64) []byte {
			b := make([]byte, 8)
			for j := range b {
				b[j] = byte(id)
			}
			return b
		},
		query:   func(b []byte) entity.Vector { return entity.BinaryVector(b) },
		column:  func(n string, d int, r [][]byte) entity.Column { return entity.NewColumnBinaryVector(n, d, r) },
		metrics: []entity.MetricType{entity.HAMMING, entity.JACCARD},
	},
	{
		name: "float16", typ: entity.FieldTypeFloat16Vector, dim: 8, row: halfRow(8, f16),
		query:   func(b []byte) entity.Vector { return entity.Float16Vector(b) },
		column:  func(n string, d int, r [][]byte) entity.Column { return entity.NewColumnFloat16Vector(n, d, r) },
		metrics: []entity.MetricType{entity.L2, entity.IP, entity.COSINE},
	},
	{
		name: "bfloat16", typ: entity.FieldTypeBFloat16Vector, dim: 8, row: halfRow(8, bf16),
		query:   func(b []byte) entity.Vector { return entity.BFloat16Vector(b) },
		column:  func(n string, d int, r [][]byte) entity.Column { return entity.NewColumnBFloat16Vector(n, d, r) },
		metrics: []entity.MetricType{entity.L2, entity.IP, entity.COSINE},
	},
}

func packedSchema(pc packedCase) *entity.Schema {
	return entity.NewSchema().WithName("c_" + pc.name).
		WithField(entity.NewField().WithName("ID").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(pc.typ).WithDim(int64(pc.dim)))
}

func packedColumns(pc packedCase, ids []int64, bump int64) []entity.Column {
	rows := make([][]byte, len(ids))
	for i, id := range ids {
		rows[i] = pc.row(id + bump)
	}
	return []entity.Column{entity.NewColumnInt64("ID", ids), pc.column("v", pc.dim, rows)}
}

// vectorsByID reads the "v" column of rs keyed by the "ID" column, checking its concrete type.
func vectorsByID(t *testing.T, pc packedCase, rs client.ResultSet) map[int64][]byte {
	t.Helper()
	ids, ok := rs.GetColumn("ID").(*entity.ColumnInt64)
	if !ok {
		t.Fatalf("ID column: %T", rs.GetColumn("ID"))
	}
	col := rs.GetColumn("v")
	if col == nil || col.Type() != pc.typ || col.(interface{ Dim() int }).Dim() != pc.dim {
		t.Fatalf("v column: %T", col)
	}
	out := map[int64][]byte{}
	for i := range ids.Len() {
		id, _ := ids.ValueByIdx(i)
		v, err := col.Get(i)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = v.([]byte)
	}
	return out
}

func TestPackedVectorRoundTrip(t *testing.T) {
	for _, pc := range packedCases {
		t.Run(pc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			c, err := client.NewClient(ctx, client.Config{Address: dir})
			if err != nil {
				t.Fatal(err)
			}
			coll := "c_" + pc.name
			if err := c.CreateCollection(ctx, packedSchema(pc), 1); err != nil {
				t.Fatal(err)
			}
			desc, err := c.DescribeCollection(ctx, coll)
			if err != nil {
				t.Fatal(err)
			}
			if f := desc.Schema.Fields[1]; f.DataType != pc.typ || f.TypeParams[entity.TypeParamDim] != strconv.Itoa(pc.dim) {
				t.Fatalf("described field %+v", f)
			}
			ids := make([]int64, 20)
			for i := range ids {
				ids[i] = int64(i)
			}
			if _, err := c.Insert(ctx, coll, "", packedColumns(pc, ids, 0)...); err != nil {
				t.Fatal(err)
			}
			// Upsert rows 3 and 4 with the vectors of 40 and 41.
			if _, err := c.Upsert(ctx, coll, "", packedColumns(pc, []int64{3, 4}, 37)...); err != nil {
				t.Fatal(err)
			}
			want := func(id int64) []byte {
				if id == 3 || id == 4 {
					return pc.row(id + 37)
				}
				return pc.row(id)
			}
			check := func(c client.Client, stage string) {
				t.Helper()
				got, err := c.Get(ctx, coll, entity.NewColumnInt64("ID", []int64{2, 3, 19}))
				if err != nil {
					t.Fatal(stage, err)
				}
				byID := vectorsByID(t, pc, got)
				for _, id := range []int64{2, 3, 19} {
					if !bytes.Equal(byID[id], want(id)) {
						t.Fatalf("%s: Get row %d = %v, want %v", stage, id, byID[id], want(id))
					}
				}
				rs, err := c.Query(ctx, coll, nil, "ID >= 0", []string{"v"})
				if err != nil {
					t.Fatal(stage, err)
				}
				if byID := vectorsByID(t, pc, rs); len(byID) != 20 || !bytes.Equal(byID[4], want(4)) || !bytes.Equal(byID[7], want(7)) {
					t.Fatalf("%s: query returned %d rows, row 4 %v", stage, len(byID), byID[4])
				}
				for _, mt := range pc.metrics {
					queries := []entity.Vector{pc.query(want(7)), pc.query(want(3))}
					res, err := c.Search(ctx, coll, nil, "", []string{"v"}, queries, "v", mt, 3, nil)
					if err != nil {
						t.Fatal(stage, mt, err)
					}
					for q, wantID := range []int64{7, 3} {
						if mt == entity.IP {
							wantID = 4 // the largest components (those of row 41) win an inner product
						}
						r := res[q]
						top, _ := r.IDs.(*entity.ColumnInt64).ValueByIdx(0)
						if r.ResultCount != 3 || top != wantID {
							t.Fatalf("%s %s query %d: %d hits, top %d (scores %v), want %d", stage, mt, q, r.ResultCount, top, r.Scores, wantID)
						}
						hit, _ := r.Fields.GetColumn("v").Get(0)
						if !bytes.Equal(hit.([]byte), want(wantID)) {
							t.Fatalf("%s %s: hit vector %v", stage, mt, hit)
						}
						if (mt == entity.L2 || mt == entity.HAMMING || mt == entity.JACCARD) && r.Scores[0] != 0 {
							t.Fatalf("%s %s: distance to itself %v", stage, mt, r.Scores[0])
						}
					}
				}
			}
			check(c, "growing")
			if err := c.Flush(ctx, coll, false); err != nil {
				t.Fatal(err)
			}
			check(c, "flushed")
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			c2, err := client.NewClient(ctx, client.Config{Address: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			check(c2, "reopened")
		})
	}
}

// errHas fails unless err is non-nil and its message holds every part.
func errHas(t *testing.T, what string, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	t.Logf("%s: %v", what, err)
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("%s: error %q does not contain %q", what, err, p)
		}
	}
}

func TestPackedVectorValidation(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	f16c, bf16c, binc := packedCases[1], packedCases[2], packedCases[0]
	for _, pc := range packedCases {
		if err := c.CreateCollection(ctx, packedSchema(pc), 1); err != nil {
			t.Fatal(err)
		}
	}
	ids := []int64{0, 1, 2}
	good := packedColumns(f16c, ids, 0)
	rows := good[1].(*entity.ColumnFloat16Vector).Data()

	short := [][]byte{rows[0], rows[1][:15], rows[2]}
	_, err := c.Insert(ctx, "c_float16", "", good[0], entity.NewColumnFloat16Vector("v", 8, short))
	errHas(t, "short row", err, "column v, row 1", "15 bytes", "16")
	if !errors.Is(err, client.ErrDimensionMismatch) {
		t.Fatalf("short row: %v is not ErrDimensionMismatch", err)
	}
	_, err = c.Insert(ctx, "c_binary", "", good[0], entity.NewColumnBinaryVector("v", 12, [][]byte{{1}, {2}, {3}}))
	errHas(t, "binary dim 12", err, "column v", "multiple of 8")

	// The column's dim differs from the field's: the library names the field.
	half := [][]byte{rows[0][:8], rows[1][:8], rows[2][:8]}
	_, err = c.Insert(ctx, "c_float16", "", good[0], entity.NewColumnFloat16Vector("v", 4, half))
	errHas(t, "dim 4 into dim 8", err, "field `v`", "dim 8", "dim 4")

	// NaN in row 2, component 5: all or nothing, the field, row and component named.
	nan := [][]byte{rows[0], rows[1], append([]byte(nil), rows[2]...)}
	binary.LittleEndian.PutUint16(nan[2][10:], 0x7e00)
	_, err = c.Insert(ctx, "c_float16", "", good[0], entity.NewColumnFloat16Vector("v", 8, nan))
	errHas(t, "NaN", err, "field `v` row 2", "component 5 is NaN")
	if n := countRows(t, c, "c_float16"); n != 0 {
		t.Fatalf("a refused insert left %d rows", n)
	}

	// A column of another vector type than the field's.
	_, err = c.Insert(ctx, "c_float16", "", good[0], entity.NewColumnBFloat16Vector("v", 8, rows))
	errHas(t, "bfloat16 column into float16 field", err, "field `v`", "BFloat16Vector")

	for _, pc := range packedCases {
		if _, err := c.Insert(ctx, "c_"+pc.name, "", packedColumns(pc, ids, 0)...); err != nil {
			t.Fatal(err)
		}
	}
	search := func(coll string, mt entity.MetricType, vs ...entity.Vector) error {
		_, err := c.Search(ctx, coll, nil, "", nil, vs, "v", mt, 2, nil)
		return err
	}
	errHas(t, "L2 on binary", search("c_binary", entity.L2, binc.query(binc.row(1))), "field `v`", "L2")
	errHas(t, "HAMMING on float16", search("c_float16", entity.HAMMING, f16c.query(f16c.row(1))), "field `v`", "HAMMING")
	errHas(t, "float16 query on bfloat16 field", search("c_bfloat16", entity.L2, f16c.query(f16c.row(1))), "field `v`", "FLOAT16_VECTOR")
	errHas(t, "float query on binary field", search("c_binary", entity.HAMMING, entity.FloatVector{1, 2}), "field `v`", "FLOAT_VECTOR")
	errHas(t, "mixed query types", search("c_float16", entity.L2, f16c.query(f16c.row(1)), bf16c.query(bf16c.row(1))),
		"query vector 1 is a BFloat16Vector, query vector 0 is a Float16Vector")
	errHas(t, "query dims differ", search("c_binary", entity.HAMMING, entity.BinaryVector{1}, entity.BinaryVector{1, 2}),
		"query vector 1 has dim 16, query vector 0 has 8")
	errHas(t, "odd float16 bytes", search("c_float16", entity.L2, entity.Float16Vector{1, 2, 3}), "3 bytes")
	errHas(t, "query dim against the field", search("c_bfloat16", entity.L2, entity.BFloat16Vector{0, 0x3f}), "field `v`", "dim 8")

	bad := entity.NewSchema().WithName("bad").
		WithField(entity.NewField().WithName("ID").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("bits").WithDataType(entity.FieldTypeBinaryVector).WithDim(12))
	errHas(t, "binary field of dim 12", c.CreateCollection(ctx, bad, 1), "field `bits`", "multiple of 8")
}

func countRows(t *testing.T, c client.Client, coll string) int {
	t.Helper()
	rs, err := c.Query(ctx(), coll, nil, "", []string{"count(*)"})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := rs.GetColumn("count(*)").GetAsInt64(0)
	return int(n)
}

func ctx() context.Context { return context.Background() }

// loadPacked creates pc's collection in c with rows 0..n-1.
func loadPacked(t *testing.T, c client.Client, pc packedCase, n int) {
	t.Helper()
	if err := c.CreateCollection(ctx(), packedSchema(pc), 1); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = int64(i)
	}
	if _, err := c.Insert(ctx(), "c_"+pc.name, "", packedColumns(pc, ids, 0)...); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(ctx(), "c_"+pc.name, false); err != nil {
		t.Fatal(err)
	}
}

// topHit searches coll's "v" for q and returns the best hit's id.
func topHit(t *testing.T, c client.Client, coll string, q entity.Vector, mt entity.MetricType, sp entity.SearchParam) int64 {
	t.Helper()
	res, err := c.Search(ctx(), coll, nil, "", nil, []entity.Vector{q}, "v", mt, 1, sp)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res[0].IDs.(*entity.ColumnInt64).ValueByIdx(0)
	return id
}

// The exact indexes of the packed types: BIN_FLAT and FLAT.
func TestPackedVectorFlatIndexes(t *testing.T) {
	c := open(t)
	binc, f16c := packedCases[0], packedCases[1]
	loadPacked(t, c, binc, 50)
	loadPacked(t, c, f16c, 50)

	// milvus-sdk-go's BIN_FLAT carries an nlist and its search param an nprobe (its code
	// generator gives BIN_FLAT BIN_IVF_FLAT's params); Milvus takes both without effect, and so
	// does veclite (out-of-range values are still refused).
	binFlat, _ := entity.NewIndexBinFlat(entity.HAMMING, 128)
	if err := c.CreateIndex(ctx(), "c_binary", "v", binFlat, false); err != nil {
		t.Fatal(err)
	}
	sp, _ := entity.NewIndexBinFlatSearchParam(8)
	if id := topHit(t, c, "c_binary", entity.BinaryVector(binc.row(9)), entity.HAMMING, sp); id != 9 {
		t.Fatalf("BIN_FLAT search with nprobe: top hit %d", id)
	}
	if err := c.DropIndex(ctx(), "c_binary", "v"); err != nil {
		t.Fatal(err)
	}
	generic := entity.NewGenericIndex("bits", entity.BinFlat, map[string]string{"metric_type": "JACCARD", "nlist": "0"})
	errHas(t, "BIN_FLAT nlist 0", c.CreateIndex(ctx(), "c_binary", "v", generic, false), "nlist out of range")
	generic = entity.NewGenericIndex("bits", entity.BinFlat, map[string]string{"metric_type": "JACCARD"})
	if err := c.CreateIndex(ctx(), "c_binary", "v", generic, false); err != nil {
		t.Fatal(err)
	}
	described, err := c.DescribeIndex(ctx(), "c_binary", "v")
	if err != nil || len(described) != 1 || described[0].Params()["metric_type"] != "JACCARD" {
		t.Fatalf("described %v, %v", described, err)
	}
	if id := topHit(t, c, "c_binary", entity.BinaryVector(binc.row(9)), entity.JACCARD, nil); id != 9 {
		t.Fatalf("BIN_FLAT search: top hit %d", id)
	}

	flat, _ := entity.NewIndexFlat(entity.COSINE)
	if err := c.CreateIndex(ctx(), "c_float16", "v", flat, false); err != nil {
		t.Fatal(err)
	}
	fsp, _ := entity.NewIndexFlatSearchParam()
	if id := topHit(t, c, "c_float16", entity.Float16Vector(f16c.row(30)), entity.COSINE, fsp); id != 30 {
		t.Fatalf("FLAT search: top hit %d", id)
	}
}

// BIN_IVF_FLAT on a binary field, and HNSW / IVF_FLAT on float16 and bfloat16 fields, built
// and searched through the SDK's constructors (veclite's graph and cluster indexes of the
// packed types).
func TestPackedVectorIndexes(t *testing.T) {
	c := open(t)
	binc, f16c, bf16c := packedCases[0], packedCases[1], packedCases[2]
	for _, pc := range packedCases {
		loadPacked(t, c, pc, 200)
	}
	binIvf, _ := entity.NewIndexBinIvfFlat(entity.HAMMING, 4)
	if err := c.CreateIndex(ctx(), "c_binary", "v", binIvf, false); err != nil {
		t.Fatal("BIN_IVF_FLAT:", err)
	}
	bsp, _ := entity.NewIndexBinIvfFlatSearchParam(4)
	if id := topHit(t, c, "c_binary", entity.BinaryVector(binc.row(77)), entity.HAMMING, bsp); id != 77 {
		t.Fatalf("BIN_IVF_FLAT search: top hit %d", id)
	}
	hnsw, _ := entity.NewIndexHNSW(entity.L2, 16, 64)
	if err := c.CreateIndex(ctx(), "c_float16", "v", hnsw, false); err != nil {
		t.Fatal("HNSW on float16:", err)
	}
	hsp, _ := entity.NewIndexHNSWSearchParam(64)
	if id := topHit(t, c, "c_float16", entity.Float16Vector(f16c.row(123)), entity.L2, hsp); id != 123 {
		t.Fatalf("HNSW float16 search: top hit %d", id)
	}
	ivf, _ := entity.NewIndexIvfFlat(entity.L2, 4)
	if err := c.CreateIndex(ctx(), "c_bfloat16", "v", ivf, false); err != nil {
		t.Fatal("IVF_FLAT on bfloat16:", err)
	}
	isp, _ := entity.NewIndexIvfFlatSearchParam(4)
	if id := topHit(t, c, "c_bfloat16", entity.BFloat16Vector(bf16c.row(150)), entity.L2, isp); id != 150 {
		t.Fatalf("IVF_FLAT bfloat16 search: top hit %d", id)
	}
}

// Filters, range search and grouping work on the packed types as on FloatVector fields.
func TestPackedVectorSearchOptions(t *testing.T) {
	c := open(t)
	binc := packedCases[0]
	loadPacked(t, c, binc, 40)
	q := []entity.Vector{entity.BinaryVector(binc.row(12))}
	// Every byte of rows 8..15 differs from row 12's (0b1100) in its low three bits: HAMMING
	// distances 8, 16, 16, 24, 0, 8, 8, 16 (8 per differing bit, one bit a byte).
	res, err := c.Search(ctx(), "c_binary", nil, "ID >= 8 && ID < 16", []string{"ID"}, q, "v", entity.HAMMING, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].ResultCount != 8 || res[0].Scores[0] != 0 {
		t.Fatalf("filtered search: %d hits, scores %v", res[0].ResultCount, res[0].Scores)
	}
	for i := 1; i < len(res[0].Scores); i++ {
		if res[0].Scores[i] < res[0].Scores[i-1] {
			t.Fatalf("HAMMING scores not ascending: %v", res[0].Scores)
		}
	}
	// Range search keeps Milvus's direction for distances: range_filter <= distance < radius.
	sp, _ := entity.NewIndexFlatSearchParam()
	sp.AddRadius(16)
	sp.AddRangeFilter(1)
	res, err = c.Search(ctx(), "c_binary", nil, "ID >= 8 && ID < 16", nil, q, "v", entity.HAMMING, 10, sp)
	if err != nil {
		t.Fatal(err)
	}
	ids := res[0].IDs.(*entity.ColumnInt64).Data()
	if res[0].ResultCount != 3 || !slices.Equal(sortedInts(ids), []int64{8, 13, 14}) {
		t.Fatalf("range [1, 16): ids %v scores %v, want 8, 13, 14 at 8", ids, res[0].Scores)
	}
	for _, s := range res[0].Scores {
		if s != 8 {
			t.Fatalf("range [1, 16): score %v", s)
		}
	}
}

func sortedInts(v []int64) []int64 {
	out := append([]int64(nil), v...)
	slices.Sort(out)
	return out
}
