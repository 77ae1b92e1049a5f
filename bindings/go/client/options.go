package client

import (
	"errors"

	"github.com/veclite/veclite/bindings/go/entity"
)

type createCollOpt struct {
	ConsistencyLevel    entity.ConsistencyLevel
	NumPartitions       int64
	Properties          map[string]string
	AutoID              bool
	EnableDynamicSchema bool
	PrimaryKeyFieldName string
	PrimaryKeyFieldType entity.FieldType
	PrimaryKeyMaxLength int64
	VectorFieldName     string
	MetricsType         entity.MetricType
}

// CreateCollectionOption configures CreateCollection and NewCollection.
type CreateCollectionOption func(opt *createCollOpt)

// WithConsistencyLevel records the consistency level (reads are always read-your-writes).
func WithConsistencyLevel(cl entity.ConsistencyLevel) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.ConsistencyLevel = cl }
}

// WithPartitionNum sets the partition-key partition count (partition keys are not supported:
// a non-zero value fails with ErrFeatureNotSupported).
func WithPartitionNum(partitionNums int64) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.NumPartitions = partitionNums }
}

// WithCollectionProperty records a collection property (returned by DescribeCollection).
func WithCollectionProperty(key, value string) CreateCollectionOption {
	return func(opt *createCollOpt) {
		if opt.Properties == nil {
			opt.Properties = make(map[string]string)
		}
		opt.Properties[key] = value
	}
}

// WithAutoID makes NewCollection's primary key auto-generated.
func WithAutoID(autoID bool) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.AutoID = autoID }
}

// WithEnableDynamicSchema turns dynamic fields on: CreateCollection sets the schema's
// EnableDynamicField, as in the SDK; NewCollection has them on unless given false.
func WithEnableDynamicSchema(enable bool) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.EnableDynamicSchema = enable }
}

// WithPKFieldName sets NewCollection's primary-key field name (default "id").
func WithPKFieldName(name string) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.PrimaryKeyFieldName = name }
}

// WithPKFieldType sets NewCollection's primary-key type (Int64 or VarChar).
func WithPKFieldType(fieldType entity.FieldType) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.PrimaryKeyFieldType = fieldType }
}

// WithPKMaxLength sets NewCollection's VarChar primary-key max length.
func WithPKMaxLength(maxLength int64) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.PrimaryKeyMaxLength = maxLength }
}

// WithVectorFieldName sets NewCollection's vector field name (default "vector").
func WithVectorFieldName(name string) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.VectorFieldName = name }
}

// WithMetricsType sets NewCollection's index metric (default IP).
func WithMetricsType(metricType entity.MetricType) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.MetricsType = metricType }
}

// The SDK's options for these calls take protobuf request types; veclite's take private
// structs and have no constructors (no settings apply to an embedded database).
type (
	dropCollOpt             struct{}
	loadCollOpt             struct{}
	releaseCollOpt          struct{}
	createPartOpt           struct{}
	dropPartOpt             struct{}
	flushOpt                struct{}
	listCollOpt             struct{ showInMemory bool }
	DropCollectionOption    func(*dropCollOpt)
	LoadCollectionOption    func(*loadCollOpt)
	ReleaseCollectionOption func(*releaseCollOpt)
	CreatePartitionOption   func(*createPartOpt)
	DropPartitionOption     func(*dropPartOpt)
	FlushOption             func(*flushOpt)
	ListCollectionOption    func(*listCollOpt)
)

// WithReplicaNumber is accepted and ignored (one in-process replica).
func WithReplicaNumber(rn int32) LoadCollectionOption { return func(*loadCollOpt) {} }

// WithShowInMemory is accepted; every collection is always loaded.
func WithShowInMemory(value bool) ListCollectionOption {
	return func(o *listCollOpt) { o.showInMemory = value }
}

type indexDef struct {
	name string
}

// IndexOption configures CreateIndex, DescribeIndex and DropIndex.
type IndexOption func(*indexDef)

// WithIndexName names the index (default: the field name).
func WithIndexName(name string) IndexOption { return func(d *indexDef) { d.name = name } }

// SearchQueryOption holds the options of Search and Query, as in the SDK.
type SearchQueryOption struct {
	ConsistencyLevel   entity.ConsistencyLevel
	GuaranteeTimestamp uint64
	TravelTimestamp    uint64
	Offset             int64
	Limit              int64
	IgnoreGrowing      bool
	ForTuning          bool
	GroupByField       string
}

// SearchQueryOptionFunc is one option of Search and Query.
type SearchQueryOptionFunc func(option *SearchQueryOption)

// WithSearchQueryConsistencyLevel is accepted; every level reads your writes.
func WithSearchQueryConsistencyLevel(cl entity.ConsistencyLevel) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.ConsistencyLevel = cl }
}

// WithGuaranteeTimestamp is accepted (with ClCustomized only, as in the SDK) and ignored.
func WithGuaranteeTimestamp(gt uint64) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.GuaranteeTimestamp = gt }
}

// WithTravelTimestamp is a deprecated no-op, as in the SDK.
func WithTravelTimestamp(_ uint64) SearchQueryOptionFunc { return func(*SearchQueryOption) {} }

// WithOffset skips the first offset results of a Search (per query) or Query.
func WithOffset(offset int64) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.Offset = offset }
}

// WithLimit bounds the number of rows of a Query.
func WithLimit(limit int64) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.Limit = limit }
}

// WithIgnoreGrowing is not supported (veclite always searches growing data): Search and Query
// fail with ErrFeatureNotSupported when it is set.
func WithIgnoreGrowing() SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.IgnoreGrowing = true }
}

// WithGroupByField is not supported: Search fails with ErrFeatureNotSupported when it is set.
func WithGroupByField(groupByField string) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.GroupByField = groupByField }
}

func makeSearchQueryOption(opts []SearchQueryOptionFunc) (*SearchQueryOption, error) {
	o := &SearchQueryOption{ConsistencyLevel: entity.ClBounded}
	for _, f := range opts {
		if f != nil {
			f(o)
		}
	}
	if o.GuaranteeTimestamp != 0 && o.ConsistencyLevel != entity.ClCustomized {
		return nil, errors.New("user can only specify guarantee timestamp under customized consistency level")
	}
	if o.IgnoreGrowing {
		return nil, featureErr("WithIgnoreGrowing (veclite always searches growing data)")
	}
	if o.GroupByField != "" {
		return nil, featureErr("WithGroupByField")
	}
	if o.Offset < 0 || o.Limit < 0 {
		return nil, newErr(StatusInvalidArgument, "offset and limit must not be negative")
	}
	return o, nil
}

type getOption struct {
	partitionNames []string
	outputFields   []string
}

// GetOption is one option of Get.
type GetOption func(o *getOption)

// GetWithPartitions restricts Get to partitions.
func GetWithPartitions(partitionNames ...string) GetOption {
	return func(o *getOption) { o.partitionNames = partitionNames }
}

// GetWithOutputFields names the fields Get returns (default: all).
func GetWithOutputFields(outputFields ...string) GetOption {
	return func(o *getOption) { o.outputFields = outputFields }
}
