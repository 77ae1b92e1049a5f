package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	"github.com/veclite/veclite/bindings/go/client"
)

// milvusAPI is the part of Milvus's service a migration uses, with the generated client's
// signatures: a remote Milvus (milvuspb.MilvusServiceClient) or a local database (localAPI).
type milvusAPI interface {
	ShowCollections(ctx context.Context, in *milvuspb.ShowCollectionsRequest, opts ...grpc.CallOption) (*milvuspb.ShowCollectionsResponse, error)
	DescribeCollection(ctx context.Context, in *milvuspb.DescribeCollectionRequest, opts ...grpc.CallOption) (*milvuspb.DescribeCollectionResponse, error)
	HasCollection(ctx context.Context, in *milvuspb.HasCollectionRequest, opts ...grpc.CallOption) (*milvuspb.BoolResponse, error)
	CreateCollection(ctx context.Context, in *milvuspb.CreateCollectionRequest, opts ...grpc.CallOption) (*commonpb.Status, error)
	ShowPartitions(ctx context.Context, in *milvuspb.ShowPartitionsRequest, opts ...grpc.CallOption) (*milvuspb.ShowPartitionsResponse, error)
	CreatePartition(ctx context.Context, in *milvuspb.CreatePartitionRequest, opts ...grpc.CallOption) (*commonpb.Status, error)
	DescribeIndex(ctx context.Context, in *milvuspb.DescribeIndexRequest, opts ...grpc.CallOption) (*milvuspb.DescribeIndexResponse, error)
	CreateIndex(ctx context.Context, in *milvuspb.CreateIndexRequest, opts ...grpc.CallOption) (*commonpb.Status, error)
	LoadCollection(ctx context.Context, in *milvuspb.LoadCollectionRequest, opts ...grpc.CallOption) (*commonpb.Status, error)
	Query(ctx context.Context, in *milvuspb.QueryRequest, opts ...grpc.CallOption) (*milvuspb.QueryResults, error)
	Upsert(ctx context.Context, in *milvuspb.UpsertRequest, opts ...grpc.CallOption) (*milvuspb.MutationResult, error)
	Flush(ctx context.Context, in *milvuspb.FlushRequest, opts ...grpc.CallOption) (*milvuspb.FlushResponse, error)
}

// localAPI serves milvusAPI from a database opened in this process.
type localAPI struct{ s *service }

func (l localAPI) ShowCollections(ctx context.Context, in *milvuspb.ShowCollectionsRequest, _ ...grpc.CallOption) (*milvuspb.ShowCollectionsResponse, error) {
	return l.s.ShowCollections(ctx, in)
}
func (l localAPI) DescribeCollection(ctx context.Context, in *milvuspb.DescribeCollectionRequest, _ ...grpc.CallOption) (*milvuspb.DescribeCollectionResponse, error) {
	return l.s.DescribeCollection(ctx, in)
}
func (l localAPI) HasCollection(ctx context.Context, in *milvuspb.HasCollectionRequest, _ ...grpc.CallOption) (*milvuspb.BoolResponse, error) {
	return l.s.HasCollection(ctx, in)
}
func (l localAPI) CreateCollection(ctx context.Context, in *milvuspb.CreateCollectionRequest, _ ...grpc.CallOption) (*commonpb.Status, error) {
	return l.s.CreateCollection(ctx, in)
}
func (l localAPI) ShowPartitions(ctx context.Context, in *milvuspb.ShowPartitionsRequest, _ ...grpc.CallOption) (*milvuspb.ShowPartitionsResponse, error) {
	return l.s.ShowPartitions(ctx, in)
}
func (l localAPI) CreatePartition(ctx context.Context, in *milvuspb.CreatePartitionRequest, _ ...grpc.CallOption) (*commonpb.Status, error) {
	return l.s.CreatePartition(ctx, in)
}
func (l localAPI) DescribeIndex(ctx context.Context, in *milvuspb.DescribeIndexRequest, _ ...grpc.CallOption) (*milvuspb.DescribeIndexResponse, error) {
	return l.s.DescribeIndex(ctx, in)
}
func (l localAPI) CreateIndex(ctx context.Context, in *milvuspb.CreateIndexRequest, _ ...grpc.CallOption) (*commonpb.Status, error) {
	return l.s.CreateIndex(ctx, in)
}
func (l localAPI) LoadCollection(ctx context.Context, in *milvuspb.LoadCollectionRequest, _ ...grpc.CallOption) (*commonpb.Status, error) {
	return l.s.LoadCollection(ctx, in)
}
func (l localAPI) Query(ctx context.Context, in *milvuspb.QueryRequest, _ ...grpc.CallOption) (*milvuspb.QueryResults, error) {
	return l.s.Query(ctx, in)
}
func (l localAPI) Upsert(ctx context.Context, in *milvuspb.UpsertRequest, _ ...grpc.CallOption) (*milvuspb.MutationResult, error) {
	return l.s.Upsert(ctx, in)
}
func (l localAPI) Flush(ctx context.Context, in *milvuspb.FlushRequest, _ ...grpc.CallOption) (*milvuspb.FlushResponse, error) {
	return l.s.Flush(ctx, in)
}

