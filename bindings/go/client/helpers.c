#include "helpers.h"

void vl_mr_read(const veclite_mutation_result *r, vl_mr *s) {
	s->insert_count = veclite_mutation_result_insert_count(r);
	s->delete_count = veclite_mutation_result_delete_count(r);
	s->upsert_count = veclite_mutation_result_upsert_count(r);
	s->succ_count = veclite_mutation_result_succ_count(r);
	s->err_count = veclite_mutation_result_err_count(r);
	s->timestamp = veclite_mutation_result_timestamp(r);
	veclite_mutation_result_succ_index(r, &s->succ, &s->succ_len);
	veclite_mutation_result_err_index(r, &s->errs, &s->err_len);
	s->keys = veclite_mutation_result_primary_keys(r);
}

veclite_status vl_col_read(const veclite_column *c, vl_col *out, veclite_error **err) {
	veclite_column_name(c, &out->name, &out->name_len);
	out->type = veclite_column_type(c);
	out->len = veclite_column_len(c);
	out->data = NULL;
	out->dim = 0;
	size_t n = 0;
	switch (out->type) {
	case VECLITE_FIELD_BOOL: return veclite_column_bool_data(c, (const uint8_t **)&out->data, &n, err);
	case VECLITE_FIELD_INT8: return veclite_column_int8_data(c, (const int8_t **)&out->data, &n, err);
	case VECLITE_FIELD_INT16: return veclite_column_int16_data(c, (const int16_t **)&out->data, &n, err);
	case VECLITE_FIELD_INT32: return veclite_column_int32_data(c, (const int32_t **)&out->data, &n, err);
	case VECLITE_FIELD_INT64: return veclite_column_int64_data(c, (const int64_t **)&out->data, &n, err);
	case VECLITE_FIELD_FLOAT: return veclite_column_float_data(c, (const float **)&out->data, &n, err);
	case VECLITE_FIELD_DOUBLE: return veclite_column_double_data(c, (const double **)&out->data, &n, err);
	case VECLITE_FIELD_FLOAT_VECTOR:
		return veclite_column_float_vector_data(c, (const float **)&out->data, &n, &out->dim, err);
	default: return VECLITE_STATUS_OK;
	}
}

// Every string of a VarChar column as (ptr, len) pairs, in one crossing. ptrs and lens hold n.
veclite_status vl_varchar_read(const veclite_column *c, size_t n, const uint8_t **ptrs, size_t *lens,
                                      veclite_error **err) {
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = NULL;
		size_t l = 0;
		veclite_status st = veclite_column_varchar_value(c, i, &p, &l, err);
		if (st != VECLITE_STATUS_OK) return st;
		ptrs[i] = p;
		lens[i] = l;
	}
	return VECLITE_STATUS_OK;
}

void vl_hits_read(const veclite_search_result *r, size_t q, vl_hits *h) {
	h->count = veclite_search_result_count(r, q);
	h->ids = veclite_search_result_ids(r, q);
	veclite_search_result_scores(r, q, &h->scores, &h->scores_len);
	h->fields = veclite_search_result_fields(r, q);
}

// The columns of a result, in one crossing (cols holds n).
void vl_result_columns(const veclite_result *r, size_t n, const veclite_column **cols) {
	for (size_t i = 0; i < n; i++) cols[i] = veclite_result_column(r, i);
}
