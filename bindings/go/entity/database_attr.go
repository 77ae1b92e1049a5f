package entity

import (
	"errors"
	"strconv"
	"strings"
)

// DatabaseAttribute is one database property for AlterDatabase, as in the SDK.
type DatabaseAttribute = CollectionAttribute

type databaseReplicaAttr struct{ collAttrBase }

// Valid checks that the replica number is a positive integer.
func (ca databaseReplicaAttr) Valid() error {
	if v, err := strconv.ParseInt(ca.value, 10, 64); err != nil || v <= 0 {
		return errors.New("replica setting is not valid integer")
	}
	return nil
}

// DatabaseReplica is the database.replica.number property (veclite accepts 1 only: it serves
// one in-process replica).
func DatabaseReplica(replica int64) DatabaseAttribute {
	return databaseReplicaAttr{collAttrBase{key: "database.replica.number", value: strconv.FormatInt(replica, 10)}}
}

type databaseResourceGroupsAttr struct{ collAttrBase }

// Valid always succeeds, as in the SDK.
func (ca databaseResourceGroupsAttr) Valid() error { return nil }

// DatabaseResourceGroups is the database.resource_groups property (refused by veclite, which
// has no resource groups).
func DatabaseResourceGroups(resourceGroups []string) DatabaseAttribute {
	return databaseResourceGroupsAttr{collAttrBase{key: "database.resource_groups",
		value: strconv.Quote(strings.Join(resourceGroups, ","))}}
}
