//go:build cgo

package client

import (
	"context"
	"math"

	"github.com/veclite/veclite/bindings/go/entity"
)

// CalcDistance returns the distances between every vector of opLeft and every vector of
// opRight, left-major (entry i·len(right)+j is left i to right j), as a Float column named
// "distance". An operand is a FloatVector column, or an Int64 / VarChar column of primary keys
// whose vectors are read from collName's vector field named after the column (searching
// partitions; empty = all); an unknown key is ErrNotFound. metricType is L2 (squared
// distance, as Milvus computes by default), IP or COSINE; the binary metrics fail with an error
// wrapping ErrFeatureNotSupported.
func (c *EmbeddedClient) CalcDistance(ctx context.Context, collName string, partitions []string,
	metricType entity.MetricType, opLeft, opRight entity.Column) (entity.Column, error) {
	if opLeft == nil || opRight == nil {
		return nil, newErr(StatusInvalidArgument, "operators cannot be nil")
	}
	distance, err := distanceFunc(metricType)
	if err != nil {
		return nil, err
	}
	left, err := c.operandVectors(ctx, collName, partitions, "opLeft", opLeft)
	if err != nil {
		return nil, err
	}
	right, err := c.operandVectors(ctx, collName, partitions, "opRight", opRight)
	if err != nil {
		return nil, err
	}
	out := make([]float32, 0, len(left)*len(right))
	for i, l := range left {
		for j, r := range right {
			if len(l) != len(r) {
				return nil, newErr(StatusDimensionMismatch, "opLeft vector %d has dimension %d, opRight vector %d has %d", i, len(l), j, len(r))
			}
			out = append(out, distance(l, r))
		}
	}
	return entity.NewColumnFloat("distance", out), nil
}

// distanceFunc is the distance of metric mt: squared L2, inner product or cosine similarity.
func distanceFunc(mt entity.MetricType) (func(a, b []float32) float32, error) {
	dot := func(a, b []float32) float32 {
		var s float32
		for i := range a {
			s += a[i] * b[i]
		}
		return s
	}
	switch mt {
	case entity.L2:
		return func(a, b []float32) float32 {
			var s float32
			for i := range a {
				d := a[i] - b[i]
				s += d * d
			}
			return s
		}, nil
	case entity.IP:
		return dot, nil
	case entity.COSINE:
		return func(a, b []float32) float32 {
			na, nb := dot(a, a), dot(b, b)
			if na == 0 || nb == 0 {
				return 0
			}
			return dot(a, b) / float32(math.Sqrt(float64(na))*math.Sqrt(float64(nb)))
		}, nil
	case entity.HAMMING, entity.JACCARD, entity.TANIMOTO, entity.SUBSTRUCTURE, entity.SUPERSTRUCTURE:
		return nil, featureErr("CalcDistance with metric %s (veclite computes float vector distances)", mt)
	default:
		return nil, newErr(StatusInvalidArgument, "CalcDistance: unknown metric type %q", mt)
	}
}

// operandVectors returns the vectors of a CalcDistance operand: a FloatVector column's, or
// those the collection stores for a column of primary keys.
func (c *EmbeddedClient) operandVectors(ctx context.Context, collName string, partitions []string, what string, op entity.Column) ([][]float32, error) {
	switch col := op.(type) {
	case *entity.ColumnFloatVector:
		return col.Data(), nil
	case *entity.ColumnInt64, *entity.ColumnVarChar:
	default:
		return nil, newErr(StatusInvalidArgument, "%s is a %s column: give FloatVector vectors or Int64 / VarChar primary keys", what, op.Type())
	}
	schema, err := c.describe(ctx, collName)
	if err != nil {
		return nil, err
	}
	pk := schema.PKFieldName()
	var keys entity.Column
	switch col := op.(type) {
	case *entity.ColumnInt64:
		keys = entity.NewColumnInt64(pk, col.Data())
	case *entity.ColumnVarChar:
		keys = entity.NewColumnVarChar(pk, col.Data())
	}
	rs, err := c.QueryByPks(ctx, collName, partitions, keys, []string{op.Name()})
	if err != nil {
		return nil, err
	}
	keyCol := rs.GetColumn(pk)
	vecCol, ok := rs.GetColumn(op.Name()).(*entity.ColumnFloatVector)
	if !ok || keyCol == nil {
		return nil, newErr(StatusInvalidArgument, "%s: field %s of collection %s is not a float vector field", what, op.Name(), collName)
	}
	byKey := make(map[interface{}][]float32, keyCol.Len())
	for i, v := range vecCol.Data() {
		k, _ := keyCol.Get(i)
		byKey[k] = v
	}
	out := make([][]float32, op.Len())
	for i := range out {
		k, _ := op.Get(i)
		v, found := byKey[k]
		if !found {
			return nil, notFound(ObjectNone, "%s: no entity with primary key %v in collection %s", what, k, collName)
		}
		out[i] = v
	}
	return out, nil
}
