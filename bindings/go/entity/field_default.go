package entity

// Default values are a veclite addition to the milvus-sdk-go v2.4.2 surface, with the method
// names of the newer Go SDK (github.com/milvus-io/milvus/client/v2). Field.DefaultValue holds
// the value as a Go bool, int32, int64, float32, float64 or string (the SDK holds a protocol
// message instead). CreateCollection checks that it fits the field type: Bool takes a bool,
// Int8..Int64 an int32 or int64 in the type's range, Float and Double a float32 or float64,
// VarChar a string of at most max_length bytes; JSON, Array, vector and primary key fields
// take none. A row that leaves the field out, or gives it null, stores the default.

// WithDefaultValueBool sets the default value of a Bool field.
func (f *Field) WithDefaultValueBool(defaultValue bool) *Field {
	f.DefaultValue = defaultValue
	return f
}

// WithDefaultValueInt sets the default value of an Int8, Int16 or Int32 field.
func (f *Field) WithDefaultValueInt(defaultValue int32) *Field {
	f.DefaultValue = defaultValue
	return f
}

// WithDefaultValueLong sets the default value of an Int64 field.
func (f *Field) WithDefaultValueLong(defaultValue int64) *Field {
	f.DefaultValue = defaultValue
	return f
}

// WithDefaultValueFloat sets the default value of a Float field.
func (f *Field) WithDefaultValueFloat(defaultValue float32) *Field {
	f.DefaultValue = defaultValue
	return f
}

// WithDefaultValueDouble sets the default value of a Double field.
func (f *Field) WithDefaultValueDouble(defaultValue float64) *Field {
	f.DefaultValue = defaultValue
	return f
}

// WithDefaultValueString sets the default value of a VarChar field.
func (f *Field) WithDefaultValueString(defaultValue string) *Field {
	f.DefaultValue = defaultValue
	return f
}
