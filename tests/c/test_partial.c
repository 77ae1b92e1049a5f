/* Partial update through the C ABI: veclite_partial_upsert keeps the fields a batch leaves out,
 * merges dynamic keys key by key, inserts new keys only with every required field, and writes
 * nothing on error. Then collection.ttl.seconds: rows older than the TTL stop being counted. Built with -std=c11 -Wall -Wextra -Werror -pedantic and run under valgrind by
 * tests/c/run.sh. */
#define _POSIX_C_SOURCE 199309L
#include "veclite.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

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
#define COLS(a) ((const veclite_column *const *)(a))

/* Collection "p": ID, title VarChar(16), v FloatVector(2), dynamic fields. Rows 1 and 2 with
 * titles "one", "two" and dynamic key b = 1, 2. */
static void create(veclite_db *db) {
    veclite_schema_builder *b = NULL;
    veclite_schema *schema = NULL;
    CHECK(veclite_schema_builder_new(S("p"), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("ID"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PRIMARY_KEY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("title"), VECLITE_FIELD_VARCHAR, 16, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("v"), VECLITE_FIELD_FLOAT_VECTOR, 2, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_enable_dynamic_field(b, true, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_build(b, &schema, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_create_collection(db, schema, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(schema);

    int64_t ids[] = {1, 2};
    const uint8_t *titles[] = {(const uint8_t *)"one", (const uint8_t *)"two"};
    size_t title_lens[] = {3, 3};
    float v[] = {1, 0, 0, 1};
    int64_t bs[] = {1, 2};
    veclite_column *cols[4];
    CHECK(veclite_column_new_int64(S("ID"), ids, 2, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_varchar(S("title"), titles, title_lens, 2, NULL, &cols[1], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_float_vector(S("v"), v, 2, 2, &cols[2], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_int64(S("b"), bs, 2, NULL, &cols[3], NULL) == VECLITE_STATUS_OK);
    veclite_mutation_result *r = NULL;
    CHECK(veclite_insert(db, NULL, S("p"), NULL, 0, COLS(cols), 4, &r, NULL) == VECLITE_STATUS_OK);
    veclite_mutation_result_free(r);
    for (size_t i = 0; i < 4; i++) veclite_column_free(cols[i]);
}

/* Stores row `id`'s title and $meta text (NUL-terminated) in the buffers; returns the row count. */
static size_t row(veclite_db *db, int64_t id, char *title, char *meta, float *v) {
    veclite_column *key = NULL;
    CHECK(veclite_column_new_int64(S("ID"), &id, 1, NULL, &key, NULL) == VECLITE_STATUS_OK);
    const uint8_t *fields[] = {(const uint8_t *)"*"};
    size_t field_lens[] = {1};
    veclite_result *res = NULL;
    CHECK(veclite_get(db, NULL, S("p"), key, NULL, NULL, 0, fields, field_lens, 1, &res, NULL) ==
          VECLITE_STATUS_OK);
    veclite_column_free(key);
    size_t n = veclite_result_num_rows(res);
    if (n == 1) {
        const uint8_t *p = NULL;
        size_t len = 0;
        CHECK(veclite_column_varchar_value(veclite_result_column_by_name(res, S("title")), 0, &p, &len, NULL) ==
              VECLITE_STATUS_OK);
        memcpy(title, p, len);
        title[len] = 0;
        CHECK(veclite_column_varchar_value(veclite_result_column_by_name(res, S("$meta")), 0, &p, &len, NULL) ==
              VECLITE_STATUS_OK);
        memcpy(meta, p, len);
        meta[len] = 0;
        const float *data = NULL;
        size_t rows = 0, dim = 0;
        CHECK(veclite_column_float_vector_data(veclite_result_column_by_name(res, S("v")), &data, &rows, &dim,
                                               NULL) == VECLITE_STATUS_OK);
        memcpy(v, data, 2 * sizeof(float));
    }
    veclite_result_free(res);
    return n;
}

/* A collection with a 1-second TTL: its row is counted, then no longer once a second has passed. */
static void ttl(veclite_db *db) {
    veclite_schema_builder *b = NULL;
    veclite_schema *schema = NULL;
    CHECK(veclite_schema_builder_new(S("t"), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("ID"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PRIMARY_KEY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("v"), VECLITE_FIELD_FLOAT_VECTOR, 2, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_build(b, &schema, NULL) == VECLITE_STATUS_OK);
    veclite_collection_change *change = veclite_collection_change_new();
    CHECK(veclite_collection_change_set_property(change, S("collection.ttl.seconds"), S("1"), NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_create_collection_with(db, schema, change, NULL) == VECLITE_STATUS_OK);
    veclite_collection_change_free(change);
    veclite_schema_free(schema);
    int64_t id = 1;
    float v[] = {1, 0};
    veclite_column *cols[2];
    CHECK(veclite_column_new_int64(S("ID"), &id, 1, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_float_vector(S("v"), v, 2, 1, &cols[1], NULL) == VECLITE_STATUS_OK);
    veclite_mutation_result *r = NULL;
    CHECK(veclite_insert(db, NULL, S("t"), NULL, 0, COLS(cols), 2, &r, NULL) == VECLITE_STATUS_OK);
    veclite_mutation_result_free(r);
    for (size_t i = 0; i < 2; i++) veclite_column_free(cols[i]);
    uint64_t n = 0;
    CHECK(veclite_count(db, NULL, S("t"), NULL, 0, NULL, NULL, 0, &n, NULL) == VECLITE_STATUS_OK && n == 1);
    struct timespec wait = {1, 100000000}; /* lets wall time pass beyond the TTL */
    nanosleep(&wait, NULL);
    CHECK(veclite_count(db, NULL, S("t"), NULL, 0, NULL, NULL, 0, &n, NULL) == VECLITE_STATUS_OK && n == 0);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <empty directory>\n", argv[0]);
        return 2;
    }
    veclite_db *db = NULL;
    CHECK(veclite_db_open(S(argv[1]), NULL, &db, NULL) == VECLITE_STATUS_OK);
    create(db);
    char title[64], meta[256];
    float v[2];

    /* Only the title and a new dynamic key change; the vector and key b stay. */
    int64_t id = 1;
    const uint8_t *t[] = {(const uint8_t *)"uno"};
    size_t tl[] = {3};
    int64_t g = 10;
    veclite_column *cols[3];
    CHECK(veclite_column_new_int64(S("ID"), &id, 1, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_varchar(S("title"), t, tl, 1, NULL, &cols[1], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_int64(S("g"), &g, 1, NULL, &cols[2], NULL) == VECLITE_STATUS_OK);
    veclite_mutation_result *r = NULL;
    CHECK(veclite_partial_upsert(db, NULL, S("p"), NULL, 0, COLS(cols), 3, &r, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_mutation_result_upsert_count(r) == 1 && veclite_mutation_result_delete_count(r) == 1);
    veclite_mutation_result_free(r);
    CHECK(row(db, 1, title, meta, v) == 1);
    CHECK(strcmp(title, "uno") == 0 && v[0] == 1 && v[1] == 0);
    CHECK(strstr(meta, "\"b\":1") != NULL && strstr(meta, "\"g\":10") != NULL);

    /* A new key without the vector: refused naming the row and field, nothing written. */
    veclite_column_free(cols[0]);
    int64_t two_ids[] = {2, 3};
    const uint8_t *t2[] = {(const uint8_t *)"deux", (const uint8_t *)"trois"};
    size_t tl2[] = {4, 5};
    veclite_column *bad[2];
    CHECK(veclite_column_new_int64(S("ID"), two_ids, 2, NULL, &bad[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_varchar(S("title"), t2, tl2, 2, NULL, &bad[1], NULL) == VECLITE_STATUS_OK);
    veclite_error *err = NULL;
    r = NULL;
    CHECK(veclite_partial_upsert(db, NULL, S("p"), NULL, 0, COLS(bad), 2, &r, &err) ==
          VECLITE_STATUS_MISSING_FIELD);
    CHECK(r == NULL && err != NULL && strstr(veclite_error_message(err), "row 1") != NULL &&
          strstr(veclite_error_message(err), "`v`") != NULL);
    veclite_error_free(err);
    CHECK(row(db, 2, title, meta, v) == 1 && strcmp(title, "two") == 0);
    CHECK(row(db, 3, title, meta, v) == 0);
    for (size_t i = 0; i < 2; i++) veclite_column_free(bad[i]);
    for (size_t i = 1; i < 3; i++) veclite_column_free(cols[i]);

    ttl(db);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
    printf("partial update and TTL: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
