package main

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/veclite/veclite/bindings/go/client"
)

// defaultDB is the database a request that names none works in.
const defaultDB = "default"

// Databases: every request works in the database its db_name field names, else the one its
// `dbname` metadata names (pymilvus's using_database and db_name=, the Go SDKs' "host:port/db"
// address), else "default". The server keeps one engine handle per database (clones of the
// handle of the open directory), made on first use.

// databases holds the engine handle of each database requests have named.
type databases struct {
	root *client.EmbeddedClient // database "default"; closing it closes the directory
	mu   sync.Mutex
	open map[string]*client.EmbeddedClient
	// retired are handles of dropped databases, kept (a call may still be using one) and
	// released at close.
	retired []*client.EmbeddedClient
}

func newDatabases(root *client.EmbeddedClient) *databases {
	return &databases{root: root, open: map[string]*client.EmbeddedClient{}}
}

// get returns the handle working in database name ("" = default); a database that does not
// exist is Milvus's "database not found" status.
func (d *databases) get(ctx context.Context, name string) (*client.EmbeddedClient, *commonpb.Status) {
	if name == "" || name == defaultDB {
		return d.root, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if h, ok := d.open[name]; ok {
		return h, nil
	}
	h, err := d.root.InDatabase(ctx, name)
	if err != nil {
		return nil, databaseStatus(name, err)
	}
	d.open[name] = h
	return h, nil
}

// forget retires the handle of a dropped database, so a database created later under the same
// name gets a new one.
func (d *databases) forget(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if h, ok := d.open[name]; ok {
		d.retired = append(d.retired, h)
		delete(d.open, name)
	}
}

// close closes the directory (through the default handle), then releases the other handles.
func (d *databases) close() error {
	err := d.root.Close()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, h := range d.open {
		h.Close()
	}
	for _, h := range d.retired {
		h.Close()
	}
	return err
}

// databaseStatus is the status of an engine error about database name: Milvus's "database not
// found" for a missing one.
func databaseStatus(name string, err error) *commonpb.Status {
	if errors.Is(err, client.ErrNotFound) {
		return &commonpb.Status{ErrorCode: commonpb.ErrorCode_UnexpectedError, Code: codeDatabaseNotFound,
			Reason: "database not found[database=" + name + "]"}
	}
	return errStatus(err)
}

// dbKey carries the request's database (a *requestDB) in its context.
type dbKey struct{}

type requestDB struct {
	name   string
	handle *client.EmbeddedClient
}

// databaseAdmin lists the RPCs whose db_name is the database they act on, not the one they
// work in: they use the default handle.
var databaseAdmin = map[string]bool{
	"CreateDatabase": true, "DropDatabase": true, "DescribeDatabase": true, "AlterDatabase": true,
	"ListDatabases": true,
}

// requestDatabase is the database a request names: its db_name field, else the `dbname`
// metadata, else "".
func requestDatabase(ctx context.Context, req any) string {
	if m, ok := req.(proto.Message); ok {
		r := m.ProtoReflect()
		if fd := r.Descriptor().Fields().ByName("db_name"); fd != nil && fd.Kind() == protoreflect.StringKind {
			if v := r.Get(fd).String(); v != "" {
				return v
			}
		}
	}
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get("dbname"); len(v) > 0 {
		return v[0]
	}
	return ""
}

// databaseInterceptor resolves the database of every call (see databases) into its context,
// or answers Milvus's "database not found".
func (s *service) databaseInterceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if databaseAdmin[info.FullMethod[strings.LastIndex(info.FullMethod, "/")+1:]] {
		return handler(ctx, req)
	}
	name := requestDatabase(ctx, req)
	h, st := s.dbs.get(ctx, name)
	if st != nil {
		return statusResponse(info.FullMethod, st)
	}
	if name == "" {
		name = defaultDB
	}
	return handler(context.WithValue(ctx, dbKey{}, &requestDB{name: name, handle: h}), req)
}

// h is the engine handle of the call's database.
func (s *service) h(ctx context.Context) *client.EmbeddedClient {
	if r, ok := ctx.Value(dbKey{}).(*requestDB); ok {
		return r.handle
	}
	return s.dbs.root
}

// dbName is the name of the call's database.
func dbName(ctx context.Context) string {
	if r, ok := ctx.Value(dbKey{}).(*requestDB); ok {
		return r.name
	}
	return defaultDB
}

// collKey is the key of a collection's load state: the call's database and the collection's
// real name.
func collKey(ctx context.Context, realName string) string { return dbName(ctx) + "\x00" + realName }

// loadKey is collKey of a collection or alias name.
func (s *service) loadKey(ctx context.Context, name string) string {
	return collKey(ctx, s.realName(ctx, name))
}

// databaseID is a stable id for a database name (1 for default).
func databaseID(name string) int64 {
	if name == "" || name == defaultDB {
		return 1
	}
	return collectionID("database\x00" + name)
}

func (s *service) ListDatabases(ctx context.Context, req *milvuspb.ListDatabasesRequest) (*milvuspb.ListDatabasesResponse, error) {
	dbs, err := s.dbs.root.ListDatabases(ctx)
	if err != nil {
		return &milvuspb.ListDatabasesResponse{Status: errStatus(err)}, nil
	}
	out := &milvuspb.ListDatabasesResponse{Status: success()}
	for _, d := range dbs {
		out.DbNames = append(out.DbNames, d.Name)
		out.DbIds = append(out.DbIds, databaseID(d.Name))
		out.CreatedTimestamp = append(out.CreatedTimestamp, s.startTS())
	}
	return out, nil
}

func (s *service) DescribeDatabase(ctx context.Context, req *milvuspb.DescribeDatabaseRequest) (*milvuspb.DescribeDatabaseResponse, error) {
	name := req.GetDbName()
	if name == "" {
		name = defaultDB
	}
	d, err := s.dbs.root.DescribeDatabase(ctx, name)
	if err != nil {
		return &milvuspb.DescribeDatabaseResponse{Status: databaseStatus(name, err)}, nil
	}
	return &milvuspb.DescribeDatabaseResponse{Status: success(), DbName: d.Name, DbID: databaseID(d.Name),
		CreatedTimestamp: s.startTS(), Properties: kvPairs(d.Properties)}, nil
}

func (s *service) CreateDatabase(ctx context.Context, req *milvuspb.CreateDatabaseRequest) (*commonpb.Status, error) {
	if len(req.GetProperties()) > 0 {
		return unsupported("database properties (CreateDatabase " + req.GetDbName() + " with properties)"), nil
	}
	return errStatus(s.dbs.root.CreateDatabase(ctx, req.GetDbName())), nil
}

func (s *service) DropDatabase(ctx context.Context, req *milvuspb.DropDatabaseRequest) (*commonpb.Status, error) {
	if err := s.dbs.root.DropDatabase(ctx, req.GetDbName()); err != nil {
		return databaseStatus(req.GetDbName(), err), nil
	}
	s.dbs.forget(req.GetDbName())
	return success(), nil
}

func (s *service) AlterDatabase(ctx context.Context, req *milvuspb.AlterDatabaseRequest) (*commonpb.Status, error) {
	if _, err := s.dbs.root.DescribeDatabase(ctx, req.GetDbName()); err != nil {
		return databaseStatus(req.GetDbName(), err), nil
	}
	return unsupported("altering database properties (AlterDatabase " + req.GetDbName() + ")"), nil
}
