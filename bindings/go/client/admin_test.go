package client_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

func TestLoadStateAndPartitions(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	createSeed(t, c, "hello")
	if err := c.CreatePartition(ctx, "hello", "p1"); err != nil {
		t.Fatal(err)
	}
	state, err := c.GetLoadState(ctx, "hello", nil)
	if err != nil || state != entity.LoadStateLoaded {
		t.Fatalf("GetLoadState: %v, %v", state, err)
	}
	state, err = c.GetLoadState(ctx, "hello", []string{"p1"})
	if err != nil || state != entity.LoadStateLoaded {
		t.Fatalf("GetLoadState(p1): %v, %v", state, err)
	}
	for _, parts := range [][]string{{"nope"}, nil} {
		coll := "hello"
		if parts == nil {
			coll = "missing"
		}
		state, err = c.GetLoadState(ctx, coll, parts)
		if err != nil || state != entity.LoadStateNotExist {
			t.Fatalf("GetLoadState(%s, %v): %v, %v; want LoadStateNotExist, nil as the SDK", coll, parts, state, err)
		}
	}
	progress, err := c.GetLoadingProgress(ctx, "hello", []string{"p1"})
	if err != nil || progress != 100 {
		t.Fatalf("GetLoadingProgress: %d, %v", progress, err)
	}
	if _, err := c.GetLoadingProgress(ctx, "missing", nil); !errors.Is(err, client.ErrCollectionNotExists{}) {
		t.Fatalf("GetLoadingProgress(missing): %v", err)
	}
	if err := c.LoadPartitions(ctx, "hello", []string{"p1", "_default"}, false); err != nil {
		t.Fatal(err)
	}
	if err := c.ReleasePartitions(ctx, "hello", []string{"p1"}); err != nil {
		t.Fatal(err)
	}
	err = c.LoadPartitions(ctx, "hello", []string{"p2"}, true)
	if !errors.Is(err, client.ErrPartitionNotExists{}) || !strings.Contains(err.Error(), "p2") {
		t.Fatalf("LoadPartitions(p2): %v", err)
	}
	if err := c.ReleasePartitions(ctx, "missing", []string{"p1"}); !errors.Is(err, client.ErrCollectionNotExists{}) {
		t.Fatalf("ReleasePartitions(missing): %v", err)
	}
}

func TestIndexStateAndAlterIndex(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	createSeed(t, c, "hello")
	if _, err := c.GetIndexState(ctx, "hello", "embeddings"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("GetIndexState without an index: %v", err)
	}
	idx, _ := entity.NewIndexHNSW(entity.L2, 8, 64)
	if err := c.CreateIndex(ctx, "hello", "embeddings", idx, false, client.WithIndexName("vec_idx")); err != nil {
		t.Fatal(err)
	}
	state, err := c.GetIndexState(ctx, "hello", "embeddings")
	if err != nil || state != entity.IndexStateFinished {
		t.Fatalf("GetIndexState: %v, %v", state, err)
	}
	if err := c.AlterIndex(ctx, "hello", "vec_idx"); err != nil {
		t.Fatalf("AlterIndex without properties: %v", err)
	}
	if err := c.AlterIndex(ctx, "hello", "vec_idx", client.WithMmap(true)); err != nil {
		t.Fatalf("AlterIndex(WithMmap): %v", err)
	}
	indexes, err := c.DescribeIndex(ctx, "hello", "embeddings")
	if err != nil || len(indexes) != 1 || indexes[0].Params()["mmap.enabled"] != "true" {
		t.Fatalf("DescribeIndex after WithMmap(true): %v %v", indexes, err)
	}
	if err := c.AlterIndex(ctx, "hello", "vec_idx", client.WithMmap(false)); err != nil {
		t.Fatalf("AlterIndex(WithMmap(false)): %v", err)
	}
	if indexes, _ = c.DescribeIndex(ctx, "hello", "embeddings"); indexes[0].Params()["mmap.enabled"] != "false" {
		t.Fatalf("DescribeIndex after WithMmap(false): %v", indexes[0].Params())
	}
	if err := c.AlterIndex(ctx, "other", "vec_idx", client.WithMmap(true)); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("AlterIndex(unknown collection): %v", err)
	}
	if err := c.AlterIndex(ctx, "hello", "other"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("AlterIndex(unknown index): %v", err)
	}
}

