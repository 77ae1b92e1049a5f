package main

import (
	"context"
	"errors"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"
	"google.golang.org/protobuf/proto"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

// milvusVersion is the Milvus release whose protocol the server speaks (GetVersion); clients
// use it to pick features.
const milvusVersion = "v2.6.0"

// service implements milvuspb.MilvusServiceServer over one open database. RPCs it does not
// override come from the generated base and are answered by unimplementedInterceptor.
type service struct {
	milvuspb.UnimplementedMilvusServiceServer
	dbs   *databases
	loads *loadStates
	start time.Time
}

func newService(db *client.EmbeddedClient) *service {
	return &service{dbs: newDatabases(db), loads: newLoadStates(), start: time.Now()}
}

// collectionID is a stable id for a collection name (veclite has no collection ids; clients
// use the id as a cache key and in iterator requests).
func collectionID(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64() >> 1)
}

// startTS is the hybrid timestamp of the server's start, reported as every collection's
// creation time (veclite does not record one).
func (s *service) startTS() uint64 { return uint64(s.start.UnixMilli()) << 18 }

// timestamp is a Milvus hybrid timestamp (physical milliseconds << 18) of now.
func timestamp() uint64 { return uint64(time.Now().UnixMilli()) << 18 }

func (s *service) Connect(ctx context.Context, req *milvuspb.ConnectRequest) (*milvuspb.ConnectResponse, error) {
	return &milvuspb.ConnectResponse{
		Status: success(),
		ServerInfo: &commonpb.ServerInfo{
			BuildTags:  "veclite-server " + client.Version(),
			Reserved:   map[string]string{"veclite": client.Version()},
			DeployMode: "STANDALONE",
		},
		Identifier: 1,
	}, nil
}

func (s *service) GetVersion(ctx context.Context, req *milvuspb.GetVersionRequest) (*milvuspb.GetVersionResponse, error) {
	return &milvuspb.GetVersionResponse{Status: success(), Version: milvusVersion}, nil
}

func (s *service) CheckHealth(ctx context.Context, req *milvuspb.CheckHealthRequest) (*milvuspb.CheckHealthResponse, error) {
	if _, err := s.h(ctx).ListCollections(ctx); err != nil {
		return &milvuspb.CheckHealthResponse{Status: success(), IsHealthy: false, Reasons: []string{err.Error()}}, nil
	}
	return &milvuspb.CheckHealthResponse{Status: success(), IsHealthy: true}, nil
}

func (s *service) GetComponentStates(ctx context.Context, req *milvuspb.GetComponentStatesRequest) (*milvuspb.ComponentStates, error) {
	return &milvuspb.ComponentStates{
		State:  &milvuspb.ComponentInfo{Role: "veclite", StateCode: commonpb.StateCode_Healthy},
		Status: success(),
	}, nil
}

func (s *service) AllocTimestamp(ctx context.Context, req *milvuspb.AllocTimestampRequest) (*milvuspb.AllocTimestampResponse, error) {
	return &milvuspb.AllocTimestampResponse{Status: success(), Timestamp: timestamp()}, nil
}

// Collections.

func (s *service) CreateCollection(ctx context.Context, req *milvuspb.CreateCollectionRequest) (*commonpb.Status, error) {
	var ps schemapb.CollectionSchema
	if err := proto.Unmarshal(req.GetSchema(), &ps); err != nil {
		return invalid("collection schema is not a serialized CollectionSchema: " + err.Error()), nil
	}
	if ps.GetName() == "" {
		ps.Name = req.GetCollectionName()
	}
	if ps.GetName() != req.GetCollectionName() {
		return invalid("collection name " + req.GetCollectionName() + " differs from the schema's name " + ps.GetName()), nil
	}
	schema, err := schemaFromProto(&ps)
	if err != nil {
		return unsupported(err.Error()), nil
	}
	opts := []client.CreateCollectionOption{client.WithConsistencyLevel(entity.ConsistencyLevel(req.GetConsistencyLevel()))}
	if req.GetNumPartitions() != 0 {
		opts = append(opts, client.WithPartitionNum(req.GetNumPartitions()))
	}
	for _, kv := range append(req.GetProperties(), ps.GetProperties()...) {
		opts = append(opts, client.WithCollectionProperty(kv.GetKey(), kv.GetValue()))
	}
	if err := s.h(ctx).CreateCollection(ctx, schema, req.GetShardsNum(), opts...); err != nil {
		return errStatus(err), nil
	}
	// veclite collections are searchable from creation: a new one reports loaded.
	s.loads.loadAll(collKey(ctx, schema.CollectionName))
	return success(), nil
}

