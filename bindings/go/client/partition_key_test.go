package client_test

import (
	"context"
	"slices"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// A partition-key collection: WithIsPartitionKey and WithPartitionNum create it, DescribeCollection
// and ShowPartitions report it, a key filter (which prunes partitions) finds the rows, and manual
// partitions are refused. (Routing by Milvus's hash is checked by the core and C tests.)
func TestPartitionKey(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	schema := entity.NewSchema().WithName("pk").
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("tenant").WithDataType(entity.FieldTypeInt64).WithIsPartitionKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2))
	wantErr(t, "too many partitions", c.CreateCollection(ctx, schema, 1, client.WithPartitionNum(2000)),
		client.ErrInvalidArgument, "exceeds max configuration")
	if err := c.CreateCollection(ctx, schema, 1, client.WithPartitionNum(16)); err != nil {
		t.Fatal(err)
	}
	coll, err := c.DescribeCollection(ctx, "pk")
	if err != nil {
		t.Fatal(err)
	}
	if !coll.Schema.Fields[1].IsPartitionKey || coll.Schema.Fields[0].IsPartitionKey {
		t.Fatalf("partition key flags: %+v", coll.Schema.Fields)
	}
	parts, err := c.ShowPartitions(ctx, "pk")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range parts {
		names = append(names, p.Name)
	}
	if len(names) != 16 || !slices.Contains(names, "_default_15") || slices.Contains(names, "_default") {
		t.Fatalf("partitions: %v", names)
	}
	cols := []entity.Column{
		entity.NewColumnInt64("id", []int64{1, 2, 3}),
		entity.NewColumnInt64("tenant", []int64{42, 0, 42}),
		entity.NewColumnFloatVector("v", 2, [][]float32{{0, 0}, {1, 1}, {2, 2}}),
	}
	if _, err := c.Insert(ctx, "pk", "", cols...); err != nil {
		t.Fatal(err)
	}
	rs, err := c.Query(ctx, "pk", nil, "tenant == 42", []string{"id"})
	if err != nil {
		t.Fatal(err)
	}
	if n := rs.GetColumn("id").Len(); n != 2 {
		t.Fatalf("tenant == 42: %d rows", n)
	}
	_, err = c.Insert(ctx, "pk", "_default_14", cols...)
	wantErr(t, "named partition", err, client.ErrInvalidArgument, "partition key mode")
	wantErr(t, "create partition", c.CreatePartition(ctx, "pk", "p"), client.ErrInvalidArgument, "disable create partition")
}
