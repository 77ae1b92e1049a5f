//go:build cgo

package client

// WithVecliteNormScore is a veclite extension (milvus-sdk-go v2.4.2's weighted reranker always
// normalizes), Milvus's norm_score: false fuses the requests' scores as their metrics give them
// instead of normalizing each to [0, 1] first; L2 distances are always normalized, so that a
// larger fused score stays better.
func (r *weightedReranker) WithVecliteNormScore(norm bool) *weightedReranker {
	r.rawScores = !norm
	return r
}
