/* Sparse float vector fields through the C ABI: schema, the CSR column constructor and
 * accessor, insert (rows sorted by index on write), get, exact inner-product search with CSR
 * queries, flush and reopen, and the errors of bad rows, bad arrays and other metrics.
 * Built with -std=c11 -Wall -Wextra -Werror -pedantic and run under valgrind by tests/c/run.sh. */
#include "veclite.h"

#include <stdio.h>
#include <stdlib.h>
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
#define ROWS 100

/* Expects `status` to be `want` with `needle` in the message; frees the error. */
static void expect_error(veclite_status status, veclite_error *err, veclite_status want, const char *needle,
                         int line) {
    int ok = status == want && err != NULL && strstr(veclite_error_message(err), needle) != NULL;
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "line %d: expected %s containing \"%s\", got %s: %s\n", line,
                veclite_status_name((uint32_t)want), needle, veclite_status_name((uint32_t)status),
                err ? veclite_error_message(err) : "(no error object)");
    }
    veclite_error_free(err);
}
#define EXPECT_ERROR(call, want, needle)                     \
    do {                                                     \
        veclite_error *err_ = NULL;                          \
        veclite_status st_ = (call);                         \
        (void)st_;                                           \
        expect_error(st_, err_, want, needle, __LINE__);     \
    } while (0)
#define E (&err_)

