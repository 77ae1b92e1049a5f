package entity

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ColumnJSONBytes is a column of JSON values, each its encoded text. A column marked dynamic
// (WithIsDynamic) is a collection's dynamic field `$meta`: one JSON object per row holding the
// keys that are not schema fields.
type ColumnJSONBytes struct {
	ColumnBase
	name      string
	values    [][]byte
	isDynamic bool
}

// NewColumnJSONBytes returns a JSON column (the rows are not copied). Each row must be valid
// JSON; writes reject a column where one is not.
func NewColumnJSONBytes(name string, values [][]byte) *ColumnJSONBytes {
	return &ColumnJSONBytes{name: name, values: values}
}

// Name returns the field name of the column.
func (c *ColumnJSONBytes) Name() string { return c.name }

// Type returns FieldTypeJSON.
func (c *ColumnJSONBytes) Type() FieldType { return FieldTypeJSON }

// Len returns the number of rows.
func (c *ColumnJSONBytes) Len() int { return len(c.values) }

// Data returns the rows (not a copy).
func (c *ColumnJSONBytes) Data() [][]byte { return c.values }

// IsDynamic reports whether the column is the dynamic field `$meta`.
func (c *ColumnJSONBytes) IsDynamic() bool { return c.isDynamic }

// WithIsDynamic marks the column as the dynamic field: writes send it as `$meta` whatever its
// name.
func (c *ColumnJSONBytes) WithIsDynamic(isDynamic bool) *ColumnJSONBytes {
	c.isDynamic = isDynamic
	return c
}

// ValueByIdx returns row idx.
func (c *ColumnJSONBytes) ValueByIdx(idx int) ([]byte, error) {
	if idx < 0 || idx >= c.Len() {
		return nil, errors.New("index out of range")
	}
	return c.values[idx], nil
}

// Get returns row idx as an interface{} holding a []byte.
func (c *ColumnJSONBytes) Get(idx int) (interface{}, error) { return c.ValueByIdx(idx) }

// GetAsString returns row idx as a string (its JSON text).
func (c *ColumnJSONBytes) GetAsString(idx int) (string, error) {
	v, err := c.ValueByIdx(idx)
	return string(v), err
}

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnJSONBytes) Slice(start, end int) Column {
	l := c.Len()
	if start > l {
		start = l
	}
	if end == -1 || end > l {
		end = l
	}
	return &ColumnJSONBytes{name: c.name, values: c.values[start:end], isDynamic: c.isDynamic}
}

// AppendValue appends one row: a []byte as is, anything else as its json.Marshal encoding.
func (c *ColumnJSONBytes) AppendValue(i interface{}) error {
	v, ok := i.([]byte)
	if !ok {
		bs, err := json.Marshal(i)
		if err != nil {
			return fmt.Errorf("invalid JSON value %T: %w", i, err)
		}
		v = bs
	}
	c.values = append(c.values, v)
	return nil
}
