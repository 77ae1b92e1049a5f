package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/milvus-io/milvus-proto/go-api/v2/commonpb"

	"github.com/veclite/veclite/bindings/go/client"
)

// parseGroupSize reads a grouping search's group_size and strict_group_size (pymilvus sends
// them JSON-encoded: 3, true).
func (sr *searchRequest) parseGroupSize(kv map[string]string) *commonpb.Status {
	if v := kv["group_size"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return invalid(fmt.Sprintf("group_size %q must be a positive integer", v))
		}
		if sr.groupBy == "" && n != 1 {
			return invalid("group_size " + v + " needs group_by_field")
		}
		sr.groupSize = n
	}
	if v := kv["strict_group_size"]; v != "" {
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			return invalid(fmt.Sprintf("strict_group_size %q must be true or false", v))
		}
		sr.strictGroup = b
	}
	return nil
}

// groupOptions are the engine's options for the request's grouping (none without
// group_by_field).
func (sr *searchRequest) groupOptions() []client.SearchQueryOptionFunc {
	if sr.groupBy == "" {
		return nil
	}
	opts := []client.SearchQueryOptionFunc{client.WithGroupByField(sr.groupBy)}
	if sr.groupSize > 0 {
		opts = append(opts, client.WithVecliteGroupSize(sr.groupSize))
	}
	if sr.strictGroup {
		opts = append(opts, client.WithVecliteStrictGroupSize(true))
	}
	return opts
}
