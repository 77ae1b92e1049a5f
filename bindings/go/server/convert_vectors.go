package main

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"

	"github.com/veclite/veclite/bindings/go/entity"
)

// Packed vector types (BinaryVector, Float16Vector, BFloat16Vector, Int8Vector): Milvus sends
// every row of a field as one contiguous byte string (dim/8 bytes a binary row, 2·dim a
// float16 / bfloat16 row, dim an int8 row); rows are sliced out of it without copying.

// packedRowBytes is the bytes of one row of a packed vector of dim in Milvus's encoding.
func packedRowBytes(t schemapb.DataType, dim int) int {
	switch t {
	case schemapb.DataType_BinaryVector:
		return dim / 8
	case schemapb.DataType_Float16Vector, schemapb.DataType_BFloat16Vector:
		return 2 * dim
	}
	return dim
}

// packedColumnFromProto converts the field data of a packed vector field; ok is false for
// other types.
func packedColumnFromProto(fd *schemapb.FieldData) (col entity.Column, ok bool, err error) {
	v := fd.GetVectors()
	var data []byte
	switch fd.GetType() {
	case schemapb.DataType_BinaryVector:
		data = v.GetBinaryVector()
	case schemapb.DataType_Float16Vector:
		data = v.GetFloat16Vector()
	case schemapb.DataType_BFloat16Vector:
		data = v.GetBfloat16Vector()
	case schemapb.DataType_Int8Vector:
		data = v.GetInt8Vector()
	default:
		return nil, false, nil
	}
	name, dim := fd.GetFieldName(), int(v.GetDim())
	width := packedRowBytes(fd.GetType(), dim)
	if dim <= 0 || width == 0 {
		return nil, true, fmt.Errorf("field %s: %s dim %d is not positive", name, fd.GetType(), dim)
	}
	if len(data)%width != 0 {
		return nil, true, fmt.Errorf("field %s: %d bytes is not a whole number of %s rows of dim %d (%d bytes each)",
			name, len(data), fd.GetType(), dim, width)
	}
	n := len(data) / width
	if fd.GetType() == schemapb.DataType_Int8Vector {
		// The message's bytes read as int8s in place (same size, two's complement).
		flat := unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(data))), len(data))
		rows := make([][]int8, n)
		for i := range rows {
			rows[i] = flat[i*width : (i+1)*width : (i+1)*width]
		}
		return entity.NewColumnInt8Vector(name, dim, rows), true, nil
	}
	rows := make([][]byte, n)
	for i := range rows {
		rows[i] = data[i*width : (i+1)*width : (i+1)*width]
	}
	switch fd.GetType() {
	case schemapb.DataType_BinaryVector:
		return entity.NewColumnBinaryVector(name, dim, rows), true, nil
	case schemapb.DataType_Float16Vector:
		return entity.NewColumnFloat16Vector(name, dim, rows), true, nil
	}
	return entity.NewColumnBFloat16Vector(name, dim, rows), true, nil
}

// packedRows is the rows of a packed vector column in Milvus's encoding (not copied: int8
// rows are read as bytes in place); ok is false for other columns.
func packedRows(col entity.Column) (dim int, rows [][]byte, ok bool) {
	switch c := col.(type) {
	case *entity.ColumnBinaryVector:
		return c.Dim(), c.Data(), true
	case *entity.ColumnFloat16Vector:
		return c.Dim(), c.Data(), true
	case *entity.ColumnBFloat16Vector:
		return c.Dim(), c.Data(), true
	case *entity.ColumnInt8Vector:
		rows := make([][]byte, c.Len())
		for i, r := range c.Data() {
			rows[i] = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(r))), len(r))
		}
		return c.Dim(), rows, true
	}
	return 0, nil, false
}

// appendRows appends rows to buf, growing it once.
func appendRows(buf []byte, rows [][]byte) []byte {
	total := len(buf)
	for _, r := range rows {
		total += len(r)
	}
	buf = slices.Grow(buf, total-len(buf))
	for _, r := range rows {
		buf = append(buf, r...)
	}
	return buf
}