// migrateOptions are the parsed flags of `veclite-server migrate`.
type migrateOptions struct {
	dir, to, from, collection, token string
	batch                            int
}

func parseMigrateFlags(args []string, stderr io.Writer) (*migrateOptions, error) {
	fs := flag.NewFlagSet("veclite-server migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &migrateOptions{}
	fs.StringVar(&o.dir, "dir", "", "the veclite database directory")
	fs.StringVar(&o.to, "to", "", "copy from --dir into the Milvus at this URI (http://host:port, host:port or unix:/path)")
	fs.StringVar(&o.from, "from", "", "copy from the Milvus at this URI into --dir")
	fs.StringVar(&o.collection, "collection", "", "the collection to copy (default: all)")
	fs.StringVar(&o.token, "token", "", "token (or user:password) of the remote Milvus")
	fs.IntVar(&o.batch, "batch", 1000, "rows per batch")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.dir == "":
		return nil, errors.New("--dir is required")
	case (o.to == "") == (o.from == ""):
		return nil, errors.New("give exactly one of --to URI and --from URI")
	case o.batch < 1 || o.batch > 16384:
		return nil, fmt.Errorf("--batch %d must be in [1, 16384]", o.batch)
	}
	return o, nil
}

// dial connects to a Milvus URI, sending token as Milvus clients do.
func dial(uri, token string) (*grpc.ClientConn, error) {
	target := uri
	switch {
	case strings.HasPrefix(uri, "https://"):
		return nil, fmt.Errorf("%s: TLS is not supported by veclite-server migrate", uri)
	case strings.HasPrefix(uri, "http://"):
		target = strings.TrimSuffix(strings.TrimPrefix(uri, "http://"), "/")
	case strings.HasPrefix(uri, "unix:"):
		target = "unix:" + strings.TrimPrefix(strings.TrimPrefix(uri, "unix:"), "//")
	}
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxSendMsgSize), grpc.MaxCallSendMsgSize(maxRecvMsgSize)),
	}
	if token != "" {
		auth := base64.StdEncoding.EncodeToString([]byte(token))
		opts = append(opts, grpc.WithUnaryInterceptor(func(ctx context.Context, method string, req, reply any,
			cc *grpc.ClientConn, invoker grpc.UnaryInvoker, callOpts ...grpc.CallOption) error {
			return invoker(metadata.AppendToOutgoingContext(ctx, "authorization", auth), method, req, reply, cc, callOpts...)
		}))
	}
	return grpc.NewClient(target, opts...)
}

