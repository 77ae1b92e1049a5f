//go:build cgo

package client

import (
	"context"
	"errors"

	"github.com/veclite/veclite/bindings/go/entity"
)

// The calls of milvus-sdk-go that need a Milvus server (users and roles, resource groups,
// replicas, bulk insert from object storage, message replication, segment and flush
// bookkeeping of a cluster). Each fails with an error wrapping ErrFeatureNotSupported that
// names the method; none changes anything.

// The SDK's options for these calls take protobuf request types; veclite's take private
// structs.
type (
	bulkInsertOpt           struct{}
	createResourceGroupOpt  struct{ config *entity.ResourceGroupConfig }
	updateResourceGroupsOpt struct {
		configs map[string]*entity.ResourceGroupConfig
	}
	replicateMessageOpt        struct{}
	BulkInsertOption           func(*bulkInsertOpt)
	CreateResourceGroupOption  func(*createResourceGroupOpt)
	UpdateResourceGroupsOption func(*updateResourceGroupsOpt)
	ReplicateMessageOption     func(*replicateMessageOpt)
)

// WithCreateResourceGroupConfig sets the configuration of CreateResourceGroup.
func WithCreateResourceGroupConfig(config *entity.ResourceGroupConfig) CreateResourceGroupOption {
	return func(o *createResourceGroupOpt) { o.config = config }
}

// WithUpdateResourceGroupConfig sets the configuration UpdateResourceGroups gives a group.
func WithUpdateResourceGroupConfig(resourceGroupName string, config *entity.ResourceGroupConfig) UpdateResourceGroupsOption {
	return func(o *updateResourceGroupsOpt) {
		if o.configs == nil {
			o.configs = map[string]*entity.ResourceGroupConfig{}
		}
		o.configs[resourceGroupName] = config
	}
}

// MsgPosition is a position in a message channel, with the fields of milvus-proto's
// msgpb.MsgPosition (which veclite does not depend on).
type MsgPosition struct {
	ChannelName string
	MsgID       []byte
	MsgGroup    string
	Timestamp   uint64
}

// unsupported is the error of a method that needs a Milvus server.
func unsupported(method string) error {
	return featureErr("%s needs a Milvus server (veclite is an embedded database)", method)
}

// GetReplicas is not supported: veclite serves one in-process replica.
func (c *EmbeddedClient) GetReplicas(ctx context.Context, collName string) ([]*entity.ReplicaGroup, error) {
	return nil, unsupported("GetReplicas")
}

// BackupRBAC is not supported: veclite has no users or roles.
func (c *EmbeddedClient) BackupRBAC(ctx context.Context) (*entity.RBACMeta, error) {
	return nil, unsupported("BackupRBAC")
}

// RestoreRBAC is not supported: veclite has no users or roles.
func (c *EmbeddedClient) RestoreRBAC(ctx context.Context, meta *entity.RBACMeta) error {
	return unsupported("RestoreRBAC")
}

// CreateCredential is not supported: veclite has no users.
func (c *EmbeddedClient) CreateCredential(ctx context.Context, username string, password string) error {
	return unsupported("CreateCredential")
}

// UpdateCredential is not supported: veclite has no users.
func (c *EmbeddedClient) UpdateCredential(ctx context.Context, username string, oldPassword string, newPassword string) error {
	return unsupported("UpdateCredential")
}

// DeleteCredential is not supported: veclite has no users.
func (c *EmbeddedClient) DeleteCredential(ctx context.Context, username string) error {
	return unsupported("DeleteCredential")
}

// ListCredUsers is not supported: veclite has no users.
func (c *EmbeddedClient) ListCredUsers(ctx context.Context) ([]string, error) {
	return nil, unsupported("ListCredUsers")
}

// GetPersistentSegmentInfo is not supported.
func (c *EmbeddedClient) GetPersistentSegmentInfo(ctx context.Context, collName string) ([]*entity.Segment, error) {
	return nil, unsupported("GetPersistentSegmentInfo")
}

