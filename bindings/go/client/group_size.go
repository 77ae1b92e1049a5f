//go:build cgo

package client

// WithVecliteGroupSize is a veclite extension (milvus-sdk-go v2.4.2 has no such option): with
// WithGroupByField, each group returns its best groupSize hits (at least 1; the default is 1).
// topK and the offset still count groups, and (offset + topK) × groupSize is at most 16384.
func WithVecliteGroupSize(groupSize int) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.GroupSize = groupSize }
}

// WithVecliteStrictGroupSize is a veclite extension (milvus-sdk-go v2.4.2 has no such option),
// Milvus's strict_group_size: veclite fills every group as far as the data allows, so strict
// and non-strict grouping return the same hits.
func WithVecliteStrictGroupSize(strict bool) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.StrictGroupSize = strict }
}

// groupSize is the number of hits per group a search asks for (1 when unset).
func (o *SearchQueryOption) groupSize() (int, error) {
	switch {
	case o.GroupSize == 0:
		return 1, nil
	case o.GroupSize < 0:
		return 0, newErr(StatusInvalidArgument, "group size %d must be at least 1", o.GroupSize)
	case o.GroupByField == "":
		return 0, newErr(StatusInvalidArgument, "group size %d needs WithGroupByField", o.GroupSize)
	}
	return o.GroupSize, nil
}
