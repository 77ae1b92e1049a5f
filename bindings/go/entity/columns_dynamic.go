package entity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ColumnDynamic reads one key of the dynamic field: row i is the value of key outputField in
// row i of the `$meta` column (nil when the row lacks the key). Query, Get and Search return one
// for each output field that names a dynamic key.
type ColumnDynamic struct {
	*ColumnJSONBytes
	outputField string
}

// NewColumnDynamic returns the column of key outputField of a `$meta` column.
func NewColumnDynamic(column *ColumnJSONBytes, outputField string) *ColumnDynamic {
	return &ColumnDynamic{ColumnJSONBytes: column, outputField: outputField}
}

// Name returns the key the column reads.
func (c *ColumnDynamic) Name() string { return c.outputField }

// raw returns the JSON text of the key in row idx (nil when missing).
func (c *ColumnDynamic) raw(idx int) (json.RawMessage, error) {
	row, err := c.ValueByIdx(idx)
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(row, &obj); err != nil {
		return nil, fmt.Errorf("row %d of the dynamic field is not a JSON object: %w", idx, err)
	}
	return obj[c.outputField], nil
}

// Get returns the value of the key in row idx, decoded by encoding/json (numbers as float64,
// objects as map[string]interface{}), or nil when the row lacks the key.
func (c *ColumnDynamic) Get(idx int) (interface{}, error) {
	raw, err := c.raw(idx)
	if err != nil || raw == nil {
		return nil, err
	}
	var v interface{}
	err = json.Unmarshal(raw, &v)
	return v, err
}

// getAs decodes the key of row idx into out, failing when it is missing or of another type.
func (c *ColumnDynamic) getAs(idx int, out interface{}, kind string) error {
	raw, err := c.raw(idx)
	if err != nil {
		return err
	}
	if raw == nil {
		return fmt.Errorf("row %d has no dynamic key %s", idx, c.outputField)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		return err
	}
	switch o := out.(type) {
	case *int64:
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				*o = i
				return nil
			}
		}
	case *float64:
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err == nil {
				*o = f
				return nil
			}
		}
	case *string:
		if s, ok := v.(string); ok {
			*o = s
			return nil
		}
	case *bool:
		if b, ok := v.(bool); ok {
			*o = b
			return nil
		}
	}
	return errors.New("column type mismatch: dynamic key " + c.outputField + " is not " + kind)
}

// GetAsInt64 returns the key of row idx as an int64 (an integral JSON number).
func (c *ColumnDynamic) GetAsInt64(idx int) (int64, error) {
	var v int64
	err := c.getAs(idx, &v, "an integer")
	return v, err
}

// GetAsString returns the key of row idx as a string (a JSON string).
func (c *ColumnDynamic) GetAsString(idx int) (string, error) {
	var v string
	err := c.getAs(idx, &v, "a string")
	return v, err
}

// GetAsBool returns the key of row idx as a bool (a JSON boolean).
func (c *ColumnDynamic) GetAsBool(idx int) (bool, error) {
	var v bool
	err := c.getAs(idx, &v, "a boolean")
	return v, err
}

// GetAsDouble returns the key of row idx as a float64 (a JSON number).
func (c *ColumnDynamic) GetAsDouble(idx int) (float64, error) {
	var v float64
	err := c.getAs(idx, &v, "a number")
	return v, err
}

// Slice returns rows [start, end) of the key's column.
func (c *ColumnDynamic) Slice(start, end int) Column {
	return NewColumnDynamic(c.ColumnJSONBytes.Slice(start, end).(*ColumnJSONBytes), c.outputField)
}