// FlushV2 is not supported (milvus-backup's call; use Flush).
func (c *EmbeddedClient) FlushV2(ctx context.Context, collName string, async bool, opts ...FlushOption) ([]int64, []int64, int64, map[string]MsgPosition, error) {
	return nil, nil, 0, nil, unsupported("FlushV2")
}

// BulkInsert is not supported: it imports files from a Milvus server's object storage.
func (c *EmbeddedClient) BulkInsert(ctx context.Context, collName string, partitionName string, files []string, opts ...BulkInsertOption) (int64, error) {
	return 0, unsupported("BulkInsert")
}

// GetBulkInsertState is not supported.
func (c *EmbeddedClient) GetBulkInsertState(ctx context.Context, taskID int64) (*entity.BulkInsertTaskState, error) {
	return nil, unsupported("GetBulkInsertState")
}

// ListBulkInsertTasks is not supported.
func (c *EmbeddedClient) ListBulkInsertTasks(ctx context.Context, collName string, limit int64) ([]*entity.BulkInsertTaskState, error) {
	return nil, unsupported("ListBulkInsertTasks")
}

// CreateRole is not supported: veclite has no roles.
func (c *EmbeddedClient) CreateRole(ctx context.Context, name string) error {
	return unsupported("CreateRole")
}

// DropRole is not supported: veclite has no roles.
func (c *EmbeddedClient) DropRole(ctx context.Context, name string) error {
	return unsupported("DropRole")
}

// AddUserRole is not supported: veclite has no users or roles.
func (c *EmbeddedClient) AddUserRole(ctx context.Context, username string, role string) error {
	return unsupported("AddUserRole")
}

// RemoveUserRole is not supported: veclite has no users or roles.
func (c *EmbeddedClient) RemoveUserRole(ctx context.Context, username string, role string) error {
	return unsupported("RemoveUserRole")
}

// ListRoles is not supported: veclite has no roles.
func (c *EmbeddedClient) ListRoles(ctx context.Context) ([]entity.Role, error) {
	return nil, unsupported("ListRoles")
}

// ListUsers is not supported: veclite has no users.
func (c *EmbeddedClient) ListUsers(ctx context.Context) ([]entity.User, error) {
	return nil, unsupported("ListUsers")
}

// DescribeUser is not supported: veclite has no users.
func (c *EmbeddedClient) DescribeUser(ctx context.Context, username string) (entity.UserDescription, error) {
	return entity.UserDescription{}, unsupported("DescribeUser")
}

// DescribeUsers is not supported: veclite has no users.
func (c *EmbeddedClient) DescribeUsers(ctx context.Context) ([]entity.UserDescription, error) {
	return nil, unsupported("DescribeUsers")
}

// ListGrant is not supported: veclite has no roles.
func (c *EmbeddedClient) ListGrant(ctx context.Context, role string, object string, objectName string, dbName string) ([]entity.RoleGrants, error) {
	return nil, unsupported("ListGrant")
}

// ListGrants is not supported: veclite has no roles.
func (c *EmbeddedClient) ListGrants(ctx context.Context, role string, dbName string) ([]entity.RoleGrants, error) {
	return nil, unsupported("ListGrants")
}

// Grant is not supported: veclite has no roles.
func (c *EmbeddedClient) Grant(ctx context.Context, role string, objectType entity.PriviledgeObjectType, object string, privilege string, options ...entity.OperatePrivilegeOption) error {
	return unsupported("Grant")
}

// Revoke is not supported: veclite has no roles.
func (c *EmbeddedClient) Revoke(ctx context.Context, role string, objectType entity.PriviledgeObjectType, object string, privilege string, options ...entity.OperatePrivilegeOption) error {
	return unsupported("Revoke")
}

// ListResourceGroups is not supported: veclite has no query nodes.
func (c *EmbeddedClient) ListResourceGroups(ctx context.Context) ([]string, error) {
	return nil, unsupported("ListResourceGroups")
}