func TestManualCompaction(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	createSeed(t, c, "hello")
	if _, err := c.Insert(ctx, "hello", "", seedColumns(0, 100, 0)...); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, "hello", "", "ID < 40"); err != nil {
		t.Fatal(err)
	}
	id, err := c.ManualCompaction(ctx, "hello", 0)
	if err != nil || id < 1 {
		t.Fatalf("ManualCompaction: %d, %v", id, err)
	}
	state, err := c.GetCompactionState(ctx, id)
	if err != nil || state != entity.CompactionStateCompleted {
		t.Fatalf("GetCompactionState: %v, %v", state, err)
	}
	state, plans, err := c.GetCompactionStateWithPlans(ctx, id)
	if err != nil || state != entity.CompactionStateCompleted || len(plans) != 0 {
		t.Fatalf("GetCompactionStateWithPlans: %v, %v, %v", state, plans, err)
	}
	if _, err := c.GetCompactionState(ctx, id+1000); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("unknown compaction id: %v", err)
	}
	n, err := c.Count(ctx, "hello", "")
	if err != nil || n != 60 {
		t.Fatalf("after compaction %d rows, %v", n, err)
	}
	if _, err := c.ManualCompaction(ctx, "missing", 0); !errors.Is(err, client.ErrCollectionNotExists{}) {
		t.Fatalf("ManualCompaction(missing): %v", err)
	}
	if _, err := c.ManualCompaction(ctx, "hello", -1); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("negative tolerance: %v", err)
	}
}

