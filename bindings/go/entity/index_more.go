package entity

import (
	"errors"
	"fmt"
)

// Index types of milvus-sdk-go beyond the CPU dense ones: the GPU indexes (veclite's CreateIndex
// refuses them) and the sparse-vector indexes (built on SPARSE_FLOAT_VECTOR fields, metric IP).
const (
	GPUIvfFlat     IndexType = "GPU_IVF_FLAT"
	GPUIvfPQ       IndexType = "GPU_IVF_PQ"
	GPUCagra       IndexType = "GPU_CAGRA"
	GPUBruteForce  IndexType = "GPU_BRUTE_FORCE"
	SparseInverted IndexType = "SPARSE_INVERTED_INDEX"
	SparseWAND     IndexType = "SPARSE_WAND"
)

// builtIndex is an index description made by one of the constructors below: its type, the
// name milvus-sdk-go gives it, its metric and its build parameters.
type builtIndex struct {
	name       string
	indexType  IndexType
	metricType MetricType
	build      map[string]string
}

// Name returns the SDK's name of the index type.
func (i *builtIndex) Name() string { return i.name }

// IndexType returns the index type.
func (i *builtIndex) IndexType() IndexType { return i.indexType }

// Params returns index_type, metric_type and params (the build parameters as JSON).
func (i *builtIndex) Params() map[string]string {
	return indexParams(i.indexType, i.metricType, i.build)
}

// inRange is the SDK's range check of an int parameter.
func inRange(name string, v, lo, hi int) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s has to be in range [%d, %d]", name, lo, hi)
	}
	return nil
}

// IndexAUTOINDEX is Milvus's automatic index; veclite builds its documented default for it.
type IndexAUTOINDEX struct{ builtIndex }

// NewIndexAUTOINDEX returns an AUTOINDEX index with metricType.
func NewIndexAUTOINDEX(metricType MetricType) (*IndexAUTOINDEX, error) {
	return &IndexAUTOINDEX{builtIndex{"AUTOINDEX", AUTOINDEX, metricType, map[string]string{}}}, nil
}

// IndexDISKANN is Milvus's on-disk graph index (CreateIndex refuses it).
type IndexDISKANN struct{ builtIndex }

// NewIndexDISKANN returns a DISKANN index with metricType.
func NewIndexDISKANN(metricType MetricType) (*IndexDISKANN, error) {
	return &IndexDISKANN{builtIndex{"DISKANN", DISKANN, metricType, map[string]string{}}}, nil
}

// IndexIvfHNSW is IVF with HNSW coarse quantizer (CreateIndex refuses it).
type IndexIvfHNSW struct{ builtIndex }

// NewIndexIvfHNSW validates the parameters as milvus-sdk-go does.
func NewIndexIvfHNSW(metricType MetricType, nlist int, M int, efConstruction int) (*IndexIvfHNSW, error) {
	if err := errors.Join(inRange("nlist", nlist, 1, 65536), inRange("M", M, 4, 64),
		inRange("efConstruction", efConstruction, 8, 512)); err != nil {
		return nil, err
	}
	return &IndexIvfHNSW{builtIndex{"IvfHNSW", IvfHNSW, metricType, map[string]string{
		"nlist": fmt.Sprint(nlist), "M": fmt.Sprint(M), "efConstruction": fmt.Sprint(efConstruction),
	}}}, nil
}

// IndexIvfPQ is IVF with product quantization (CreateIndex refuses it).
type IndexIvfPQ struct{ builtIndex }

// NewIndexIvfPQ validates the parameters as milvus-sdk-go does.
func NewIndexIvfPQ(metricType MetricType, nlist int, m int, nbits int) (*IndexIvfPQ, error) {
	if err := errors.Join(inRange("nlist", nlist, 1, 65536), inRange("nbits", nbits, 1, 16)); err != nil {
		return nil, err
	}
	return &IndexIvfPQ{builtIndex{"IvfPQ", IvfPQ, metricType, map[string]string{
		"nlist": fmt.Sprint(nlist), "m": fmt.Sprint(m), "nbits": fmt.Sprint(nbits),
	}}}, nil
}

// IndexIvfSQ8 is IVF with 8-bit scalar quantization (CreateIndex refuses it).
type IndexIvfSQ8 struct{ builtIndex }

