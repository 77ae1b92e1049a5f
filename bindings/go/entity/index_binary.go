package entity

import "fmt"

// IndexBinFlat is milvus-sdk-go's BIN_FLAT index of binary vectors (an exact search). As in
// the SDK its params carry an nlist, which veclite's BIN_FLAT does not read: CreateIndex
// refuses it, naming the parameter, rather than ignore it.
type IndexBinFlat struct{ builtIndex }

// NewIndexBinFlat validates nlist as milvus-sdk-go does.
func NewIndexBinFlat(metricType MetricType, nlist int) (*IndexBinFlat, error) {
	if err := inRange("nlist", nlist, 1, 65536); err != nil {
		return nil, err
	}
	return &IndexBinFlat{builtIndex{"BinFlat", BinFlat, metricType, map[string]string{"nlist": fmt.Sprint(nlist)}}}, nil
}

// IndexBinIvfFlat is an inverted-file index of binary vectors over nlist clusters.
type IndexBinIvfFlat struct{ builtIndex }

// NewIndexBinIvfFlat validates nlist as milvus-sdk-go does.
func NewIndexBinIvfFlat(metricType MetricType, nlist int) (*IndexBinIvfFlat, error) {
	if err := inRange("nlist", nlist, 1, 65536); err != nil {
		return nil, err
	}
	return &IndexBinIvfFlat{builtIndex{"BinIvfFlat", BinIvfFlat, metricType, map[string]string{"nlist": fmt.Sprint(nlist)}}}, nil
}

// IndexBinFlatSearchParam carries milvus-sdk-go's nprobe for BIN_FLAT, which a BIN_FLAT index
// takes without effect (an exact search probes everything), as Milvus does.
type IndexBinFlatSearchParam struct{ baseSearchParams }

// NewIndexBinFlatSearchParam validates nprobe as milvus-sdk-go does.
func NewIndexBinFlatSearchParam(nprobe int) (*IndexBinFlatSearchParam, error) {
	if err := inRange("nprobe", nprobe, 1, 65536); err != nil {
		return nil, err
	}
	return &IndexBinFlatSearchParam{searchParam("nprobe", nprobe)}, nil
}

// IndexBinIvfFlatSearchParam carries BIN_IVF_FLAT's nprobe: the number of clusters searched.
type IndexBinIvfFlatSearchParam struct{ baseSearchParams }

// NewIndexBinIvfFlatSearchParam validates nprobe as milvus-sdk-go does.
func NewIndexBinIvfFlatSearchParam(nprobe int) (*IndexBinIvfFlatSearchParam, error) {
	if err := inRange("nprobe", nprobe, 1, 65536); err != nil {
		return nil, err
	}
	return &IndexBinIvfFlatSearchParam{searchParam("nprobe", nprobe)}, nil
}
