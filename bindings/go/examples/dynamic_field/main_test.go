package main

import (
	"bytes"
	"context"
	"testing"
)

const wantOutput = `collection dynamic_example, dynamic fields enabled: true
  field id     Int64       dynamic=false
  field vector FloatVector dynamic=false
  field $meta  JSON        dynamic=true
query color == "red" and count >= 0:
  id=0 color=red count=0
  id=3 color=red count=30
query color == "red", output $meta:
  id=0 $meta={"color":"red","count":0}
  id=3 $meta={"color":"red","count":30}
  id=100 $meta={"color":"red","tags":["new"]}
search near id 2 with count > 15:
  id=2 distance=0 color=blue
  id=3 distance=1 color=red
  id=4 distance=4 color=green
`

func TestDynamicFieldExampleOutput(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), t.TempDir(), &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != wantOutput {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), wantOutput)
	}
}
