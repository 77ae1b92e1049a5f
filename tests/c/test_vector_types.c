/* Binary, float16, bfloat16 and int8 vector fields through the C ABI: schema, column
 * constructors and accessors, insert, get, exact search with each query type, flush and reopen,
 * and the errors of mismatched types, dims and metrics.
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
#define ROWS 200
#define DIM 8     /* components of the float16, bfloat16 and int8 fields */
#define BITS 32   /* bits of the binary field */

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

/* float16 bit pattern of the small integer `v` (|v| < 2048). */
static uint16_t f16(int v) {
    if (v == 0) return 0;
    uint16_t sign = v < 0 ? 0x8000 : 0;
    unsigned m = (unsigned)(v < 0 ? -v : v);
    int e = 0;
    while ((m >> e) > 1) e++;
    return (uint16_t)(sign | (uint16_t)((e + 15) << 10) | (uint16_t)(((m << 10) >> e) & 0x3ff));
}

/* bfloat16 bit pattern of the small integer `v` (exact: the upper half of the f32). */
static uint16_t bf16(int v) {
    float f = (float)v;
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return (uint16_t)(bits >> 16);
}

static veclite_schema *schema(void) {
    veclite_schema_builder *b = NULL;
    veclite_schema *s = NULL;
    CHECK(veclite_schema_builder_new(S("types"), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("id"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PRIMARY_KEY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("bin"), VECLITE_FIELD_BINARY_VECTOR, BITS, 0, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("half"), VECLITE_FIELD_FLOAT16_VECTOR, DIM, 0, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("brain"), VECLITE_FIELD_BFLOAT16_VECTOR, DIM, 0, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("bytes"), VECLITE_FIELD_INT8_VECTOR, DIM, 0, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_build(b, &s, NULL) == VECLITE_STATUS_OK);
    /* Each vector field describes its type and dim (bits for the binary one). */
    const uint32_t types[] = {VECLITE_FIELD_BINARY_VECTOR, VECLITE_FIELD_FLOAT16_VECTOR, VECLITE_FIELD_BFLOAT16_VECTOR,
                              VECLITE_FIELD_INT8_VECTOR};
    const uint32_t dims[] = {BITS, DIM, DIM, DIM};
    for (size_t i = 0; i < 4; i++) {
        uint32_t type = 0, param = 0;
        CHECK(veclite_schema_field(s, i + 1, NULL, NULL, &type, &param, NULL));
        CHECK(type == types[i] && param == dims[i]);
    }
    return s;
}

/* Row i: binary bytes (i, 0, 0, 0); float16/bfloat16/int8 components (i % 100, 0, ...). */
static void insert_rows(veclite_db *db) {
    int64_t ids[ROWS];
    uint8_t bin[ROWS * BITS / 8];
    uint16_t half[ROWS * DIM], brain[ROWS * DIM];
    int8_t bytes[ROWS * DIM];
    memset(bin, 0, sizeof bin);
    memset(half, 0, sizeof half);
    memset(brain, 0, sizeof brain);
    memset(bytes, 0, sizeof bytes);
    for (int i = 0; i < ROWS; i++) {
        ids[i] = i;
        bin[i * BITS / 8] = (uint8_t)i;
        half[i * DIM] = f16(i % 100);
        brain[i * DIM] = bf16(i % 100);
        bytes[i * DIM] = (int8_t)(i % 100);
    }
    veclite_column *cols[5] = {0};
    CHECK(veclite_column_new_int64(S("id"), ids, ROWS, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_binary_vector(S("bin"), bin, BITS, ROWS, &cols[1], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_float16_vector(S("half"), half, DIM, ROWS, &cols[2], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_bfloat16_vector(S("brain"), brain, DIM, ROWS, &cols[3], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_int8_vector(S("bytes"), bytes, DIM, ROWS, &cols[4], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_type(cols[1]) == VECLITE_FIELD_BINARY_VECTOR);
    CHECK(veclite_column_type(cols[3]) == VECLITE_FIELD_BFLOAT16_VECTOR);
    CHECK(veclite_column_len(cols[2]) == ROWS);
    veclite_mutation_result *r = NULL;
    CHECK(veclite_insert(db, NULL, S("types"), NULL, 0, (const veclite_column *const *)cols, 5, &r, NULL) ==
          VECLITE_STATUS_OK);
    veclite_mutation_result_free(r);
    for (int c = 0; c < 5; c++) veclite_column_free(cols[c]);
}

/* Reads row 42 back through each accessor. */
static void check_get(veclite_db *db) {
    int64_t key = 42;
    veclite_column *keys = NULL;
    veclite_result *got = NULL;
    CHECK(veclite_column_new_int64(S("id"), &key, 1, NULL, &keys, NULL) == VECLITE_STATUS_OK);
    const uint8_t *star = (const uint8_t *)"*";
    size_t star_len = 1;
    CHECK(veclite_get(db, NULL, S("types"), keys, NULL, NULL, 0, &star, &star_len, 1, &got, NULL) ==
          VECLITE_STATUS_OK);
    size_t rows = 0, dim = 0;
    const uint8_t *bin = NULL;
    CHECK(veclite_column_binary_vector_data(veclite_result_column_by_name(got, S("bin")), &bin, &rows, &dim, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(rows == 1 && dim == BITS && bin[0] == 42 && bin[1] == 0);
    const uint16_t *half = NULL;
    CHECK(veclite_column_float16_vector_data(veclite_result_column_by_name(got, S("half")), &half, &rows, &dim,
                                             NULL) == VECLITE_STATUS_OK);
    CHECK(rows == 1 && dim == DIM && half[0] == f16(42) && half[1] == 0);
    const uint16_t *brain = NULL;
    CHECK(veclite_column_bfloat16_vector_data(veclite_result_column_by_name(got, S("brain")), &brain, &rows, &dim,
                                              NULL) == VECLITE_STATUS_OK);
    CHECK(rows == 1 && brain[0] == bf16(42));
    const int8_t *bytes = NULL;
    CHECK(veclite_column_int8_vector_data(veclite_result_column_by_name(got, S("bytes")), &bytes, &rows, &dim,
                                          NULL) == VECLITE_STATUS_OK);
    CHECK(rows == 1 && bytes[0] == 42);
    EXPECT_ERROR(veclite_column_int8_vector_data(veclite_result_column_by_name(got, S("half")), &bytes, &rows, &dim,
                                                 E),
                 VECLITE_STATUS_SCHEMA_MISMATCH, "Float16Vector");
    veclite_result_free(got);
    veclite_column_free(keys);
}

/* The nearest row of each field to row 7's vector is row 7 (within the first 100 rows: rows
 * 107.. repeat the float values, and come second). */
static void check_search(veclite_db *db) {
    veclite_search_options *o = veclite_search_options_new();
    int64_t ids[2];
    float scores[2];
    size_t counts[1];

    uint8_t bq[BITS / 8] = {7, 0, 0, 0};
    CHECK(veclite_search_options_set_vector_field(o, S("bin"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_search_binary(db, NULL, S("types"), o, bq, 1, BITS, 2, VECLITE_METRIC_HAMMING, ids, scores, counts,
                                NULL, NULL) == VECLITE_STATUS_OK);
    CHECK(counts[0] == 2 && ids[0] == 7 && scores[0] == 0.0f && scores[1] == 1.0f);
    CHECK(veclite_search_binary(db, NULL, S("types"), o, bq, 1, BITS, 1, VECLITE_METRIC_JACCARD, ids, scores, counts,
                                NULL, NULL) == VECLITE_STATUS_OK);
    CHECK(ids[0] == 7 && scores[0] == 0.0f);
    EXPECT_ERROR(veclite_search_binary(db, NULL, S("types"), o, bq, 1, BITS, 1, VECLITE_METRIC_L2, ids, scores,
                                       counts, NULL, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "HAMMING, JACCARD");
    EXPECT_ERROR(veclite_search_binary(db, NULL, S("types"), o, bq, 1, 12, 1, VECLITE_METRIC_HAMMING, ids, scores,
                                       counts, NULL, E),
                 VECLITE_STATUS_DIMENSION_MISMATCH, "multiple of 8");

    uint16_t hq[DIM] = {0};
    hq[0] = f16(7);
    CHECK(veclite_search_options_set_vector_field(o, S("half"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_search_float16(db, NULL, S("types"), o, hq, 1, DIM, 2, VECLITE_METRIC_L2, ids, scores, counts, NULL,
                                 NULL) == VECLITE_STATUS_OK);
    CHECK(ids[0] == 7 && ids[1] == 107 && scores[0] == 0.0f);
    hq[1] = 0x7c00; /* infinity */
    EXPECT_ERROR(veclite_search_float16(db, NULL, S("types"), o, hq, 1, DIM, 2, VECLITE_METRIC_L2, ids, scores,
                                        counts, NULL, E),
                 VECLITE_STATUS_INVALID_VALUE, "component 1 is infinity");
    int8_t iq[DIM] = {7};
    EXPECT_ERROR(veclite_search_int8(db, NULL, S("types"), o, iq, 1, DIM, 1, VECLITE_METRIC_L2, ids, scores, counts,
                                     NULL, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "not INT8_VECTOR");

    uint16_t bfq[DIM] = {0};
    bfq[0] = bf16(7);
    CHECK(veclite_search_options_set_vector_field(o, S("brain"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_search_bfloat16(db, NULL, S("types"), o, bfq, 1, DIM, 1, VECLITE_METRIC_L2, ids, scores, counts,
                                  NULL, NULL) == VECLITE_STATUS_OK);
    CHECK(ids[0] == 7 && scores[0] == 0.0f);

    CHECK(veclite_search_options_set_vector_field(o, S("bytes"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_search_int8(db, NULL, S("types"), o, iq, 1, DIM, 1, VECLITE_METRIC_L2, ids, scores, counts, NULL,
                              NULL) == VECLITE_STATUS_OK);
    CHECK(ids[0] == 7 && scores[0] == 0.0f);
    CHECK(veclite_search_int8(db, NULL, S("types"), o, iq, 1, DIM, 1, VECLITE_METRIC_IP, ids, scores, counts, NULL,
                              NULL) == VECLITE_STATUS_OK);
    CHECK(scores[0] == 7.0f * 99.0f);
    veclite_search_options_free(o);

    /* Several vector fields: a search must name one. */
    EXPECT_ERROR(veclite_search_int8(db, NULL, S("types"), NULL, iq, 1, DIM, 1, VECLITE_METRIC_L2, ids, scores,
                                     counts, NULL, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "several vector fields");
}

static void bad_columns(void) {
    uint8_t bin[3] = {0};
    veclite_column *c = NULL;
    EXPECT_ERROR(veclite_column_new_binary_vector(S("bin"), bin, 12, 2, &c, E), VECLITE_STATUS_DIMENSION_MISMATCH,
                 "multiple of 8");
    EXPECT_ERROR(veclite_column_new_float16_vector(S("half"), NULL, 4, 2, &c, E), VECLITE_STATUS_NULL_ARGUMENT,
                 "data");
    CHECK(c == NULL);
}

/* Indexes of packed fields by Milvus's names: BIN_IVF_FLAT on the binary field answers as the
 * exact scan did; IVF_FLAT on the int8 field is refused naming the types it takes. */
static void check_packed_index(veclite_db *db) {
    const uint8_t *keys[1] = {(const uint8_t *)"nlist"};
    const uint8_t *values[1] = {(const uint8_t *)"4"};
    size_t key_lens[1] = {5}, value_lens[1] = {1};
    CHECK(veclite_create_index(db, NULL, S("types"), S("bin"), S(""), S("BIN_IVF_FLAT"), S("HAMMING"), keys,
                               key_lens, values, value_lens, 1, NULL) == VECLITE_STATUS_OK);
    veclite_search_options *o = veclite_search_options_new();
    int64_t ids[2];
    float scores[2];
    size_t counts[1];
    uint8_t bq[BITS / 8] = {7, 0, 0, 0};
    CHECK(veclite_search_options_set_vector_field(o, S("bin"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_search_binary(db, NULL, S("types"), o, bq, 1, BITS, 2, VECLITE_METRIC_HAMMING, ids, scores, counts,
                                NULL, NULL) == VECLITE_STATUS_OK);
    CHECK(counts[0] == 2 && ids[0] == 7 && scores[0] == 0.0f);
    veclite_search_options_free(o);
    EXPECT_ERROR(veclite_create_index(db, NULL, S("types"), S("bytes"), S(""), S("IVF_FLAT"), S("L2"), keys, key_lens,
                                      values, value_lens, 1, E),
                 VECLITE_STATUS_UNSUPPORTED, "takes FLAT, HNSW");
    CHECK(veclite_drop_index(db, S("types"), S("bin"), NULL) == VECLITE_STATUS_OK);
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
    CHECK(veclite_flush(db, NULL, S("types"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_db_open(S(argv[1]), NULL, &db, NULL) == VECLITE_STATUS_OK);
    check_get(db);
    check_search(db);
    check_packed_index(db);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
    bad_columns();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