// NewIndexIvfSQ8 validates nlist as milvus-sdk-go does.
func NewIndexIvfSQ8(metricType MetricType, nlist int) (*IndexIvfSQ8, error) {
	if err := inRange("nlist", nlist, 1, 65536); err != nil {
		return nil, err
	}
	return &IndexIvfSQ8{builtIndex{"IvfSQ8", IvfSQ8, metricType, map[string]string{"nlist": fmt.Sprint(nlist)}}}, nil
}

// IndexSCANN is Milvus's SCANN index (CreateIndex refuses it).
type IndexSCANN struct{ builtIndex }

// NewIndexSCANN validates nlist as milvus-sdk-go does.
func NewIndexSCANN(metricType MetricType, nlist int, with_raw_data bool) (*IndexSCANN, error) {
	if err := inRange("nlist", nlist, 1, 65536); err != nil {
		return nil, err
	}
	return &IndexSCANN{builtIndex{"SCANN", SCANN, metricType, map[string]string{
		"nlist": fmt.Sprint(nlist), "with_raw_data": fmt.Sprint(with_raw_data),
	}}}, nil
}

// IndexGPUIvfFlat is a GPU index (CreateIndex refuses it).
type IndexGPUIvfFlat struct{ builtIndex }

// NewIndexGPUIvfFlat validates nlist as milvus-sdk-go does.
func NewIndexGPUIvfFlat(metricType MetricType, nlist int) (*IndexGPUIvfFlat, error) {
	if err := inRange("nlist", nlist, 1, 65536); err != nil {
		return nil, err
	}
	return &IndexGPUIvfFlat{builtIndex{"GPUIvfFlat", GPUIvfFlat, metricType, map[string]string{"nlist": fmt.Sprint(nlist)}}}, nil
}

// IndexGPUIvfPQ is a GPU index (CreateIndex refuses it).
type IndexGPUIvfPQ struct{ builtIndex }

// NewIndexGPUIvfPQ validates the parameters as milvus-sdk-go does.
func NewIndexGPUIvfPQ(metricType MetricType, nlist int, m int, nbits int) (*IndexGPUIvfPQ, error) {
	if err := errors.Join(inRange("nlist", nlist, 1, 65536), inRange("nbits", nbits, 1, 64)); err != nil {
		return nil, err
	}
	return &IndexGPUIvfPQ{builtIndex{"GPUIvfPQ", GPUIvfPQ, metricType, map[string]string{
		"nlist": fmt.Sprint(nlist), "m": fmt.Sprint(m), "nbits": fmt.Sprint(nbits),
	}}}, nil
}

// IndexGPUCagra is a GPU graph index (CreateIndex refuses it).
type IndexGPUCagra struct{ builtIndex }

// NewIndexGPUCagra validates the degrees as milvus-sdk-go does.
func NewIndexGPUCagra(metricType MetricType, intermediateGraphDegree, graphDegree int) (*IndexGPUCagra, error) {
	if intermediateGraphDegree < graphDegree {
		return nil, errors.New("Graph degree cannot be larger than intermediate graph degree")
	}
	return &IndexGPUCagra{builtIndex{"GPUCagra", GPUCagra, metricType, map[string]string{
		"intermediate_graph_degree": fmt.Sprint(intermediateGraphDegree), "graph_degree": fmt.Sprint(graphDegree),
	}}}, nil
}

// IndexGPUBruteForce is a GPU exact index (CreateIndex refuses it).
type IndexGPUBruteForce struct{ builtIndex }

// NewIndexGPUBruteForce returns a GPU_BRUTE_FORCE index with metricType.
func NewIndexGPUBruteForce(metricType MetricType) (*IndexGPUBruteForce, error) {
	return &IndexGPUBruteForce{builtIndex{"GPUBruteForce", GPUBruteForce, metricType, map[string]string{}}}, nil
}

// dropRatio is the SDK's check of a sparse index's drop ratio.
func dropRatio(what string, ratio float64) error {
	if ratio < 0 || ratio >= 1 {
		return fmt.Errorf("invalid dropRatio for %s: %v, must be in range [0, 1)", what, ratio)
	}
	return nil
}

// IndexSparseInverted is SPARSE_INVERTED_INDEX, a sparse-vector index (its search algorithm is
// DAAT_MAXSCORE unless a generic index's params name another inverted_index_algo).
type IndexSparseInverted struct{ builtIndex }

