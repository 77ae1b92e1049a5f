//go:build cgo

package client

import (
	"context"

	"github.com/veclite/veclite/bindings/go/entity"
)

// PartialUpsert upserts columns in Milvus's merge mode (pymilvus's upsert(...,
// partial_update=True); milvus-sdk-go v2.4.2 has no equivalent, so this is a veclite
// extension). The primary-key column is required; every other column replaces its field in
// every row, the fields not given keep the values of the live row with that key, and dynamic
// columns (names not in the schema) merge into the row's existing dynamic keys. A key with no
// live row is inserted and needs every field that is neither nullable nor defaulted (an error
// wrapping ErrMissingField names the row and field). All-or-nothing, like Upsert; the rows go
// into partitionName ("" = _default).
func (c *EmbeddedClient) PartialUpsert(ctx context.Context, collName string, partitionName string, columns ...entity.Column) (*MutationResult, error) {
	return c.write(ctx, opPartialUpsert, collName, partitionName, columns)
}
