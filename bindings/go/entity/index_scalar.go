package entity

// indexScalar is a scalar index: INVERTED, STL_SORT, BITMAP, TRIE, or (no type) the default
// veclite picks for the field's type, as AUTOINDEX does.
type indexScalar struct {
	it IndexType
}

var _ Index = (*indexScalar)(nil)

// Name returns "" (CreateIndex names the index after the field unless WithIndexName says
// otherwise).
func (i *indexScalar) Name() string { return "" }

// IndexType returns the scalar index type ("" when none was given).
func (i *indexScalar) IndexType() IndexType { return i.it }

// Params returns index_type when a type was given, and nothing else: scalar indexes take no
// metric and no build params.
func (i *indexScalar) Params() map[string]string {
	result := make(map[string]string)
	if i.it != "" {
		result["index_type"] = string(i.it)
	}
	return result
}

// NewScalarIndex returns a scalar index of the default type for the field it is created on:
// BITMAP on a Bool field, INVERTED on integer, float and VarChar fields.
func NewScalarIndex() Index {
	return &indexScalar{}
}

// NewScalarIndexWithType returns a scalar index of type indexType: Inverted (Bool, integer,
// float and VarChar fields), Sorted (STL_SORT: integer and float fields), Trie (VarChar fields)
// or Bitmap (Bool, integer and VarChar fields other than the primary key). CreateIndex refuses
// a type the field does not take with ErrInvalidArgument.
func NewScalarIndexWithType(indexType IndexType) Index {
	return &indexScalar{it: indexType}
}