func (s *service) DropCollection(ctx context.Context, req *milvuspb.DropCollectionRequest) (*commonpb.Status, error) {
	name := s.realName(ctx, req.GetCollectionName())
	err := s.h(ctx).DropCollection(ctx, req.GetCollectionName())
	if err == nil {
		s.loads.loadAll(collKey(ctx, name))
	}
	if errors.Is(err, client.ErrCollectionNotExists{}) {
		// Milvus drops a missing collection successfully.
		return success(), nil
	}
	return errStatus(err), nil
}

func (s *service) HasCollection(ctx context.Context, req *milvuspb.HasCollectionRequest) (*milvuspb.BoolResponse, error) {
	ok, err := s.h(ctx).HasCollection(ctx, req.GetCollectionName())
	return &milvuspb.BoolResponse{Status: errStatus(err), Value: ok}, nil
}

func (s *service) DescribeCollection(ctx context.Context, req *milvuspb.DescribeCollectionRequest) (*milvuspb.DescribeCollectionResponse, error) {
	name := req.GetCollectionName()
	coll, err := s.h(ctx).DescribeCollection(ctx, name)
	if err != nil {
		return &milvuspb.DescribeCollectionResponse{Status: errStatus(err)}, nil
	}
	ps := schemaToProto(coll.Schema)
	parts, err := s.h(ctx).ShowPartitions(ctx, name)
	if err != nil {
		return &milvuspb.DescribeCollectionResponse{Status: errStatus(err)}, nil
	}
	aliases, err := s.h(ctx).CollectionAliases(ctx, coll.Schema.CollectionName)
	if err != nil {
		return &milvuspb.DescribeCollectionResponse{Status: errStatus(err)}, nil
	}
	shards := coll.ShardNum
	if shards <= 0 {
		shards = 1
	}
	vchannels := make([]string, shards)
	for i := range vchannels {
		vchannels[i] = "veclite-dml_" + strconv.Itoa(i)
	}
	ps.Properties = kvPairs(coll.Properties)
	return &milvuspb.DescribeCollectionResponse{
		Status:               success(),
		Schema:               ps,
		CollectionID:         collectionID(coll.Schema.CollectionName),
		CollectionName:       coll.Schema.CollectionName,
		VirtualChannelNames:  vchannels,
		PhysicalChannelNames: vchannels,
		ShardsNum:            shards,
		ConsistencyLevel:     commonpb.ConsistencyLevel(coll.ConsistencyLevel),
		Properties:           kvPairs(coll.Properties),
		DbName:               dbName(ctx),
		NumPartitions:        int64(len(parts)),
		Aliases:              aliases,
		CreatedTimestamp:     s.startTS(),
		CreatedUtcTimestamp:  uint64(s.start.UnixMilli()),
		UpdateTimestamp:      s.startTS(),
	}, nil
}