// NewIndexSparseInverted validates dropRatio as milvus-sdk-go does.
func NewIndexSparseInverted(metricType MetricType, dropRatio float64) (*IndexSparseInverted, error) {
	return newSparse[IndexSparseInverted]("SparseInverted", SparseInverted, metricType, dropRatio)
}

// IndexSparseWAND is SPARSE_WAND, a sparse-vector index searched by DAAT_WAND.
type IndexSparseWAND struct{ builtIndex }

// NewIndexSparseWAND validates dropRatio as milvus-sdk-go does.
func NewIndexSparseWAND(metricType MetricType, dropRatio float64) (*IndexSparseWAND, error) {
	return newSparse[IndexSparseWAND]("SparseWAND", SparseWAND, metricType, dropRatio)
}

func newSparse[T ~struct{ builtIndex }](name string, it IndexType, metricType MetricType, ratio float64) (*T, error) {
	if err := dropRatio("build", ratio); err != nil {
		return nil, err
	}
	idx := T{builtIndex{name, it, metricType, map[string]string{"drop_ratio_build": fmt.Sprint(ratio)}}}
	return &idx, nil
}

// searchParam returns search parameters holding kv (name, value, name, value, ...).
func searchParam(kv ...any) baseSearchParams {
	sp := newBaseSearchParams()
	for i := 0; i+1 < len(kv); i += 2 {
		sp.params[kv[i].(string)] = kv[i+1]
	}
	return sp
}

// IndexAUTOINDEXSearchParam carries AUTOINDEX's search level.
type IndexAUTOINDEXSearchParam struct{ baseSearchParams }

// NewIndexAUTOINDEXSearchParam validates level (at least 1) as milvus-sdk-go does.
func NewIndexAUTOINDEXSearchParam(level int) (*IndexAUTOINDEXSearchParam, error) {
	if level < 1 {
		return nil, errors.New("level has to be in range [1, 9223372036854775807]")
	}
	return &IndexAUTOINDEXSearchParam{searchParam("level", level)}, nil
}

// IndexDISKANNSearchParam carries DISKANN's search_list.
type IndexDISKANNSearchParam struct{ baseSearchParams }

// NewIndexDISKANNSearchParam validates search_list as milvus-sdk-go does.
func NewIndexDISKANNSearchParam(search_list int) (*IndexDISKANNSearchParam, error) {
	if err := inRange("search_list", search_list, 1, 65535); err != nil {
		return nil, err
	}
	return &IndexDISKANNSearchParam{searchParam("search_list", search_list)}, nil
}

// IndexIvfHNSWSearchParam carries IVF_HNSW's nprobe and ef.
type IndexIvfHNSWSearchParam struct{ baseSearchParams }

// NewIndexIvfHNSWSearchParam validates nprobe and ef as milvus-sdk-go does.
func NewIndexIvfHNSWSearchParam(nprobe int, ef int) (*IndexIvfHNSWSearchParam, error) {
	if err := errors.Join(inRange("nprobe", nprobe, 1, 65536), inRange("ef", ef, 1, 32768)); err != nil {
		return nil, err
	}
	return &IndexIvfHNSWSearchParam{searchParam("nprobe", nprobe, "ef", ef)}, nil
}

// IndexIvfPQSearchParam carries IVF_PQ's nprobe.
type IndexIvfPQSearchParam struct{ baseSearchParams }

// NewIndexIvfPQSearchParam validates nprobe as milvus-sdk-go does.
func NewIndexIvfPQSearchParam(nprobe int) (*IndexIvfPQSearchParam, error) {
	if err := inRange("nprobe", nprobe, 1, 65536); err != nil {
		return nil, err
	}
	return &IndexIvfPQSearchParam{searchParam("nprobe", nprobe)}, nil
}

// IndexIvfSQ8SearchParam carries IVF_SQ8's nprobe.
type IndexIvfSQ8SearchParam struct{ baseSearchParams }

// NewIndexIvfSQ8SearchParam validates nprobe as milvus-sdk-go does.
func NewIndexIvfSQ8SearchParam(nprobe int) (*IndexIvfSQ8SearchParam, error) {
	if err := inRange("nprobe", nprobe, 1, 65536); err != nil {
		return nil, err
	}
	return &IndexIvfSQ8SearchParam{searchParam("nprobe", nprobe)}, nil
}

// IndexSCANNSearchParam carries SCANN's nprobe and reorder_k.
type IndexSCANNSearchParam struct{ baseSearchParams }