static veclite_schema *schema(void) {
    veclite_schema_builder *b = NULL;
    veclite_schema *s = NULL;
    CHECK(veclite_schema_builder_new(S("sparse"), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("id"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PRIMARY_KEY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("v"), VECLITE_FIELD_SPARSE_FLOAT_VECTOR, 0, 0, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_build(b, &s, NULL) == VECLITE_STATUS_OK);
    return s;
}

/* Row i: {i + 1000: 1, i % 10: i} given in descending index order (a write sorts it); row 0
 * keeps only its first entry. */
static void insert_rows(veclite_db *db) {
    int64_t ids[ROWS];
    uint64_t offsets[ROWS + 1];
    uint32_t indices[2 * ROWS];
    float values[2 * ROWS];
    size_t nnz = 0;
    offsets[0] = 0;
    for (int i = 0; i < ROWS; i++) {
        ids[i] = i;
        indices[nnz] = (uint32_t)(i + 1000);
        values[nnz++] = 1.0f;
        if (i > 0) {
            indices[nnz] = (uint32_t)(i % 10);
            values[nnz++] = (float)i;
        }
        offsets[i + 1] = nnz;
    }
    veclite_column *cols[2] = {0};
    CHECK(veclite_column_new_int64(S("id"), ids, ROWS, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_sparse_float_vector(S("v"), offsets, ROWS, indices, values, nnz, &cols[1], NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_column_type(cols[1]) == VECLITE_FIELD_SPARSE_FLOAT_VECTOR);
    CHECK(veclite_column_len(cols[1]) == ROWS);
    veclite_mutation_result *r = NULL;
    CHECK(veclite_insert(db, NULL, S("sparse"), NULL, 0, (const veclite_column *const *)cols, 2, &r, NULL) ==
          VECLITE_STATUS_OK);
    veclite_mutation_result_free(r);
    for (int c = 0; c < 2; c++) veclite_column_free(cols[c]);
}

/* Reads rows 42 and 0 back: row 42 sorted by index. */
static void check_get(veclite_db *db) {
    int64_t keys_in[2] = {42, 0};
    veclite_column *keys = NULL;
    veclite_result *got = NULL;
    CHECK(veclite_column_new_int64(S("id"), keys_in, 2, NULL, &keys, NULL) == VECLITE_STATUS_OK);
    const uint8_t *field = (const uint8_t *)"v";
    size_t field_len = 1;
    CHECK(veclite_get(db, NULL, S("sparse"), keys, NULL, NULL, 0, &field, &field_len, 1, &got, NULL) ==
          VECLITE_STATUS_OK);
    const uint64_t *offsets = NULL;
    const uint32_t *indices = NULL;
    const float *values = NULL;
    size_t rows = 0, nnz = 0;
    const veclite_column *v = veclite_result_column_by_name(got, S("v"));
    CHECK(veclite_column_sparse_float_vector_data(v, &offsets, &indices, &values, &rows, &nnz, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(rows == 2 && nnz == 3 && offsets[0] == 0 && offsets[1] == 2 && offsets[2] == 3);
    CHECK(indices[0] == 2 && values[0] == 42.0f && indices[1] == 1042 && values[1] == 1.0f);
    CHECK(indices[2] == 1000 && values[2] == 1.0f);
    CHECK(veclite_column_sparse_float_vector_data(v, NULL, NULL, NULL, &rows, NULL, NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_column_sparse_float_vector_data(veclite_result_column_by_name(got, S("id")), &offsets,
                                                         &indices, &values, &rows, &nnz, E),
                 VECLITE_STATUS_SCHEMA_MISMATCH, "SparseFloatVector");
    veclite_result_free(got);
    veclite_column_free(keys);
}

/* Query {3: 1} (as {3: 1} out of order with nothing else): rows with index 3 are 3, 13, ... 93;
 * the best is 93 (score 93). A second query {1042: 2, 7: 0.5}. */
static void check_search(veclite_db *db) {
    uint64_t offsets[3] = {0, 1, 3};
    uint32_t indices[3] = {3, 1042, 7};
    float values[3] = {1.0f, 2.0f, 0.5f};
    int64_t ids[4];
    float scores[4];
    size_t counts[2];
    CHECK(veclite_search_sparse(db, NULL, S("sparse"), NULL, offsets, 2, indices, values, 3, 2, VECLITE_METRIC_IP,
                                ids, scores, counts, NULL, NULL) == VECLITE_STATUS_OK);
    CHECK(counts[0] == 2 && ids[0] == 93 && scores[0] == 93.0f && ids[1] == 83 && scores[1] == 83.0f);
    /* Query 2: row 97 scores 48.5 (7 × 0.5 is index 7's value 97 × 0.5), row 87: 43.5; row 42: 2. */
    CHECK(counts[1] == 2 && ids[2] == 97 && scores[2] == 48.5f && ids[3] == 87);
    EXPECT_ERROR(veclite_search_sparse(db, NULL, S("sparse"), NULL, offsets, 2, indices, values, 3, 2,
                                       VECLITE_METRIC_L2, ids, scores, counts, NULL, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "use IP");
    uint32_t twice[2] = {5, 5};
    uint64_t one[2] = {0, 2};
    EXPECT_ERROR(veclite_search_sparse(db, NULL, S("sparse"), NULL, one, 1, twice, values, 2, 2, VECLITE_METRIC_IP,
                                       ids, scores, counts, NULL, E),
                 VECLITE_STATUS_INVALID_VALUE, "appears twice");
    uint64_t bad[2] = {0, 5};
    EXPECT_ERROR(veclite_search_sparse(db, NULL, S("sparse"), NULL, bad, 1, indices, values, 3, 2, VECLITE_METRIC_IP,
                                       ids, scores, counts, NULL, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "offsets must rise");
}

static void bad_rows(veclite_db *db) {
    int64_t ids[1] = {500};
    uint64_t offsets[2] = {0, 1};
    uint32_t indices[1] = {UINT32_MAX};
    float values[1] = {1.0f};
    veclite_column *cols[2] = {0};
    CHECK(veclite_column_new_int64(S("id"), ids, 1, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_sparse_float_vector(S("v"), offsets, 1, indices, values, 1, &cols[1], NULL) ==
          VECLITE_STATUS_OK);
    veclite_mutation_result *r = NULL;
    EXPECT_ERROR(veclite_insert(db, NULL, S("sparse"), NULL, 0, (const veclite_column *const *)cols, 2, &r, E),
                 VECLITE_STATUS_INVALID_VALUE, "field `v` row 0: invalid index in sparse float vector");
    for (int c = 0; c < 2; c++) veclite_column_free(cols[c]);
    veclite_column *c = NULL;
    EXPECT_ERROR(veclite_column_new_sparse_float_vector(S("v"), offsets, 1, NULL, values, 1, &c, E),
                 VECLITE_STATUS_NULL_ARGUMENT, "indices");
    EXPECT_ERROR(veclite_column_new_sparse_float_vector(S("v"), offsets, 1, indices, values, 0, &c, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "offsets must rise");
    CHECK(c == NULL);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <empty directory>\n", argv[0]);
        return 2;
    }
    veclite_db *db = NULL;
    CHECK(veclite_db_open(S(argv[1]), NULL, &db, NULL) == VECLITE_STATUS_OK);
    veclite_schema *s = schema();
    CHECK(veclite_create_collection(db, s, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(s);
    insert_rows(db);
    check_get(db);
    check_search(db);
    bad_rows(db);
    CHECK(veclite_flush(db, NULL, S("sparse"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_db_open(S(argv[1]), NULL, &db, NULL) == VECLITE_STATUS_OK);
    check_get(db);
    check_search(db);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
