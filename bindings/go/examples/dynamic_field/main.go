// Command dynamic_field shows dynamic fields in the style of milvus-sdk-go's dynamic_schema
// example: a collection created with dynamic fields on takes columns that are not in its schema
// ("color", "count"), keeps them per row in the JSON field `$meta`, and filters and returns them
// by name. It prints deterministic output (checked by main_test.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/veclite/veclite/bindings/go/client"
	"github.com/veclite/veclite/bindings/go/entity"
)

const (
	collectionName = "dynamic_example"
	dim            = 4
	nEntities      = 6
)

func main() {
	dir := flag.String("dir", "./veclite_dynamic_db", "database directory (created if missing)")
	flag.Parse()
	if err := run(context.Background(), *dir, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run creates the collection in dir (replacing it), writes the rows, and prints the reads to w.
func run(ctx context.Context, dir string, w io.Writer) error {
	c, err := client.NewClient(ctx, client.Config{Address: dir})
	if err != nil {
		return fmt.Errorf("failed to open veclite: %w", err)
	}
	defer c.Close()
	if has, err := c.HasCollection(ctx, collectionName); err != nil {
		return err
	} else if has {
		if err := c.DropCollection(ctx, collectionName); err != nil {
			return err
		}
	}

	schema := entity.NewSchema().WithName(collectionName).WithDescription("dynamic field example").
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("vector").WithDataType(entity.FieldTypeFloatVector).WithDim(dim))
	if err := c.CreateCollection(ctx, schema, entity.DefaultShardNumber, client.WithEnableDynamicSchema(true)); err != nil {
		return fmt.Errorf("create collection failed: %w", err)
	}
	coll, err := c.DescribeCollection(ctx, collectionName)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "collection %s, dynamic fields enabled: %v\n", coll.Name, coll.Schema.EnableDynamicField)
	for _, f := range coll.Schema.Fields {
		fmt.Fprintf(w, "  field %-6s %-11s dynamic=%v\n", f.Name, f.DataType, f.IsDynamic)
	}

	// "color" and "count" are not in the schema: they go into each row's `$meta`.
	ids, vectors := make([]int64, nEntities), make([][]float32, nEntities)
	colors, counts := make([]string, nEntities), make([]int64, nEntities)
	palette := []string{"red", "green", "blue"}
	for i := range nEntities {
		ids[i] = int64(i)
		vectors[i] = []float32{float32(i), 1, 0, 0}
		colors[i] = palette[i%len(palette)]
		counts[i] = int64(i * 10)
	}
	if _, err := c.Insert(ctx, collectionName, "",
		entity.NewColumnInt64("id", ids), entity.NewColumnFloatVector("vector", dim, vectors),
		entity.NewColumnVarChar("color", colors), entity.NewColumnInt64("count", counts)); err != nil {
		return fmt.Errorf("insert failed: %w", err)
	}
	// An explicit dynamic column: one JSON object per row.
	extra := entity.NewColumnJSONBytes("", [][]byte{[]byte(`{"color": "red", "tags": ["new"]}`)}).WithIsDynamic(true)
	if _, err := c.Insert(ctx, collectionName, "",
		entity.NewColumnInt64("id", []int64{100}), entity.NewColumnFloatVector("vector", dim, [][]float32{{9, 9, 9, 9}}),
		extra); err != nil {
		return fmt.Errorf("insert of the explicit dynamic column failed: %w", err)
	}

	// Filters read dynamic keys by name; output fields name them too.
	rs, err := c.Query(ctx, collectionName, nil, `color == "red" and count >= 0`, []string{"color", "count"})
	if err != nil {
		return fmt.Errorf("query failed: %w", err)
	}
	fmt.Fprintln(w, `query color == "red" and count >= 0:`)
	for i := range rs.GetColumn("id").Len() {
		id, _ := rs.GetColumn("id").GetAsInt64(i)
		color, _ := rs.GetColumn("color").GetAsString(i)
		count, _ := rs.GetColumn("count").GetAsInt64(i)
		fmt.Fprintf(w, "  id=%d color=%s count=%d\n", id, color, count)
	}
	// A row without the key does not match a comparison on it.
	rs, err = c.Query(ctx, collectionName, nil, `color == "red"`, []string{"$meta"})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, `query color == "red", output $meta:`)
	meta := rs.GetColumn("$meta").(*entity.ColumnJSONBytes)
	for i := range meta.Len() {
		id, _ := rs.GetColumn("id").GetAsInt64(i)
		fmt.Fprintf(w, "  id=%d $meta=%s\n", id, meta.Data()[i])
	}

	sp, _ := entity.NewIndexFlatSearchParam()
	res, err := c.Search(ctx, collectionName, nil, "count > 15", []string{"color"},
		[]entity.Vector{entity.FloatVector{2, 1, 0, 0}}, "vector", entity.L2, 3, sp)
	if err != nil {
		return fmt.Errorf("search failed: %w", err)
	}
	fmt.Fprintln(w, "search near id 2 with count > 15:")
	for i := range res[0].ResultCount {
		id, _ := res[0].IDs.GetAsInt64(i)
		color, _ := res[0].Fields.GetColumn("color").GetAsString(i)
		fmt.Fprintf(w, "  id=%d distance=%.0f color=%s\n", id, res[0].Scores[i], color)
	}
	return c.DropCollection(ctx, collectionName)
}
