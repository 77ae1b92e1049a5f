package client

/*
#include "veclite.h"
*/
import "C"

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/veclite/veclite/bindings/go/entity"
)

// Client is the interface of milvus-sdk-go v2.4.2's client. Calls that need a Milvus server
// fail with an error wrapping ErrFeatureNotSupported that names the method. NewClient returns
// an *EmbeddedClient, which also has veclite-only methods.
type Client interface {
	Close() error

	CreateCollection(ctx context.Context, schema *entity.Schema, shardsNum int32, opts ...CreateCollectionOption) error
	DropCollection(ctx context.Context, collName string, opts ...DropCollectionOption) error
	HasCollection(ctx context.Context, collName string) (bool, error)
	DescribeCollection(ctx context.Context, collName string) (*entity.Collection, error)
	AlterCollection(ctx context.Context, collName string, attrs ...entity.CollectionAttribute) error
	ListCollections(ctx context.Context, opts ...ListCollectionOption) ([]*entity.Collection, error)
	GetCollectionStatistics(ctx context.Context, collName string) (map[string]string, error)
	LoadCollection(ctx context.Context, collName string, async bool, opts ...LoadCollectionOption) error
	ReleaseCollection(ctx context.Context, collName string, opts ...ReleaseCollectionOption) error
	NewCollection(ctx context.Context, collName string, dimension int64, opts ...CreateCollectionOption) error

	CreateAlias(ctx context.Context, collName string, alias string) error
	DropAlias(ctx context.Context, alias string) error
	AlterAlias(ctx context.Context, collName string, alias string) error

	CreatePartition(ctx context.Context, collName string, partitionName string, opts ...CreatePartitionOption) error
	DropPartition(ctx context.Context, collName string, partitionName string, opts ...DropPartitionOption) error
	HasPartition(ctx context.Context, collName string, partitionName string) (bool, error)
	ShowPartitions(ctx context.Context, collName string) ([]*entity.Partition, error)

	CreateIndex(ctx context.Context, collName string, fieldName string, idx entity.Index, async bool, opts ...IndexOption) error
	DescribeIndex(ctx context.Context, collName string, fieldName string, opts ...IndexOption) ([]entity.Index, error)
	DropIndex(ctx context.Context, collName string, fieldName string, opts ...IndexOption) error
	GetIndexBuildProgress(ctx context.Context, collName string, fieldName string, opts ...IndexOption) (total, indexed int64, err error)

	Insert(ctx context.Context, collName string, partitionName string, columns ...entity.Column) (entity.Column, error)
	Upsert(ctx context.Context, collName string, partitionName string, columns ...entity.Column) (entity.Column, error)
	Delete(ctx context.Context, collName string, partitionName string, expr string) error
	DeleteByPks(ctx context.Context, collName string, partitionName string, ids entity.Column) error
	Flush(ctx context.Context, collName string, async bool, opts ...FlushOption) error

	Search(ctx context.Context, collName string, partitions []string, expr string, outputFields []string,
		vectors []entity.Vector, vectorField string, metricType entity.MetricType, topK int,
		sp entity.SearchParam, opts ...SearchQueryOptionFunc) ([]SearchResult, error)
	Query(ctx context.Context, collectionName string, partitionNames []string, expr string,
		outputFields []string, opts ...SearchQueryOptionFunc) (ResultSet, error)
	QueryByPks(ctx context.Context, collectionName string, partitionNames []string, ids entity.Column,
		outputFields []string, opts ...SearchQueryOptionFunc) (ResultSet, error)
	Get(ctx context.Context, collectionName string, ids entity.Column, opts ...GetOption) (ResultSet, error)

	HybridSearch(ctx context.Context, collName string, partitions []string, limit int, outputFields []string,
		reranker Reranker, subRequests []*ANNSearchRequest, opts ...SearchQueryOptionFunc) ([]SearchResult, error)
	CalcDistance(ctx context.Context, collName string, partitions []string,
		metricType entity.MetricType, opLeft, opRight entity.Column) (entity.Column, error)

	CreateCollectionByRow(ctx context.Context, row entity.Row, shardNum int32) error
	InsertByRows(ctx context.Context, collName string, paritionName string, rows []entity.Row) (entity.Column, error)
	InsertRows(ctx context.Context, collName string, partitionName string, rows []interface{}) (entity.Column, error)

	LoadPartitions(ctx context.Context, collName string, partitionNames []string, async bool, opts ...LoadPartitionsOption) error
	ReleasePartitions(ctx context.Context, collName string, partitionNames []string, opts ...ReleasePartitionsOption) error
	GetLoadingProgress(ctx context.Context, collectionName string, partitionNames []string) (int64, error)
	GetLoadState(ctx context.Context, collectionName string, partitionNames []string) (entity.LoadState, error)
	GetIndexState(ctx context.Context, collName string, fieldName string, opts ...IndexOption) (entity.IndexState, error)
	AlterIndex(ctx context.Context, collName, indexName string, opts ...IndexOption) error
	ManualCompaction(ctx context.Context, collName string, toleranceDuration time.Duration) (int64, error)
	GetCompactionState(ctx context.Context, id int64) (entity.CompactionState, error)
	GetCompactionStateWithPlans(ctx context.Context, id int64) (entity.CompactionState, []entity.CompactionPlan, error)
	GetVersion(ctx context.Context) (string, error)
	CheckHealth(ctx context.Context) (*entity.MilvusState, error)

	// Calls that need a Milvus server: they fail with ErrFeatureNotSupported (unsupported.go).
	GetReplicas(ctx context.Context, collName string) ([]*entity.ReplicaGroup, error)
	BackupRBAC(ctx context.Context) (*entity.RBACMeta, error)
	RestoreRBAC(ctx context.Context, meta *entity.RBACMeta) error
	CreateCredential(ctx context.Context, username string, password string) error
	UpdateCredential(ctx context.Context, username string, oldPassword string, newPassword string) error
	DeleteCredential(ctx context.Context, username string) error
	ListCredUsers(ctx context.Context) ([]string, error)
	GetPersistentSegmentInfo(ctx context.Context, collName string) ([]*entity.Segment, error)
	FlushV2(ctx context.Context, collName string, async bool, opts ...FlushOption) ([]int64, []int64, int64, map[string]MsgPosition, error)
	BulkInsert(ctx context.Context, collName string, partitionName string, files []string, opts ...BulkInsertOption) (int64, error)
	GetBulkInsertState(ctx context.Context, taskID int64) (*entity.BulkInsertTaskState, error)
	ListBulkInsertTasks(ctx context.Context, collName string, limit int64) ([]*entity.BulkInsertTaskState, error)
	CreateRole(ctx context.Context, name string) error
	DropRole(ctx context.Context, name string) error
	AddUserRole(ctx context.Context, username string, role string) error
	RemoveUserRole(ctx context.Context, username string, role string) error
	ListRoles(ctx context.Context) ([]entity.Role, error)
	ListUsers(ctx context.Context) ([]entity.User, error)
	DescribeUser(ctx context.Context, username string) (entity.UserDescription, error)
	DescribeUsers(ctx context.Context) ([]entity.UserDescription, error)
	ListGrant(ctx context.Context, role string, object string, objectName string, dbName string) ([]entity.RoleGrants, error)
	ListGrants(ctx context.Context, role string, dbName string) ([]entity.RoleGrants, error)
	Grant(ctx context.Context, role string, objectType entity.PriviledgeObjectType, object string, privilege string, options ...entity.OperatePrivilegeOption) error
	Revoke(ctx context.Context, role string, objectType entity.PriviledgeObjectType, object string, privilege string, options ...entity.OperatePrivilegeOption) error
	ListResourceGroups(ctx context.Context) ([]string, error)
	CreateResourceGroup(ctx context.Context, rgName string, opts ...CreateResourceGroupOption) error
	UpdateResourceGroups(ctx context.Context, opts ...UpdateResourceGroupsOption) error
	DescribeResourceGroup(ctx context.Context, rgName string) (*entity.ResourceGroup, error)
	DropResourceGroup(ctx context.Context, rgName string) error
	TransferNode(ctx context.Context, sourceRg, targetRg string, nodesNum int32) error
	TransferReplica(ctx context.Context, sourceRg, targetRg string, collectionName string, replicaNum int64) error
	ReplicateMessage(ctx context.Context, channelName string, beginTs, endTs uint64, msgsBytes [][]byte,
		startPositions, endPositions []*MsgPosition, opts ...ReplicateMessageOption) (*entity.MessageInfo, error)

	QueryIterator(ctx context.Context, opt *QueryIteratorOption) (*QueryIterator, error)

	UsingDatabase(ctx context.Context, dbName string) error
	ListDatabases(ctx context.Context) ([]entity.Database, error)
	CreateDatabase(ctx context.Context, dbName string, opts ...CreateDatabaseOption) error
	DropDatabase(ctx context.Context, dbName string, opts ...DropDatabaseOption) error
	AlterDatabase(ctx context.Context, dbName string, attrs ...entity.DatabaseAttribute) error
	DescribeDatabase(ctx context.Context, dbName string) (*entity.Database, error)
	RenameCollection(ctx context.Context, collName, newName string) error
}

