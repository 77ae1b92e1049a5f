package entity

import (
	"encoding/json"
	"errors"
	"fmt"
)

// MetricType names a distance metric.
type MetricType string

// Metric types. veclite searches float vectors with L2 (squared distance), IP and COSINE, and
// binary vectors with HAMMING and JACCARD; TANIMOTO, SUBSTRUCTURE and SUPERSTRUCTURE exist for
// source compatibility and are rejected by Search.
const (
	L2             MetricType = "L2"
	IP             MetricType = "IP"
	COSINE         MetricType = "COSINE"
	HAMMING        MetricType = "HAMMING"
	JACCARD        MetricType = "JACCARD"
	TANIMOTO       MetricType = "TANIMOTO"
	SUBSTRUCTURE   MetricType = "SUBSTRUCTURE"
	SUPERSTRUCTURE MetricType = "SUPERSTRUCTURE"
)

// IndexType names an index kind. veclite's Go package supports Flat, HNSW and IvfFlat;
// CreateIndex rejects the others with client.ErrFeatureNotSupported.
type IndexType string

// Index types (names as in Milvus).
const (
	Flat       IndexType = "FLAT"
	BinFlat    IndexType = "BIN_FLAT"
	IvfFlat    IndexType = "IVF_FLAT"
	BinIvfFlat IndexType = "BIN_IVF_FLAT"
	IvfPQ      IndexType = "IVF_PQ"
	IvfSQ8     IndexType = "IVF_SQ8"
	HNSW       IndexType = "HNSW"
	IvfHNSW    IndexType = "IVF_HNSW"
	AUTOINDEX  IndexType = "AUTOINDEX"
	DISKANN    IndexType = "DISKANN"
	SCANN      IndexType = "SCANN"
	Scalar     IndexType = ""
	Trie       IndexType = "Trie"
	Sorted     IndexType = "STL_SORT"
	Inverted   IndexType = "INVERTED"
	Bitmap     IndexType = "BITMAP"
)

// Index is an index description.
type Index interface {
	Name() string
	IndexType() IndexType
	Params() map[string]string
}

// SearchParam carries index-specific search parameters.
type SearchParam interface {
	Params() map[string]interface{}
	AddRadius(radius float64)
	AddRangeFilter(rangeFilter float64)
	AddPageRetainOrder(pageRetainOrder bool)
}

type baseSearchParams struct {
	params map[string]interface{}
}

func (sp *baseSearchParams) Params() map[string]interface{} { return sp.params }
func (sp *baseSearchParams) AddRadius(radius float64)       { sp.params["radius"] = radius }
func (sp *baseSearchParams) AddRangeFilter(rangeFilter float64) {
	sp.params["range_filter"] = rangeFilter
}
func (sp *baseSearchParams) AddPageRetainOrder(order bool) { sp.params["page_retain_order"] = order }

func newBaseSearchParams() baseSearchParams {
	return baseSearchParams{params: make(map[string]interface{})}
}

// GenericIndex is an index given by type and raw parameters.
type GenericIndex struct {
	name      string
	indexType IndexType
	params    map[string]string
}

// NewGenericIndex returns an index of type it with params.
func NewGenericIndex(name string, it IndexType, params map[string]string) Index {
	return GenericIndex{name: name, indexType: it, params: params}
}

// Name returns the index name.
func (gi GenericIndex) Name() string { return gi.name }

// IndexType returns the index type.
func (gi GenericIndex) IndexType() IndexType { return gi.indexType }

// Params returns the parameters with "index_type" set.
func (gi GenericIndex) Params() map[string]string {
	m := map[string]string{"index_type": string(gi.indexType)}
	for k, v := range gi.params {
		m[k] = v
	}
	return m
}

func indexParams(it IndexType, metric MetricType, build map[string]string) map[string]string {
	bs, _ := json.Marshal(build)
	return map[string]string{"index_type": string(it), "metric_type": string(metric), "params": string(bs)}
}

// IndexFlat is the exact (brute-force) index.
type IndexFlat struct {
	metricType MetricType
}

// NewIndexFlat returns a FLAT index with metricType.
func NewIndexFlat(metricType MetricType) (*IndexFlat, error) {
	return &IndexFlat{metricType: metricType}, nil
}

