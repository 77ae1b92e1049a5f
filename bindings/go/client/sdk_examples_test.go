package client_test

// Programs in the style of milvus-sdk-go's examples (hello_milvus, query, varchar_pk, basic),
// written against the mirrored API with only the import paths and Address changed, and with
// their printed values asserted.

import (
	"context"
	"errors"
	"math/rand"
	"testing"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

func TestHelloMilvus(t *testing.T) {
	const (
		collectionName                 = "hello_milvus"
		dim                            = 128
		idCol, randomCol, embeddingCol = "ID", "random", "embeddings"
		nEntities                      = 3000
		topK                           = 3
	)
	ctx := context.Background()
	c, err := client.NewClient(ctx, client.Config{Address: t.TempDir()})
	if err != nil {
		t.Fatal("failed to connect to milvus:", err)
	}
	defer c.Close()

	has, err := c.HasCollection(ctx, collectionName)
	if err != nil || has {
		t.Fatal("has collection", has, err)
	}
	schema := entity.NewSchema().WithName(collectionName).WithDescription("hello_milvus is the simplest demo to introduce the APIs").
		WithField(entity.NewField().WithName(idCol).WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true).WithIsAutoID(false)).
		WithField(entity.NewField().WithName(randomCol).WithDataType(entity.FieldTypeDouble)).
		WithField(entity.NewField().WithName(embeddingCol).WithDataType(entity.FieldTypeFloatVector).WithDim(dim))
	if err := c.CreateCollection(ctx, schema, entity.DefaultShardNumber); err != nil {
		t.Fatal("create collection failed:", err)
	}

	idList, randomList := make([]int64, 0, nEntities), make([]float64, 0, nEntities)
	embeddingList := make([][]float32, 0, nEntities)
	rng := rand.New(rand.NewSource(42))
	for i := 0; i < nEntities; i++ {
		idList = append(idList, int64(i))
		randomList = append(randomList, rng.Float64())
		vec := make([]float32, 0, dim)
		for j := 0; j < dim; j++ {
			vec = append(vec, rng.Float32())
		}
		embeddingList = append(embeddingList, vec)
	}
	idColData := entity.NewColumnInt64(idCol, idList)
	randomColData := entity.NewColumnDouble(randomCol, randomList)
	embeddingColData := entity.NewColumnFloatVector(embeddingCol, dim, embeddingList)
	ids, err := c.Insert(ctx, collectionName, "", idColData, randomColData, embeddingColData)
	if err != nil {
		t.Fatal("failed to insert data:", err)
	}
	if ids.Len() != nEntities || ids.Name() != idCol {
		t.Fatalf("insert returned %d ids named %q", ids.Len(), ids.Name())
	}
	if err := c.Flush(ctx, collectionName, false); err != nil {
		t.Fatal("failed to flush data:", err)
	}

	idx, err := entity.NewIndexFlat(entity.L2)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateIndex(ctx, collectionName, embeddingCol, idx, false); err != nil {
		t.Fatal("failed to create index:", err)
	}
	if err := c.LoadCollection(ctx, collectionName, false); err != nil {
		t.Fatal("failed to load collection:", err)
	}

	vec2search := []entity.Vector{
		entity.FloatVector(embeddingList[len(embeddingList)-2]),
		entity.FloatVector(embeddingList[len(embeddingList)-1]),
	}
	sp, _ := entity.NewIndexFlatSearchParam()
	sRet, err := c.Search(ctx, collectionName, nil, "", []string{randomCol}, vec2search,
		embeddingCol, entity.L2, topK, sp)
	if err != nil {
		t.Fatal("failed to search collection:", err)
	}
	if len(sRet) != 2 {
		t.Fatalf("%d results", len(sRet))
	}
	for q, res := range sRet {
		var randCol *entity.ColumnDouble
		for _, field := range res.Fields {
			if field.Name() == randomCol {
				c, ok := field.(*entity.ColumnDouble)
				if ok {
					randCol = c
				}
			}
		}
		if res.ResultCount != topK || randCol == nil || randCol.Len() != topK {
			t.Fatalf("query %d: %d hits, random column %v", q, res.ResultCount, randCol)
		}
		pk, _ := res.IDs.(*entity.ColumnInt64).ValueByIdx(0)
		if want := int64(nEntities - 2 + q); pk != want || res.Scores[0] != 0 {
			t.Fatalf("query %d: best hit %d (score %v), want %d at 0", q, pk, res.Scores[0], want)
		}
		r, _ := randCol.ValueByIdx(0)
		if r != randomList[pk] {
			t.Fatalf("random of %d: %v, want %v", pk, r, randomList[pk])
		}
	}

	// Search with a filter: every hit satisfies it.
	sRet, err = c.Search(ctx, collectionName, nil, "random > 0.5", []string{randomCol}, vec2search,
		embeddingCol, entity.L2, topK, sp)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range sRet {
		col := res.Fields.GetColumn(randomCol)
		for i := 0; i < res.ResultCount; i++ {
			v, _ := col.GetAsDouble(i)
			if v <= 0.5 {
				t.Fatalf("hit %d has random %v", i, v)
			}
		}
	}

	pks := entity.NewColumnInt64(idCol, []int64{0, 1})
	qRet, err := c.QueryByPks(ctx, collectionName, nil, pks, []string{randomCol})
	if err != nil {
		t.Fatal("failed to query result:", err)
	}
	if len(qRet) != 2 || qRet.Len() != 2 {
		t.Fatalf("query returned %d columns of %d rows", len(qRet), qRet.Len())
	}
	for _, col := range qRet {
		if col.Name() == idCol {
			pkColumn := col.(*entity.ColumnInt64)
			if pkColumn.Data()[0] != 0 || pkColumn.Data()[1] != 1 {
				t.Fatal("pks", pkColumn.Data())
			}
			continue
		}
		c := col.(*entity.ColumnDouble)
		if c.Data()[0] != randomList[0] || c.Data()[1] != randomList[1] {
			t.Fatal("random", c.Data())
		}
	}

	if err := c.DeleteByPks(ctx, collectionName, "", pks); err != nil {
		t.Fatal("failed to delete by pks:", err)
	}
	qRet, err = c.QueryByPks(ctx, collectionName, nil, pks, []string{randomCol},
		client.WithSearchQueryConsistencyLevel(entity.ClStrong))
	if err != nil || qRet.Len() != 0 {
		t.Fatalf("query after delete: %d rows, %v", qRet.Len(), err)
	}
	stats, err := c.GetCollectionStatistics(ctx, collectionName)
	if err != nil || stats["row_count"] != "2998" {
		t.Fatal("stats", stats, err)
	}
	if err := c.DropCollection(ctx, collectionName); err != nil {
		t.Fatal("failed to drop collection:", err)
	}
	if has, _ := c.HasCollection(ctx, collectionName); has {
		t.Fatal("collection survived drop")
	}
}