func (s *service) ShowCollections(ctx context.Context, req *milvuspb.ShowCollectionsRequest) (*milvuspb.ShowCollectionsResponse, error) {
	colls, err := s.h(ctx).ListCollections(ctx)
	if err != nil {
		return &milvuspb.ShowCollectionsResponse{Status: errStatus(err)}, nil
	}
	want := map[string]bool{}
	for _, n := range req.GetCollectionNames() {
		want[n] = true
	}
	out := &milvuspb.ShowCollectionsResponse{Status: success()}
	for _, c := range colls {
		if len(want) > 0 && !want[c.Name] {
			continue
		}
		out.CollectionNames = append(out.CollectionNames, c.Name)
		out.CollectionIds = append(out.CollectionIds, collectionID(c.Name))
		out.CreatedTimestamps = append(out.CreatedTimestamps, s.startTS())
		out.CreatedUtcTimestamps = append(out.CreatedUtcTimestamps, uint64(s.start.UnixMilli()))
		out.InMemoryPercentages = append(out.InMemoryPercentages, 100)
		out.QueryServiceAvailable = append(out.QueryServiceAvailable, true)
	}
	return out, nil
}

// propertyAttr is one collection property for AlterCollection.
type propertyAttr struct{ key, value string }

func (p propertyAttr) KeyValue() (string, string) { return p.key, p.value }
func (p propertyAttr) Valid() error               { return nil }

func (s *service) AlterCollection(ctx context.Context, req *milvuspb.AlterCollectionRequest) (*commonpb.Status, error) {
	if len(req.GetDeleteKeys()) > 0 {
		return unsupported("deleting collection properties (AlterCollection delete_keys)"), nil
	}
	attrs := make([]entity.CollectionAttribute, 0, len(req.GetProperties()))
	for _, kv := range req.GetProperties() {
		attrs = append(attrs, propertyAttr{kv.GetKey(), kv.GetValue()})
	}
	return errStatus(s.h(ctx).AlterCollection(ctx, req.GetCollectionName(), attrs...)), nil
}

func (s *service) GetCollectionStatistics(ctx context.Context, req *milvuspb.GetCollectionStatisticsRequest) (*milvuspb.GetCollectionStatisticsResponse, error) {
	stats, err := s.h(ctx).GetCollectionStatistics(ctx, req.GetCollectionName())
	if err != nil {
		return &milvuspb.GetCollectionStatisticsResponse{Status: errStatus(err)}, nil
	}
	return &milvuspb.GetCollectionStatisticsResponse{Status: success(), Stats: kvPairs(stats)}, nil
}

// Loading: veclite collections are always loaded; load and release check that the collection
// (and partitions) exist.

func (s *service) LoadCollection(ctx context.Context, req *milvuspb.LoadCollectionRequest) (*commonpb.Status, error) {
	if n := req.GetReplicaNumber(); n > 1 {
		return unsupported("more than one replica (replica_number " + strconv.Itoa(int(n)) + ")"), nil
	}
	if err := s.h(ctx).LoadCollection(ctx, req.GetCollectionName(), false); err != nil {
		return errStatus(err), nil
	}
	s.loads.loadAll(s.loadKey(ctx, req.GetCollectionName()))
	return success(), nil
}

func (s *service) ReleaseCollection(ctx context.Context, req *milvuspb.ReleaseCollectionRequest) (*commonpb.Status, error) {
	if err := s.h(ctx).ReleaseCollection(ctx, req.GetCollectionName()); err != nil {
		return errStatus(err), nil
	}
	s.loads.releaseAll(s.loadKey(ctx, req.GetCollectionName()))
	return success(), nil
}

// requirePartitions checks that the collection and every named partition exist.
func (s *service) requirePartitions(ctx context.Context, coll string, parts []string) *commonpb.Status {
	if err := s.h(ctx).LoadCollection(ctx, coll, false); err != nil {
		return errStatus(err)
	}
	for _, p := range parts {
		ok, err := s.h(ctx).HasPartition(ctx, coll, p)
		if err != nil {
			return errStatus(err)
		}
		if !ok {
			return &commonpb.Status{ErrorCode: commonpb.ErrorCode_UnexpectedError, Code: codePartitionNotFound,
				Reason: "partition not found[partition=" + p + "]"}
		}
	}
	return success()
}

func (s *service) LoadPartitions(ctx context.Context, req *milvuspb.LoadPartitionsRequest) (*commonpb.Status, error) {
	if st := s.requirePartitions(ctx, req.GetCollectionName(), req.GetPartitionNames()); st.GetCode() != 0 {
		return st, nil
	}
	s.loads.load(s.loadKey(ctx, req.GetCollectionName()), req.GetPartitionNames())
	return success(), nil
}

