package client_test

// milvus-sdk-go's examples/index program against the mirrored API: only the import paths and
// Address changed, the films generated instead of read from the SDK's CSV file, and the
// printed values asserted. It indexes the vector field with IVF_FLAT and the Year field with
// entity.NewScalarIndex(), then runs a filtered search.

import (
	"context"
	"math/rand"
	"testing"
	"time"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

type exampleFilm struct {
	ID     int64
	Title  string
	Year   int32
	Vector [8]float32
}

func exampleFilms(n int) []exampleFilm {
	rng := rand.New(rand.NewSource(7))
	films := make([]exampleFilm, n)
	for i := range films {
		films[i] = exampleFilm{ID: int64(i), Title: "film", Year: int32(1920 + rng.Intn(100))}
		for j := range films[i].Vector {
			films[i].Vector[j] = rng.Float32()
		}
	}
	return films
}

func TestIndexExample(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := client.NewClient(ctx, client.Config{Address: t.TempDir()})
	if err != nil {
		t.Fatal("failed to connect to milvus:", err.Error())
	}
	defer c.Close()

	collectionName := `gosdk_index_example`
	has, err := c.HasCollection(ctx, collectionName)
	if err != nil {
		t.Fatal("failed to check whether collection exists:", err.Error())
	}
	if has {
		_ = c.DropCollection(ctx, collectionName)
	}
	schema := entity.NewSchema().WithName(collectionName).WithDescription("this is the example collection for indexing").
		WithField(entity.NewField().WithName("ID").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("Year").WithDataType(entity.FieldTypeInt32)).
		WithField(entity.NewField().WithName("Vector").WithDataType(entity.FieldTypeFloatVector).WithDim(8))
	if err := c.CreateCollection(ctx, schema, entity.DefaultShardNumber); err != nil {
		t.Fatal("failed to create collection:", err.Error())
	}

	films := exampleFilms(1000)
	ids := make([]int64, 0, len(films))
	years := make([]int32, 0, len(films))
	vectors := make([][]float32, 0, len(films))
	yearOf := make(map[int64]int32)
	for idx, film := range films {
		ids = append(ids, film.ID)
		yearOf[film.ID] = film.Year
		years = append(years, film.Year)
		vectors = append(vectors, films[idx].Vector[:])
	}
	idColumn := entity.NewColumnInt64("ID", ids)
	yearColumn := entity.NewColumnInt32("Year", years)
	vectorColumn := entity.NewColumnFloatVector("Vector", 8, vectors)
	if _, err := c.Insert(ctx, collectionName, "", idColumn, yearColumn, vectorColumn); err != nil {
		t.Fatal("failed to insert film data:", err.Error())
	}
	ctx, cancel = context.WithTimeout(context.Background(), time.Second*120)
	defer cancel()
	if err := c.Flush(ctx, collectionName, false); err != nil {
		t.Fatal("failed to flush collection:", err.Error())
	}
	idx, err := entity.NewIndexIvfFlat(entity.L2, 2)
	if err != nil {
		t.Fatal("fail to create ivf flat index:", err.Error())
	}
	if err := c.CreateIndex(ctx, collectionName, "Vector", idx, false); err != nil {
		t.Fatal("fail to create index:", err.Error())
	}
	sidx := entity.NewScalarIndex()
	if err := c.CreateIndex(ctx, collectionName, "Year", sidx, false); err != nil {
		t.Fatal("failed to create scalar index", err.Error())
	}
	if err := c.LoadCollection(ctx, collectionName, false); err != nil {
		t.Fatal("failed to load collection:", err.Error())
	}

	search := func() []int64 {
		vector := entity.FloatVector(films[0].Vector[:])
		sp, _ := entity.NewIndexFlatSearchParam()
		sr, err := c.Search(ctx, collectionName, []string{}, "Year > 1990", []string{"ID"}, []entity.Vector{vector}, "Vector",
			entity.L2, 10, sp)
		if err != nil {
			t.Fatal("fail to search collection:", err.Error())
		}
		if len(sr) != 1 || sr[0].ResultCount != 10 {
			t.Fatalf("search results: %+v", sr)
		}
		var got []int64
		for _, result := range sr {
			idColumn, ok := result.Fields.GetColumn("ID").(*entity.ColumnInt64)
			if !ok {
				t.Fatal("result field not math")
			}
			for i := 0; i < result.ResultCount; i++ {
				id, err := idColumn.ValueByIdx(i)
				if err != nil {
					t.Fatal(err.Error())
				}
				if yearOf[id] <= 1990 || (i > 0 && result.Scores[i] < result.Scores[i-1]) {
					t.Fatalf("hit %d: film %d of %d, score %v", i, id, yearOf[id], result.Scores)
				}
				got = append(got, id)
			}
		}
		return got
	}
	indexed := search()
	described, err := c.DescribeIndex(ctx, collectionName, "Year")
	if err != nil || len(described) != 1 || described[0].IndexType() != entity.Inverted {
		t.Fatalf("scalar index: %v %v", described, err)
	}
	if err := c.DropIndex(ctx, collectionName, "Year"); err != nil {
		t.Fatal(err)
	}
	if scanned := search(); len(scanned) != len(indexed) || scanned[0] != indexed[0] {
		t.Fatalf("with the scalar index %v, without %v", indexed, scanned)
	}
	_ = c.DropCollection(ctx, collectionName)
}
