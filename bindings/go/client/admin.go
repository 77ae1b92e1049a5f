package client

/*
#include "veclite.h"
*/
import "C"

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/veclite/veclite/bindings/go/entity"
)

// The SDK's options for these calls take protobuf request types; veclite's take private
// structs and have no constructors (no settings apply to an embedded database).
type (
	loadPartsOpt            struct{}
	releasePartsOpt         struct{}
	LoadPartitionsOption    func(*loadPartsOpt)
	ReleasePartitionsOption func(*releasePartsOpt)
)

// GetLoadState returns LoadStateLoaded for an existing collection (and partitions): veclite
// collections are always loaded. As in the SDK, an unknown collection or partition is
// LoadStateNotExist without an error.
func (c *EmbeddedClient) GetLoadState(ctx context.Context, collectionName string, partitionNames []string) (entity.LoadState, error) {
	if err := c.requirePartitions(ctx, collectionName, partitionNames); err != nil {
		if errors.Is(err, ErrNotFound) {
			return entity.LoadStateNotExist, nil
		}
		return entity.LoadStateNotExist, err
	}
	return entity.LoadStateLoaded, nil
}

// GetLoadingProgress returns 100 (percent) for an existing collection (and partitions), which
// veclite always has loaded.
func (c *EmbeddedClient) GetLoadingProgress(ctx context.Context, collectionName string, partitionNames []string) (int64, error) {
	if err := c.requirePartitions(ctx, collectionName, partitionNames); err != nil {
		return 0, err
	}
	return 100, nil
}

// LoadPartitions checks that the partitions exist; they are always loaded, so the call is done
// when it returns, async or not.
func (c *EmbeddedClient) LoadPartitions(ctx context.Context, collName string, partitionNames []string, async bool, opts ...LoadPartitionsOption) error {
	return c.requirePartitions(ctx, collName, partitionNames)
}

// ReleasePartitions checks that the partitions exist; they stay searchable.
func (c *EmbeddedClient) ReleasePartitions(ctx context.Context, collName string, partitionNames []string, opts ...ReleasePartitionsOption) error {
	return c.requirePartitions(ctx, collName, partitionNames)
}

// requirePartitions fails with ErrCollectionNotExists / ErrPartitionNotExists unless the
// collection and every named partition exist.
func (c *EmbeddedClient) requirePartitions(ctx context.Context, collName string, partitionNames []string) error {
	if err := c.requireCollection(ctx, collName); err != nil {
		return err
	}
	for _, p := range partitionNames {
		has, err := c.HasPartition(ctx, collName, p)
		if err != nil {
			return err
		}
		if !has {
			return notFound(ObjectPartition, "partition %s of collection %s does not exist", p, collName)
		}
	}
	return nil
}

// GetIndexState returns the state of fieldName's index (named by WithIndexName, if given):
// IndexStateInProgress while sealed segments wait for their background build (after an
// automatic seal), IndexStateFinished otherwise (CreateIndex builds before it returns). A field
// without an index fails with ErrNotFound.
func (c *EmbeddedClient) GetIndexState(ctx context.Context, collName string, fieldName string, opts ...IndexOption) (entity.IndexState, error) {
	infos, err := c.describeIndexes(ctx, collName, fieldName, opts)
	if err != nil {
		return entity.IndexStateNone, err
	}
	for _, info := range infos {
		if info.pendRows > 0 {
			return entity.IndexStateInProgress, nil
		}
	}
	return entity.IndexStateFinished, nil
}

// AlterIndex sets properties of the index named indexName of collName, kept in the catalog and
// reported by DescribeIndex among the index params. As in Milvus, mmap.enabled (WithMmap) is the
// only property: veclite records it (sealed data is always memory-mapped); any other key fails
// with ErrInvalidArgument. An unknown index fails with ErrNotFound.
func (c *EmbeddedClient) AlterIndex(ctx context.Context, collName, indexName string, opts ...IndexOption) error {
	var def indexDef
	for _, o := range opts {
		if o != nil {
			o(&def)
		}
	}
	if def.name != "" && def.name != indexName {
		return newErr(StatusInvalidArgument, "AlterIndex names index %q and WithIndexName %q", indexName, def.name)
	}
	if len(def.params) == 0 {
		return c.requireIndex(ctx, collName, indexName)
	}
	return c.alterIndexProperties(ctx, collName, indexName, def.params)
}

