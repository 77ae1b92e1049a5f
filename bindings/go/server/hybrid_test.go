package main

import (
	"strings"
	"testing"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"

	"github.com/veclite/veclite/bindings/go/client"
)

func rankKVs(kv ...string) []*commonpb.KeyValuePair {
	var out []*commonpb.KeyValuePair
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, &commonpb.KeyValuePair{Key: kv[i], Value: kv[i+1]})
	}
	return out
}

func TestParseRankReadsWhatPymilvusSends(t *testing.T) {
	rr, st := parseRank(rankKVs("strategy", "rrf", "params", `{"k": 30}`, "limit", "7", "round_decimal", "3", "offset", "2"))
	if st != nil {
		t.Fatal(st)
	}
	if rr.limit != 7 || rr.offset != 2 || rr.roundDecimal != 3 {
		t.Fatalf("limit/offset/round_decimal = %d/%d/%d", rr.limit, rr.offset, rr.roundDecimal)
	}
	if got := rr.reranker.GetParams()[1].Value; got != `{"k":30}` {
		t.Fatalf("rrf params %s", got)
	}
	rr, st = parseRank(rankKVs("strategy", "weighted", "params", `{"weights": [0.7, 0.3], "norm_score": false}`, "limit", "5"))
	if st != nil {
		t.Fatal(st)
	}
	if got := rr.reranker.GetParams()[1].Value; got != `{"weights":[0.7,0.3]}` {
		t.Fatalf("weighted params %s", got)
	}
	if _, ok := rr.reranker.(client.Reranker); !ok {
		t.Fatal("not a reranker")
	}
}

func TestParseRankRefusesWhatItWouldIgnore(t *testing.T) {
	for _, c := range []struct {
		kvs  []*commonpb.KeyValuePair
		code int32
		says string
	}{
		{rankKVs("strategy", "rrf", "params", `{"k": 60}`), codeParameterInvalid, "limit"},
		{rankKVs("strategy", "rrf", "params", `{"k": 60}`, "limit", "0"), codeParameterInvalid, "limit"},
		{rankKVs("strategy", "rrf", "params", `{"k": 60, "weights": [1]}`, "limit", "3"), codeParameterInvalid, "k only"},
		{rankKVs("strategy", "rrf", "params", `{"kk": 60}`, "limit", "3"), codeParameterInvalid, "kk"},
		{rankKVs("strategy", "decay", "limit", "3"), codeOperationUnsupported, "decay"},
		{rankKVs("strategy", "rrf", "limit", "3", "group_by_field", "tag"), codeOperationUnsupported, "group_by_field"},
		{rankKVs("strategy", "rrf", "limit", "3", "round_decimal", "9"), codeParameterInvalid, "round_decimal"},
	} {
		_, st := parseRank(c.kvs)
		if st == nil || st.GetCode() != c.code || !strings.Contains(st.GetReason(), c.says) {
			t.Errorf("parseRank(%v) = %v, want code %d saying %q", c.kvs, st, c.code, c.says)
		}
	}
}

func TestTemplateValuesRender(t *testing.T) {
	got, st := renderExpr("n > {lo} and x < {f} and tag in {tags} and ok == {b}", map[string]*schemapb.TemplateValue{
		"lo": {Val: &schemapb.TemplateValue_Int64Val{Int64Val: 3}},
		"f":  {Val: &schemapb.TemplateValue_FloatVal{FloatVal: 2}},
		"tags": {Val: &schemapb.TemplateValue_ArrayVal{ArrayVal: &schemapb.TemplateArrayValue{
			Data: &schemapb.TemplateArrayValue_StringData{StringData: &schemapb.StringArray{Data: []string{"a", `b"`}}}}}},
		"b": {Val: &schemapb.TemplateValue_BoolVal{BoolVal: true}},
	})
	if st != nil {
		t.Fatal(st)
	}
	if want := `n > 3 and x < 2.0 and tag in ["a", "b\""] and ok == true`; got != want {
		t.Fatalf("rendered %q, want %q", got, want)
	}
	if _, st := renderExpr("n > {lo}", map[string]*schemapb.TemplateValue{"hi": {Val: &schemapb.TemplateValue_Int64Val{Int64Val: 1}}}); st == nil ||
		st.GetCode() != codeParameterInvalid {
		t.Fatalf("an unused value: %v", st)
	}
}
