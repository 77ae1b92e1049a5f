package entity

import (
	"errors"
	"fmt"
)

// Null values are a veclite addition to the milvus-sdk-go v2.4.2 surface (whose columns have
// none). A column of a nullable field, written or read, is a *ColumnNullable: the values of
// every row, null rows holding the zero value, and each row's validity (false = null), as the
// newer Go SDK's nullable columns report them (ValidData, IsNull, Nullable).

var _ Column = (*ColumnNullable)(nil)

// ColumnNullable is a column with null rows: Values holds one value per row (the zero value
// at a null row) and ValidData the validity of each row.
type ColumnNullable struct {
	// Values is the column of values, one per row.
	Values Column
	valid  []bool
}

// NewNullableColumn returns a column whose row i is null where validData[i] is false. values
// is a scalar, JSON or ARRAY column holding either one value per row (what a null row holds
// is ignored) or one value per valid row only, in order (the newer Go SDK's "compact" layout),
// which is expanded here (an empty array, a zero value, at a null row). Other lengths, and
// vector columns, fail.
func NewNullableColumn(values Column, validData []bool) (*ColumnNullable, error) {
	if values == nil {
		return nil, errors.New("nullable column: values is nil")
	}
	if values.Type() >= FieldTypeBinaryVector {
		return nil, fmt.Errorf("column %s: a %s column cannot hold nulls", values.Name(), values.Type())
	}
	if values.Len() == len(validData) {
		return &ColumnNullable{Values: values, valid: validData}, nil
	}
	valid := 0
	for _, ok := range validData {
		if ok {
			valid++
		}
	}
	if values.Len() != valid {
		return nil, fmt.Errorf("column %s: %d values for %d rows of which %d are valid (give one value per row, "+
			"or one per valid row)", values.Name(), values.Len(), len(validData), valid)
	}
	full, err := expandCompact(values, validData)
	if err != nil {
		return nil, err
	}
	return &ColumnNullable{Values: full, valid: validData}, nil
}

// expandCompact spreads one value per valid row over every row, the zero value at null rows.
func expandCompact(values Column, valid []bool) (Column, error) {
	name := values.Name()
	switch c := values.(type) {
	case *ColumnBool:
		return NewColumnBool(name, spread(c.Data(), valid)), nil
	case *ColumnInt8:
		return NewColumnInt8(name, spread(c.Data(), valid)), nil
	case *ColumnInt16:
		return NewColumnInt16(name, spread(c.Data(), valid)), nil
	case *ColumnInt32:
		return NewColumnInt32(name, spread(c.Data(), valid)), nil
	case *ColumnInt64:
		return NewColumnInt64(name, spread(c.Data(), valid)), nil
	case *ColumnFloat:
		return NewColumnFloat(name, spread(c.Data(), valid)), nil
	case *ColumnDouble:
		return NewColumnDouble(name, spread(c.Data(), valid)), nil
	case *ColumnVarChar:
		return NewColumnVarChar(name, spread(c.Data(), valid)), nil
	case *ColumnJSONBytes:
		return NewColumnJSONBytes(name, spread(c.Data(), valid)).WithIsDynamic(c.IsDynamic()), nil
	case *ColumnBoolArray:
		return NewColumnBoolArray(name, spread(c.Data(), valid)), nil
	case *ColumnInt8Array:
		return NewColumnInt8Array(name, spread(c.Data(), valid)), nil
	case *ColumnInt16Array:
		return NewColumnInt16Array(name, spread(c.Data(), valid)), nil
	case *ColumnInt32Array:
		return NewColumnInt32Array(name, spread(c.Data(), valid)), nil
	case *ColumnInt64Array:
		return NewColumnInt64Array(name, spread(c.Data(), valid)), nil
	case *ColumnFloatArray:
		return NewColumnFloatArray(name, spread(c.Data(), valid)), nil
	case *ColumnDoubleArray:
		return NewColumnDoubleArray(name, spread(c.Data(), valid)), nil
	case *ColumnVarCharArray:
		return NewColumnVarCharArray(name, spread(c.Data(), valid)), nil
	}
	return nil, fmt.Errorf("column %s: a %s column cannot hold nulls", name, values.Type())
}

// spread places compact[k] at the k-th valid row, the zero value elsewhere.
func spread[T any](compact []T, valid []bool) []T {
	out := make([]T, len(valid))
	k := 0
	for i, ok := range valid {
		if ok {
			out[i] = compact[k]
			k++
		}
	}
	return out
}

// Name returns the field name of the column.
func (c *ColumnNullable) Name() string { return c.Values.Name() }

// Type returns the type of the values.
func (c *ColumnNullable) Type() FieldType { return c.Values.Type() }

// Len returns the number of rows.
func (c *ColumnNullable) Len() int { return len(c.valid) }

// Nullable reports that the column may hold nulls (true).
func (c *ColumnNullable) Nullable() bool { return true }

// ValidData returns each row's validity, false marking a null (not a copy).
func (c *ColumnNullable) ValidData() []bool { return c.valid }

// IsNull reports whether row idx is null.
func (c *ColumnNullable) IsNull(idx int) (bool, error) {
	if idx < 0 || idx >= c.Len() {
		return false, errors.New("index out of range")
	}
	return !c.valid[idx], nil
}

// Get returns the value of row idx, nil for a null row.
func (c *ColumnNullable) Get(idx int) (interface{}, error) {
	if null, err := c.IsNull(idx); err != nil || null {
		return nil, err
	}
	return c.Values.Get(idx)
}

// GetAsInt64 returns row idx as an int64 (0 for a null row).
func (c *ColumnNullable) GetAsInt64(idx int) (int64, error) { return c.Values.GetAsInt64(idx) }

// GetAsString returns row idx as a string ("" for a null row).
func (c *ColumnNullable) GetAsString(idx int) (string, error) { return c.Values.GetAsString(idx) }

// GetAsDouble returns row idx as a float64 (0 for a null row).
func (c *ColumnNullable) GetAsDouble(idx int) (float64, error) { return c.Values.GetAsDouble(idx) }

// GetAsBool returns row idx as a bool (false for a null row).
func (c *ColumnNullable) GetAsBool(idx int) (bool, error) { return c.Values.GetAsBool(idx) }

// Slice returns rows [start, end) (end -1 or past the end means up to the last row).
func (c *ColumnNullable) Slice(start, end int) Column {
	l := c.Len()
	if start > l {
		start = l
	}
	if end == -1 || end > l {
		end = l
	}
	return &ColumnNullable{Values: c.Values.Slice(start, end), valid: c.valid[start:end]}
}

// AppendValue appends one row: nil appends a null (the zero value of a scalar type), anything
// else a value as the values' column takes it.
func (c *ColumnNullable) AppendValue(i interface{}) error {
	if i != nil {
		if err := c.Values.AppendValue(i); err != nil {
			return err
		}
		c.valid = append(c.valid, true)
		return nil
	}
	zero, err := expandCompact(c.Values.Slice(0, 0), []bool{false})
	if err != nil {
		return err
	}
	v, _ := zero.Get(0)
	if err := c.Values.AppendValue(v); err != nil {
		return err
	}
	c.valid = append(c.valid, false)
	return nil
}
