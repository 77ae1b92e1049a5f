//go:build cgo

package client

import (
	"github.com/veclite/veclite/bindings/go/entity"
)

// SearchResult holds the hits of one query vector, as in milvus-sdk-go.
type SearchResult struct {
	ResultCount  int           // number of hits
	GroupByValue entity.Column // each hit's group value (WithGroupByField); nil otherwise
	IDs          entity.Column // primary keys of the hits, best first
	Fields       ResultSet     // requested output fields, one row per hit
	Scores       []float32     // L2: squared distance (ascending); IP/COSINE: similarity (descending)
	Err          error         // per-query error (always nil)
}

// Slice returns hits [start, end) (end -1 = to the last hit).
func (sr *SearchResult) Slice(start, end int) *SearchResult {
	l := sr.ResultCount
	if start > l {
		start = l
	}
	if end == -1 || end > l {
		end = l
	}
	out := &SearchResult{ResultCount: end - start, Err: sr.Err}
	if sr.IDs != nil {
		out.IDs = sr.IDs.Slice(start, end)
	}
	out.Fields = sr.Fields.Slice(start, end)
	out.Scores = sr.Scores[start:end]
	return out
}

// ResultSet is the columns of a Query, Get or a search hit list.
type ResultSet []entity.Column

// Len returns the number of rows.
func (rs ResultSet) Len() int {
	for _, column := range rs {
		return column.Len()
	}
	return 0
}

// Slice returns rows [start, end) of every column.
func (rs ResultSet) Slice(start, end int) ResultSet {
	result := make([]entity.Column, 0, len(rs))
	for _, column := range rs {
		result = append(result, column.Slice(start, end))
	}
	return result
}

// GetColumn returns the column named fieldName, or nil.
func (rs ResultSet) GetColumn(fieldName string) entity.Column {
	for _, column := range rs {
		if column.Name() == fieldName {
			return column
		}
	}
	return nil
}

// MutationResult is the full outcome of a write (a veclite-only type, the counterpart of
// Milvus's MutationResult): see UpsertWithResult, InsertWithResult and DeleteWithResult.
type MutationResult struct {
	InsertCount int64
	// DeleteCount is the number of rows really replaced (upsert) or deleted (delete).
	DeleteCount int64
	UpsertCount int64
	SuccCount   int64
	ErrCount    int64
	SuccIndex   []uint32
	ErrIndex    []uint32
	// IDs are the primary keys in request order (the generated keys of an auto-id insert).
	IDs entity.Column
	// Timestamp is the hybrid timestamp of the write (unix_ms << 18 | logical).
	Timestamp uint64
}