func (s *service) ReleasePartitions(ctx context.Context, req *milvuspb.ReleasePartitionsRequest) (*commonpb.Status, error) {
	if st := s.requirePartitions(ctx, req.GetCollectionName(), req.GetPartitionNames()); st.GetCode() != 0 {
		return st, nil
	}
	parts, err := s.h(ctx).ShowPartitions(ctx, req.GetCollectionName())
	if err != nil {
		return errStatus(err), nil
	}
	all := make([]string, len(parts))
	for i, p := range parts {
		all[i] = p.Name
	}
	s.loads.release(s.loadKey(ctx, req.GetCollectionName()), req.GetPartitionNames(), all)
	return success(), nil
}

func (s *service) GetLoadState(ctx context.Context, req *milvuspb.GetLoadStateRequest) (*milvuspb.GetLoadStateResponse, error) {
	if st := s.requirePartitions(ctx, req.GetCollectionName(), req.GetPartitionNames()); st.GetCode() != 0 {
		return &milvuspb.GetLoadStateResponse{Status: st}, nil
	}
	return &milvuspb.GetLoadStateResponse{Status: success(),
		State: s.loads.state(s.loadKey(ctx, req.GetCollectionName()), req.GetPartitionNames())}, nil
}

func (s *service) GetLoadingProgress(ctx context.Context, req *milvuspb.GetLoadingProgressRequest) (*milvuspb.GetLoadingProgressResponse, error) {
	if st := s.requirePartitions(ctx, req.GetCollectionName(), req.GetPartitionNames()); st.GetCode() != 0 {
		return &milvuspb.GetLoadingProgressResponse{Status: st}, nil
	}
	progress := int64(100)
	if s.loads.state(s.loadKey(ctx, req.GetCollectionName()), req.GetPartitionNames()) != commonpb.LoadState_LoadStateLoaded {
		progress = 0
	}
	return &milvuspb.GetLoadingProgressResponse{Status: success(), Progress: progress, RefreshProgress: progress}, nil
}

// Partitions.

func (s *service) CreatePartition(ctx context.Context, req *milvuspb.CreatePartitionRequest) (*commonpb.Status, error) {
	return errStatus(s.h(ctx).CreatePartition(ctx, req.GetCollectionName(), req.GetPartitionName())), nil
}

func (s *service) DropPartition(ctx context.Context, req *milvuspb.DropPartitionRequest) (*commonpb.Status, error) {
	if s.loads.isLoaded(s.loadKey(ctx, req.GetCollectionName()), req.GetPartitionName()) {
		if ok, err := s.h(ctx).HasPartition(ctx, req.GetCollectionName(), req.GetPartitionName()); err == nil && ok {
			return invalid("partition cannot be dropped, partition is loaded, please release it first"), nil
		}
	}
	return errStatus(s.h(ctx).DropPartition(ctx, req.GetCollectionName(), req.GetPartitionName())), nil
}

func (s *service) HasPartition(ctx context.Context, req *milvuspb.HasPartitionRequest) (*milvuspb.BoolResponse, error) {
	ok, err := s.h(ctx).HasPartition(ctx, req.GetCollectionName(), req.GetPartitionName())
	return &milvuspb.BoolResponse{Status: errStatus(err), Value: ok}, nil
}

func (s *service) ShowPartitions(ctx context.Context, req *milvuspb.ShowPartitionsRequest) (*milvuspb.ShowPartitionsResponse, error) {
	parts, err := s.h(ctx).ShowPartitions(ctx, req.GetCollectionName())
	if err != nil {
		return &milvuspb.ShowPartitionsResponse{Status: errStatus(err)}, nil
	}
	want := map[string]bool{}
	for _, n := range req.GetPartitionNames() {
		want[n] = true
	}
	out := &milvuspb.ShowPartitionsResponse{Status: success()}
	for i, p := range parts {
		if len(want) > 0 && !want[p.Name] {
			continue
		}
		out.PartitionNames = append(out.PartitionNames, p.Name)
		out.PartitionIDs = append(out.PartitionIDs, int64(i+1))
		out.CreatedTimestamps = append(out.CreatedTimestamps, s.startTS())
		out.CreatedUtcTimestamps = append(out.CreatedUtcTimestamps, uint64(s.start.UnixMilli()))
		out.InMemoryPercentages = append(out.InMemoryPercentages, 100)
	}
	return out, nil
}

