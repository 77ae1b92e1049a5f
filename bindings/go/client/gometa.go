package client

/*
#include "veclite.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/veclite/veclite/bindings/go/entity"
)

// MetaFileName is the file, inside the database directory, in which earlier releases of this
// package kept collection descriptions, consistency levels, shard numbers, properties and FLAT
// index records. The database's catalog holds all of them now: opening a directory that has
// the file moves its contents into the catalog through the C API, then removes the file.
const MetaFileName = "go-meta.json"

// legacyMeta is the content of go-meta.json (versions 1 and 2).
type legacyMeta struct {
	Version     int                          `json:"version"`
	Collections map[string]*legacyCollection `json:"collections"`
}

type legacyCollection struct {
	Description      string                  `json:"description,omitempty"`
	ConsistencyLevel entity.ConsistencyLevel `json:"consistency_level"`
	ShardNum         int32                   `json:"shard_num"`
	Properties       map[string]string       `json:"properties,omitempty"`
	// FieldDescriptions holds the non-empty field descriptions by field name.
	FieldDescriptions map[string]string `json:"field_descriptions,omitempty"`
	// Indexes holds FLAT index records by field name (version 1).
	Indexes map[string]*legacyIndex `json:"indexes,omitempty"`
}

type legacyIndex struct {
	Name      string            `json:"name"`
	IndexType entity.IndexType  `json:"index_type"`
	Params    map[string]string `json:"params"`
}

// migrateMetaFile moves the contents of the directory's go-meta.json, if it has one, into the
// database's catalog, then removes the file. Records of collections (or fields) that no longer
// exist are dropped; any other failure returns an error and leaves the file in place, so the
// next open migrates it again (every step is idempotent).
func (c *EmbeddedClient) migrateMetaFile() error {
	path := filepath.Join(c.dir, MetaFileName)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	fail := func(err error) error {
		return fmt.Errorf("moving %s into the database catalog (the file is kept and the move retried at the next open): %w", path, err)
	}
	if err != nil {
		return fail(&Error{Code: StatusIO, Msg: err.Error(), cause: err})
	}
	var m legacyMeta
	if err := json.Unmarshal(raw, &m); err != nil {
		return fail(newErr(StatusCorrupted, "corrupted file %s: %v", MetaFileName, err))
	}
	for _, name := range slices.Sorted(maps.Keys(m.Collections)) {
		if cm := m.Collections[name]; cm != nil {
			if err := c.migrateCollection(name, cm); err != nil {
				return fail(err)
			}
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail(&Error{Code: StatusIO, Msg: err.Error(), cause: err})
	}
	if d, err := os.Open(c.dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// migrateCollection writes one collection's record into the catalog (one commit), then
// re-creates its FLAT index records through CreateIndex.
func (c *EmbeddedClient) migrateCollection(name string, cm *legacyCollection) error {
	ctx := context.Background()
	schema, err := c.describe(ctx, name)
	if isNotFoundCollection(err) {
		return nil // dropped: nothing to keep
	}
	if err != nil {
		return err
	}
	ch := collChange{consistency: &cm.ConsistencyLevel, shards: cm.ShardNum, properties: cm.Properties,
		fieldDescriptions: map[string]string{}}
	if cm.Description != "" {
		ch.description = &cm.Description
	}
	for _, f := range schema.Fields {
		if text, ok := cm.FieldDescriptions[f.Name]; ok {
			ch.fieldDescriptions[f.Name] = text
		}
	}
	cc, err := ch.toC()
	if err != nil {
		return err
	}
	defer C.veclite_collection_change_free(cc)
	err = c.nameCall(ctx, name, "", func(db *C.veclite_db, cp *C.uint8_t, cn C.size_t, _ *C.uint8_t, _ C.size_t, cerr **C.veclite_error) C.veclite_status {
		return C.veclite_alter_collection(db, cp, cn, cc, cerr)
	})
	if err != nil {
		return err
	}
	for _, field := range slices.Sorted(maps.Keys(cm.Indexes)) {
		if err := c.migrateIndex(name, field, cm.Indexes[field]); err != nil {
			return err
		}
	}
	return nil
}

// migrateIndex re-creates a FLAT index record. A record whose field is gone, that already has
// another index or that this package refuses is dropped.
func (c *EmbeddedClient) migrateIndex(coll, field string, im *legacyIndex) error {
	if im == nil {
		return nil
	}
	it := im.IndexType
	if it == "" {
		it = entity.Flat
	}
	var opts []IndexOption
	if im.Name != "" {
		opts = append(opts, WithIndexName(im.Name))
	}
	err := c.CreateIndex(context.Background(), coll, field, entity.NewGenericIndex(im.Name, it, maps.Clone(im.Params)), false, opts...)
	var ve *Error
	if err == nil || !errors.As(err, &ve) {
		return nil // done, or refused by this package (a type it does not support)
	}
	switch ve.Code {
	case StatusNotFound, StatusInvalidArgument, StatusSchemaMismatch:
		return nil
	}
	return err
}