func TestQueryExample(t *testing.T) {
	const collectionName, dim = "query_example", 8
	ctx := context.Background()
	c, err := client.NewClient(ctx, client.Config{Address: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	schema := &entity.Schema{
		CollectionName: collectionName, Description: "this is the example collection for query",
		Fields: []*entity.Field{
			{Name: "ID", DataType: entity.FieldTypeInt64, PrimaryKey: true},
			{Name: "Year", DataType: entity.FieldTypeInt32},
			{Name: "random", DataType: entity.FieldTypeDouble},
			{Name: "Vector", DataType: entity.FieldTypeFloatVector, TypeParams: map[string]string{entity.TypeParamDim: "8"}},
		},
	}
	if err := c.CreateCollection(ctx, schema, entity.DefaultShardNumber, client.WithConsistencyLevel(entity.ClBounded)); err != nil {
		t.Fatal(err)
	}
	idx, _ := entity.NewIndexFlat(entity.L2)
	if err := c.CreateIndex(ctx, collectionName, "Vector", idx, false); err != nil { // before any data
		t.Fatal(err)
	}
	n := 100
	ids, years, randoms, vecs := make([]int64, n), make([]int32, n), make([]float64, n), make([][]float32, n)
	for i := range n {
		ids[i], years[i], randoms[i] = int64(i), int32(1990+i%30), float64(i)/100
		vecs[i] = make([]float32, dim)
		vecs[i][0] = float32(i)
	}
	if _, err := c.Insert(ctx, collectionName, "", entity.NewColumnInt64("ID", ids), entity.NewColumnInt32("Year", years),
		entity.NewColumnDouble("random", randoms), entity.NewColumnFloatVector("Vector", dim, vecs)); err != nil {
		t.Fatal(err)
	}
	if err := c.LoadCollection(ctx, collectionName, false); err != nil {
		t.Fatal(err)
	}
	rs, err := c.Query(ctx, collectionName, []string{}, "ID in [0, 1, 2]", []string{"ID", "Year", "random"})
	if err != nil {
		t.Fatal(err)
	}
	idc, yc, rc := rs.GetColumn("ID"), rs.GetColumn("Year"), rs.GetColumn("random")
	if rs.Len() != 3 || idc == nil || yc == nil || rc == nil {
		t.Fatalf("query: %d rows, columns %v", rs.Len(), rs)
	}
	for i := range 3 {
		id, err1 := idc.GetAsInt64(i)
		y, err2 := yc.GetAsInt64(i)
		r, err3 := rc.GetAsDouble(i)
		if err1 != nil || err2 != nil || err3 != nil || y != int64(years[id]) || r != randoms[id] {
			t.Fatalf("row %d: %d %d %v (%v %v %v)", i, id, y, r, err1, err2, err3)
		}
	}
	if _, err := yc.GetAsString(0); err == nil {
		t.Fatal("Int32 column converted to string")
	}
	// WithLimit / WithOffset page through rows.
	rs, err = c.Query(ctx, collectionName, nil, "Year >= 2000", []string{"Year"}, client.WithLimit(5), client.WithOffset(2))
	if err != nil || rs.Len() != 5 {
		t.Fatalf("paged query: %d rows, %v", rs.Len(), err)
	}
	got, err := c.Get(ctx, collectionName, entity.NewColumnInt64("ID", []int64{5, 99, 1000}), client.GetWithOutputFields("random"))
	if err != nil || got.Len() != 2 || len(got) != 2 {
		t.Fatalf("get: %v %v", got, err)
	}
	got, err = c.Get(ctx, collectionName, entity.NewColumnInt64("ID", []int64{5}))
	if err != nil || len(got) != 4 {
		t.Fatalf("get all fields: %d columns, %v", len(got), err)
	}
	v := got.GetColumn("Vector").(*entity.ColumnFloatVector)
	if v.Dim() != dim || v.Data()[0][0] != 5 {
		t.Fatalf("vector %v", v.Data())
	}
	coll, err := c.DescribeCollection(ctx, collectionName)
	if err != nil || coll.Schema.Description != schema.Description || coll.ConsistencyLevel != entity.ClBounded ||
		len(coll.Schema.Fields) != 4 || coll.Schema.PKFieldName() != "ID" || coll.Schema.Fields[3].TypeParams[entity.TypeParamDim] != "8" {
		t.Fatalf("describe: %+v %v", coll, err)
	}
}

func TestVarcharPK(t *testing.T) {
	const collectionName, dim = "varchar_pk", 8
	ctx := context.Background()
	c, err := client.NewClient(ctx, client.Config{Address: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	schema := &entity.Schema{
		CollectionName: collectionName,
		Fields: []*entity.Field{
			{Name: "ID", DataType: entity.FieldTypeVarChar, PrimaryKey: true, TypeParams: map[string]string{entity.TypeParamMaxLength: "10"}},
			{Name: "Year", DataType: entity.FieldTypeInt32},
			{Name: "Vector", DataType: entity.FieldTypeFloatVector, TypeParams: map[string]string{entity.TypeParamDim: "8"}},
		},
	}
	if err := c.CreateCollection(ctx, schema, 1); err != nil {
		t.Fatal(err)
	}
	n := 50
	ids, years, vecs := make([]string, n), make([]int32, n), make([][]float32, n)
	for i := range n {
		ids[i] = "id_" + string(rune('a'+i%26)) + string(rune('0'+i/26))
		years[i] = int32(2000 + i)
		vecs[i] = make([]float32, dim)
		for j := range dim {
			vecs[i][j] = float32(i * (j + 1))
		}
	}
	pks, err := c.Insert(ctx, collectionName, "", entity.NewColumnVarChar("ID", ids), entity.NewColumnInt32("Year", years),
		entity.NewColumnFloatVector("Vector", dim, vecs))
	if err != nil {
		t.Fatal(err)
	}
	if vc, ok := pks.(*entity.ColumnVarChar); !ok || vc.Data()[7] != ids[7] {
		t.Fatalf("insert returned %T", pks)
	}
	sp, _ := entity.NewIndexFlatSearchParam()
	sRet, err := c.Search(ctx, collectionName, []string{}, "Year > 2010", []string{"Year"},
		[]entity.Vector{entity.FloatVector(vecs[20])}, "Vector", entity.L2, 5, sp)
	if err != nil {
		t.Fatal(err)
	}
	idCol, ok := sRet[0].IDs.(*entity.ColumnVarChar)
	if !ok {
		t.Fatal("not varchar pk")
	}
	if v, _ := idCol.ValueByIdx(0); v != ids[20] || sRet[0].ResultCount != 5 {
		t.Fatalf("best hit %q, want %q", v, ids[20])
	}
	del := entity.NewColumnVarChar("ID", []string{ids[20], "nope"})
	if err := c.DeleteByPks(ctx, collectionName, "", del); err != nil {
		t.Fatal(err)
	}
	rs, err := c.QueryByPks(ctx, collectionName, nil, entity.NewColumnVarChar("ID", []string{ids[20], ids[21]}), []string{"Year"})
	if err != nil || rs.Len() != 1 {
		t.Fatalf("after delete: %d rows, %v", rs.Len(), err)
	}
	if s, _ := rs.GetColumn("ID").GetAsString(0); s != ids[21] {
		t.Fatal(s)
	}
	// Over max_length: nothing written.
	_, err = c.Insert(ctx, collectionName, "", entity.NewColumnVarChar("ID", []string{"much_too_long_key"}),
		entity.NewColumnInt32("Year", []int32{1}), entity.NewColumnFloatVector("Vector", dim, vecs[:1]))
	if !errors.Is(err, client.ErrInvalidValue) {
		t.Fatalf("long key: %v", err)
	}
}

func TestBasicDDLAndPartitions(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	createSeed(t, c, "basic")
	createSeed(t, c, "another")
	colls, err := c.ListCollections(ctx)
	if err != nil || len(colls) != 2 || colls[0].Name != "another" || colls[1].Name != "basic" {
		t.Fatalf("list: %v %v", colls, err)
	}
	if err := c.CreatePartition(ctx, "basic", "p1"); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.HasPartition(ctx, "basic", "p1"); !ok || err != nil {
		t.Fatal("has partition", ok, err)
	}
	parts, err := c.ShowPartitions(ctx, "basic")
	if err != nil || len(parts) != 2 || parts[0].Name != "_default" || parts[1].Name != "p1" {
		t.Fatalf("partitions %v %v", parts, err)
	}
	// Upsert moves a key between partitions; it stays unique in the collection.
	if _, err := c.Upsert(ctx, "basic", "p1", seedColumns(0, 10, 0)...); err != nil {
		t.Fatal(err)
	}
	r, err := c.UpsertWithResult(ctx, "basic", "", seedColumns(5, 10, 1)...)
	if err != nil || r.DeleteCount != 5 || r.InsertCount != 10 {
		t.Fatalf("upsert: %+v %v", r, err)
	}
	if n, _ := c.Count(ctx, "basic", "", "p1"); n != 5 {
		t.Fatalf("p1 holds %d", n)
	}
	rs, err := c.Query(ctx, "basic", []string{"p1"}, "", []string{"count(*)"})
	if n, _ := rs.GetColumn("count(*)").GetAsInt64(0); err != nil || n != 5 {
		t.Fatalf("count(*) %d %v", n, err)
	}
	d, err := c.DeleteWithResult(ctx, "basic", "p1", "ID >= 0")
	if err != nil || d.DeleteCount != 5 {
		t.Fatalf("delete %+v %v", d, err)
	}
	if err := c.DropPartition(ctx, "basic", "p1"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.HasPartition(ctx, "basic", "p1"); ok {
		t.Fatal("partition survived drop")
	}
	if err := c.ReleaseCollection(ctx, "basic"); err != nil {
		t.Fatal(err)
	}
	if err := c.Compact(ctx, "basic"); err != nil {
		t.Fatal(err)
	}
}

func TestNewCollectionQuickSetup(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	if err := c.NewCollection(ctx, "quick", 4); err != nil {
		t.Fatal(err)
	}
	idx, err := c.DescribeIndex(ctx, "quick", "vector")
	if err != nil || len(idx) != 1 || idx[0].IndexType() != entity.Flat || idx[0].Params()["metric_type"] != "IP" {
		t.Fatalf("index %v %v", idx, err)
	}
	if _, err := c.Insert(ctx, "quick", "", entity.NewColumnInt64("id", []int64{1}),
		entity.NewColumnFloatVector("vector", 4, [][]float32{{1, 0, 0, 0}})); err != nil {
		t.Fatal(err)
	}
}
