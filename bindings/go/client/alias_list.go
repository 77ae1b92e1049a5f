//go:build cgo

package client

/*
#include "veclite.h"
*/
import "C"

import "context"

// CollectionAliases lists the aliases of collection collName, sorted, or of every collection
// when collName is "" (veclite-only; Milvus's ListAliases).
func (c *EmbeddedClient) CollectionAliases(ctx context.Context, collName string) ([]string, error) {
	var list *C.veclite_strings
	err := c.nameCall(ctx, collName, "", func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, _ *C.uint8_t, _ C.size_t, cerr **C.veclite_error) C.veclite_status {
		if collName == "" {
			cp = nil
		}
		return C.veclite_list_aliases(db, cp, cn, &list, cerr)
	})
	if err != nil {
		return nil, err
	}
	defer C.veclite_strings_free(list)
	return stringsFromC(list), nil
}

// AliasCollection returns the collection alias points to (veclite-only; Milvus's
// DescribeAlias). An unknown alias is ErrNotFound with Kind ObjectAlias.
func (c *EmbeddedClient) AliasCollection(ctx context.Context, alias string) (string, error) {
	var list *C.veclite_strings
	err := c.nameCall(ctx, "", alias, func(db *C.veclite_db, _ *C.uint8_t, _ C.size_t, ap *C.uint8_t, an C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_describe_alias(db, ap, an, &list, cerr)
	})
	if err != nil {
		return "", err
	}
	defer C.veclite_strings_free(list)
	names := stringsFromC(list)
	if len(names) == 0 {
		return "", notFound(ObjectAlias, "alias `%s` does not exist", alias)
	}
	return names[0], nil
}
