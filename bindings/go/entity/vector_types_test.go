package entity

import (
	"reflect"
	"strings"
	"testing"
)

func TestPackedVectorColumns(t *testing.T) {
	rows := [][]byte{{1, 2}, {3, 4}, {5, 6}}
	cols := []struct {
		col Column
		typ FieldType
		dim int
	}{
		{NewColumnBinaryVector("b", 16, rows), FieldTypeBinaryVector, 16},
		{NewColumnFloat16Vector("h", 1, rows), FieldTypeFloat16Vector, 1},
		{NewColumnBFloat16Vector("bf", 1, rows), FieldTypeBFloat16Vector, 1},
	}
	for _, c := range cols {
		col := c.col
		if col.Type() != c.typ || col.Len() != 3 || col.Type().Name() == "undefined" {
			t.Fatalf("%s: type %v len %d", col.Name(), col.Type(), col.Len())
		}
		if d := col.(interface{ Dim() int }).Dim(); d != c.dim {
			t.Fatalf("%s: dim %d", col.Name(), d)
		}
		v, err := col.Get(1)
		if err != nil || !reflect.DeepEqual(v, []byte{3, 4}) {
			t.Fatalf("%s: Get(1) = %v, %v", col.Name(), v, err)
		}
		if _, err := col.Get(3); err == nil || err.Error() != "index out of range" {
			t.Fatalf("%s: Get(3) = %v", col.Name(), err)
		}
		if _, err := col.GetAsDouble(0); err == nil {
			t.Fatalf("%s: GetAsDouble converts", col.Name())
		}
		s := col.Slice(1, -1)
		if s.Len() != 2 || s.Type() != c.typ || s.Name() != col.Name() {
			t.Fatalf("%s: Slice(1, -1) = %T len %d", col.Name(), s, s.Len())
		}
		if v, _ := s.Get(0); !reflect.DeepEqual(v, []byte{3, 4}) {
			t.Fatalf("%s: Slice(1, -1).Get(0) = %v", col.Name(), v)
		}
		if err := col.AppendValue([]float32{1}); err == nil || !strings.Contains(err.Error(), "expected []byte, got []float32") {
			t.Fatalf("%s: AppendValue([]float32) = %v", col.Name(), err)
		}
		if err := col.AppendValue([]byte{7, 8}); err != nil || col.Len() != 4 {
			t.Fatalf("%s: AppendValue = %v, len %d", col.Name(), err, col.Len())
		}
	}
	b := cols[0].col.(*ColumnBinaryVector)
	if v, err := b.ValueByIdx(3); err != nil || !reflect.DeepEqual(v, []byte{7, 8}) || len(b.Data()) != 4 {
		t.Fatalf("ValueByIdx(3) = %v, %v; data %v", v, err, b.Data())
	}
}

func TestPackedQueryVectors(t *testing.T) {
	raw := []byte{1, 2, 3, 4}
	for _, c := range []struct {
		v   Vector
		dim int
		typ FieldType
	}{
		{BinaryVector(raw), 32, FieldTypeBinaryVector},
		{Float16Vector(raw), 2, FieldTypeFloat16Vector},
		{BFloat16Vector(raw), 2, FieldTypeBFloat16Vector},
	} {
		if c.v.Dim() != c.dim || c.v.FieldType() != c.typ || !reflect.DeepEqual(c.v.Serialize(), raw) {
			t.Errorf("%T: dim %d type %v bytes %v", c.v, c.v.Dim(), c.v.FieldType(), c.v.Serialize())
		}
	}
}