// NewIndexSCANNSearchParam validates nprobe and reorder_k as milvus-sdk-go does.
func NewIndexSCANNSearchParam(nprobe int, reorder_k int) (*IndexSCANNSearchParam, error) {
	if err := inRange("nprobe", nprobe, 1, 65536); err != nil {
		return nil, err
	}
	if reorder_k < 1 {
		return nil, errors.New("reorder_k has to be in range [1, 9223372036854775807]")
	}
	return &IndexSCANNSearchParam{searchParam("nprobe", nprobe, "reorder_k", reorder_k)}, nil
}

// IndexGPUIvfFlatSearchParam carries GPU_IVF_FLAT's nprobe.
type IndexGPUIvfFlatSearchParam struct{ baseSearchParams }

// NewIndexGPUIvfFlatSearchParam validates nprobe as milvus-sdk-go does.
func NewIndexGPUIvfFlatSearchParam(nprobe int) (*IndexGPUIvfFlatSearchParam, error) {
	if err := inRange("nprobe", nprobe, 1, 65536); err != nil {
		return nil, err
	}
	return &IndexGPUIvfFlatSearchParam{searchParam("nprobe", nprobe)}, nil
}

// IndexGPUIvfPQSearchParam carries GPU_IVF_PQ's nprobe.
type IndexGPUIvfPQSearchParam struct{ baseSearchParams }

// NewIndexGPUIvfPQSearchParam validates nprobe as milvus-sdk-go does.
func NewIndexGPUIvfPQSearchParam(nprobe int) (*IndexGPUIvfPQSearchParam, error) {
	if err := inRange("nprobe", nprobe, 1, 65536); err != nil {
		return nil, err
	}
	return &IndexGPUIvfPQSearchParam{searchParam("nprobe", nprobe)}, nil
}

// IndexGPUCagraSearchParam carries GPU_CAGRA's search parameters.
type IndexGPUCagraSearchParam struct{ baseSearchParams }

// NewIndexGPUCagraSearchParam validates teamSize (0, 4, 8, 16 or 32) as milvus-sdk-go does.
func NewIndexGPUCagraSearchParam(itopkSize int, searchWidth int, minIterations int, maxIterations int,
	teamSize int) (*IndexGPUCagraSearchParam, error) {
	switch teamSize {
	case 0, 4, 8, 16, 32:
	default:
		return nil, errors.New("teamSize shall be 0, 4, 8, 16 or 32")
	}
	return &IndexGPUCagraSearchParam{searchParam("itopk_size", itopkSize, "search_width", searchWidth,
		"min_iterations", minIterations, "max_iterations", maxIterations, "team_size", teamSize)}, nil
}

// IndexGPUBruteForceSearchParam is GPU_BRUTE_FORCE's (empty) search parameter set.
type IndexGPUBruteForceSearchParam struct{ baseSearchParams }

// NewIndexGPUBruteForceSearchParam returns GPU_BRUTE_FORCE search parameters.
func NewIndexGPUBruteForceSearchParam() (*IndexGPUBruteForceSearchParam, error) {
	return &IndexGPUBruteForceSearchParam{newBaseSearchParams()}, nil
}

// IndexSparseInvertedSearchParam carries a sparse index's drop_ratio_search.
type IndexSparseInvertedSearchParam struct{ baseSearchParams }

// NewIndexSparseInvertedSearchParam validates dropRatio as milvus-sdk-go does.
func NewIndexSparseInvertedSearchParam(dropRatio float64) (*IndexSparseInvertedSearchParam, error) {
	return newSparseSearch[IndexSparseInvertedSearchParam](dropRatio)
}

// IndexSparseWANDSearchParam carries a sparse index's drop_ratio_search.
type IndexSparseWANDSearchParam struct{ baseSearchParams }

// NewIndexSparseWANDSearchParam validates dropRatio as milvus-sdk-go does.
func NewIndexSparseWANDSearchParam(dropRatio float64) (*IndexSparseWANDSearchParam, error) {
	return newSparseSearch[IndexSparseWANDSearchParam](dropRatio)
}

func newSparseSearch[T ~struct{ baseSearchParams }](ratio float64) (*T, error) {
	if err := dropRatio("search", ratio); err != nil {
		return nil, err
	}
	sp := T{searchParam("drop_ratio_search", ratio)}
	return &sp, nil
}
