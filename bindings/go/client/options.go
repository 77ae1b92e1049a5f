//go:build cgo

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
	// quickOnly names the options given that only NewCollection acts on.
	quickOnly []string
}

// quick records a NewCollection-only option.
func (o *createCollOpt) quick(name string) { o.quickOnly = append(o.quickOnly, name) }

// CreateCollectionOption configures CreateCollection and NewCollection.
type CreateCollectionOption func(opt *createCollOpt)

// WithConsistencyLevel sets the consistency level recorded in the catalog and returned by
// DescribeCollection (default Bounded); reads are always strong, whatever the level.
func WithConsistencyLevel(cl entity.ConsistencyLevel) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.ConsistencyLevel = cl }
}

// WithPartitionNum sets the number of partitions of a partition-key collection (default 16, at
// most 1024; 0 means the default). Given for a schema without a partition key field, it fails
// with ErrInvalidArgument, as in Milvus.
func WithPartitionNum(partitionNums int64) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.NumPartitions = partitionNums }
}

// WithCollectionProperty sets a collection property, kept in the catalog as given and returned
// by DescribeCollection. collection.ttl.seconds (a non-negative integer) expires rows older than
// that many seconds. Properties that would change behaviour in a way veclite does not
// implement (allow_insert_auto_id or partitionkey.isolation true, dynamicfield.enabled unlike
// the schema) fail with
// ErrInvalidArgument; mmap.enabled, lazyload.enabled and collection.autocompaction.enabled must
// be booleans and are recorded only; other keys are recorded as user metadata.
func WithCollectionProperty(key, value string) CreateCollectionOption {
	return func(opt *createCollOpt) {
		if opt.Properties == nil {
			opt.Properties = make(map[string]string)
		}
		opt.Properties[key] = value
	}
}

// WithAutoID makes NewCollection's primary key auto-generated (NewCollection only:
// CreateCollection takes AutoID from the schema and refuses this option).
func WithAutoID(autoID bool) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.AutoID = autoID; opt.quick("WithAutoID") }
}

// WithEnableDynamicSchema turns dynamic fields on: CreateCollection sets the schema's
// EnableDynamicField, as in the SDK; NewCollection has them on unless given false.
func WithEnableDynamicSchema(enable bool) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.EnableDynamicSchema = enable }
}

// WithPKFieldName sets NewCollection's primary-key field name (default "id"; NewCollection only).
func WithPKFieldName(name string) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.PrimaryKeyFieldName = name; opt.quick("WithPKFieldName") }
}

// WithPKFieldType sets NewCollection's primary-key type (Int64 or VarChar; NewCollection only).
func WithPKFieldType(fieldType entity.FieldType) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.PrimaryKeyFieldType = fieldType; opt.quick("WithPKFieldType") }
}

// WithPKMaxLength sets NewCollection's VarChar primary-key max length (NewCollection only).
func WithPKMaxLength(maxLength int64) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.PrimaryKeyMaxLength = maxLength; opt.quick("WithPKMaxLength") }
}

// WithVectorFieldName sets NewCollection's vector field name (default "vector"; NewCollection only).
func WithVectorFieldName(name string) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.VectorFieldName = name; opt.quick("WithVectorFieldName") }
}

// WithMetricsType sets NewCollection's index metric (default IP; NewCollection only).
func WithMetricsType(metricType entity.MetricType) CreateCollectionOption {
	return func(opt *createCollOpt) { opt.MetricsType = metricType; opt.quick("WithMetricsType") }
}

// The SDK's options for these calls take protobuf request types; veclite's take private
// structs and have no constructors (no settings apply to an embedded database).
type (
	dropCollOpt             struct{}
	loadCollOpt             struct{ replicaNumber int32 }
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

// WithReplicaNumber sets the number of replicas to load: veclite serves one in-process
// replica, so LoadCollection accepts 1 (and 0, the server default) and refuses other numbers
// with an error wrapping ErrFeatureNotSupported.
func WithReplicaNumber(rn int32) LoadCollectionOption {
	return func(o *loadCollOpt) { o.replicaNumber = rn }
}

// WithShowInMemory is accepted; every collection is always loaded.
func WithShowInMemory(value bool) ListCollectionOption {
	return func(o *listCollOpt) { o.showInMemory = value }
}

type indexDef struct {
	name   string
	params map[string]string // index properties (WithMmap)
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
	GroupSize          int
	StrictGroupSize    bool
}

// SearchQueryOptionFunc is one option of Search and Query.
type SearchQueryOptionFunc func(option *SearchQueryOption)

// WithSearchQueryConsistencyLevel is accepted; every level reads your writes.
func WithSearchQueryConsistencyLevel(cl entity.ConsistencyLevel) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.ConsistencyLevel = cl }
}

// WithGuaranteeTimestamp is accepted with ClCustomized only, as in the SDK. Like consistency
// levels it needs no action: every read sees every write acknowledged before it started.
func WithGuaranteeTimestamp(gt uint64) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.GuaranteeTimestamp = gt }
}

// WithTravelTimestamp is a deprecated no-op, as in the SDK.
func WithTravelTimestamp(_ uint64) SearchQueryOptionFunc { return func(*SearchQueryOption) {} }

// WithOffset skips the first offset results of a Search (per query), Query or QueryByPks.
func WithOffset(offset int64) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.Offset = offset }
}

// WithLimit bounds the number of rows of a Query (or QueryByPks). Search takes topK instead
// and refuses it.
func WithLimit(limit int64) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.Limit = limit }
}

// WithIgnoreGrowing makes Search search only sealed segments, leaving out the rows written
// since the last seal (Flush or an automatic seal). Query refuses it (ErrFeatureNotSupported: a
// query always reads growing data).
func WithIgnoreGrowing() SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.IgnoreGrowing = true }
}

// WithGroupByField makes Search a grouping search on a Bool, integer or VarChar field: topK
// counts groups, ranked by their best hit, each returning its best hit; SearchResult.GroupByValue
// holds each hit's group value. Query refuses it.
func WithGroupByField(groupByField string) SearchQueryOptionFunc {
	return func(option *SearchQueryOption) { option.GroupByField = groupByField }
}

// searchOnly refuses WithIgnoreGrowing in call, which always reads growing data (only Search
// honours it).
func (o *SearchQueryOption) searchOnly(call string) error {
	if o.IgnoreGrowing {
		return featureErr("WithIgnoreGrowing in %s (it applies to Search; %s always reads growing data)", call, call)
	}
	return nil
}

func makeSearchQueryOption(opts []SearchQueryOptionFunc) (*SearchQueryOption, error) {
	o := &SearchQueryOption{ConsistencyLevel: entity.ClBounded}
	for _, f := range opts {
		if f != nil {
			f(o)
		}
	}
	if _, err := o.groupSize(); err != nil {
		return nil, err
	}
	if o.GuaranteeTimestamp != 0 && o.ConsistencyLevel != entity.ClCustomized {
		return nil, errors.New("user can only specify guarantee timestamp under customized consistency level")
	}
	if o.ForTuning {
		return nil, featureErr("SearchQueryOption.ForTuning")
	}
	if o.Offset < 0 {
		return nil, newErr(StatusInvalidArgument, "offset %d must not be negative", o.Offset)
	}
	if o.Limit < 0 {
		return nil, newErr(StatusInvalidArgument, "limit %d must not be negative", o.Limit)
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
