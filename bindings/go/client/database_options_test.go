package client_test

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// The calls of milvus-sdk-go v2.4.2's examples/database: CreateDatabase with
// WithDatabaseProperty, then AlterDatabase through the Client interface.
func TestCreateDatabaseWithProperties(t *testing.T) {
	ctx := context.Background()
	var c client.Client = open(t)
	if err := c.CreateDatabase(ctx, "db1", client.WithDatabaseProperty("key1", "v0"), client.WithDatabaseProperty("key1", "value1"),
		client.WithDatabaseProperty("team", "x")); err != nil {
		t.Fatal(err)
	}
	info, err := c.DescribeDatabase(ctx, "db1")
	if err != nil || !maps.Equal(info.Properties, map[string]string{"key1": "value1", "team": "x"}) {
		t.Fatalf("describe db1: %+v %v", info, err)
	}
	if err := c.AlterDatabase(ctx, "db1", entity.DatabaseReplica(3), entity.DatabaseResourceGroups([]string{"rg1"})); err == nil {
		t.Fatal("three replicas and resource groups: want an error")
	}
	err = c.CreateDatabase(ctx, "db2", client.WithDatabaseProperty("database.resource_groups", "rg1"))
	if !errors.Is(err, client.ErrFeatureNotSupported) {
		t.Fatalf("resource groups at creation: want ErrFeatureNotSupported, got %v", err)
	}
	if dbs, err := c.ListDatabases(ctx); err != nil || len(dbs) != 2 {
		t.Fatalf("db2 must not exist: %v %v", dbs, err)
	}
}
