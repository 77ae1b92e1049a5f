package client_test

import (
	"context"
	"testing"

	"github.com/veclite/veclite/bindings/go/entity"
)

// A query matching no row still returns the float16 / bfloat16 output column, empty (its
// buffer holds no values, whatever its address).
func TestEmptyHalfVectorResult(t *testing.T) {
	ctx := context.Background()
	c := openTemp(t)
	for _, typ := range []entity.FieldType{entity.FieldTypeFloat16Vector, entity.FieldTypeBFloat16Vector} {
		name := "e" + typ.Name()
		schema := entity.NewSchema().WithName(name).
			WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
			WithField(entity.NewField().WithName("v").WithDataType(typ).WithDim(2))
		if err := c.CreateCollection(ctx, schema, 1); err != nil {
			t.Fatal(err)
		}
		var v entity.Column = entity.NewColumnFloat16Vector("v", 2, [][]byte{{0, 60, 0, 60}})
		if typ == entity.FieldTypeBFloat16Vector {
			v = entity.NewColumnBFloat16Vector("v", 2, [][]byte{{128, 63, 128, 63}})
		}
		if _, err := c.Insert(ctx, name, "", entity.NewColumnInt64("id", []int64{1}), v); err != nil {
			t.Fatal(typ, err)
		}
		rs, err := c.Query(ctx, name, nil, "id > 100", []string{"v"})
		if err != nil {
			t.Fatal(typ, err)
		}
		if col := rs.GetColumn("v"); col == nil || col.Len() != 0 || col.Type() != typ {
			t.Fatalf("%s: empty result column %v", typ, col)
		}
	}
}