func (s *service) GetPartitionStatistics(ctx context.Context, req *milvuspb.GetPartitionStatisticsRequest) (*milvuspb.GetPartitionStatisticsResponse, error) {
	if st := s.requirePartitions(ctx, req.GetCollectionName(), []string{req.GetPartitionName()}); st.GetCode() != 0 {
		return &milvuspb.GetPartitionStatisticsResponse{Status: st}, nil
	}
	n, err := s.h(ctx).Count(ctx, req.GetCollectionName(), "", req.GetPartitionName())
	if err != nil {
		return &milvuspb.GetPartitionStatisticsResponse{Status: errStatus(err)}, nil
	}
	return &milvuspb.GetPartitionStatisticsResponse{Status: success(),
		Stats: []*commonpb.KeyValuePair{{Key: "row_count", Value: strconv.FormatUint(n, 10)}}}, nil
}

// Aliases.

func (s *service) CreateAlias(ctx context.Context, req *milvuspb.CreateAliasRequest) (*commonpb.Status, error) {
	return errStatus(s.h(ctx).CreateAlias(ctx, req.GetCollectionName(), req.GetAlias())), nil
}

func (s *service) DropAlias(ctx context.Context, req *milvuspb.DropAliasRequest) (*commonpb.Status, error) {
	return errStatus(s.h(ctx).DropAlias(ctx, req.GetAlias())), nil
}

func (s *service) AlterAlias(ctx context.Context, req *milvuspb.AlterAliasRequest) (*commonpb.Status, error) {
	return errStatus(s.h(ctx).AlterAlias(ctx, req.GetCollectionName(), req.GetAlias())), nil
}

// Flush and compaction: writes are durable when acknowledged (under --sync every_write), so
// Flush seals the growing segments and reports them flushed at once.

func (s *service) Flush(ctx context.Context, req *milvuspb.FlushRequest) (*milvuspb.FlushResponse, error) {
	out := &milvuspb.FlushResponse{
		Status:          success(),
		DbName:          dbName(ctx),
		CollSegIDs:      map[string]*schemapb.LongArray{},
		FlushCollSegIDs: map[string]*schemapb.LongArray{},
		CollSealTimes:   map[string]int64{},
		CollFlushTs:     map[string]uint64{},
	}
	ts := timestamp()
	for _, name := range req.GetCollectionNames() {
		if err := s.h(ctx).Flush(ctx, name, false); err != nil {
			return &milvuspb.FlushResponse{Status: errStatus(err)}, nil
		}
		out.CollSegIDs[name] = &schemapb.LongArray{}
		out.FlushCollSegIDs[name] = &schemapb.LongArray{}
		out.CollSealTimes[name] = time.Now().Unix()
		out.CollFlushTs[name] = ts
	}
	return out, nil
}

func (s *service) GetFlushState(ctx context.Context, req *milvuspb.GetFlushStateRequest) (*milvuspb.GetFlushStateResponse, error) {
	return &milvuspb.GetFlushStateResponse{Status: success(), Flushed: true}, nil
}

func (s *service) GetFlushAllState(ctx context.Context, req *milvuspb.GetFlushAllStateRequest) (*milvuspb.GetFlushAllStateResponse, error) {
	return &milvuspb.GetFlushAllStateResponse{Status: success(), Flushed: true}, nil
}

// compactionID is the id ManualCompaction hands out: compactions run synchronously, so every
// id reports Completed.
const compactionID = 1

