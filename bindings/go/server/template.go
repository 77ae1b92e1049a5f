package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"

	"github.com/veclite/veclite/bindings/go/client"
)

// renderExpr is expr with its expression template's placeholders (pymilvus's filter_params,
// sent as expr_template_values) replaced by their values; expr itself when there are none.
func renderExpr(expr string, values map[string]*schemapb.TemplateValue) (string, *commonpb.Status) {
	if len(values) == 0 {
		return expr, nil
	}
	obj := make(map[string]json.RawMessage, len(values))
	for name, v := range values {
		raw, err := templateJSON(v)
		if err != nil {
			return "", invalid(fmt.Sprintf("expr_template_values %q: %v", name, err))
		}
		obj[name] = raw
	}
	params, err := json.Marshal(obj)
	if err != nil {
		return "", invalid("expr_template_values: " + err.Error())
	}
	rendered, err := client.RenderFilter(expr, params)
	if err != nil {
		return "", errStatus(err)
	}
	return rendered, nil
}

// templateJSON is one template value as JSON, floats written with a fraction or exponent so
// that they stay floats.
func templateJSON(v *schemapb.TemplateValue) (json.RawMessage, error) {
	switch val := v.GetVal().(type) {
	case *schemapb.TemplateValue_BoolVal:
		return json.Marshal(val.BoolVal)
	case *schemapb.TemplateValue_Int64Val:
		return json.Marshal(val.Int64Val)
	case *schemapb.TemplateValue_FloatVal:
		return floatJSON(val.FloatVal)
	case *schemapb.TemplateValue_StringVal:
		return json.Marshal(val.StringVal)
	case *schemapb.TemplateValue_ArrayVal:
		return templateArrayJSON(val.ArrayVal)
	}
	return nil, fmt.Errorf("a value of type %T (veclite takes booleans, numbers, strings and arrays of those)", v.GetVal())
}

// templateArrayJSON is an array template value as a JSON array.
func templateArrayJSON(a *schemapb.TemplateArrayValue) (json.RawMessage, error) {
	switch d := a.GetData().(type) {
	case *schemapb.TemplateArrayValue_BoolData:
		return json.Marshal(d.BoolData.GetData())
	case *schemapb.TemplateArrayValue_LongData:
		return json.Marshal(d.LongData.GetData())
	case *schemapb.TemplateArrayValue_StringData:
		return json.Marshal(d.StringData.GetData())
	case *schemapb.TemplateArrayValue_DoubleData:
		items := make([]json.RawMessage, len(d.DoubleData.GetData()))
		for i, f := range d.DoubleData.GetData() {
			raw, err := floatJSON(f)
			if err != nil {
				return nil, err
			}
			items[i] = raw
		}
		return json.Marshal(items)
	}
	return nil, fmt.Errorf("an array of type %T (veclite takes arrays of booleans, numbers and strings)", a.GetData())
}

// floatJSON writes f so that it reads back as a float.
func floatJSON(f float64) (json.RawMessage, error) {
	raw, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	if !strings.ContainsAny(string(raw), ".eE") {
		raw = append(raw, ".0"...)
	}
	return raw, nil
}