// WithMmap sets an index's mmap.enabled property (AlterIndex).
func WithMmap(enabled bool) IndexOption {
	return func(d *indexDef) {
		if d.params == nil {
			d.params = map[string]string{}
		}
		d.params["mmap.enabled"] = map[bool]string{true: "true", false: "false"}[enabled]
	}
}

// requireIndex fails with ErrNotFound unless a field of collName has an index named name.
func (c *EmbeddedClient) requireIndex(ctx context.Context, collName, name string) error {
	infos, err := c.describeIndexes(ctx, collName, "", nil)
	if err != nil {
		return err
	}
	for _, info := range infos {
		if info.name == name {
			return nil
		}
	}
	return notFound(ObjectIndex, "index %s of collection %s does not exist", name, collName)
}

// compactions counts the ManualCompaction calls of the process: compaction ids are 1, 2, ...
var compactions atomic.Int64

// ManualCompaction compacts collName (flushes, merges small segments, drops deleted rows) and
// returns the id of the compaction, which is complete when the call returns.
// toleranceDuration must not be negative; veclite needs no time travel window, as a compaction
// keeps every row a read started before it can see.
func (c *EmbeddedClient) ManualCompaction(ctx context.Context, collName string, toleranceDuration time.Duration) (int64, error) {
	if toleranceDuration < 0 {
		return 0, newErr(StatusInvalidArgument, "toleranceDuration %v must not be negative", toleranceDuration)
	}
	if err := c.Compact(ctx, collName); err != nil {
		return 0, err
	}
	return compactions.Add(1), nil
}

// GetCompactionState returns CompactionStateCompleted for an id ManualCompaction returned
// (compactions finish before it returns); other ids fail with ErrInvalidArgument.
func (c *EmbeddedClient) GetCompactionState(ctx context.Context, id int64) (entity.CompactionState, error) {
	if err := c.checkOpen(ctx); err != nil {
		return entity.CompcationStateUndefined, err
	}
	if id < 1 || id > compactions.Load() {
		return entity.CompcationStateUndefined, newErr(StatusInvalidArgument, "unknown compaction id %d", id)
	}
	return entity.CompactionStateCompleted, nil
}

// GetCompactionStateWithPlans is GetCompactionState; veclite keeps no per-segment plans of a
// finished compaction, so the plan list is empty.
func (c *EmbeddedClient) GetCompactionStateWithPlans(ctx context.Context, id int64) (entity.CompactionState, []entity.CompactionPlan, error) {
	state, err := c.GetCompactionState(ctx, id)
	return state, nil, err
}

// GetVersion returns the veclite library version (e.g. "0.1.0").
func (c *EmbeddedClient) GetVersion(ctx context.Context) (string, error) {
	if err := c.checkOpen(ctx); err != nil {
		return "", err
	}
	return Version(), nil
}

// CheckHealth reports an open database as healthy; a closed client fails with ErrClosed.
func (c *EmbeddedClient) CheckHealth(ctx context.Context) (*entity.MilvusState, error) {
	if err := c.checkOpen(ctx); err != nil {
		return nil, err
	}
	return &entity.MilvusState{IsHealthy: true, Reasons: []string{}, QuotaStates: []entity.QuotaState{}}, nil
}

// checkOpen fails when ctx is done or the client is closed.
func (c *EmbeddedClient) checkOpen(ctx context.Context) error {
	return c.dataCall(ctx, func(*C.veclite_db, *callCtx) error { return nil })
}

// NewGrpcClient opens the veclite database in directory addr, as NewClient does (the SDK's
// deprecated constructor; veclite takes no dial options).
func NewGrpcClient(ctx context.Context, addr string) (Client, error) {
	return NewClient(ctx, Config{Address: addr})
}

// NewDefaultGrpcClient opens the veclite database in directory addr, as NewClient does.
func NewDefaultGrpcClient(ctx context.Context, addr string) (Client, error) {
	return NewClient(ctx, Config{Address: addr})
}
