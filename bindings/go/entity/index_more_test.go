package entity

import (
	"strings"
	"testing"
)

func TestMoreIndexConstructors(t *testing.T) {
	auto, err := NewIndexAUTOINDEX(COSINE)
	if err != nil {
		t.Fatal(err)
	}
	if p := auto.Params(); p["index_type"] != "AUTOINDEX" || p["metric_type"] != "COSINE" || p["params"] != "{}" {
		t.Fatalf("AUTOINDEX params %v", p)
	}
	pq, err := NewIndexIvfPQ(L2, 128, 8, 8)
	if err != nil {
		t.Fatal(err)
	}
	if pq.Name() != "IvfPQ" || pq.IndexType() != IvfPQ || pq.Params()["params"] != `{"m":"8","nbits":"8","nlist":"128"}` {
		t.Fatalf("IVF_PQ %s %s %v", pq.Name(), pq.IndexType(), pq.Params())
	}
	var _ Index = pq
	indexes := []Index{}
	for _, mk := range []func() (Index, error){
		func() (Index, error) { return NewIndexDISKANN(L2) },
		func() (Index, error) { return NewIndexIvfHNSW(L2, 16, 8, 64) },
		func() (Index, error) { return NewIndexIvfSQ8(L2, 16) },
		func() (Index, error) { return NewIndexSCANN(L2, 16, true) },
		func() (Index, error) { return NewIndexGPUIvfFlat(L2, 16) },
		func() (Index, error) { return NewIndexGPUIvfPQ(L2, 16, 4, 8) },
		func() (Index, error) { return NewIndexGPUCagra(L2, 64, 32) },
		func() (Index, error) { return NewIndexGPUBruteForce(L2) },
		func() (Index, error) { return NewIndexSparseInverted(IP, 0.2) },
		func() (Index, error) { return NewIndexSparseWAND(IP, 0) },
	} {
		idx, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, idx)
	}
	want := []IndexType{DISKANN, IvfHNSW, IvfSQ8, SCANN, GPUIvfFlat, GPUIvfPQ, GPUCagra, GPUBruteForce, SparseInverted, SparseWAND}
	for i, idx := range indexes {
		if idx.IndexType() != want[i] || idx.Params()["index_type"] != string(want[i]) {
			t.Errorf("index %d: %s %v", i, idx.IndexType(), idx.Params())
		}
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{second(NewIndexIvfPQ(L2, 0, 8, 8)), "nlist has to be in range [1, 65536]"},
		{second(NewIndexIvfPQ(L2, 16, 8, 17)), "nbits has to be in range [1, 16]"},
		{second(NewIndexIvfHNSW(L2, 16, 3, 64)), "M has to be in range [4, 64]"},
		{second(NewIndexGPUCagra(L2, 8, 32)), "Graph degree cannot be larger"},
		{second(NewIndexSparseWAND(IP, 1)), "invalid dropRatio for build"},
		{second(NewIndexDISKANNSearchParam(0)), "search_list has to be in range [1, 65535]"},
		{second(NewIndexIvfHNSWSearchParam(8, 0)), "ef has to be in range [1, 32768]"},
		{second(NewIndexGPUCagraSearchParam(1, 1, 1, 1, 3)), "teamSize shall be"},
		{second(NewIndexAUTOINDEXSearchParam(0)), "level has to be in range"},
		{second(NewIndexSparseInvertedSearchParam(-0.1)), "invalid dropRatio for search"},
		{second(NewIndexSCANNSearchParam(8, 0)), "reorder_k"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("got %v, want %q", c.err, c.want)
		}
	}
	sp, err := NewIndexSCANNSearchParam(8, 100)
	if err != nil || sp.Params()["nprobe"] != 8 || sp.Params()["reorder_k"] != 100 {
		t.Fatalf("SCANN search params %v %v", sp.Params(), err)
	}
	var _ SearchParam = sp
	level, _ := NewIndexAUTOINDEXSearchParam(2)
	if level.Params()["level"] != 2 {
		t.Fatalf("AUTOINDEX level %v", level.Params())
	}
}

func second[T any](_ T, err error) error { return err }

func TestSparseEmbedding(t *testing.T) {
	if _, err := NewSliceSparseEmbedding([]uint32{1}, nil); err == nil {
		t.Fatal("unequal lengths must fail")
	}
	e, err := NewSliceSparseEmbedding([]uint32{7, 2}, []float32{0.5, 1.5})
	if err != nil {
		t.Fatal(err)
	}
	pos, v, ok := e.Get(0)
	if e.Dim() != 8 || e.Len() != 2 || pos != 2 || v != 1.5 || !ok || len(e.Serialize()) != 16 {
		t.Fatalf("sparse embedding %v: dim %d, first (%d, %v)", e, e.Dim(), pos, v)
	}
	col := NewColumnSparseVectors("s", []SparseEmbedding{e})
	if err := col.AppendValue(e); err != nil || col.Len() != 2 || col.Type() != FieldTypeSparseVector {
		t.Fatalf("column %v %v", col, err)
	}
	if err := col.AppendValue(1); err == nil || col.Slice(1, -1).Len() != 1 {
		t.Fatal("AppendValue(1) must fail")
	}
}