// SyncPolicy says when veclite fsyncs its write-ahead log (a veclite-only setting).
type SyncPolicy int

// Sync policies (VECLITE_SYNC_* in veclite.h).
const (
	// SyncEveryWrite fsyncs before every write is acknowledged (the default).
	SyncEveryWrite SyncPolicy = 0
	// SyncInterval fsyncs at most every Config.SyncInterval.
	SyncInterval SyncPolicy = 1
	// SyncNone never fsyncs explicitly.
	SyncNone SyncPolicy = 2
)

// RetryRateLimitOption exists for source compatibility; veclite has no rate limits.
type RetryRateLimitOption struct {
	MaxRetry   uint
	MaxBackoff time.Duration
}

// Config mirrors milvus-sdk-go's Config. Address is the database directory (created if
// missing; a "file://" prefix is stripped); an empty Address or a server address ("host:port",
// "http://...", "unix:...") is an error. DBName (or an Address "dir/db1" naming database db1 of
// the veclite directory dir) chooses the database, which must exist. The authentication and
// connection fields must keep their zero values: NewClient refuses them with an error wrapping
// ErrFeatureNotSupported rather than ignore them. The fields after DisableConn are veclite-only.
type Config struct {
	Address        string
	Username       string
	Password       string
	DBName         string
	Identifier     string
	EnableTLSAuth  bool
	APIKey         string
	ServerVersion  string
	RetryRateLimit *RetryRateLimitOption
	DisableConn    bool

	// SyncPolicy is the WAL sync policy (default SyncEveryWrite).
	SyncPolicy SyncPolicy
	// SyncInterval is the fsync interval of SyncInterval (default 1s when zero; at least 1ms;
	// an error with any other policy).
	SyncInterval time.Duration
	// SealThresholdBytes is the size at which growing segments are sealed (0 = default).
	SealThresholdBytes int
	// WorkerThreads is the number of search worker threads (0 = one per core).
	WorkerThreads int
}

