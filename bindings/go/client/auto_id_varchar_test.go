package client_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

func autoVarCharSchema(name string, maxLength int64) *entity.Schema {
	return entity.NewSchema().WithName(name).
		WithField(entity.NewField().WithName("pk").WithDataType(entity.FieldTypeVarChar).WithMaxLength(maxLength).
			WithIsPrimaryKey(true).WithIsAutoID(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2))
}

// An auto_id VarChar key: the schema flag passes through, the generated keys come back as
// decimal strings and serve search, query and delete; a max_length too short fails the insert.
func TestAutoIDVarCharKey(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	if err := c.CreateCollection(ctx, autoVarCharSchema("auto", 32), 1); err != nil {
		t.Fatal(err)
	}
	ids, err := c.Insert(ctx, "auto", "", entity.NewColumnFloatVector("v", 2, [][]float32{{1, 0}, {0, 1}, {5, 5}}))
	if err != nil {
		t.Fatal(err)
	}
	col, ok := ids.(*entity.ColumnVarChar)
	if !ok || col.Len() != 3 {
		t.Fatalf("want 3 VarChar ids, got %T %v", ids, ids)
	}
	keys := col.Data()
	for i, k := range keys {
		n, err := strconv.ParseInt(k, 10, 64)
		if err != nil || (i > 0 && n <= mustInt(t, keys[i-1])) {
			t.Fatalf("keys are increasing decimal int64 strings: %v", keys)
		}
	}
	sp, _ := entity.NewIndexFlatSearchParam()
	res, err := c.Search(ctx, "auto", nil, "", nil, []entity.Vector{entity.FloatVector{0.9, 0.1}}, "v", entity.L2, 1, sp)
	if err != nil {
		t.Fatal(err)
	}
	if got := res[0].IDs.(*entity.ColumnVarChar).Data(); len(got) != 1 || got[0] != keys[0] {
		t.Fatalf("search: want %s, got %v", keys[0], got)
	}
	rs, err := c.Query(ctx, "auto", nil, fmt.Sprintf("pk == %q", keys[2]), []string{"pk"})
	if err != nil || rs.GetColumn("pk").Len() != 1 {
		t.Fatalf("query by generated key: %v %v", rs, err)
	}
	if err := c.DeleteByPks(ctx, "auto", "", entity.NewColumnVarChar("pk", keys[:1])); err != nil {
		t.Fatal(err)
	}
	_, err = c.Insert(ctx, "auto", "", entity.NewColumnVarChar("pk", []string{"x"}), entity.NewColumnFloatVector("v", 2, [][]float32{{1, 1}}))
	if !errors.Is(err, client.ErrInvalidArgument) || !strings.Contains(err.Error(), "must not supply it") {
		t.Fatalf("insert with the key: %v", err)
	}
	stats, err := c.GetCollectionStatistics(ctx, "auto")
	if err != nil || stats["row_count"] != "2" {
		t.Fatalf("row_count: %v %v", stats, err)
	}

	if err := c.CreateCollection(ctx, autoVarCharSchema("short", 8), 1); err != nil {
		t.Fatal(err)
	}
	_, err = c.Insert(ctx, "short", "", entity.NewColumnFloatVector("v", 2, [][]float32{{1, 0}}))
	if !errors.Is(err, client.ErrInvalidValue) || !strings.Contains(err.Error(), "exceeds max_length 8") {
		t.Fatalf("short max_length: %v", err)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
