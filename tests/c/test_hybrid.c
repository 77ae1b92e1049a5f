/* Hybrid search through the C ABI: a veclite_hybrid_request with two ANN requests on two vector
 * fields fused by RRF and by weighted scores, with filters, partitions, offset, output fields and
 * rounding; the errors of a bad request. Built with -std=c11 -Wall -Wextra -Werror -pedantic and
 * run under valgrind by tests/c/run.sh. */
#include "veclite.h"

#include <stdio.h>
#include <string.h>

static int passed = 0, failed = 0;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (cond) {                                                                    \
            passed++;                                                                  \
        } else {                                                                       \
            failed++;                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                              \
    } while (0)

#define S(str) (const uint8_t *)(str), strlen(str)

static veclite_error *last_err;
#define E (last_err = NULL, &last_err)

/* Expects `status` to be `want` and the error message to contain `needle`; frees the error. */
static void expect_error(veclite_status status, veclite_status want, const char *needle, int line) {
    veclite_error *err = last_err;
    if (status == want && err != NULL && strstr(veclite_error_message(err), needle) != NULL) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "line %d: expected %s containing \"%s\", got %s: %s\n", line,
                veclite_status_name((uint32_t)want), needle, veclite_status_name((uint32_t)status),
                err ? veclite_error_message(err) : "(no error object)");
    }
    veclite_error_free(err);
}
#define EXPECT_ERROR(call, want, needle) expect_error((call), want, needle, __LINE__)

static int close_to(float a, float b) { return a - b < 1e-5f && b - a < 1e-5f; }

/* Collection "multi": ID, tag, vector fields a and b (dim 2). Rows 1..3 in _default, row 4 in
 * partition "p":
 *   ID  a        b
 *   1   (1, 0)   (1, 0)
 *   2   (0, 1)   (0, 1)
 *   3   (.8, 0)  (0, .8)
 *   4   (5, 5)   (5, 5)
 * Against a query (1, 0) on a and (0, 1) on b with limit 2, a returns 1, 3 and b returns 2, 3. */
