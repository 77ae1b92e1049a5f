//go:build cgo

package client

import (
	"context"

	"github.com/veclite/veclite/bindings/go/entity"
)

// CreateCollectionByRow creates the collection whose schema entity.ParseSchema derives from
// row's struct type (fields from its `milvus:"..."` tags). An existing collection of that
// name is an error.
func (c *EmbeddedClient) CreateCollectionByRow(ctx context.Context, row entity.Row, shardNum int32) error {
	sch, err := entity.ParseSchema(row)
	if err != nil {
		return newErr(StatusInvalidArgument, "%v", err)
	}
	has, err := c.HasCollection(ctx, sch.CollectionName)
	if err != nil {
		return err
	}
	if has {
		return &Error{Code: StatusAlreadyExists, Kind: ObjectCollection, Msg: "collection " + sch.CollectionName + " already exist"}
	}
	return c.CreateCollection(ctx, sch, shardNum)
}

// InsertByRows inserts rows (deprecated in the SDK; InsertRows).
func (c *EmbeddedClient) InsertByRows(ctx context.Context, collName string, partitionName string, rows []entity.Row) (entity.Column, error) {
	anys := make([]interface{}, 0, len(rows))
	for _, row := range rows {
		anys = append(anys, row)
	}
	return c.InsertRows(ctx, collName, partitionName, anys)
}

// InsertRows inserts row-based data (structs, pointers to structs, entity.MapRow or other
// maps): each row must give every field of the collection's schema but an auto-id key, by
// field name (`milvus:"name:..."` tags rename struct fields); with the dynamic field enabled,
// a row's other values go to it. It returns the primary keys, as Insert does.
func (c *EmbeddedClient) InsertRows(ctx context.Context, collName string, partitionName string, rows []interface{}) (entity.Column, error) {
	if len(rows) == 0 {
		return nil, newErr(StatusInvalidArgument, "empty rows provided")
	}
	coll, err := c.DescribeCollection(ctx, collName)
	if err != nil {
		return nil, err
	}
	columns, err := entity.AnyToColumns(rows, coll.Schema)
	if err != nil {
		return nil, newErr(StatusInvalidArgument, "%v", err)
	}
	return c.Insert(ctx, collName, partitionName, columns...)
}