// Name returns "Flat".
func (i *IndexFlat) Name() string { return "Flat" }

// IndexType returns Flat.
func (i *IndexFlat) IndexType() IndexType { return Flat }

// Params returns index_type, metric_type and params.
func (i *IndexFlat) Params() map[string]string {
	return indexParams(Flat, i.metricType, map[string]string{})
}

// IndexFlatSearchParam is the (empty) search parameter set of FLAT.
type IndexFlatSearchParam struct {
	baseSearchParams
}

// NewIndexFlatSearchParam returns FLAT search parameters.
func NewIndexFlatSearchParam() (*IndexFlatSearchParam, error) {
	return &IndexFlatSearchParam{baseSearchParams: newBaseSearchParams()}, nil
}

// IndexHNSW describes an HNSW graph index (M links per node, efConstruction candidates while
// building).
type IndexHNSW struct {
	metricType     MetricType
	m              int
	efConstruction int
}

// NewIndexHNSW validates the parameters as milvus-sdk-go does.
func NewIndexHNSW(metricType MetricType, M int, efConstruction int) (*IndexHNSW, error) {
	if M < 4 || M > 64 {
		return nil, errors.New("M has to be in range [4, 64]")
	}
	if efConstruction < 8 || efConstruction > 512 {
		return nil, errors.New("efConstruction has to be in range [8, 512]")
	}
	return &IndexHNSW{metricType: metricType, m: M, efConstruction: efConstruction}, nil
}

// Name returns "HNSW".
func (i *IndexHNSW) Name() string { return "HNSW" }

// IndexType returns HNSW.
func (i *IndexHNSW) IndexType() IndexType { return HNSW }

// Params returns index_type, metric_type and params.
func (i *IndexHNSW) Params() map[string]string {
	return indexParams(HNSW, i.metricType, map[string]string{
		"M": fmt.Sprint(i.m), "efConstruction": fmt.Sprint(i.efConstruction),
	})
}

// IndexHNSWSearchParam carries HNSW's search width ef (the effective width is max(ef, topK)).
type IndexHNSWSearchParam struct {
	baseSearchParams
}

// NewIndexHNSWSearchParam validates ef as milvus-sdk-go does.
func NewIndexHNSWSearchParam(ef int) (*IndexHNSWSearchParam, error) {
	if ef < 1 || ef > 32768 {
		return nil, errors.New("ef has to be in range [1, 32768]")
	}
	sp := &IndexHNSWSearchParam{baseSearchParams: newBaseSearchParams()}
	sp.params["ef"] = ef
	return sp, nil
}

// IndexIvfFlat describes an IVF_FLAT inverted-file index over nlist clusters.
type IndexIvfFlat struct {
	metricType MetricType
	nlist      int
}

// NewIndexIvfFlat validates nlist as milvus-sdk-go does.
func NewIndexIvfFlat(metricType MetricType, nlist int) (*IndexIvfFlat, error) {
	if nlist < 1 || nlist > 65536 {
		return nil, errors.New("nlist has to be in range [1, 65536]")
	}
	return &IndexIvfFlat{metricType: metricType, nlist: nlist}, nil
}

// Name returns "IvfFlat".
func (i *IndexIvfFlat) Name() string { return "IvfFlat" }

// IndexType returns IvfFlat.
func (i *IndexIvfFlat) IndexType() IndexType { return IvfFlat }

// Params returns index_type, metric_type and params.
func (i *IndexIvfFlat) Params() map[string]string {
	return indexParams(IvfFlat, i.metricType, map[string]string{"nlist": fmt.Sprint(i.nlist)})
}

// IndexIvfFlatSearchParam carries IVF_FLAT's nprobe: the number of clusters searched (at
// most nlist).
type IndexIvfFlatSearchParam struct {
	baseSearchParams
}

// NewIndexIvfFlatSearchParam validates nprobe as milvus-sdk-go does.
func NewIndexIvfFlatSearchParam(nprobe int) (*IndexIvfFlatSearchParam, error) {
	if nprobe < 1 || nprobe > 65536 {
		return nil, errors.New("nprobe has to be in range [1, 65536]")
	}
	sp := &IndexIvfFlatSearchParam{baseSearchParams: newBaseSearchParams()}
	sp.params["nprobe"] = nprobe
	return sp, nil
}
