package client_test

// milvus-sdk-go v2.4.2's examples/array (hello_array.go) against the mirrored API, with only
// the import paths and Address changed, a fixed random seed, and its printed values asserted;
// plus the array constructors of every element type through insert, filters and reads.

import (
	"context"
	"errors"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

func TestHelloArray(t *testing.T) {
	const (
		collectionName                 = "hello_array"
		nEntities, dim                 = 3000, 128
		idCol, randomCol, embeddingCol = "ID", "random", "embeddings"
		topK                           = 3
	)
	ctx := context.Background()
	c, err := client.NewClient(ctx, client.Config{Address: t.TempDir()})
	if err != nil {
		t.Fatal("failed to connect to milvus:", err)
	}
	defer c.Close()

	schema := entity.NewSchema().WithName(collectionName).WithDescription("hello_array is the simplest demo to introduce the APIs").
		WithField(entity.NewField().WithName(idCol).WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true).WithIsAutoID(false)).
		WithField(entity.NewField().WithName(randomCol).WithDataType(entity.FieldTypeArray).WithElementType(entity.FieldTypeDouble).WithMaxCapacity(10)).
		WithField(entity.NewField().WithName(embeddingCol).WithDataType(entity.FieldTypeFloatVector).WithDim(dim))
	if err := c.CreateCollection(ctx, schema, entity.DefaultShardNumber); err != nil {
		t.Fatal("create collection failed:", err)
	}

	idList, randomList := make([]int64, 0, nEntities), make([][]float64, 0, nEntities)
	embeddingList := make([][]float32, 0, nEntities)
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < nEntities; i++ {
		idList = append(idList, int64(i))
	}
	for i := 0; i < nEntities; i++ {
		data := make([]float64, 0, 10)
		for j := 0; j < 10; j++ {
			data = append(data, rng.Float64())
		}
		randomList = append(randomList, data)
	}
	for i := 0; i < nEntities; i++ {
		vec := make([]float32, 0, dim)
		for j := 0; j < dim; j++ {
			vec = append(vec, rng.Float32())
		}
		embeddingList = append(embeddingList, vec)
	}
	idColData := entity.NewColumnInt64(idCol, idList)
	randomColData := entity.NewColumnDoubleArray(randomCol, randomList)
	embeddingColData := entity.NewColumnFloatVector(embeddingCol, dim, embeddingList)
	if _, err := c.Insert(ctx, collectionName, "", idColData, randomColData, embeddingColData); err != nil {
		t.Fatal("failed to insert random data:", err)
	}
	if err := c.Flush(ctx, collectionName, false); err != nil {
		t.Fatal("failed to flush data:", err)
	}
	idx, err := entity.NewIndexIvfFlat(entity.L2, 128)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, collectionName, embeddingCol, idx, false); err != nil {
		t.Fatal("failed to create index:", err)
	}
	if err := c.LoadCollection(ctx, collectionName, false); err != nil {
		t.Fatal("failed to load collection:", err)
	}

	// The described schema carries the element type and capacity.
	coll, err := c.DescribeCollection(ctx, collectionName)
	if err != nil {
		t.Fatal(err)
	}
	f := coll.Schema.Fields[1]
	if f.DataType != entity.FieldTypeArray || f.ElementType != entity.FieldTypeDouble || f.TypeParams[entity.TypeParamMaxCapacity] != "10" {
		t.Fatalf("described array field: %+v", f)
	}

	vec2search := []entity.Vector{
		entity.FloatVector(embeddingList[len(embeddingList)-2]),
		entity.FloatVector(embeddingList[len(embeddingList)-1]),
	}
	sp, _ := entity.NewIndexIvfFlatSearchParam(16)
	for _, expr := range []string{"", "random[0] > 0.5"} {
		sRet, err := c.Search(ctx, collectionName, nil, expr, []string{randomCol}, vec2search,
			embeddingCol, entity.L2, topK, sp)
		if err != nil {
			t.Fatal("failed to search collection:", err)
		}
		for q, res := range sRet {
			var randCol *entity.ColumnDoubleArray
			for _, field := range res.Fields {
				if field.Name() == randomCol {
					if c, ok := field.(*entity.ColumnDoubleArray); ok {
						randCol = c
					}
				}
			}
			if randCol == nil || res.ResultCount != topK || randCol.Len() != topK {
				t.Fatalf("%q query %d: %d hits, random column %v", expr, q, res.ResultCount, randCol)
			}
			for i := 0; i < res.ResultCount; i++ {
				pk, _ := res.IDs.(*entity.ColumnInt64).ValueByIdx(i)
				val, err := randCol.ValueByIdx(i)
				if err != nil || !reflect.DeepEqual(val, randomList[pk]) {
					t.Fatalf("%q query %d hit %d: randoms %v, want %v (%v)", expr, q, pk, val, randomList[pk], err)
				}
				if expr != "" && val[0] <= 0.5 {
					t.Fatalf("hit %d has random[0] %v", pk, val[0])
				}
			}
		}
	}

	pks := entity.NewColumnInt64(idCol, []int64{0, 1})
	sRet3, err := c.QueryByPks(ctx, collectionName, nil, pks, []string{randomCol})
	if err != nil {
		t.Fatal("failed to query result:", err)
	}
	var idlist []int64
	var randList [][]float64
	for _, col := range sRet3 {
		if col.Name() == idCol {
			idlist = col.(*entity.ColumnInt64).Data()
		} else {
			randList = col.(*entity.ColumnDoubleArray).Data()
		}
	}
	if !reflect.DeepEqual(idlist, []int64{0, 1}) || !reflect.DeepEqual(randList, randomList[:2]) {
		t.Fatalf("ids %v, randoms %v", idlist, randList)
	}
	if err := c.DeleteByPks(ctx, collectionName, "", pks); err != nil {
		t.Fatal("failed to delete by pks:", err)
	}
	if _, err = c.QueryByPks(ctx, collectionName, nil, pks, []string{randomCol}, client.WithSearchQueryConsistencyLevel(entity.ClStrong)); err != nil {
		t.Fatal(err)
	}
	if err := c.DropCollection(ctx, collectionName); err != nil {
		t.Fatal("failed to drop collection:", err)
	}
}

