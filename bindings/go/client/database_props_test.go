package client_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// AlterDatabase stores what veclite can record and refuses resource groups and other replicas.
func TestAlterDatabase(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	if err := c.CreateDatabase(ctx, "db1"); err != nil {
		t.Fatal(err)
	}
	if err := c.AlterDatabase(ctx, "db1", entity.DatabaseReplica(1)); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeDatabase(ctx, "db1")
	if err != nil || !reflect.DeepEqual(d.Properties, map[string]string{"database.replica.number": "1"}) {
		t.Fatalf("describe: %+v %v", d, err)
	}
	if err := c.AlterDatabase(ctx, "db1", entity.DatabaseResourceGroups([]string{"a"})); !errors.Is(err, client.ErrFeatureNotSupported) {
		t.Fatalf("resource groups: %v", err)
	}
	if err := c.AlterDatabase(ctx, "db1", entity.DatabaseReplica(2)); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("replica 2: %v", err)
	}
	if err := c.AlterDatabase(ctx, "db1"); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("no attribute: %v", err)
	}
	if err := c.AlterDatabase(ctx, "nope", entity.DatabaseReplica(1)); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown database: %v", err)
	}
}
