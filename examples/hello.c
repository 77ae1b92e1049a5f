/* The seed workload through the C API: creates the collection "hello" (ID Int64 primary key,
 * random Double, embeddings FloatVector dim 8), upserts 3,000 rows, upserts half of them again,
 * flushes, searches, counts, and prints each MutationResult.
 *
 * Build from the repository root, after `cargo build --release --lib`:
 *   cc -std=c11 examples/hello.c -Iinclude target/release/libveclite.a -lpthread -ldl -lm -o hello
 * or against an installed library (docs/c-api.md):
 *   cc -std=c11 examples/hello.c $(pkg-config --cflags --libs veclite-static) -o hello
 * Run: ./hello [database directory, default ./veclite_demo_db]
 * tests/c/run.sh compiles it as strict C11 and runs it under valgrind. */
#include "veclite.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIM 8
#define ROWS 3000
#define TOPK 3

/* A string argument: (ptr, len) UTF-8, borrowed for the call. */
#define S(str) (const uint8_t *)(str), strlen(str)

/* Returns 0 when `st` is OK; otherwise prints the error of the failed call, frees it, returns 1. */
static int failed(veclite_status st, veclite_error *err, const char *what) {
    if (st == VECLITE_STATUS_OK) return 0;
    fprintf(stderr, "%s failed: %s: %s\n", what, veclite_status_name((uint32_t)st), veclite_error_message(err));
    veclite_error_free(err);
    return 1;
}

