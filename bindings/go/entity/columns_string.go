package entity

import "strconv"

// ColumnString is the SDK's deprecated column of FieldTypeString values (Milvus, and veclite,
// store strings in VarChar fields: use ColumnVarChar).
type ColumnString struct{ ColumnVarChar }

// NewColumnString returns a string column named name holding values (the slice is not copied).
func NewColumnString(name string, values []string) *ColumnString {
	return &ColumnString{ColumnVarChar{name: name, values: values}}
}

// Type returns FieldTypeString.
func (c *ColumnString) Type() FieldType { return FieldTypeString }

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnString) Slice(start, end int) Column {
	return &ColumnString{*c.ColumnVarChar.Slice(start, end).(*ColumnVarChar)}
}

type mmapAttr struct{ collAttrBase }

// Mmap is the mmap.enabled collection property.
func Mmap(enabled bool) mmapAttr {
	return mmapAttr{collAttrBase{key: "mmap.enabled", value: strconv.FormatBool(enabled)}}
}

// Valid checks that the value is a bool.
func (ca mmapAttr) Valid() error {
	_, err := strconv.ParseBool(ca.value)
	return err
}