static void create_multi(veclite_db *db) {
    veclite_schema_builder *b = NULL;
    veclite_schema *schema = NULL;
    CHECK(veclite_schema_builder_new(S("multi"), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("ID"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PRIMARY_KEY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("tag"), VECLITE_FIELD_VARCHAR, 16, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("a"), VECLITE_FIELD_FLOAT_VECTOR, 2, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("b"), VECLITE_FIELD_FLOAT_VECTOR, 2, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_build(b, &schema, NULL) == VECLITE_STATUS_OK); /* consumes b */
    CHECK(veclite_create_collection(db, schema, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(schema);
    CHECK(veclite_create_partition(db, S("multi"), S("p"), NULL) == VECLITE_STATUS_OK);

    int64_t ids[] = {1, 2, 3, 4};
    const uint8_t *tags[] = {(const uint8_t *)"one", (const uint8_t *)"two", (const uint8_t *)"three",
                             (const uint8_t *)"four"};
    size_t tag_lens[] = {3, 3, 5, 4};
    float a[] = {1, 0, 0, 1, .8f, 0, 5, 5};
    float bv[] = {1, 0, 0, 1, 0, .8f, 5, 5};
    for (size_t part = 0; part < 2; part++) {
        size_t first = part == 0 ? 0 : 3, n = part == 0 ? 3 : 1;
        veclite_column *cols[4];
        CHECK(veclite_column_new_int64(S("ID"), ids + first, n, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
        CHECK(veclite_column_new_varchar(S("tag"), tags + first, tag_lens + first, n, NULL, &cols[1], NULL) ==
              VECLITE_STATUS_OK);
        CHECK(veclite_column_new_float_vector(S("a"), a + 2 * first, 2, n, &cols[2], NULL) == VECLITE_STATUS_OK);
        CHECK(veclite_column_new_float_vector(S("b"), bv + 2 * first, 2, n, &cols[3], NULL) == VECLITE_STATUS_OK);
        const char *partition = part == 0 ? "_default" : "p";
        veclite_mutation_result *mr = NULL;
        veclite_status st = veclite_insert(db, NULL, S("multi"), S(partition), (const veclite_column *const *)cols, 4,
                                           &mr, E);
        if (st != VECLITE_STATUS_OK) fprintf(stderr, "insert: %s\n", veclite_error_message(last_err));
        CHECK(st == VECLITE_STATUS_OK);
        veclite_error_free(last_err);
        veclite_mutation_result_free(mr);
        for (size_t i = 0; i < 4; i++) veclite_column_free(cols[i]);
    }
}

/* A hybrid request of the two ANN requests; request a filtered by `filter_a` (NULL = none). */
static veclite_hybrid_request *two_requests(const char *filter_a) {
    static const float qa[] = {1, 0}, qb[] = {0, 1};
    veclite_hybrid_request *h = veclite_hybrid_request_new();
    veclite_search_options *oa = veclite_search_options_new();
    veclite_search_options *ob = veclite_search_options_new();
    CHECK(veclite_search_options_set_vector_field(oa, S("a"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_search_options_set_vector_field(ob, S("b"), NULL) == VECLITE_STATUS_OK);
    if (filter_a) CHECK(veclite_search_options_set_filter(oa, S(filter_a), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_hybrid_request_add_search(h, oa, qa, 1, 2, 2, VECLITE_METRIC_L2, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_hybrid_request_add_search(h, ob, qb, 1, 2, 2, VECLITE_METRIC_L2, NULL) == VECLITE_STATUS_OK);
    veclite_search_options_free(oa); /* the request copied them */
    veclite_search_options_free(ob);
    return h;
}

/* The keys of query 0 of `r` into `ids` (at most 8); returns their number. */
static size_t keys(const veclite_search_result *r, int64_t ids[8]) {
    const int64_t *data = NULL;
    size_t n = 0;
    CHECK(veclite_column_int64_data(veclite_search_result_ids(r, 0), &data, &n, NULL) == VECLITE_STATUS_OK);
    for (size_t i = 0; i < n && i < 8; i++) ids[i] = data[i];
    return n;
}

static void rrf(veclite_db *db) {
    veclite_hybrid_request *h = two_requests(NULL);
    CHECK(veclite_hybrid_request_add_output_field(h, S("tag"), NULL) == VECLITE_STATUS_OK);
    veclite_search_result *r = NULL;
    CHECK(veclite_hybrid_search(db, NULL, S("multi"), h, 3, &r, NULL) == VECLITE_STATUS_OK);
    int64_t ids[8];
    CHECK(veclite_search_result_nq(r) == 1 && keys(r, ids) == 3 && ids[0] == 3 && ids[1] == 1 && ids[2] == 2);
    const float *scores = NULL;
    size_t n = 0;
    veclite_search_result_scores(r, 0, &scores, &n);
    CHECK(n == 3 && close_to(scores[0], 2.0f / 62) && close_to(scores[1], 1.0f / 61) &&
          close_to(scores[2], 1.0f / 61));
    const veclite_column *tag = veclite_result_column_by_name(veclite_search_result_fields(r, 0), S("tag"));
    const uint8_t *t = NULL;
    size_t t_len = 0;
    CHECK(tag && veclite_column_varchar_value(tag, 0, &t, &t_len, NULL) == VECLITE_STATUS_OK && t_len == 5 &&
          memcmp(t, "three", 5) == 0);
    veclite_search_result_free(r);

    /* k = 10, offset 1, scores rounded to 2 decimals: 1/11 = 0.09. */
    CHECK(veclite_hybrid_request_set_rrf(h, 10, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_hybrid_request_set_offset(h, 1, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_hybrid_request_set_round_decimal(h, 2, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_hybrid_search(db, NULL, S("multi"), h, 2, &r, NULL) == VECLITE_STATUS_OK);
    veclite_search_result_scores(r, 0, &scores, &n);
    CHECK(keys(r, ids) == 2 && ids[0] == 1 && ids[1] == 2 && n == 2 && close_to(scores[0], 0.09f));
    veclite_search_result_free(r);
    veclite_hybrid_request_free(h);

    /* Request a without row 3 returns rows 1, 2: fused order 2, 1, 3. */
    h = two_requests("ID != 3");
    CHECK(veclite_hybrid_search(db, NULL, S("multi"), h, 3, &r, NULL) == VECLITE_STATUS_OK);
    CHECK(keys(r, ids) == 3 && ids[0] == 2 && ids[1] == 1 && ids[2] == 3);
    veclite_search_result_free(r);
    veclite_hybrid_request_free(h);

    /* Partition p holds row 4 only. */
    h = two_requests(NULL);
    CHECK(veclite_hybrid_request_add_partition(h, S("p"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_hybrid_search(db, NULL, S("multi"), h, 3, &r, NULL) == VECLITE_STATUS_OK);
    CHECK(keys(r, ids) == 1 && ids[0] == 4);
    veclite_search_result_free(r);
    veclite_hybrid_request_free(h);
}

static void weighted(veclite_db *db) {
    veclite_hybrid_request *h = two_requests(NULL);
    const float weights[] = {0.7f, 0.3f};
    CHECK(veclite_hybrid_request_set_weighted(h, weights, 2, true, NULL) == VECLITE_STATUS_OK);
    veclite_search_result *r = NULL;
    CHECK(veclite_hybrid_search(db, NULL, S("multi"), h, 3, &r, NULL) == VECLITE_STATUS_OK);
    int64_t ids[8];
    const float *scores = NULL;
    size_t n = 0;
    veclite_search_result_scores(r, 0, &scores, &n);
    /* Row 3: 1 - 2·atan(0.04)/π ≈ 0.974549 from both requests (weights sum to 1). */
    CHECK(keys(r, ids) == 3 && ids[0] == 3 && ids[1] == 1 && ids[2] == 2);
    CHECK(n == 3 && close_to(scores[0], 0.974549f) && close_to(scores[1], 0.7f) && close_to(scores[2], 0.3f));
    veclite_search_result_free(r);
    veclite_hybrid_request_free(h);
}

static void errors(veclite_db *db) {
    veclite_search_result *r = NULL;
    veclite_hybrid_request *h = veclite_hybrid_request_new();
    EXPECT_ERROR(veclite_hybrid_search(db, NULL, S("multi"), h, 3, &r, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "1 to 1024 search requests");
    veclite_hybrid_request_free(h);

    h = two_requests(NULL);
    const float one[] = {1};
    CHECK(veclite_hybrid_request_set_weighted(h, one, 1, true, NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_hybrid_search(db, NULL, S("multi"), h, 3, &r, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "1 weights for 2 search requests");
    EXPECT_ERROR(veclite_hybrid_request_set_rrf(h, 0, E), VECLITE_STATUS_INVALID_ARGUMENT, "RRF k");
    EXPECT_ERROR(veclite_hybrid_search(db, NULL, S("nope"), h, 3, &r, E), VECLITE_STATUS_NOT_FOUND, "nope");
    EXPECT_ERROR(veclite_hybrid_search(db, NULL, S("multi"), h, 3, NULL, E), VECLITE_STATUS_NULL_ARGUMENT,
                 "result_out");
    EXPECT_ERROR(veclite_hybrid_search(db, NULL, S("multi"), NULL, 3, &r, E), VECLITE_STATUS_NULL_ARGUMENT,
                 "request");
    veclite_hybrid_request_free(h);

    /* A request with its own output fields; requests with different nq. */
    h = two_requests(NULL);
    veclite_search_options *o = veclite_search_options_new();
    CHECK(veclite_search_options_add_output_field(o, S("tag"), NULL) == VECLITE_STATUS_OK);
    const float q[] = {1, 0, 0, 1};
    CHECK(veclite_hybrid_request_add_search(h, o, q, 1, 2, 2, VECLITE_METRIC_L2, NULL) == VECLITE_STATUS_OK);
    veclite_search_options_free(o);
    EXPECT_ERROR(veclite_hybrid_search(db, NULL, S("multi"), h, 3, &r, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "search request 2 of the hybrid search sets output fields");
    veclite_hybrid_request_free(h);
    h = two_requests(NULL);
    o = veclite_search_options_new();
    CHECK(veclite_search_options_set_vector_field(o, S("a"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_hybrid_request_add_search(h, o, q, 2, 2, 2, VECLITE_METRIC_L2, NULL) == VECLITE_STATUS_OK);
    veclite_search_options_free(o);
    EXPECT_ERROR(veclite_hybrid_search(db, NULL, S("multi"), h, 3, &r, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "search request 2 of the hybrid search has 2 queries, request 0 has 1");
    EXPECT_ERROR(veclite_hybrid_request_add_search(h, NULL, q, 0, 2, 2, VECLITE_METRIC_L2, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "nq (0)");
    EXPECT_ERROR(veclite_hybrid_request_add_search(h, NULL, q, 1, 2, 2, 9, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "unknown metric 9");
    EXPECT_ERROR(veclite_hybrid_request_add_search(NULL, NULL, q, 1, 2, 2, 0, E), VECLITE_STATUS_NULL_ARGUMENT,
                 "request");
    veclite_hybrid_request_free(h);
    veclite_hybrid_request_free(NULL);
    CHECK(r == NULL); /* nothing written on failure */
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <empty directory>\n", argv[0]);
        return 2;
    }
    veclite_db *db = NULL;
    CHECK(veclite_db_open(S(argv[1]), NULL, &db, NULL) == VECLITE_STATUS_OK);
    create_multi(db);
    rrf(db);
    weighted(db);
    errors(db);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
    printf("hybrid: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