/* Drops "hello" if an earlier run left it, then creates it. */
static int create_hello(veclite_db *db) {
    veclite_error *err = NULL;
    bool exists = false;
    veclite_status st = veclite_has_collection(db, S("hello"), &exists, &err);
    if (st == VECLITE_STATUS_OK && exists) st = veclite_drop_collection(db, S("hello"), &err);
    if (failed(st, err, "drop the previous collection")) return 1;

    veclite_schema_builder *b = NULL;
    veclite_schema *schema = NULL;
    st = veclite_schema_builder_new(S("hello"), &b, &err);
    if (st == VECLITE_STATUS_OK)
        st = veclite_schema_builder_add_field(b, S("ID"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PRIMARY_KEY, &err);
    if (st == VECLITE_STATUS_OK) st = veclite_schema_builder_add_field(b, S("random"), VECLITE_FIELD_DOUBLE, 0, 0, &err);
    if (st == VECLITE_STATUS_OK)
        st = veclite_schema_builder_add_field(b, S("embeddings"), VECLITE_FIELD_FLOAT_VECTOR, DIM, 0, &err);
    if (st == VECLITE_STATUS_OK) {
        st = veclite_schema_builder_build(b, &schema, &err); /* consumes the builder */
    } else {
        veclite_schema_builder_free(b);
    }
    if (st == VECLITE_STATUS_OK) st = veclite_create_collection(db, schema, &err);
    veclite_schema_free(schema);
    return failed(st, err, "create collection");
}

static void print_result(const char *label, const veclite_mutation_result *r) {
    const uint64_t *succ = NULL;
    size_t n_succ = 0, n_err = 0, n_keys = 0;
    const int64_t *keys = NULL;
    veclite_mutation_result_succ_index(r, &succ, &n_succ);
    veclite_mutation_result_err_index(r, NULL, &n_err);
    if (veclite_column_int64_data(veclite_mutation_result_primary_keys(r), &keys, &n_keys, NULL) !=
            VECLITE_STATUS_OK ||
        n_keys == 0 || n_succ == 0)
        return;
    printf("%s: MutationResult{insert_count: %" PRIu64 ", delete_count: %" PRIu64 ", upsert_count: %" PRIu64
           ", succ_count: %" PRIu64 ", succ_index: [%" PRIu64 "..%" PRIu64 "], err_count: %" PRIu64
           ", err_index: (%zu), primary_keys: [%" PRId64 "..%" PRId64 "] (%zu), timestamp: %" PRIu64 "}\n",
           label, veclite_mutation_result_insert_count(r), veclite_mutation_result_delete_count(r),
           veclite_mutation_result_upsert_count(r), veclite_mutation_result_succ_count(r), succ[0],
           succ[n_succ - 1], veclite_mutation_result_err_count(r), n_err, keys[0], keys[n_keys - 1], n_keys,
           veclite_mutation_result_timestamp(r));
}

/* Upserts rows with keys 0..n-1 and random values; copies the vector of key 0 to `first_vector`. */
static int upsert_rows(veclite_db *db, size_t n, const char *label, float first_vector[DIM]) {
    int64_t *ids = malloc(n * sizeof *ids);
    double *randoms = malloc(n * sizeof *randoms);
    float *vectors = malloc(n * DIM * sizeof *vectors); /* row-major: n rows of DIM floats */
    if (ids == NULL || randoms == NULL || vectors == NULL) {
        fprintf(stderr, "out of memory\n");
        free(ids);
        free(randoms);
        free(vectors);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        ids[i] = (int64_t)i;
        randoms[i] = (double)rand() / RAND_MAX;
        for (size_t j = 0; j < DIM; j++) vectors[i * DIM + j] = (float)rand() / (float)RAND_MAX;
    }
    memcpy(first_vector, vectors, DIM * sizeof *vectors);

    veclite_column *cols[3] = {NULL, NULL, NULL}; /* the constructors copy their input */
    veclite_mutation_result *result = NULL;
    veclite_error *err = NULL;
    veclite_status st = veclite_column_new_int64(S("ID"), ids, n, NULL, &cols[0], &err);
    if (st == VECLITE_STATUS_OK) st = veclite_column_new_double(S("random"), randoms, n, NULL, &cols[1], &err);
    if (st == VECLITE_STATUS_OK) st = veclite_column_new_float_vector(S("embeddings"), vectors, DIM, n, &cols[2], &err);
    if (st == VECLITE_STATUS_OK)
        st = veclite_upsert(db, /* ctx */ NULL, S("hello"), /* partition: _default */ NULL, 0,
                            (const veclite_column *const *)cols, 3, &result, &err);
    int rc = failed(st, err, label);
    if (rc == 0) print_result(label, result);
    veclite_mutation_result_free(result);
    for (size_t i = 0; i < 3; i++) veclite_column_free(cols[i]);
    free(ids);
    free(randoms);
    free(vectors);
    return rc;
}

/* Top-3 L2 search for `query` (the caller-buffer fast path), then count(*). */
static int search_and_count(veclite_db *db, const float query[DIM]) {
    int64_t hit_ids[TOPK];
    float scores[TOPK]; /* squared L2 distances; missing hits are padded with -1 / +INFINITY */
    size_t hits = 0;
    veclite_error *err = NULL;
    veclite_status st = veclite_search(db, NULL, S("hello"), /* options */ NULL, query, /* nq */ 1, DIM, TOPK,
                                       VECLITE_METRIC_L2, hit_ids, scores, &hits, /* result_out */ NULL, &err);
    if (failed(st, err, "search")) return 1;
    printf("search: %zu hits\n", hits);
    for (size_t i = 0; i < hits; i++) printf("  ID %-5" PRId64 " L2 %.4f\n", hit_ids[i], (double)scores[i]);

    uint64_t count = 0;
    st = veclite_count(db, NULL, S("hello"), /* expr: all rows */ NULL, 0, NULL, NULL, 0, &count, &err);
    if (failed(st, err, "count")) return 1;
    printf("count(*) = %" PRIu64 "\n", count);
    return 0;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "./veclite_demo_db";
    printf("veclite %s (simd %s), database %s\n", veclite_version(), veclite_simd_capabilities(), dir);
    srand(42);

    veclite_db *db = NULL;
    veclite_error *err = NULL;
    veclite_status st = veclite_db_open(S(dir), /* options: defaults */ NULL, &db, &err);
    if (failed(st, err, "open")) return 1;

    float query[DIM];
    int rc = create_hello(db) || upsert_rows(db, ROWS, "first upsert", query) ||
             upsert_rows(db, ROWS / 2, "second upsert (half again)", query);
    if (rc == 0) {
        st = veclite_flush(db, /* ctx */ NULL, S("hello"), &err); /* seal into mapped segment files */
        rc = failed(st, err, "flush") || search_and_count(db, query);
    }
    st = veclite_db_close(db, &err); /* the handle is invalid afterwards, whatever the status */
    if (failed(st, err, "close")) rc = 1;
    return rc;
}
