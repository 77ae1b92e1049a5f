package entity

import "strconv"

// The result types of milvus-sdk-go's administrative calls. Where the SDK uses a milvus-proto
// type (commonpb, rgpb), veclite declares a plain type with the same fields and values.

// LoadState is the load state of a collection or partitions.
type LoadState int32

// Load states (veclite collections are always loaded).
const (
	LoadStateNotExist LoadState = 0
	LoadStateNotLoad  LoadState = 1
	LoadStateLoading  LoadState = 2
	LoadStateLoaded   LoadState = 3
)

// IndexState is the build state of an index (milvus-proto's commonpb.IndexState).
type IndexState int32

// Index states, with commonpb.IndexState's values.
const (
	IndexStateNone       IndexState = 0
	IndexStateUnissued   IndexState = 1
	IndexStateInProgress IndexState = 2
	IndexStateFinished   IndexState = 3
	IndexStateFailed     IndexState = 4
	IndexStateRetry      IndexState = 5
)

// CompactionState is the state of a compaction.
type CompactionState int32

// Compaction states.
const (
	CompcationStateUndefined CompactionState = 0
	CompactionStateExecuting CompactionState = 1
	CompactionStateCompleted CompactionState = 2
)

// CompactionPlanType is the kind of a compaction plan.
type CompactionPlanType int32

// Compaction plan types.
const (
	CompactionPlanUndefined     CompactionPlanType = 0
	CompactionPlanApplyDelete   CompactionPlanType = 1
	CompactionPlanMergeSegments CompactionPlanType = 2
)

// CompactionPlan is one plan of a compaction: source segments merged into a target.
type CompactionPlan struct {
	Source   []int64
	Target   int64
	PlanType CompactionPlanType
}

// QuotaState is a quota state reported by CheckHealth.
type QuotaState int32

// Quota states.
const (
	QuotaStateUnknown      QuotaState = 0
	QuotaStateReadLimited  QuotaState = 2
	QuotaStateWriteLimited QuotaState = 3
	QuotaStateDenyToRead   QuotaState = 4
	QuotaStateDenyToWrite  QuotaState = 5
)

// MilvusState is the result of CheckHealth.
type MilvusState struct {
	IsHealthy   bool
	Reasons     []string
	QuotaStates []QuotaState
}

// SegmentState is the state of a segment (milvus-proto's commonpb.SegmentState).
type SegmentState int32

// Segment states, with commonpb.SegmentState's values.
const (
	SegmentStateNone      SegmentState = 0
	SegmentStateNotExist  SegmentState = 1
	SegmentStateGrowing   SegmentState = 2
	SegmentStateSealed    SegmentState = 3
	SegmentStateFlushed   SegmentState = 4
	SegmentStateFlushing  SegmentState = 5
	SegmentStateDropped   SegmentState = 6
	SegmentStateImporting SegmentState = 7
)

// Segment describes a segment of a collection.
type Segment struct {
	ID           int64
	CollectionID int64
	ParititionID int64
	IndexID      int64
	NumRows      int64
	State        SegmentState
}

// Flushed reports whether the segment is flushed.
func (s Segment) Flushed() bool { return s.State == SegmentStateFlushed }

// ReplicaGroup is a replica group of a loaded collection.
type ReplicaGroup struct {
	ReplicaID     int64
	NodeIDs       []int64
	ShardReplicas []*ShardReplica
}

// ShardReplica is a shard of a ReplicaGroup.
type ShardReplica struct {
	LeaderID      int64
	NodesIDs      []int64
	DmChannelName string
}

// BulkInsertState is the state of a bulk-insert task.
type BulkInsertState int32

// Bulk-insert states.
const (
	BulkInsertPending          BulkInsertState = 0
	BulkInsertFailed           BulkInsertState = 1
	BulkInsertStarted          BulkInsertState = 2
	BulkInsertPersisted        BulkInsertState = 5
	BulkInsertCompleted        BulkInsertState = 6
	BulkInsertFailedAndCleaned BulkInsertState = 7

	ImportProgress = "progress_percent"
)

// BulkInsertTaskState is the state of a bulk-insert task.
type BulkInsertTaskState struct {
	ID           int64
	State        BulkInsertState
	RowCount     int64
	IDList       []int64
	Infos        map[string]string
	CollectionID int64
	SegmentIDs   []int64
	CreateTs     int64
}

// Progress returns the task's progress percentage (0 when unknown).
func (state BulkInsertTaskState) Progress() int {
	progress, err := strconv.Atoi(state.Infos[ImportProgress])
	if err != nil {
		return 0
	}
	return progress
}

// User is an RBAC user.
type User struct {
	Name string
}

// UserDescription is an RBAC user and its roles.
type UserDescription struct {
	Name  string
	Roles []string
}

// UserInfo is an RBAC user with its password (RBAC backups).
type UserInfo struct {
	UserDescription
	Password string
}

// RoleGrants is one privilege granted to a role.
type RoleGrants struct {
	Object        string
	ObjectName    string
	RoleName      string
	GrantorName   string
	PrivilegeName string
	DbName        string
}

// Role is an RBAC role.
type Role struct {
	Name string
}

// RBACMeta is an RBAC backup.
type RBACMeta struct {
	Users      []*UserInfo
	Roles      []*Role
	RoleGrants []*RoleGrants
}

// PriviledgeObjectType is the kind of object a privilege applies to (commonpb.ObjectType).
type PriviledgeObjectType int32

// Privilege object types, with commonpb.ObjectType's values.
const (
	PriviledegeObjectTypeCollection PriviledgeObjectType = 0
	PriviledegeObjectTypeGlobal     PriviledgeObjectType = 1
	PriviledegeObjectTypeUser       PriviledgeObjectType = 2
)

// OperatePrivilegeOpt holds the options of Grant and Revoke.
type OperatePrivilegeOpt struct {
	Database string
}

// OperatePrivilegeOption is an option of Grant and Revoke.
type OperatePrivilegeOption func(o *OperatePrivilegeOpt)

// WithOperatePrivilegeDatabase names the database of a Grant or Revoke.
func WithOperatePrivilegeDatabase(database string) OperatePrivilegeOption {
	return func(o *OperatePrivilegeOpt) { o.Database = database }
}

// ResourceGroupLimit is a node count limit of a resource group (rgpb.ResourceGroupLimit).
type ResourceGroupLimit struct {
	NodeNum int32
}

// ResourceGroupTransfer names a resource group to transfer nodes with (rgpb).
type ResourceGroupTransfer struct {
	ResourceGroup string
}

// ResourceGroupConfig is the configuration of a resource group (rgpb.ResourceGroupConfig).
type ResourceGroupConfig struct {
	Requests     *ResourceGroupLimit
	Limits       *ResourceGroupLimit
	TransferFrom []*ResourceGroupTransfer
	TransferTo   []*ResourceGroupTransfer
}

// NodeInfo describes a query node (commonpb.NodeInfo).
type NodeInfo struct {
	NodeId   int64
	Address  string
	Hostname string
}

// ResourceGroup describes a resource group.
type ResourceGroup struct {
	Name                 string
	Capacity             int32
	AvailableNodesNumber int32
	LoadedReplica        map[string]int32
	OutgoingNodeNum      map[string]int32
	IncomingNodeNum      map[string]int32
	Config               *ResourceGroupConfig
	Nodes                []*NodeInfo
}

// MessageInfo is the result of ReplicateMessage.
type MessageInfo struct {
	Position string
}