func (s *service) ManualCompaction(ctx context.Context, req *milvuspb.ManualCompactionRequest) (*milvuspb.ManualCompactionResponse, error) {
	name := req.GetCollectionName()
	if name == "" {
		return &milvuspb.ManualCompactionResponse{Status: invalid("ManualCompaction needs collection_name")}, nil
	}
	if err := s.h(ctx).Compact(ctx, name); err != nil {
		return &milvuspb.ManualCompactionResponse{Status: errStatus(err)}, nil
	}
	return &milvuspb.ManualCompactionResponse{Status: success(), CompactionID: compactionID, CompactionPlanCount: 1}, nil
}

func (s *service) GetCompactionState(ctx context.Context, req *milvuspb.GetCompactionStateRequest) (*milvuspb.GetCompactionStateResponse, error) {
	return &milvuspb.GetCompactionStateResponse{Status: success(), State: commonpb.CompactionState_Completed, CompletedPlanNo: 1}, nil
}

func (s *service) GetCompactionStateWithPlans(ctx context.Context, req *milvuspb.GetCompactionPlansRequest) (*milvuspb.GetCompactionPlansResponse, error) {
	return &milvuspb.GetCompactionPlansResponse{Status: success(), State: commonpb.CompactionState_Completed}, nil
}

func (s *service) ListAliases(ctx context.Context, req *milvuspb.ListAliasesRequest) (*milvuspb.ListAliasesResponse, error) {
	aliases, err := s.h(ctx).CollectionAliases(ctx, req.GetCollectionName())
	if err != nil {
		return &milvuspb.ListAliasesResponse{Status: errStatus(err)}, nil
	}
	return &milvuspb.ListAliasesResponse{Status: success(), DbName: dbName(ctx),
		CollectionName: req.GetCollectionName(), Aliases: aliases}, nil
}

func (s *service) DescribeAlias(ctx context.Context, req *milvuspb.DescribeAliasRequest) (*milvuspb.DescribeAliasResponse, error) {
	coll, err := s.h(ctx).AliasCollection(ctx, req.GetAlias())
	if err != nil {
		return &milvuspb.DescribeAliasResponse{Status: errStatus(err)}, nil
	}
	return &milvuspb.DescribeAliasResponse{Status: success(), DbName: dbName(ctx), Alias: req.GetAlias(), Collection: coll}, nil
}

// collectionByID finds the collection whose collectionID is id.
func (s *service) collectionByID(ctx context.Context, id int64) (string, error) {
	colls, err := s.h(ctx).ListCollections(ctx)
	if err != nil {
		return "", err
	}
	for _, c := range colls {
		if collectionID(c.Name) == id {
			return c.Name, nil
		}
	}
	return "", &client.Error{Code: client.StatusNotFound, Kind: client.ObjectCollection,
		Msg: "collection not found[collectionID=" + strconv.FormatInt(id, 10) + "]"}
}

// GetReplicas reports the one in-process replica of a collection, on node 1.
func (s *service) GetReplicas(ctx context.Context, req *milvuspb.GetReplicasRequest) (*milvuspb.GetReplicasResponse, error) {
	name := req.GetCollectionName()
	if name == "" {
		n, err := s.collectionByID(ctx, req.GetCollectionID())
		if err != nil {
			return &milvuspb.GetReplicasResponse{Status: errStatus(err)}, nil
		}
		name = n
	}
	if err := s.h(ctx).LoadCollection(ctx, name, false); err != nil {
		return &milvuspb.GetReplicasResponse{Status: errStatus(err)}, nil
	}
	return &milvuspb.GetReplicasResponse{Status: success(), Replicas: []*milvuspb.ReplicaInfo{{
		ReplicaID:         1,
		CollectionID:      collectionID(name),
		ShardReplicas:     []*milvuspb.ShardReplica{{LeaderID: 1, DmChannelName: "veclite-dml_0", NodeIds: []int64{1}}},
		NodeIds:           []int64{1},
		ResourceGroupName: "__default_resource_group",
	}}}, nil
}
