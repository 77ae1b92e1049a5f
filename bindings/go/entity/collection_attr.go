package entity

import (
	"errors"
	"fmt"
	"strconv"
)

// CollectionAttribute is one collection property for AlterCollection, as in the SDK.
type CollectionAttribute interface {
	KeyValue() (string, string)
	Valid() error
}

type collAttrBase struct {
	key, value string
}

// KeyValue returns the property key and value.
func (ca collAttrBase) KeyValue() (string, string) { return ca.key, ca.value }

type ttlCollAttr struct{ collAttrBase }

// Valid checks that the TTL is a non-negative integer.
func (ca ttlCollAttr) Valid() error {
	v, err := strconv.ParseInt(ca.value, 10, 64)
	if err != nil {
		return fmt.Errorf("ttl is not a valid positive integer: %w", err)
	}
	if v < 0 {
		return errors.New("ttl needs to be a positive integer")
	}
	return nil
}

// CollectionTTL is the collection.ttl.seconds property (veclite honours 0 only: rows never
// expire).
func CollectionTTL(ttl int64) CollectionAttribute {
	return ttlCollAttr{collAttrBase{key: "collection.ttl.seconds", value: strconv.FormatInt(ttl, 10)}}
}

type boolCollAttr struct{ collAttrBase }

// Valid always succeeds: the value is a formatted bool.
func (ca boolCollAttr) Valid() error { return nil }

// CollectionAutoCompactionEnabled is the collection.autocompaction.enabled property (recorded;
// veclite compacts at flush by its own triggers).
func CollectionAutoCompactionEnabled(enabled bool) CollectionAttribute {
	return boolCollAttr{collAttrBase{key: "collection.autocompaction.enabled", value: strconv.FormatBool(enabled)}}
}