// The params maps are milvus-sdk-go v2.4.2's, key for key.
func TestBinaryAndSparseIndexParams(t *testing.T) {
	binFlat, err := NewIndexBinFlat(HAMMING, 128)
	if err != nil {
		t.Fatal(err)
	}
	binIvf, err := NewIndexBinIvfFlat(JACCARD, 64)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := NewIndexSparseInverted(IP, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	wand, err := NewIndexSparseWAND(IP, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		idx  Index
		name string
		typ  IndexType
		want map[string]string
	}{
		{binFlat, "BinFlat", BinFlat, map[string]string{"index_type": "BIN_FLAT", "metric_type": "HAMMING", "params": `{"nlist":"128"}`}},
		{binIvf, "BinIvfFlat", BinIvfFlat, map[string]string{"index_type": "BIN_IVF_FLAT", "metric_type": "JACCARD", "params": `{"nlist":"64"}`}},
		{inv, "SparseInverted", SparseInverted, map[string]string{"index_type": "SPARSE_INVERTED_INDEX", "metric_type": "IP", "params": `{"drop_ratio_build":"0.2"}`}},
		{wand, "SparseWAND", SparseWAND, map[string]string{"index_type": "SPARSE_WAND", "metric_type": "IP", "params": `{"drop_ratio_build":"0"}`}},
	} {
		if c.idx.Name() != c.name || c.idx.IndexType() != c.typ || !reflect.DeepEqual(c.idx.Params(), c.want) {
			t.Errorf("%s: name %q type %q params %v, want %v", c.name, c.idx.Name(), c.idx.IndexType(), c.idx.Params(), c.want)
		}
	}

	binFlatSP, _ := NewIndexBinFlatSearchParam(16)
	binIvfSP, _ := NewIndexBinIvfFlatSearchParam(65536)
	invSP, _ := NewIndexSparseInvertedSearchParam(0.1)
	wandSP, _ := NewIndexSparseWANDSearchParam(0)
	for _, c := range []struct {
		sp   SearchParam
		want map[string]interface{}
	}{
		{binFlatSP, map[string]interface{}{"nprobe": 16}},
		{binIvfSP, map[string]interface{}{"nprobe": 65536}},
		{invSP, map[string]interface{}{"drop_ratio_search": 0.1}},
		{wandSP, map[string]interface{}{"drop_ratio_search": 0.0}},
	} {
		if !reflect.DeepEqual(c.sp.Params(), c.want) {
			t.Errorf("%T: params %v, want %v", c.sp, c.sp.Params(), c.want)
		}
	}

	for _, c := range []struct {
		err  error
		want string
	}{
		{second(NewIndexBinFlat(HAMMING, 0)), "nlist has to be in range [1, 65536]"},
		{second(NewIndexBinIvfFlat(HAMMING, 65537)), "nlist has to be in range [1, 65536]"},
		{second(NewIndexBinFlatSearchParam(0)), "nprobe has to be in range [1, 65536]"},
		{second(NewIndexBinIvfFlatSearchParam(65537)), "nprobe has to be in range [1, 65536]"},
		{second(NewIndexSparseInverted(IP, -0.5)), "invalid dropRatio for build: -0.5, must be in range [0, 1)"},
		{second(NewIndexSparseWAND(IP, 1)), "invalid dropRatio for build: 1, must be in range [0, 1)"},
		{second(NewIndexSparseInvertedSearchParam(1)), "invalid dropRatio for search: 1, must be in range [0, 1)"},
		{second(NewIndexSparseWANDSearchParam(-1)), "invalid dropRatio for search: -1, must be in range [0, 1)"},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("got %v, want %q", c.err, c.want)
		}
	}
}

func TestPackedVectorRows(t *testing.T) {
	type row struct {
		ID    int64   `milvus:"name:id;primary_key"`
		Bits  [2]byte `milvus:"name:bits"`
		Half  []byte  `milvus:"name:half;dim:2;vector_type:fp16"`
		Brain []byte  `milvus:"name:brain;dim:2;vector_type:bf16"`
	}
	sch, err := ParseSchemaAny(&row{})
	if err != nil {
		t.Fatal(err)
	}
	rows := []interface{}{
		&row{ID: 1, Bits: [2]byte{1, 2}, Half: []byte{1, 2, 3, 4}, Brain: []byte{5, 6, 7, 8}},
		&row{ID: 2, Bits: [2]byte{3, 4}, Half: []byte{9, 10, 11, 12}, Brain: []byte{13, 14, 15, 16}},
	}
	cols, err := AnyToColumns(rows, sch)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Column{}
	for _, c := range cols {
		byName[c.Name()] = c
	}
	bits, ok := byName["bits"].(*ColumnBinaryVector)
	if !ok || bits.Dim() != 16 || !reflect.DeepEqual(bits.Data(), [][]byte{{1, 2}, {3, 4}}) {
		t.Fatalf("bits column %#v", byName["bits"])
	}
	half, ok := byName["half"].(*ColumnFloat16Vector)
	if !ok || half.Dim() != 2 || !reflect.DeepEqual(half.Data()[1], []byte{9, 10, 11, 12}) {
		t.Fatalf("half column %#v", byName["half"])
	}
	brain, ok := byName["brain"].(*ColumnBFloat16Vector)
	if !ok || brain.Dim() != 2 || !reflect.DeepEqual(brain.Data()[0], []byte{5, 6, 7, 8}) {
		t.Fatalf("brain column %#v", byName["brain"])
	}
}