// CreateResourceGroup is not supported: veclite has no query nodes.
func (c *EmbeddedClient) CreateResourceGroup(ctx context.Context, rgName string, opts ...CreateResourceGroupOption) error {
	return unsupported("CreateResourceGroup")
}

// UpdateResourceGroups is not supported: veclite has no query nodes.
func (c *EmbeddedClient) UpdateResourceGroups(ctx context.Context, opts ...UpdateResourceGroupsOption) error {
	return unsupported("UpdateResourceGroups")
}

// DescribeResourceGroup is not supported: veclite has no query nodes.
func (c *EmbeddedClient) DescribeResourceGroup(ctx context.Context, rgName string) (*entity.ResourceGroup, error) {
	return nil, unsupported("DescribeResourceGroup")
}

// DropResourceGroup is not supported: veclite has no query nodes.
func (c *EmbeddedClient) DropResourceGroup(ctx context.Context, rgName string) error {
	return unsupported("DropResourceGroup")
}

// TransferNode is not supported: veclite has no query nodes.
func (c *EmbeddedClient) TransferNode(ctx context.Context, sourceRg, targetRg string, nodesNum int32) error {
	return unsupported("TransferNode")
}

// TransferReplica is not supported: veclite has no query nodes.
func (c *EmbeddedClient) TransferReplica(ctx context.Context, sourceRg, targetRg string, collectionName string, replicaNum int64) error {
	return unsupported("TransferReplica")
}

// ReplicateMessage is not supported: veclite has no message channels.
func (c *EmbeddedClient) ReplicateMessage(ctx context.Context, channelName string, beginTs, endTs uint64,
	msgsBytes [][]byte, startPositions, endPositions []*MsgPosition, opts ...ReplicateMessageOption) (*entity.MessageInfo, error) {
	return nil, unsupported("ReplicateMessage")
}

// ErrServiceFailed is the SDK's error of a failed server call; veclite never returns it.
var ErrServiceFailed = errors.New("service failed")

// WithStartTs sets a BulkInsert option (BulkInsert is not supported).
func WithStartTs(startTs int64) BulkInsertOption { return func(*bulkInsertOpt) {} }

// WithEndTs sets a BulkInsert option (BulkInsert is not supported).
func WithEndTs(endTs int64) BulkInsertOption { return func(*bulkInsertOpt) {} }

// IsBackup sets a BulkInsert option (BulkInsert is not supported).
func IsBackup() BulkInsertOption { return func(*bulkInsertOpt) {} }

// IsL0 sets a BulkInsert option (BulkInsert is not supported).
func IsL0(isL0 bool) BulkInsertOption { return func(*bulkInsertOpt) {} }

// SkipDiskQuotaCheck sets a BulkInsert option (BulkInsert is not supported).
func SkipDiskQuotaCheck(skipDiskQuotaCheck bool) BulkInsertOption { return func(*bulkInsertOpt) {} }

// NewDefaultGrpcClientWithURI opens the database in directory uri as NewClient does; a
// username or password is refused (veclite has no users).
func NewDefaultGrpcClientWithURI(ctx context.Context, uri, username, password string) (Client, error) {
	return NewClient(ctx, Config{Address: uri, Username: username, Password: password})
}

// NewDefaultGrpcClientWithAuth is NewDefaultGrpcClientWithURI.
func NewDefaultGrpcClientWithAuth(ctx context.Context, addr, username, password string) (Client, error) {
	return NewClient(ctx, Config{Address: addr, Username: username, Password: password})
}

// NewDefaultGrpcClientWithTLSAuth is refused as NewClient refuses EnableTLSAuth.
func NewDefaultGrpcClientWithTLSAuth(ctx context.Context, addr, username, password string) (Client, error) {
	return NewClient(ctx, Config{Address: addr, Username: username, Password: password, EnableTLSAuth: true})
}
