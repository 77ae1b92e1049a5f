/* C helpers of the Go package: each reads or builds in one cgo crossing what would
 * otherwise take one crossing per field or row. */
#ifndef VECLITE_GO_HELPERS_H
#define VECLITE_GO_HELPERS_H
#include <stdint.h>
#include <stdlib.h>
#include "veclite.h"

// Everything Go needs from a mutation result, read in one crossing.
typedef struct {
	uint64_t insert_count, delete_count, upsert_count, succ_count, err_count, timestamp;
	const uint64_t *succ;
	size_t succ_len;
	const uint64_t *errs;
	size_t err_len;
	const veclite_column *keys;
} vl_mr;

// A column's name, type, length and (for fixed-width types) data, read in one crossing.
typedef struct {
	const uint8_t *name;
	size_t name_len;
	uint32_t type;
	size_t len;
	const void *data;
	size_t dim;
} vl_col;

// Hits of query q of a search result, in one crossing.
typedef struct {
	size_t count;
	const veclite_column *ids;
	const float *scores;
	size_t scores_len;
	const veclite_result *fields;
} vl_hits;

void vl_mr_read(const veclite_mutation_result *r, vl_mr *s);
veclite_status vl_col_read(const veclite_column *c, vl_col *out, veclite_error **err);
// Every string of a VarChar column as (ptr, len) pairs, in one crossing. ptrs and lens hold n.
veclite_status vl_varchar_read(const veclite_column *c, size_t n, const uint8_t **ptrs, size_t *lens,
                                      veclite_error **err);
void vl_hits_read(const veclite_search_result *r, size_t q, vl_hits *h);
// The columns of a result, in one crossing (cols holds n).
void vl_result_columns(const veclite_result *r, size_t n, const veclite_column **cols);

#endif
