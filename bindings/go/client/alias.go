//go:build cgo

package client

/*
#include "veclite.h"
*/
import "C"

import "context"

// CreateAlias makes alias another name of collection collName, usable wherever a collection
// name is. An alias that points to another collection is ErrAlreadyExists (Kind ObjectAlias);
// the name of a collection, or an invalid name, is ErrInvalidArgument.
func (c *EmbeddedClient) CreateAlias(ctx context.Context, collName string, alias string) error {
	return c.nameCall(ctx, collName, alias, func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, ap *C.uint8_t, an C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_create_alias(db, cp, cn, ap, an, cerr)
	})
}

// AlterAlias points the existing alias to collection collName (an unknown alias is
// ErrNotFound with Kind ObjectAlias).
func (c *EmbeddedClient) AlterAlias(ctx context.Context, collName string, alias string) error {
	return c.nameCall(ctx, collName, alias, func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, ap *C.uint8_t, an C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_alter_alias(db, cp, cn, ap, an, cerr)
	})
}

// DropAlias removes alias; dropping an alias that does not exist succeeds, as in Milvus. A
// collection that aliases point to cannot be dropped until they are.
func (c *EmbeddedClient) DropAlias(ctx context.Context, alias string) error {
	return c.nameCall(ctx, "", alias, func(db *C.veclite_db, _ *C.uint8_t, _ C.size_t, ap *C.uint8_t, an C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_drop_alias(db, ap, an, cerr)
	})
}