// runMigrate copies collections between a veclite directory and a Milvus; it returns the
// process exit code.
func runMigrate(args []string, stdout, stderr io.Writer) int {
	o, err := parseMigrateFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "veclite-server migrate:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	db, err := client.NewEmbeddedClient(ctx, client.Config{Address: o.dir})
	if err != nil {
		fmt.Fprintln(stderr, "veclite-server migrate:", err)
		return 1
	}
	defer db.Close()
	uri := o.to + o.from
	conn, err := dial(uri, o.token)
	if err != nil {
		fmt.Fprintln(stderr, "veclite-server migrate:", err)
		return 1
	}
	defer conn.Close()
	local, remote := localAPI{newService(db)}, milvuspb.NewMilvusServiceClient(conn)
	m := &migration{src: local, dst: milvusAPI(remote), batch: o.batch, progress: stderr}
	if o.from != "" {
		m.src, m.dst = remote, local
	}
	names := []string{o.collection}
	if o.collection == "" {
		if names, err = m.collections(ctx); err != nil {
			fmt.Fprintln(stderr, "veclite-server migrate:", err)
			return 1
		}
	}
	for _, name := range names {
		n, err := m.copyCollection(ctx, name)
		if err != nil {
			fmt.Fprintf(stderr, "veclite-server migrate: %s: %v\n", name, err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: %d rows, counts match\n", name, n)
	}
	if err := db.Close(); err != nil {
		fmt.Fprintln(stderr, "veclite-server migrate:", err)
		return 1
	}
	return 0
}

// migration copies collections from src to dst in primary key order, batch rows at a time.
type migration struct {
	src, dst milvusAPI
	batch    int
	progress io.Writer
}

// check turns a failed Milvus status (or call) into an error naming what was done.
func check(what string, st *commonpb.Status, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if st.GetCode() != 0 || st.GetErrorCode() != commonpb.ErrorCode_Success {
		return fmt.Errorf("%s: %s (code %d)", what, st.GetReason(), st.GetCode())
	}
	return nil
}

func (m *migration) collections(ctx context.Context) ([]string, error) {
	r, err := m.src.ShowCollections(ctx, &milvuspb.ShowCollectionsRequest{})
	if err := check("list collections", r.GetStatus(), err); err != nil {
		return nil, err
	}
	return r.GetCollectionNames(), nil
}

// copyCollection creates the collection (schema, partitions, indexes) in dst if it is not
// there, copies the rows of every partition, and checks that both sides count the same rows.
// Rerunning it resumes: batches dst already holds are skipped, and rows are upserted, so a
// batch copied twice is copied once.
func (m *migration) copyCollection(ctx context.Context, name string) (int64, error) {
	d, err := m.src.DescribeCollection(ctx, &milvuspb.DescribeCollectionRequest{CollectionName: name})
	if err := check("describe", d.GetStatus(), err); err != nil {
		return 0, err
	}
	if err := m.prepare(ctx, name, d); err != nil {
		return 0, err
	}
	pk := ""
	for _, f := range d.GetSchema().GetFields() {
		if f.GetIsPrimaryKey() {
			pk = f.GetName()
		}
	}
	if pk == "" {
		return 0, errors.New("the collection has no primary key")
	}
	total, err := count(ctx, m.src, name, nil)
	if err != nil {
		return 0, err
	}
	parts, err := m.src.ShowPartitions(ctx, &milvuspb.ShowPartitionsRequest{CollectionName: name})
	if err := check("list partitions", parts.GetStatus(), err); err != nil {
		return 0, err
	}
	var done int64
	for _, part := range parts.GetPartitionNames() {
		if err := m.copyPartition(ctx, name, part, pk, total, &done); err != nil {
			return 0, fmt.Errorf("partition %s: %w", part, err)
		}
	}
	fl, err := m.dst.Flush(ctx, &milvuspb.FlushRequest{CollectionNames: []string{name}})
	if err := check("flush", fl.GetStatus(), err); err != nil {
		return 0, err
	}
	got, err := count(ctx, m.dst, name, nil)
	if err != nil {
		return 0, err
	}
	if got != total {
		return 0, fmt.Errorf("count check failed: the source has %d rows, the destination %d", total, got)
	}
	return total, nil
}

// prepare creates what dst lacks of the collection: the collection, its partitions, its
// indexes; then loads it.
func (m *migration) prepare(ctx context.Context, name string, d *milvuspb.DescribeCollectionResponse) error {
	has, err := m.dst.HasCollection(ctx, &milvuspb.HasCollectionRequest{CollectionName: name})
	if err := check("look up the destination", has.GetStatus(), err); err != nil {
		return err
	}
	if !has.GetValue() {
		schema := proto.Clone(d.GetSchema()).(*schemapb.CollectionSchema)
		schema.Name = name
		raw, err := proto.Marshal(schema)
		if err != nil {
			return err
		}
		st, err := m.dst.CreateCollection(ctx, &milvuspb.CreateCollectionRequest{
			CollectionName: name, Schema: raw, ShardsNum: d.GetShardsNum(),
			ConsistencyLevel: d.GetConsistencyLevel(), Properties: d.GetProperties(),
		})
		if err := check("create the collection", st, err); err != nil {
			return err
		}
	}
	parts, err := m.src.ShowPartitions(ctx, &milvuspb.ShowPartitionsRequest{CollectionName: name})
	if err := check("list partitions", parts.GetStatus(), err); err != nil {
		return err
	}
	have, err := m.dst.ShowPartitions(ctx, &milvuspb.ShowPartitionsRequest{CollectionName: name})
	if err := check("list destination partitions", have.GetStatus(), err); err != nil {
		return err
	}
	exists := map[string]bool{}
	for _, p := range have.GetPartitionNames() {
		exists[p] = true
	}
	for _, p := range parts.GetPartitionNames() {
		if !exists[p] {
			st, err := m.dst.CreatePartition(ctx, &milvuspb.CreatePartitionRequest{CollectionName: name, PartitionName: p})
			if err := check("create partition "+p, st, err); err != nil {
				return err
			}
		}
	}
	idx, err := m.src.DescribeIndex(ctx, &milvuspb.DescribeIndexRequest{CollectionName: name})
	if err == nil && idx.GetStatus().GetCode() == 0 {
		for _, ix := range idx.GetIndexDescriptions() {
			cur, err := m.dst.DescribeIndex(ctx, &milvuspb.DescribeIndexRequest{CollectionName: name, FieldName: ix.GetFieldName()})
			if err == nil && cur.GetStatus().GetCode() == 0 && len(cur.GetIndexDescriptions()) > 0 {
				continue
			}
			st, err := m.dst.CreateIndex(ctx, &milvuspb.CreateIndexRequest{
				CollectionName: name, FieldName: ix.GetFieldName(), IndexName: ix.GetIndexName(), ExtraParams: ix.GetParams(),
			})
			if err := check("create index "+ix.GetIndexName(), st, err); err != nil {
				return err
			}
		}
	}
	st, err := m.dst.LoadCollection(ctx, &milvuspb.LoadCollectionRequest{CollectionName: name})
	return check("load the destination", st, err)
}

// copyPartition copies one partition's rows in primary key order, skipping batches that dst
// already holds.
func (m *migration) copyPartition(ctx context.Context, name, part, pk string, total int64, done *int64) error {
	expr := ""
	for {
		page, err := m.src.Query(ctx, &milvuspb.QueryRequest{
			CollectionName: name, PartitionNames: []string{part}, Expr: expr, OutputFields: []string{"*"},
			QueryParams: []*commonpb.KeyValuePair{
				{Key: "limit", Value: strconv.Itoa(m.batch)}, {Key: "iterator", Value: "True"},
				{Key: "reduce_stop_for_best", Value: "True"},
			},
		})
		if err := check("read a batch", page.GetStatus(), err); err != nil {
			return err
		}
		keys := fieldByName(page.GetFieldsData(), pk)
		n, last := keyCount(keys)
		if n == 0 {
			return nil
		}
		held, err := count(ctx, m.dst, name, []string{part}, inExpr(pk, keys))
		if err != nil {
			return err
		}
		if held != int64(n) {
			r, err := m.dst.Upsert(ctx, &milvuspb.UpsertRequest{
				CollectionName: name, PartitionName: part, FieldsData: page.GetFieldsData(), NumRows: uint32(n),
			})
			if err := check("write a batch", r.GetStatus(), err); err != nil {
				return err
			}
		}
		*done += int64(n)
		fmt.Fprintf(m.progress, "%s %s: %d/%d rows (%d%%)\n", name, part, *done, total, percent(*done, total))
		expr = pk + " > " + last
	}
}

func percent(done, total int64) int64 {
	if total == 0 {
		return 100
	}
	return done * 100 / total
}

func fieldByName(fields []*schemapb.FieldData, name string) *schemapb.FieldData {
	for _, f := range fields {
		if f.GetFieldName() == name {
			return f
		}
	}
	return nil
}

// keyCount is the number of primary keys in a batch and the last one, as an expression
// literal.
func keyCount(keys *schemapb.FieldData) (int, string) {
	if s := keys.GetScalars().GetStringData().GetData(); len(s) > 0 {
		return len(s), strconv.Quote(s[len(s)-1])
	}
	l := keys.GetScalars().GetLongData().GetData()
	if len(l) == 0 {
		return 0, ""
	}
	return len(l), strconv.FormatInt(l[len(l)-1], 10)
}

// inExpr is `pk in [...]` for a batch's keys.
func inExpr(pk string, keys *schemapb.FieldData) string {
	var b strings.Builder
	b.WriteString(pk + " in [")
	for i, s := range keys.GetScalars().GetStringData().GetData() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(s))
	}
	for i, v := range keys.GetScalars().GetLongData().GetData() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(v, 10))
	}
	b.WriteByte(']')
	return b.String()
}

// count is count(*) of a collection (in parts, matching the optional expression).
func count(ctx context.Context, api milvusAPI, name string, parts []string, expr ...string) (int64, error) {
	r, err := api.Query(ctx, &milvuspb.QueryRequest{
		CollectionName: name, PartitionNames: parts, Expr: strings.Join(expr, ""), OutputFields: []string{"count(*)"},
	})
	if err := check("count rows", r.GetStatus(), err); err != nil {
		return 0, err
	}
	c := fieldByName(r.GetFieldsData(), "count(*)").GetScalars().GetLongData().GetData()
	if len(c) != 1 {
		return 0, errors.New("count(*) returned no count")
	}
	return c[0], nil
}
