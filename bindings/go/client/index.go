package client

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/veclite/veclite/bindings/go/entity"
)

// MetaFileName is the file, inside the database directory, where the Go package keeps what
// the C API has no place for yet: indexes created with CreateIndex, collection descriptions,
// consistency levels and properties. It is replaced atomically on every change.
const MetaFileName = "go-meta.json"

type indexMeta struct {
	Name      string            `json:"name"`
	IndexType entity.IndexType  `json:"index_type"`
	Params    map[string]string `json:"params"`
}

type collMeta struct {
	Description      string                  `json:"description,omitempty"`
	ConsistencyLevel entity.ConsistencyLevel `json:"consistency_level"`
	ShardNum         int32                   `json:"shard_num"`
	Properties       map[string]string       `json:"properties,omitempty"`
	Indexes          map[string]*indexMeta   `json:"indexes"` // by field name
}

type metaFile struct {
	Version     int                  `json:"version"`
	Collections map[string]*collMeta `json:"collections"`
}

func (c *EmbeddedClient) loadMeta() (*metaFile, error) {
	m := &metaFile{Version: 1, Collections: map[string]*collMeta{}}
	raw, err := os.ReadFile(filepath.Join(c.dir, MetaFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, &Error{Code: StatusIO, Msg: err.Error(), cause: err}
	}
	if err := json.Unmarshal(raw, m); err != nil {
		return nil, newErr(StatusCorrupted, "corrupted file %s: %v", MetaFileName, err)
	}
	if m.Collections == nil {
		m.Collections = map[string]*collMeta{}
	}
	return m, nil
}

// viewMeta runs fn on the current metadata (an unreadable file reads as empty).
func (c *EmbeddedClient) viewMeta(fn func(*metaFile)) {
	c.metaMu.Lock()
	defer c.metaMu.Unlock()
	m, err := c.loadMeta()
	if err != nil {
		m = &metaFile{Version: 1, Collections: map[string]*collMeta{}}
	}
	fn(m)
}

// updateMeta applies fn and replaces the file atomically (temp file, fsync, rename, fsync dir).
func (c *EmbeddedClient) updateMeta(fn func(*metaFile)) error {
	c.metaMu.Lock()
	defer c.metaMu.Unlock()
	m, err := c.loadMeta()
	if err != nil {
		return err
	}
	fn(m)
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(c.dir, MetaFileName)
	ioErr := func(err error) error { return &Error{Code: StatusIO, Msg: err.Error(), cause: err} }
	tmp, err := os.CreateTemp(c.dir, MetaFileName+".tmp*")
	if err != nil {
		return ioErr(err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return ioErr(err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return ioErr(err)
	}
	if err := tmp.Close(); err != nil {
		return ioErr(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return ioErr(err)
	}
	if d, err := os.Open(c.dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

func (c *EmbeddedClient) vectorField(ctx context.Context, collName, fieldName string) (*entity.Field, error) {
	schema, err := c.describe(ctx, collName)
	if err != nil {
		return nil, err
	}
	for _, f := range schema.Fields {
		if f.Name == fieldName {
			return f, nil
		}
	}
	return nil, newErr(StatusNotFound, "field `%s` does not exist in collection `%s`", fieldName, collName)
}

// CreateIndex records a FLAT index on a vector field (FLAT is what veclite searches: exact).
// Any other index type, or an index on a scalar field, fails with an error wrapping
// ErrFeatureNotSupported; nothing is substituted. async is ignored (nothing to build).
func (c *EmbeddedClient) CreateIndex(ctx context.Context, collName string, fieldName string, idx entity.Index, async bool, opts ...IndexOption) error {
	if idx == nil {
		return newErr(StatusInvalidArgument, "index is nil")
	}
	def := indexDef{name: fieldName}
	for _, o := range opts {
		if o != nil {
			o(&def)
		}
	}
	f, err := c.vectorField(ctx, collName, fieldName)
	if err != nil {
		return err
	}
	if idx.IndexType() != entity.Flat {
		return featureErr("index type %q (veclite's Go package supports FLAT only)", idx.IndexType())
	}
	if f.DataType != entity.FieldTypeFloatVector {
		return featureErr("index on scalar field %s", fieldName)
	}
	params := idx.Params()
	switch entity.MetricType(params["metric_type"]) {
	case entity.L2, entity.IP, entity.COSINE:
	default:
		return newErr(StatusInvalidArgument, "index metric type %q: expected L2, IP or COSINE", params["metric_type"])
	}
	params["index_type"] = string(entity.Flat)
	return c.updateMeta(func(m *metaFile) {
		cm := m.Collections[collName]
		if cm == nil {
			cm = &collMeta{ConsistencyLevel: entity.DefaultConsistencyLevel, ShardNum: 1}
			m.Collections[collName] = cm
		}
		if cm.Indexes == nil {
			cm.Indexes = map[string]*indexMeta{}
		}
		cm.Indexes[fieldName] = &indexMeta{Name: def.name, IndexType: entity.Flat, Params: params}
	})
}

func indexMissing(collName, fieldName string) error {
	return newErr(StatusNotFound, "index `%s` does not exist in collection `%s`", fieldName, collName)
}

// DescribeIndex returns the FLAT index recorded on fieldName ("" = every field), built with
// entity.NewGenericIndex as the SDK does.
func (c *EmbeddedClient) DescribeIndex(ctx context.Context, collName string, fieldName string, opts ...IndexOption) ([]entity.Index, error) {
	if err := c.requireCollection(ctx, collName); err != nil {
		return nil, err
	}
	var out []entity.Index
	c.viewMeta(func(m *metaFile) {
		cm := m.Collections[collName]
		if cm == nil {
			return
		}
		for field, im := range cm.Indexes {
			if fieldName == "" || field == fieldName {
				params := make(map[string]string, len(im.Params))
				for k, v := range im.Params {
					params[k] = v
				}
				out = append(out, entity.NewGenericIndex(im.Name, im.IndexType, params))
			}
		}
	})
	if len(out) == 0 {
		return nil, indexMissing(collName, fieldName)
	}
	return out, nil
}

// DropIndex forgets the index recorded on fieldName.
func (c *EmbeddedClient) DropIndex(ctx context.Context, collName string, fieldName string, opts ...IndexOption) error {
	if err := c.requireCollection(ctx, collName); err != nil {
		return err
	}
	found := false
	err := c.updateMeta(func(m *metaFile) {
		if cm := m.Collections[collName]; cm != nil {
			if _, ok := cm.Indexes[fieldName]; ok {
				found = true
				delete(cm.Indexes, fieldName)
			}
		}
	})
	if err != nil {
		return err
	}
	if !found {
		return indexMissing(collName, fieldName)
	}
	return nil
}