// appendPacked appends a packed vector column's rows to fd (made by emptyPackedFieldData);
// ok is false for other columns.
func appendPacked(fd *schemapb.FieldData, col entity.Column) bool {
	_, rows, ok := packedRows(col)
	if !ok {
		return false
	}
	switch d := fd.GetVectors().GetData().(type) {
	case *schemapb.VectorField_BinaryVector:
		d.BinaryVector = appendRows(d.BinaryVector, rows)
	case *schemapb.VectorField_Float16Vector:
		d.Float16Vector = appendRows(d.Float16Vector, rows)
	case *schemapb.VectorField_Bfloat16Vector:
		d.Bfloat16Vector = appendRows(d.Bfloat16Vector, rows)
	case *schemapb.VectorField_Int8Vector:
		d.Int8Vector = appendRows(d.Int8Vector, rows)
	default:
		return false
	}
	return true
}

// emptyPackedFieldData is the Milvus field data of a packed vector column's name, type and
// dim, with no rows (nil for other columns).
func emptyPackedFieldData(col entity.Column) *schemapb.FieldData {
	dim, _, ok := packedRows(col.Slice(0, 0))
	if !ok {
		return nil
	}
	vf := &schemapb.VectorField{Dim: int64(dim)}
	switch col.Type() {
	case entity.FieldTypeBinaryVector:
		vf.Data = &schemapb.VectorField_BinaryVector{}
	case entity.FieldTypeFloat16Vector:
		vf.Data = &schemapb.VectorField_Float16Vector{}
	case entity.FieldTypeBFloat16Vector:
		vf.Data = &schemapb.VectorField_Bfloat16Vector{}
	default:
		vf.Data = &schemapb.VectorField_Int8Vector{}
	}
	return &schemapb.FieldData{FieldName: col.Name(), Type: schemapb.DataType(col.Type()),
		Field: &schemapb.FieldData_Vectors{Vectors: vf}}
}

// emptyPackedColumn is a packed vector column of f's type with no rows (nil for other types).
func emptyPackedColumn(f *entity.Field) entity.Column {
	dim64, _ := f.GetDim()
	dim := int(dim64)
	switch f.DataType {
	case entity.FieldTypeBinaryVector:
		return entity.NewColumnBinaryVector(f.Name, dim, nil)
	case entity.FieldTypeFloat16Vector:
		return entity.NewColumnFloat16Vector(f.Name, dim, nil)
	case entity.FieldTypeBFloat16Vector:
		return entity.NewColumnBFloat16Vector(f.Name, dim, nil)
	case entity.FieldTypeInt8Vector:
		return entity.NewColumnInt8Vector(f.Name, dim, nil)
	}
	return nil
}

// packedQueryVectors converts the query vectors of a BinaryVector, Float16Vector,
// BFloat16Vector or Int8Vector placeholder (each value one vector's bytes, not copied); ok is
// false for other placeholder types.
func packedQueryVectors(ph *commonpb.PlaceholderValue) (out []entity.Vector, st *commonpb.Status, ok bool) {
	t := ph.GetType()
	switch t {
	case commonpb.PlaceholderType_BinaryVector, commonpb.PlaceholderType_Float16Vector,
		commonpb.PlaceholderType_BFloat16Vector, commonpb.PlaceholderType_Int8Vector:
	default:
		return nil, nil, false
	}
	out = make([]entity.Vector, len(ph.GetValues()))
	for i, b := range ph.GetValues() {
		halves := t == commonpb.PlaceholderType_Float16Vector || t == commonpb.PlaceholderType_BFloat16Vector
		if len(b) == 0 || (halves && len(b)%2 != 0) {
			return nil, invalid(fmt.Sprintf("query vector %d has %d bytes, not a %s", i, len(b), t)), true
		}
		switch t {
		case commonpb.PlaceholderType_BinaryVector:
			out[i] = entity.BinaryVector(b)
		case commonpb.PlaceholderType_Float16Vector:
			out[i] = entity.Float16Vector(b)
		case commonpb.PlaceholderType_BFloat16Vector:
			out[i] = entity.BFloat16Vector(b)
		default: // the bytes read as int8s in place
			out[i] = entity.Int8Vector(unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b))), len(b)))
		}
	}
	return out, nil, true
}