func TestVersionHealthAndGrpcConstructor(t *testing.T) {
	ctx := context.Background()
	c, err := client.NewGrpcClient(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.GetVersion(ctx)
	if err != nil || v != client.Version() || v == "" {
		t.Fatalf("GetVersion: %q, %v", v, err)
	}
	st, err := c.CheckHealth(ctx)
	if err != nil || !st.IsHealthy || len(st.Reasons) != 0 {
		t.Fatalf("CheckHealth: %+v, %v", st, err)
	}
	c.Close()
	if _, err := c.CheckHealth(ctx); !errors.Is(err, client.ErrClientNotReady) {
		t.Fatalf("CheckHealth after Close: %v", err)
	}
	if _, err := c.GetVersion(ctx); !errors.Is(err, client.ErrClientNotReady) {
		t.Fatalf("GetVersion after Close: %v", err)
	}
	if _, err := client.NewGrpcClient(ctx, "localhost:19530"); err == nil {
		t.Fatal("NewGrpcClient with a server address must fail")
	}
}

func TestCalcDistance(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	createSeed(t, c, "hello")
	if _, err := c.Insert(ctx, "hello", "", seedColumns(0, 10, 0)...); err != nil {
		t.Fatal(err)
	}
	// Row i's vector is i..i+7: the squared L2 distance between rows i and j is 8·(i−j)².
	left := entity.NewColumnFloatVector("embeddings", seedDim, [][]float32{{0, 1, 2, 3, 4, 5, 6, 7}, {1, 2, 3, 4, 5, 6, 7, 8}})
	right := entity.NewColumnFloatVector("embeddings", seedDim, [][]float32{{3, 4, 5, 6, 7, 8, 9, 10}})
	d, err := c.CalcDistance(ctx, "hello", nil, entity.L2, left, right)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.(*entity.ColumnFloat).Data(); d.Name() != "distance" || !slices.Equal(got, []float32{72, 32}) {
		t.Fatalf("L2 by vectors: %s %v", d.Name(), got)
	}
	// Keys: rows 2 and 5 against row 3's vector given directly.
	d, err = c.CalcDistance(ctx, "hello", nil, entity.L2, entity.NewColumnInt64("embeddings", []int64{5, 2}), right)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.(*entity.ColumnFloat).Data(); !slices.Equal(got, []float32{32, 8}) {
		t.Fatalf("L2 by keys: %v", got)
	}
	d, err = c.CalcDistance(ctx, "hello", nil, entity.IP, left, right)
	if err != nil || !slices.Equal(d.(*entity.ColumnFloat).Data(), []float32{224, 276}) {
		t.Fatalf("IP: %v, %v", d, err)
	}
	d, err = c.CalcDistance(ctx, "hello", nil, entity.COSINE, right, right)
	if err != nil || !near(d.(*entity.ColumnFloat).Data()[0], 1) {
		t.Fatalf("COSINE: %v, %v", d, err)
	}
	if _, err := c.CalcDistance(ctx, "hello", nil, entity.L2, entity.NewColumnInt64("embeddings", []int64{99}), right); !errors.Is(err, client.ErrNotFound) || !strings.Contains(err.Error(), "99") {
		t.Fatalf("unknown key: %v", err)
	}
	if _, err := c.CalcDistance(ctx, "hello", nil, entity.HAMMING, left, right); !errors.Is(err, client.ErrFeatureNotSupported) {
		t.Fatalf("HAMMING: %v", err)
	}
	short := entity.NewColumnFloatVector("v", 2, [][]float32{{1, 2}})
	if _, err := c.CalcDistance(ctx, "hello", nil, entity.L2, left, short); !errors.Is(err, client.ErrDimensionMismatch) {
		t.Fatalf("dimension mismatch: %v", err)
	}
	if _, err := c.CalcDistance(ctx, "hello", nil, entity.L2, nil, short); !errors.Is(err, client.ErrInvalidArgument) {
		t.Fatalf("nil operand: %v", err)
	}
}

// Every server-only method fails with ErrFeatureNotSupported naming itself.
func TestServerOnlyMethods(t *testing.T) {
	c := open(t)
	ctx := context.Background()
	calls := map[string]func() error{
		"GetReplicas":              func() error { _, err := c.GetReplicas(ctx, "x"); return err },
		"BackupRBAC":               func() error { _, err := c.BackupRBAC(ctx); return err },
		"RestoreRBAC":              func() error { return c.RestoreRBAC(ctx, &entity.RBACMeta{}) },
		"CreateCredential":         func() error { return c.CreateCredential(ctx, "u", "p") },
		"UpdateCredential":         func() error { return c.UpdateCredential(ctx, "u", "p", "q") },
		"DeleteCredential":         func() error { return c.DeleteCredential(ctx, "u") },
		"ListCredUsers":            func() error { _, err := c.ListCredUsers(ctx); return err },
		"GetPersistentSegmentInfo": func() error { _, err := c.GetPersistentSegmentInfo(ctx, "x"); return err },
		"FlushV2":                  func() error { _, _, _, _, err := c.FlushV2(ctx, "x", false); return err },
		"BulkInsert":               func() error { _, err := c.BulkInsert(ctx, "x", "", []string{"f.json"}); return err },
		"GetBulkInsertState":       func() error { _, err := c.GetBulkInsertState(ctx, 1); return err },
		"ListBulkInsertTasks":      func() error { _, err := c.ListBulkInsertTasks(ctx, "x", 1); return err },
		"CreateRole":               func() error { return c.CreateRole(ctx, "r") },
		"DropRole":                 func() error { return c.DropRole(ctx, "r") },
		"AddUserRole":              func() error { return c.AddUserRole(ctx, "u", "r") },
		"RemoveUserRole":           func() error { return c.RemoveUserRole(ctx, "u", "r") },
		"ListRoles":                func() error { _, err := c.ListRoles(ctx); return err },
		"ListUsers":                func() error { _, err := c.ListUsers(ctx); return err },
		"DescribeUser":             func() error { _, err := c.DescribeUser(ctx, "u"); return err },
		"DescribeUsers":            func() error { _, err := c.DescribeUsers(ctx); return err },
		"ListGrant":                func() error { _, err := c.ListGrant(ctx, "r", "o", "n", "d"); return err },
		"ListGrants":               func() error { _, err := c.ListGrants(ctx, "r", "d"); return err },
		"Grant": func() error {
			return c.Grant(ctx, "r", entity.PriviledegeObjectTypeCollection, "o", "p", entity.WithOperatePrivilegeDatabase("d"))
		},
		"Revoke": func() error {
			return c.Revoke(ctx, "r", entity.PriviledegeObjectTypeGlobal, "o", "p")
		},
		"ListResourceGroups": func() error { _, err := c.ListResourceGroups(ctx); return err },
		"CreateResourceGroup": func() error {
			return c.CreateResourceGroup(ctx, "rg", client.WithCreateResourceGroupConfig(&entity.ResourceGroupConfig{}))
		},
		"UpdateResourceGroups": func() error {
			return c.UpdateResourceGroups(ctx, client.WithUpdateResourceGroupConfig("rg", &entity.ResourceGroupConfig{}))
		},
		"DescribeResourceGroup": func() error { _, err := c.DescribeResourceGroup(ctx, "rg"); return err },
		"DropResourceGroup":     func() error { return c.DropResourceGroup(ctx, "rg") },
		"TransferNode":          func() error { return c.TransferNode(ctx, "a", "b", 1) },
		"TransferReplica":       func() error { return c.TransferReplica(ctx, "a", "b", "x", 1) },
		"ReplicateMessage": func() error {
			_, err := c.ReplicateMessage(ctx, "ch", 1, 2, nil, nil, nil)
			return err
		},
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, client.ErrFeatureNotSupported) || !strings.Contains(err.Error(), name+" needs a Milvus server") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSDKHelpers(t *testing.T) {
	if got := client.PKs2Expr("ID", entity.NewColumnInt64("", []int64{1, 2, 3})); got != "ID in [1,2,3]" {
		t.Fatalf("PKs2Expr int64: %q", got)
	}
	if got := client.PKs2Expr("x", entity.NewColumnVarChar("pk", []string{"a", `b"c`})); got != `pk in ["a","b\"c"]` {
		t.Fatalf("PKs2Expr varchar: %q", got)
	}
	c := open(t)
	ctx := context.Background()
	createSeed(t, c, "hello")
	if _, err := c.Insert(ctx, "hello", "", seedColumns(0, 5, 0)...); err != nil {
		t.Fatal(err)
	}
	rs, err := c.Query(ctx, "hello", nil, client.PKs2Expr("ID", entity.NewColumnInt64("", []int64{1, 3})), []string{"ID"})
	if err != nil || rs.Len() != 2 {
		t.Fatalf("query by PKs2Expr: %v, %v", rs, err)
	}
	if _, err := c.Query(ctx, "hello", nil, "", nil, client.WithForTuning()); !errors.Is(err, client.ErrFeatureNotSupported) {
		t.Fatalf("WithForTuning: %v", err)
	}
	if err := c.AlterCollection(ctx, "hello", entity.Mmap(true)); err != nil {
		t.Fatalf("AlterCollection(Mmap): %v", err)
	}
	coll, err := c.DescribeCollection(ctx, "hello")
	if err != nil || coll.Properties["mmap.enabled"] != "true" {
		t.Fatalf("mmap.enabled not stored: %v, %v", coll, err)
	}
	_, err = c.Insert(ctx, "hello", "", entity.NewColumnInt64("ID", []int64{9}), entity.NewColumnString("random", []string{"x"}),
		entity.NewColumnFloatVector("embeddings", seedDim, [][]float32{make([]float32, seedDim)}))
	if err == nil {
		t.Fatal("a ColumnString must be refused")
	}
	s := entity.NewColumnString("s", []string{"a", "b", "c"})
	if s.Type() != entity.FieldTypeString || s.Slice(1, -1).(*entity.ColumnString).Data()[0] != "b" {
		t.Fatalf("ColumnString %v", s)
	}
	if _, err := client.NewDefaultGrpcClientWithURI(ctx, t.TempDir(), "root", "Milvus"); !errors.Is(err, client.ErrFeatureNotSupported) {
		t.Fatalf("NewDefaultGrpcClientWithURI with credentials: %v", err)
	}
	c2, err := client.NewDefaultGrpcClientWithURI(ctx, t.TempDir(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	c2.Close()
}