// EmbeddedClient is the Client of an open veclite database. Its methods are safe for
// concurrent use. Close it when done (a cleanup closes it if it becomes unreachable, but only
// as a safety net).
type EmbeddedClient struct {
	mu      sync.RWMutex
	db      *C.veclite_db
	cleanup runtime.Cleanup
	dir     string
}

var _ Client = (*EmbeddedClient)(nil)

// NewClient opens (or creates) the veclite database in directory config.Address. It fails
// with an error matching ErrLocked when another handle or process has it open (the message
// says "already open in this process" or "locked by another process").
func NewClient(ctx context.Context, config Config) (Client, error) {
	c, err := NewEmbeddedClient(ctx, config)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// NewEmbeddedClient is NewClient returning the concrete type (for the veclite-only methods).
func NewEmbeddedClient(ctx context.Context, config Config) (*EmbeddedClient, error) {
	if ctx != nil && ctx.Err() != nil {
		return nil, ctxErr(ctx.Err())
	}
	dir, err := localDir(config.Address)
	if err != nil {
		return nil, err
	}
	dir, dbName := splitDatabase(dir, config.DBName)
	if err := checkServerConfig(config); err != nil {
		return nil, err
	}
	opts := C.veclite_options_new()
	defer C.veclite_options_free(opts)
	var cerr *C.veclite_error
	if config.SyncInterval != 0 && config.SyncPolicy != SyncInterval {
		return nil, newErr(StatusInvalidArgument, "SyncInterval (%v) applies to SyncPolicy SyncInterval only", config.SyncInterval)
	}
	if config.SyncInterval != 0 && config.SyncInterval < time.Millisecond {
		return nil, newErr(StatusInvalidArgument, "SyncInterval %v must be at least 1ms", config.SyncInterval)
	}
	if config.SyncPolicy != SyncEveryWrite {
		interval := config.SyncInterval
		if interval == 0 {
			interval = time.Second
		}
		if st := C.veclite_options_set_sync_policy(opts, C.uint32_t(config.SyncPolicy),
			C.uint64_t(interval.Milliseconds()), &cerr); st != C.VECLITE_STATUS_OK {
			return nil, errFrom(st, cerr, nil)
		}
	}
	if config.SealThresholdBytes != 0 {
		if config.SealThresholdBytes < 0 {
			return nil, newErr(StatusInvalidArgument, "SealThresholdBytes must be positive")
		}
		if st := C.veclite_options_set_seal_threshold(opts, C.size_t(config.SealThresholdBytes), &cerr); st != C.VECLITE_STATUS_OK {
			return nil, errFrom(st, cerr, nil)
		}
	}
	if config.WorkerThreads != 0 {
		if config.WorkerThreads < 0 {
			return nil, newErr(StatusInvalidArgument, "WorkerThreads must be positive")
		}
		if st := C.veclite_options_set_worker_threads(opts, C.size_t(config.WorkerThreads), &cerr); st != C.VECLITE_STATUS_OK {
			return nil, errFrom(st, cerr, nil)
		}
	}
	p, n := cstr(dir)
	var db *C.veclite_db
	st := C.veclite_db_open(p, n, opts, &db, &cerr)
	runtime.KeepAlive(dir)
	if st != C.VECLITE_STATUS_OK {
		return nil, errFrom(st, cerr, nil)
	}
	c := &EmbeddedClient{db: db, dir: dir}
	// Safety net only: the cleanup captures the C pointer, never c.
	c.cleanup = runtime.AddCleanup(c, func(db *C.veclite_db) { C.veclite_db_close(db, nil) }, db)
	if err := c.migrateMetaFile(); err != nil {
		c.Close()
		return nil, err
	}
	if dbName != "" {
		if err := useDatabase(db, nil, dbName); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// Close syncs and closes the database. It waits for calls in flight, is idempotent, and makes
// every later call return an error matching ErrClosed (and ErrClientNotReady).
func (c *EmbeddedClient) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.db == nil {
		return nil
	}
	c.cleanup.Stop()
	var cerr *C.veclite_error
	st := C.veclite_db_close(c.db, &cerr)
	c.db = nil
	if st != C.VECLITE_STATUS_OK {
		return errFrom(st, cerr, nil)
	}
	return nil
}

// handle returns the C handle; the caller holds c.mu (read) and calls runtime.KeepAlive(c)
// after its last C call.
func (c *EmbeddedClient) handle() (*C.veclite_db, error) {
	maybeGC()
	if c.db == nil {
		return nil, errClosed
	}
	return c.db, nil
}

// callCtx carries a context.Context into C: a veclite_ctx with the same deadline, cancelled
// by context.AfterFunc when ctx is done. c is nil when ctx can never be done.
type callCtx struct {
	ctx  context.Context
	c    *C.veclite_ctx
	stop func() bool
	done chan struct{}
}

func newCallCtx(ctx context.Context) (*callCtx, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, ctxErr(err)
	}
	deadline, hasDeadline := ctx.Deadline()
	if ctx.Done() == nil && !hasDeadline {
		return &callCtx{ctx: ctx}, nil
	}
	var p *C.veclite_ctx
	if hasDeadline {
		ms := math.Ceil(float64(time.Until(deadline)) / float64(time.Millisecond))
		if ms < 0 {
			ms = 0
		}
		p = C.veclite_ctx_new_with_timeout_ms(C.uint64_t(ms))
	} else {
		p = C.veclite_ctx_new()
	}
	cc := &callCtx{ctx: ctx, c: p, done: make(chan struct{})}
	cc.stop = context.AfterFunc(ctx, func() {
		C.veclite_ctx_cancel(p)
		close(cc.done)
	})
	return cc, nil
}

// release frees the veclite_ctx once no goroutine can cancel it any more.
func (cc *callCtx) release() {
	if cc == nil || cc.c == nil {
		return
	}
	if !cc.stop() {
		<-cc.done
	}
	C.veclite_ctx_free(cc.c)
	cc.c = nil
}

func (cc *callCtx) err(st C.veclite_status, cerr *C.veclite_error) error {
	return errFrom(st, cerr, cc.ctx)
}

// isNotFoundCollection reports whether err says the collection does not exist.
func isNotFoundCollection(err error) bool {
	return errors.Is(err, ErrCollectionNotExists{})
}

// Dir returns the database directory (veclite-only).
func (c *EmbeddedClient) Dir() string { return c.dir }
