package client

/*
#include "helpers.h"
*/
import "C"

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"

	"github.com/veclite/veclite/bindings/go/entity"
)

// CreateDatabaseOption (WithDatabaseProperty) and DropDatabaseOption (none defined) follow
// milvus-sdk-go v2.4.2's signatures.
type (
	CreateDatabaseOption func(*databaseRequest)
	DropDatabaseOption   func(*databaseRequest)
)

// databaseRequest is what database options change: the properties of a new database.
type databaseRequest struct{ properties map[string]string }

// databaseName matches a valid database name.
var databaseName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// CreateDatabase creates database dbName, a namespace of collections in the same directory,
// with the properties of WithDatabaseProperty (checked as AlterDatabase checks them). An
// existing name (default included) is ErrAlreadyExists.
func (c *EmbeddedClient) CreateDatabase(ctx context.Context, dbName string, opts ...CreateDatabaseOption) error {
	var req databaseRequest
	for _, opt := range opts {
		opt(&req)
	}
	keys := slices.Sorted(maps.Keys(req.properties))
	values := make([]string, len(keys))
	for i, k := range keys {
		values[i] = req.properties[k]
	}
	return c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		var pin runtime.Pinner
		defer pin.Unpin()
		p, n := cstr(dbName)
		kp, kl, np := cstrings(keys, &pin)
		vp, vl, _ := cstrings(values, &pin)
		var cerr *C.veclite_error
		st := C.veclite_create_database(db, p, n, kp, kl, vp, vl, np, &cerr)
		runtime.KeepAlive(dbName)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		return nil
	})
}

// DropDatabase drops the empty database dbName; one that still holds collections, and
// "default", are refused (ErrInvalidArgument), as in Milvus.
func (c *EmbeddedClient) DropDatabase(ctx context.Context, dbName string, opts ...DropDatabaseOption) error {
	return c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		p, n := cstr(dbName)
		var cerr *C.veclite_error
		st := C.veclite_drop_database(db, p, n, &cerr)
		runtime.KeepAlive(dbName)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		return nil
	})
}

// ListDatabases returns every database, "default" first.
func (c *EmbeddedClient) ListDatabases(ctx context.Context) ([]entity.Database, error) {
	var dbs []entity.Database
	err := c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		var names *C.veclite_strings
		var cerr *C.veclite_error
		if st := C.veclite_list_databases(db, &names, &cerr); st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		defer C.veclite_strings_free(names)
		for _, name := range stringsFromC(names) {
			dbs = append(dbs, entity.Database{Name: name})
		}
		return nil
	})
	return dbs, err
}

// DescribeDatabase returns database dbName with its properties.
func (c *EmbeddedClient) DescribeDatabase(ctx context.Context, dbName string) (*entity.Database, error) {
	var out *entity.Database
	err := c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		p, n := cstr(dbName)
		var keys, values *C.veclite_strings
		var cerr *C.veclite_error
		st := C.veclite_describe_database(db, p, n, &keys, &values, &cerr)
		runtime.KeepAlive(dbName)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		defer C.veclite_strings_free(keys)
		defer C.veclite_strings_free(values)
		ks, vs := stringsFromC(keys), stringsFromC(values)
		props := make(map[string]string, len(ks))
		for i := range ks {
			props[ks[i]] = vs[i]
		}
		name := dbName
		if name == "" {
			name = "default"
		}
		out = &entity.Database{Name: name, Properties: props}
		return nil
	})
	return out, err
}

// UsingDatabase makes the client work in database dbName ("" = default), which must exist:
// collection and alias names of later calls, from any goroutine, are those of that database.
func (c *EmbeddedClient) UsingDatabase(ctx context.Context, dbName string) error {
	return c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		return useDatabase(db, cc, dbName)
	})
}

// useDatabase switches handle db to database dbName.
func useDatabase(db *C.veclite_db, cc *callCtx, dbName string) error {
	p, n := cstr(dbName)
	var cerr *C.veclite_error
	st := C.veclite_db_use_database(db, p, n, &cerr)
	runtime.KeepAlive(dbName)
	if st != C.VECLITE_STATUS_OK {
		if cc != nil {
			return cc.err(st, cerr)
		}
		return errFrom(st, cerr, nil)
	}
	return nil
}

// splitDatabase separates the database an address names from the directory, as Milvus's
// "host:port/db1" does: Config.DBName when set; else "dir/db1" names database db1 of the
// veclite directory dir when dir holds a veclite database and dir/db1 does not exist. Any
// other address is a directory, in database default.
func splitDatabase(dir, dbName string) (string, string) {
	if dbName != "" {
		return dir, dbName
	}
	parent, base := filepath.Dir(filepath.Clean(dir)), filepath.Base(filepath.Clean(dir))
	if !databaseName.MatchString(base) {
		return dir, ""
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		return dir, ""
	}
	if _, err := os.Stat(filepath.Join(parent, "MANIFEST")); err != nil {
		return dir, ""
	}
	return parent, base
}

// RenameCollection renames collection collName of the client's database to newName, keeping
// its rows, indexes and aliases (an alias cannot be renamed: ErrInvalidArgument; a taken name
// is ErrAlreadyExists).
func (c *EmbeddedClient) RenameCollection(ctx context.Context, collName, newName string) error {
	return c.dataCall(ctx, func(db *C.veclite_db, cc *callCtx) error {
		op, on := cstr(collName)
		np, nn := cstr(newName)
		var cerr *C.veclite_error
		st := C.veclite_rename_collection(db, op, on, np, nn, nil, 0, &cerr)
		runtime.KeepAlive(collName)
		runtime.KeepAlive(newName)
		if st != C.VECLITE_STATUS_OK {
			return cc.err(st, cerr)
		}
		return nil
	})
}