func TestArrayColumnsOfEveryElementType(t *testing.T) {
	ctx := context.Background()
	c, err := client.NewClient(ctx, client.Config{Address: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	arrayField := func(name string, elem entity.FieldType) *entity.Field {
		f := entity.NewField().WithName(name).WithDataType(entity.FieldTypeArray).WithElementType(elem).WithMaxCapacity(3)
		if elem == entity.FieldTypeVarChar {
			f = f.WithMaxLength(4)
		}
		return f
	}
	schema := entity.NewSchema().WithName("arrays").
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(1)).
		WithField(arrayField("b", entity.FieldTypeBool)).
		WithField(arrayField("i8", entity.FieldTypeInt8)).
		WithField(arrayField("i16", entity.FieldTypeInt16)).
		WithField(arrayField("i32", entity.FieldTypeInt32)).
		WithField(arrayField("i64", entity.FieldTypeInt64)).
		WithField(arrayField("f", entity.FieldTypeFloat)).
		WithField(arrayField("d", entity.FieldTypeDouble)).
		WithField(arrayField("s", entity.FieldTypeVarChar))
	if err := c.CreateCollection(ctx, schema, 1); err != nil {
		t.Fatal(err)
	}
	cols := []entity.Column{
		entity.NewColumnInt64("id", []int64{1, 2}),
		entity.NewColumnFloatVector("v", 1, [][]float32{{0}, {1}}),
		entity.NewColumnBoolArray("b", [][]bool{{true, false}, {}}),
		entity.NewColumnInt8Array("i8", [][]int8{{-128}, {1, 2, 3}}),
		entity.NewColumnInt16Array("i16", [][]int16{{300}, {}}),
		entity.NewColumnInt32Array("i32", [][]int32{{}, {7}}),
		entity.NewColumnInt64Array("i64", [][]int64{{1 << 40}, {5, 6}}),
		entity.NewColumnFloatArray("f", [][]float32{{1.5}, {}}),
		entity.NewColumnDoubleArray("d", [][]float64{{}, {2.25}}),
		entity.NewColumnVarCharArray("s", [][][]byte{{[]byte("ab"), []byte("")}, {[]byte("xyz")}}),
	}
	if _, err := c.Insert(ctx, "arrays", "", cols...); err != nil {
		t.Fatal(err)
	}
	// A row over max_capacity is refused naming field and row; a wrong column type too.
	over := append([]entity.Column{}, cols...)
	over[0] = entity.NewColumnInt64("id", []int64{3, 4})
	over[3] = entity.NewColumnInt8Array("i8", [][]int8{{}, {1, 2, 3, 4}})
	if _, err := c.Insert(ctx, "arrays", "", over...); !errors.Is(err, client.ErrInvalidValue) || !strings.Contains(err.Error(), "field `i8` row 1") {
		t.Fatalf("over capacity: %v", err)
	}
	for _, flush := range []bool{false, true} {
		if flush {
			if err := c.Flush(ctx, "arrays", false); err != nil {
				t.Fatal(err)
			}
		}
		rs, err := c.Query(ctx, "arrays", nil, "id > 0", []string{"*"})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range cols[2:] {
			got := rs.GetColumn(want.Name())
			if got == nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("column %s: got %#v, want %#v", want.Name(), got, want)
			}
		}
		for expr, want := range map[string][]int64{
			"array_contains(i8, -128)":        {1},
			"array_length(i8) == 3":           {2},
			"s[0] == 'xyz'":                   {2},
			"array_contains_any(i64, [5, 9])": {2},
			"b[0]":                            {1},
			"d == [2.25]":                     {2},
		} {
			rs, err := c.Query(ctx, "arrays", nil, expr, []string{"id"})
			if err != nil {
				t.Fatal(expr, err)
			}
			got := append([]int64{}, rs.GetColumn("id").(*entity.ColumnInt64).Data()...)
			sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %v, want %v", expr, got, want)
			}
		}
	}
}
