/* The C user's view of veclite: the seed scenario, the bad-input matrix (each with its status,
 * message and no state change), contexts, closed handles, and concurrent threads.
 * Built with -std=c11 -Wall -Wextra -Werror -pedantic and run under valgrind by tests/c/run.sh. */
#include "veclite.h"
#include "veclite.h" /* double inclusion is harmless */

#include <math.h>
#include <pthread.h>
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

#define DIM 8
#define ROWS 3000

/* Expects `status` to be `want` and the error message to contain `needle`; frees the error. */
static void expect_error(veclite_status status, veclite_error *err, veclite_status want, const char *needle,
                         int line) {
    int ok = status == want && err != NULL && veclite_error_code(err) == want &&
             strstr(veclite_error_message(err), needle) != NULL;
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
        veclite_status st_ = (call);                         \
        expect_error(st_, last_err, want, needle, __LINE__); \
    } while (0)

static veclite_error *last_err;
#define E (last_err = NULL, &last_err)

/* Expects `status` to be `want` with object kind `kind` (VECLITE_OBJECT_*); frees the error. */
static void expect_kind(veclite_status status, veclite_error *err, veclite_status want, uint32_t kind, int line) {
    if (status == want && err != NULL && veclite_error_object_kind(err) == kind) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "line %d: expected %s with object kind %u, got %s with kind %u: %s\n", line,
                veclite_status_name((uint32_t)want), kind, veclite_status_name((uint32_t)status),
                veclite_error_object_kind(err), err ? veclite_error_message(err) : "(no error object)");
    }
    veclite_error_free(err);
}
#define EXPECT_KIND(call, want, kind)                     \
    do {                                                  \
        veclite_status st_ = (call);                      \
        expect_kind(st_, last_err, want, kind, __LINE__); \
    } while (0)

static veclite_schema *seed_schema(const char *name) {
    veclite_schema_builder *b = NULL;
    veclite_schema *schema = NULL;
    CHECK(veclite_schema_builder_new(S(name), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("ID"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PRIMARY_KEY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("random"), VECLITE_FIELD_DOUBLE, 0, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("embeddings"), VECLITE_FIELD_FLOAT_VECTOR, DIM, 0, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_build(b, &schema, NULL) == VECLITE_STATUS_OK);
    return schema;
}

/* Seed columns for ids [first, first + n): random = id / 10 + bump, vector[j] = id + j + bump. */
static void seed_columns(int64_t first, size_t n, double bump, veclite_column *cols[3]) {
    int64_t *ids = malloc(n * sizeof *ids);
    double *random = malloc(n * sizeof *random);
    float *vecs = malloc(n * DIM * sizeof *vecs);
    for (size_t i = 0; i < n; i++) {
        ids[i] = first + (int64_t)i;
        random[i] = (double)ids[i] / 10.0 + bump;
        for (size_t j = 0; j < DIM; j++) vecs[i * DIM + j] = (float)(ids[i] + (int64_t)j) + (float)bump;
    }
    CHECK(veclite_column_new_int64(S("ID"), ids, n, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_double(S("random"), random, n, NULL, &cols[1], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_float_vector(S("embeddings"), vecs, DIM, n, &cols[2], NULL) == VECLITE_STATUS_OK);
    free(ids); /* columns copied their input */
    free(random);
    free(vecs);
}

static void free_columns(veclite_column **cols, size_t n) {
    for (size_t i = 0; i < n; i++) veclite_column_free(cols[i]);
}

static uint64_t count(veclite_db *db, const char *collection) {
    uint64_t n = 0;
    CHECK(veclite_count(db, NULL, S(collection), NULL, 0, NULL, NULL, 0, &n, NULL) == VECLITE_STATUS_OK);
    return n;
}

static void check_result(veclite_mutation_result *r, uint64_t inserted, uint64_t deleted, uint64_t upserted,
                         int64_t first_key) {
    CHECK(veclite_mutation_result_insert_count(r) == inserted);
    CHECK(veclite_mutation_result_delete_count(r) == deleted);
    CHECK(veclite_mutation_result_upsert_count(r) == upserted);
    CHECK(veclite_mutation_result_succ_count(r) == inserted);
    CHECK(veclite_mutation_result_err_count(r) == 0);
    const uint64_t *succ = NULL;
    size_t succ_len = 0, err_len = 99;
    veclite_mutation_result_succ_index(r, &succ, &succ_len);
    CHECK(succ_len == inserted && succ != NULL && succ[0] == 0 && succ[succ_len - 1] == succ_len - 1);
    veclite_mutation_result_err_index(r, NULL, &err_len);
    CHECK(err_len == 0);
    const veclite_column *keys = veclite_mutation_result_primary_keys(r);
    const int64_t *k = NULL;
    size_t klen = 0;
    CHECK(veclite_column_int64_data(keys, &k, &klen, NULL) == VECLITE_STATUS_OK);
    CHECK(klen == inserted && k[0] == first_key && k[klen - 1] == first_key + (int64_t)klen - 1);
    CHECK((veclite_mutation_result_timestamp(r) >> 18) > 1700000000000ull);
}

static void seed_scenario(veclite_db *db) {
    veclite_schema *schema = seed_schema("hello");
    CHECK(veclite_create_collection(db, schema, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(schema);

    veclite_column *cols[3];
    veclite_mutation_result *r = NULL;
    seed_columns(0, ROWS, 0.0, cols);
    CHECK(veclite_upsert(db, NULL, S("hello"), NULL, 0, (const veclite_column *const *)cols, 3, &r, NULL) ==
          VECLITE_STATUS_OK);
    check_result(r, ROWS, 0, ROWS, 0);
    uint64_t ts1 = veclite_mutation_result_timestamp(r);
    veclite_mutation_result_free(r);
    free_columns(cols, 3);

    CHECK(veclite_flush(db, NULL, S("hello"), NULL) == VECLITE_STATUS_OK);

    seed_columns(0, ROWS / 2, 1000.0, cols);
    CHECK(veclite_upsert(db, NULL, S("hello"), S(""), (const veclite_column *const *)cols, 3, &r, NULL) ==
          VECLITE_STATUS_OK);
    check_result(r, ROWS / 2, ROWS / 2, ROWS / 2, 0);
    CHECK(veclite_mutation_result_timestamp(r) > ts1);
    veclite_mutation_result_free(r);
    free_columns(cols, 3);
    CHECK(count(db, "hello") == ROWS);

    /* Search: row 2500's own vector finds it first at distance 0 (re-upserted rows 0..1499 now
     * hold vectors 1000..2499 + j); the old vector of row 5 finds nothing at distance 0 any more. */
    float query[2 * DIM];
    for (int j = 0; j < DIM; j++) {
        query[j] = (float)(2500 + j);
        query[DIM + j] = (float)(5 + j);
    }
    int64_t ids[2 * 5];
    float scores[2 * 5];
    size_t counts[2];
    veclite_search_result *sr = NULL;
    veclite_search_options *so = veclite_search_options_new();
    CHECK(veclite_search_options_add_output_field(so, S("random"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_search(db, NULL, S("hello"), so, query, 2, DIM, 5, VECLITE_METRIC_L2, ids, scores, counts, &sr,
                         NULL) == VECLITE_STATUS_OK);
    CHECK(counts[0] == 5 && counts[1] == 5);
    CHECK(ids[0] == 2500 && scores[0] == 0.0f);
    CHECK(ids[5] != 5 && scores[5] > 0.0f);
    CHECK(veclite_search_result_nq(sr) == 2 && veclite_search_result_count(sr, 0) == 5);
    const veclite_result *fields = veclite_search_result_fields(sr, 0);
    const veclite_column *random = veclite_result_column_by_name(fields, S("random"));
    const double *rv = NULL;
    size_t rn = 0;
    CHECK(veclite_column_double_data(random, &rv, &rn, NULL) == VECLITE_STATUS_OK);
    CHECK(rn == 5 && fabs(rv[0] - 250.0) < 1e-9);
    veclite_search_result_free(sr);

    /* Fewer hits than k: padding with -1 / +inf. */
    CHECK(veclite_search_options_set_filter(so, S("ID < 3"), NULL) == VECLITE_STATUS_OK);
    int64_t few_ids[10];
    float few_scores[10];
    size_t few_count = 0;
    CHECK(veclite_search(db, NULL, S("hello"), so, query, 1, DIM, 10, VECLITE_METRIC_L2, few_ids, few_scores,
                         &few_count, NULL, NULL) == VECLITE_STATUS_OK);
    CHECK(few_count == 3 && few_ids[3] == -1 && isinf(few_scores[9]));
    veclite_search_options_free(so);

    /* count(*) with a filter, and a query returning typed columns. */
    uint64_t n = 0;
    CHECK(veclite_count(db, NULL, S("hello"), S("random >= 1000.0"), NULL, NULL, 0, &n, NULL) == VECLITE_STATUS_OK);
    CHECK(n == ROWS / 2);
    const uint8_t *out_names[] = {(const uint8_t *)"*"};
    size_t out_lens[] = {1};
    veclite_result *qr = NULL;
    CHECK(veclite_query(db, NULL, S("hello"), S("ID in [7, 2999]"), NULL, NULL, 0, out_names, out_lens, 1, 0, 0, &qr,
                        NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_result_num_rows(qr) == 2 && veclite_result_num_columns(qr) == 3);
    const float *vec = NULL;
    size_t vrows = 0, vdim = 0;
    CHECK(veclite_column_float_vector_data(veclite_result_column_by_name(qr, S("embeddings")), &vec, &vrows, &vdim,
                                           NULL) == VECLITE_STATUS_OK);
    CHECK(vrows == 2 && vdim == DIM && vec[0] == 1007.0f && vec[DIM] == 2999.0f);
    veclite_result_free(qr);

    /* Delete by expression and by keys: exact delete_count. */
    CHECK(veclite_delete(db, NULL, S("hello"), NULL, 0, S("ID >= 2990"), &r, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_mutation_result_delete_count(r) == 10);
    veclite_mutation_result_free(r);
    int64_t gone[] = {0, 1, 2990};
    veclite_column *gone_col = NULL;
    CHECK(veclite_column_new_int64(S("ID"), gone, 3, NULL, &gone_col, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_delete_by_pks(db, NULL, S("hello"), NULL, 0, gone_col, &r, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_mutation_result_delete_count(r) == 2);
    veclite_mutation_result_free(r);
    veclite_result *got = NULL;
    CHECK(veclite_get(db, NULL, S("hello"), gone_col, NULL, NULL, 0, NULL, NULL, 0, &got, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_result_num_rows(got) == 0);
    veclite_result_free(got);
    veclite_column_free(gone_col);
    CHECK(count(db, "hello") == ROWS - 12);
    CHECK(veclite_compact(db, NULL, S("hello"), NULL) == VECLITE_STATUS_OK);
    CHECK(count(db, "hello") == ROWS - 12);
}

/* Index lifecycle in Milvus's terms: create (built for the sealed segment), describe with the
 * params as given plus defaults, search with ef, refusals by the library, drop. */
static void index_calls(veclite_db *db) {
    const uint8_t *keys[] = {(const uint8_t *)"M"};
    size_t key_lens[] = {1};
    const uint8_t *values[] = {(const uint8_t *)"16"};
    size_t value_lens[] = {2};
    CHECK(veclite_create_index(db, NULL, S("hello"), S("embeddings"), NULL, 0, S("hnsw"), S("l2"), keys, key_lens,
                               values, value_lens, 1, NULL) == VECLITE_STATUS_OK);
    veclite_index_info *info = NULL;
    CHECK(veclite_describe_index(db, S("hello"), S("embeddings"), &info, NULL) == VECLITE_STATUS_OK);
    uint32_t type = 99, metric = 99, m = 0, efc = 0;
    uint64_t indexed = 0, total = 0, pending = 99;
    const uint8_t *name = NULL;
    size_t name_len = 0;
    CHECK(veclite_index_info_get(info, &name, &name_len, &type, &metric, &m, &efc, &indexed, &total, &pending));
    CHECK(type == VECLITE_INDEX_HNSW && metric == VECLITE_METRIC_L2 && m == 16 && efc == 360);
    CHECK(name_len == 10 && memcmp(name, "embeddings", 10) == 0);
    CHECK(pending == 0 && indexed > 0 && total >= indexed);
    /* index_type, metric_type, then the build params sorted by key, the default included. */
    const char *want[][2] = {{"index_type", "HNSW"}, {"metric_type", "L2"}, {"M", "16"}, {"efConstruction", "360"}};
    CHECK(veclite_index_info_params_len(info) == 4);
    for (size_t i = 0; i < 4; i++) {
        const uint8_t *k = NULL, *v = NULL;
        size_t kl = 0, vl = 0;
        CHECK(veclite_index_info_param(info, i, &k, &kl, &v, &vl));
        CHECK(kl == strlen(want[i][0]) && memcmp(k, want[i][0], kl) == 0);
        CHECK(vl == strlen(want[i][1]) && memcmp(v, want[i][1], vl) == 0);
    }
    CHECK(!veclite_index_info_param(info, 4, NULL, NULL, NULL, NULL));
    veclite_index_info_free(info);

    float query[DIM];
    for (int j = 0; j < DIM; j++) query[j] = (float)(2500 + j);
    veclite_search_options *so = veclite_search_options_new();
    const uint8_t *ef_key[] = {(const uint8_t *)"ef"};
    size_t ef_key_len[] = {2};
    const uint8_t *ef_value[] = {(const uint8_t *)"32"};
    size_t ef_value_len[] = {2};
    CHECK(veclite_search_options_set_params(so, ef_key, ef_key_len, ef_value, ef_value_len, 1, NULL) ==
          VECLITE_STATUS_OK);
    const uint8_t *zero[] = {(const uint8_t *)"0"};
    size_t zero_len[] = {1};
    EXPECT_ERROR(veclite_search_options_set_params(so, ef_key, ef_key_len, zero, zero_len, 1, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "`ef` = `0`: expected a positive integer");
    const uint8_t *radius[] = {(const uint8_t *)"radius"};
    size_t radius_len[] = {6};
    const uint8_t *not_number[] = {(const uint8_t *)"x"};
    size_t not_number_len[] = {1};
    EXPECT_ERROR(veclite_search_options_set_params(so, radius, radius_len, not_number, not_number_len, 1, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "`radius` = `x`: expected a finite number");
    int64_t ids[3];
    size_t n = 0;
    CHECK(veclite_search(db, NULL, S("hello"), so, query, 1, DIM, 3, VECLITE_METRIC_L2, ids, NULL, &n, NULL, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(n == 3 && ids[0] == 2500);
    EXPECT_ERROR(veclite_search(db, NULL, S("hello"), so, query, 1, DIM, 3, VECLITE_METRIC_IP, ids, NULL, &n, NULL,
                                E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "metric type not match");
    uint32_t parsed = 99;
    CHECK(veclite_metric_parse(S("cosine"), &parsed, NULL) == VECLITE_STATUS_OK && parsed == VECLITE_METRIC_COSINE);
    CHECK(veclite_metric_parse(S("hamming"), &parsed, NULL) == VECLITE_STATUS_OK && parsed == VECLITE_METRIC_HAMMING);
    EXPECT_ERROR(veclite_metric_parse(S("SUPERSTRUCTURE"), &parsed, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "SUPERSTRUCTURE");
    EXPECT_ERROR(veclite_create_index(db, NULL, S("hello"), S("random"), NULL, 0, S("HNSW"), S("L2"), NULL, NULL, NULL,
                                      NULL, 0, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "not a vector field");
    EXPECT_ERROR(veclite_create_index(db, NULL, S("hello"), S("embeddings"), NULL, 0, S("IVF_PQ"), S("L2"), NULL, NULL,
                                      NULL, NULL, 0, E),
                 VECLITE_STATUS_UNSUPPORTED, "index type `IVF_PQ`");
    EXPECT_ERROR(veclite_create_index(db, NULL, S("hello"), S("embeddings"), NULL, 0, S("IVF_FLAT"), S("L2"), keys,
                                      key_lens, values, value_lens, 1, E),
                 VECLITE_STATUS_UNSUPPORTED, "index param `M` for IVF_FLAT");
    CHECK(veclite_drop_index(db, S("hello"), S("embeddings"), NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_search(db, NULL, S("hello"), so, query, 1, DIM, 3, VECLITE_METRIC_L2, ids, NULL, &n, NULL, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "`ef` applies to HNSW indexes");
    veclite_search_options_free(so);
    EXPECT_ERROR(veclite_describe_index(db, S("hello"), S("embeddings"), &info, E), VECLITE_STATUS_NOT_FOUND,
                 "embeddings");
}

static void catalog_calls(veclite_db *db) {
    veclite_strings *names = NULL;
    CHECK(veclite_list_collections(db, &names, NULL) == VECLITE_STATUS_OK);
    const uint8_t *p = NULL;
    size_t len = 0;
    CHECK(veclite_strings_len(names) == 1 && veclite_strings_get(names, 0, &p, &len) && len == 5 &&
          memcmp(p, "hello", 5) == 0);
    CHECK(!veclite_strings_get(names, 1, &p, &len));
    veclite_strings_free(names);
    CHECK(veclite_create_partition(db, S("hello"), S("p1"), NULL) == VECLITE_STATUS_OK);
    bool exists = false;
    CHECK(veclite_has_partition(db, S("hello"), S("p1"), &exists, NULL) == VECLITE_STATUS_OK && exists);
    CHECK(veclite_list_partitions(db, S("hello"), &names, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_strings_len(names) == 2);
    veclite_strings_free(names);
    CHECK(veclite_drop_partition(db, S("hello"), S("p1"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_has_collection(db, S("hello"), &exists, NULL) == VECLITE_STATUS_OK && exists);
    veclite_schema *schema = NULL;
    CHECK(veclite_describe_collection(db, S("hello"), &schema, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_num_fields(schema) == 3);
    uint32_t type = 0, param = 0, flags = 0;
    CHECK(veclite_schema_field(schema, 2, &p, &len, &type, &param, &flags));
    CHECK(type == VECLITE_FIELD_FLOAT_VECTOR && param == DIM && flags == 0 && len == 10);
    CHECK(veclite_schema_field(schema, 0, NULL, NULL, NULL, NULL, &flags) && flags == VECLITE_FLAG_PRIMARY_KEY);
    veclite_schema_free(schema);
}

/* Every bad input fails with its status and message and changes nothing. */
static void bad_input_matrix(veclite_db *db) {
    const uint64_t before = count(db, "hello");
    veclite_column *cols[4];
    veclite_mutation_result *r = (veclite_mutation_result *)&r; /* must stay untouched */
    veclite_mutation_result *const untouched = r;
    const veclite_column *const *cc = (const veclite_column *const *)cols;

    /* NULL for every pointer argument. */
    seed_columns(5000, 2, 0.0, cols);
    EXPECT_ERROR(veclite_upsert(NULL, NULL, S("hello"), NULL, 0, cc, 3, &r, E), VECLITE_STATUS_NULL_ARGUMENT, "db");
    EXPECT_ERROR(veclite_upsert(db, NULL, NULL, 5, NULL, 0, cc, 3, &r, E), VECLITE_STATUS_NULL_ARGUMENT, "collection");
    EXPECT_ERROR(veclite_upsert(db, NULL, S("hello"), NULL, 0, NULL, 3, &r, E), VECLITE_STATUS_NULL_ARGUMENT, "columns");
    EXPECT_ERROR(veclite_upsert(db, NULL, S("hello"), NULL, 0, cc, 3, NULL, E), VECLITE_STATUS_NULL_ARGUMENT, "result_out");
    const veclite_column *with_null[] = {cols[0], NULL, cols[2]};
    EXPECT_ERROR(veclite_upsert(db, NULL, S("hello"), NULL, 0, with_null, 3, &r, E), VECLITE_STATUS_NULL_ARGUMENT,
                 "columns");
    EXPECT_ERROR(veclite_column_new_int64(NULL, 0, NULL, 0, NULL, &cols[3], E), VECLITE_STATUS_NULL_ARGUMENT, "name");
    EXPECT_ERROR(veclite_column_new_int64(S("x"), NULL, 4, NULL, &cols[3], E), VECLITE_STATUS_NULL_ARGUMENT, "data");
    EXPECT_ERROR(veclite_count(db, NULL, S("hello"), NULL, 0, NULL, NULL, 0, NULL, E), VECLITE_STATUS_NULL_ARGUMENT,
                 "count_out");
    EXPECT_ERROR(veclite_create_collection(db, NULL, E), VECLITE_STATUS_NULL_ARGUMENT, "schema");
    EXPECT_ERROR(veclite_db_open(NULL, 0, NULL, NULL, E), VECLITE_STATUS_NULL_ARGUMENT, "path");
    EXPECT_ERROR(veclite_search(db, NULL, S("hello"), NULL, NULL, 1, DIM, 1, 0, NULL, NULL, NULL, NULL, E),
                 VECLITE_STATUS_NULL_ARGUMENT, "queries");
    CHECK(veclite_status_name(VECLITE_STATUS_NULL_ARGUMENT)[0] == 'N');
    veclite_error_free(NULL);
    veclite_column_free(NULL);
    veclite_mutation_result_free(NULL);
    veclite_result_free(NULL);
    CHECK(veclite_mutation_result_insert_count(NULL) == 0);

    /* Unknown names, invalid UTF-8, empty names. */
    EXPECT_ERROR(veclite_upsert(db, NULL, S("nope"), NULL, 0, cc, 3, &r, E), VECLITE_STATUS_NOT_FOUND,
                 "collection `nope`");
    EXPECT_ERROR(veclite_upsert(db, NULL, S("hello"), S("p9"), cc, 3, &r, E), VECLITE_STATUS_NOT_FOUND,
                 "partition `p9`");
    EXPECT_KIND(veclite_upsert(db, NULL, S("nope"), NULL, 0, cc, 3, &r, E), VECLITE_STATUS_NOT_FOUND,
                VECLITE_OBJECT_COLLECTION);
    EXPECT_KIND(veclite_drop_partition(db, S("hello"), S("p9"), E), VECLITE_STATUS_NOT_FOUND, VECLITE_OBJECT_PARTITION);
    EXPECT_KIND(veclite_drop_index(db, S("hello"), S("random"), E), VECLITE_STATUS_NOT_FOUND, VECLITE_OBJECT_INDEX);
    EXPECT_KIND(veclite_create_partition(db, S("hello"), S("_default"), E), VECLITE_STATUS_ALREADY_EXISTS,
                VECLITE_OBJECT_PARTITION);
    EXPECT_KIND(veclite_create_partition(db, S("hello"), S(""), E), VECLITE_STATUS_INVALID_ARGUMENT, VECLITE_OBJECT_NONE);
    EXPECT_ERROR(veclite_upsert(db, NULL, (const uint8_t *)"hel\xff", 4, NULL, 0, cc, 3, &r, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "not valid UTF-8");
    EXPECT_ERROR(veclite_upsert(db, NULL, S(""), NULL, 0, cc, 3, &r, E), VECLITE_STATUS_NOT_FOUND, "collection ``");
    EXPECT_ERROR(veclite_create_partition(db, S("hello"), S(""), E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "invalid partition name");
    const uint8_t *bad_str[] = {(const uint8_t *)"ok", (const uint8_t *)"\xc3"};
    size_t bad_lens[] = {2, 1};
    EXPECT_ERROR(veclite_column_new_varchar(S("v"), bad_str, bad_lens, 2, NULL, &cols[3], E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "row 1");
    free_columns(cols, 3);

    /* Unknown field, dim mismatch, unequal lengths. */
    seed_columns(5000, 2, 0.0, cols);
    int64_t one[] = {1, 2};
    CHECK(veclite_column_new_int64(S("bogus"), one, 2, NULL, &cols[3], NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_upsert(db, NULL, S("hello"), NULL, 0, cc, 4, &r, E), VECLITE_STATUS_NOT_FOUND,
                 "field `bogus`");
    EXPECT_KIND(veclite_upsert(db, NULL, S("hello"), NULL, 0, cc, 4, &r, E), VECLITE_STATUS_NOT_FOUND,
                VECLITE_OBJECT_FIELD);
    veclite_column_free(cols[3]);
    float seven[14] = {0};
    veclite_column_free(cols[2]);
    CHECK(veclite_column_new_float_vector(S("embeddings"), seven, 7, 2, &cols[2], NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_upsert(db, NULL, S("hello"), NULL, 0, cc, 3, &r, E), VECLITE_STATUS_DIMENSION_MISMATCH,
                 "dim 8");
    free_columns(cols, 3);
    seed_columns(5000, 2, 0.0, cols);
    veclite_column_free(cols[1]);
    double lone = 0.5;
    CHECK(veclite_column_new_double(S("random"), &lone, 1, NULL, &cols[1], NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_upsert(db, NULL, S("hello"), NULL, 0, cc, 3, &r, E), VECLITE_STATUS_SCHEMA_MISMATCH,
                 "unequal lengths");
    free_columns(cols, 3);

    /* Duplicate primary keys in one batch; NaN. */
    seed_columns(5000, 2, 0.0, cols);
    veclite_column_free(cols[0]);
    int64_t dup[] = {42, 42};
    CHECK(veclite_column_new_int64(S("ID"), dup, 2, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_upsert(db, NULL, S("hello"), NULL, 0, cc, 3, &r, E), VECLITE_STATUS_DUPLICATE_PRIMARY_KEY,
                 "rows 0 and 1");
    free_columns(cols, 3);
    seed_columns(5000, 2, 0.0, cols);
    veclite_column_free(cols[2]);
    float nan_vecs[2 * DIM] = {0};
    nan_vecs[DIM + 3] = NAN;
    CHECK(veclite_column_new_float_vector(S("embeddings"), nan_vecs, DIM, 2, &cols[2], NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_upsert(db, NULL, S("hello"), NULL, 0, cc, 3, &r, E), VECLITE_STATUS_INVALID_VALUE,
                 "row 1: NaN");
    free_columns(cols, 3);

    /* Cancelled context and expired deadline. */
    seed_columns(5000, 2, 0.0, cols);
    veclite_ctx *ctx = veclite_ctx_new();
    veclite_ctx_cancel(ctx);
    EXPECT_ERROR(veclite_upsert(db, ctx, S("hello"), NULL, 0, cc, 3, &r, E), VECLITE_STATUS_CANCELLED, "cancelled");
    float q[DIM] = {0};
    EXPECT_ERROR(veclite_search(db, ctx, S("hello"), NULL, q, 1, DIM, 1, 0, NULL, NULL, NULL, NULL, E),
                 VECLITE_STATUS_CANCELLED, "cancelled");
    EXPECT_ERROR(veclite_flush(db, ctx, S("hello"), E), VECLITE_STATUS_CANCELLED, "cancelled");
    veclite_ctx_free(ctx);
    ctx = veclite_ctx_new_with_timeout_ms(0);
    EXPECT_ERROR(veclite_upsert(db, ctx, S("hello"), NULL, 0, cc, 3, &r, E), VECLITE_STATUS_DEADLINE_EXCEEDED,
                 "deadline");
    EXPECT_ERROR(veclite_compact(db, ctx, S("hello"), E), VECLITE_STATUS_DEADLINE_EXCEEDED, "deadline");
    veclite_ctx_free(ctx);
    free_columns(cols, 3);

    /* Auto-id upsert and VarChar over max_length. */
    veclite_schema_builder *b = NULL;
    veclite_schema *schema = NULL;
    CHECK(veclite_schema_builder_new(S("auto"), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("id"), VECLITE_FIELD_INT64, 0,
                                           VECLITE_FLAG_PRIMARY_KEY | VECLITE_FLAG_AUTO_ID, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("title"), VECLITE_FIELD_VARCHAR, 4, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("v"), VECLITE_FIELD_FLOAT_VECTOR, 2, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_build(b, &schema, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_create_collection(db, schema, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(schema);
    const uint8_t *titles[] = {(const uint8_t *)"abcd", (const uint8_t *)"abcde"};
    size_t title_lens[] = {4, 5};
    float v2[4] = {1, 2, 3, 4};
    veclite_column *acols[3];
    CHECK(veclite_column_new_varchar(S("title"), titles, title_lens, 2, NULL, &acols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_float_vector(S("v"), v2, 2, 2, &acols[1], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_int64(S("id"), one, 2, NULL, &acols[2], NULL) == VECLITE_STATUS_OK);
    const veclite_column *const *ac = (const veclite_column *const *)acols;
    EXPECT_ERROR(veclite_upsert(db, NULL, S("auto"), NULL, 0, ac, 3, &r, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "upsert is not applicable");
    EXPECT_ERROR(veclite_insert(db, NULL, S("auto"), NULL, 0, ac, 2, &r, E), VECLITE_STATUS_INVALID_VALUE,
                 "length 5 exceeds max_length 4");
    CHECK(count(db, "auto") == 0);
    free_columns(acols, 3);

    /* VarChar primary keys come back through the result object, not ids_out. */
    CHECK(veclite_schema_builder_new(S("vc"), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("key"), VECLITE_FIELD_VARCHAR, 8, VECLITE_FLAG_PRIMARY_KEY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("v"), VECLITE_FIELD_FLOAT_VECTOR, 2, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_build(b, &schema, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_create_collection(db, schema, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(schema);
    const uint8_t *keys[] = {(const uint8_t *)"left", (const uint8_t *)"right"};
    size_t key_lens[] = {4, 5};
    float kv[4] = {1, 0, 0, 1};
    veclite_column *vcols[2];
    CHECK(veclite_column_new_varchar(S("key"), keys, key_lens, 2, NULL, &vcols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_float_vector(S("v"), kv, 2, 2, &vcols[1], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_upsert(db, NULL, S("vc"), NULL, 0, (const veclite_column *const *)vcols, 2, &r, NULL) ==
          VECLITE_STATUS_OK);
    const uint8_t *k0 = NULL;
    size_t k0_len = 0;
    CHECK(veclite_column_varchar_value(veclite_mutation_result_primary_keys(r), 1, &k0, &k0_len, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(k0_len == 5 && memcmp(k0, "right", 5) == 0);
    veclite_mutation_result_free(r);
    r = untouched;
    free_columns(vcols, 2);
    float vq[2] = {0, 1};
    int64_t vids[1];
    EXPECT_ERROR(veclite_search(db, NULL, S("vc"), NULL, vq, 1, 2, 1, VECLITE_METRIC_L2, vids, NULL, NULL, NULL, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "ids_out needs an Int64 primary key");
    veclite_search_result *vr = NULL;
    CHECK(veclite_search(db, NULL, S("vc"), NULL, vq, 1, 2, 1, VECLITE_METRIC_L2, NULL, NULL, NULL, &vr, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_column_varchar_value(veclite_search_result_ids(vr, 0), 0, &k0, &k0_len, NULL) == VECLITE_STATUS_OK);
    CHECK(k0_len == 5 && memcmp(k0, "right", 5) == 0);
    veclite_search_result_free(vr);

    CHECK(r == untouched);
    CHECK(count(db, "hello") == before);
}

/* NULL for every required pointer argument of every fallible call gives NULL_ARGUMENT naming it;
 * infallible accessors return their documented default. */
#define NULL_ARG(call, name) EXPECT_ERROR(call, VECLITE_STATUS_NULL_ARGUMENT, name)
static void null_everywhere(veclite_db *db) {
    const uint64_t before = count(db, "hello");
    veclite_column *col = NULL;
    int64_t one = 1;
    CHECK(veclite_column_new_int64(S("ID"), &one, 1, NULL, &col, NULL) == VECLITE_STATUS_OK);
    const veclite_column *cols[] = {col};
    veclite_mutation_result *r = NULL;
    veclite_result *res = NULL;
    veclite_strings *names = NULL;
    veclite_schema *schema = NULL;
    veclite_schema_builder *b = NULL;
    veclite_index_info *info = NULL;
    veclite_db *other = NULL;
    bool flag = false;
    uint64_t n = 0;
    float q[DIM] = {0};
    const int64_t *i64 = NULL;
    const double *f64 = NULL;
    const float *f32 = NULL;
    const uint8_t *bytes = NULL;
    const bool *valid = NULL;
    size_t len = 0, rows = 0, dim = 0;

    /* Every database call with a NULL handle. */
    NULL_ARG(veclite_db_clone(NULL, &other, E), "db");
    NULL_ARG(veclite_drop_collection(NULL, S("hello"), E), "db");
    NULL_ARG(veclite_has_collection(NULL, S("hello"), &flag, E), "db");
    NULL_ARG(veclite_describe_collection(NULL, S("hello"), &schema, E), "db");
    NULL_ARG(veclite_list_collections(NULL, &names, E), "db");
    NULL_ARG(veclite_create_partition(NULL, S("hello"), S("p"), E), "db");
    NULL_ARG(veclite_drop_partition(NULL, S("hello"), S("p"), E), "db");
    NULL_ARG(veclite_has_partition(NULL, S("hello"), S("p"), &flag, E), "db");
    NULL_ARG(veclite_list_partitions(NULL, S("hello"), &names, E), "db");
    NULL_ARG(veclite_flush(NULL, NULL, S("hello"), E), "db");
    NULL_ARG(veclite_compact(NULL, NULL, S("hello"), E), "db");
    NULL_ARG(veclite_create_index(NULL, NULL, S("hello"), S("embeddings"), NULL, 0, S("FLAT"), S("L2"), NULL, NULL,
                                  NULL, NULL, 0, E),
             "db");
    NULL_ARG(veclite_drop_index(NULL, S("hello"), S("embeddings"), E), "db");
    NULL_ARG(veclite_describe_index(NULL, S("hello"), S("embeddings"), &info, E), "db");
    NULL_ARG(veclite_insert(NULL, NULL, S("hello"), NULL, 0, cols, 1, &r, E), "db");
    NULL_ARG(veclite_delete(NULL, NULL, S("hello"), NULL, 0, S("ID > 0"), &r, E), "db");
    NULL_ARG(veclite_delete_by_pks(NULL, NULL, S("hello"), NULL, 0, col, &r, E), "db");
    NULL_ARG(veclite_query(NULL, NULL, S("hello"), NULL, 0, NULL, NULL, 0, NULL, NULL, 0, 0, 0, &res, E), "db");
    NULL_ARG(veclite_get(NULL, NULL, S("hello"), col, NULL, NULL, 0, NULL, NULL, 0, &res, E), "db");
    NULL_ARG(veclite_count(NULL, NULL, S("hello"), NULL, 0, NULL, NULL, 0, &n, E), "db");

    /* Names and out-params of the same calls. */
    NULL_ARG(veclite_db_clone(db, NULL, E), "clone_out");
    NULL_ARG(veclite_drop_collection(db, NULL, 5, E), "collection");
    NULL_ARG(veclite_has_collection(db, S("hello"), NULL, E), "exists_out");
    NULL_ARG(veclite_describe_collection(db, S("hello"), NULL, E), "schema_out");
    NULL_ARG(veclite_list_collections(db, NULL, E), "names_out");
    NULL_ARG(veclite_create_partition(db, S("hello"), NULL, 1, E), "partition");
    NULL_ARG(veclite_drop_partition(db, NULL, 5, S("p"), E), "collection");
    NULL_ARG(veclite_has_partition(db, S("hello"), S("p"), NULL, E), "exists_out");
    NULL_ARG(veclite_list_partitions(db, S("hello"), NULL, E), "names_out");
    NULL_ARG(veclite_flush(db, NULL, NULL, 5, E), "collection");
    NULL_ARG(veclite_compact(db, NULL, NULL, 5, E), "collection");
    NULL_ARG(veclite_create_index(db, NULL, S("hello"), NULL, 3, NULL, 0, S("FLAT"), S("L2"), NULL, NULL, NULL, NULL, 0,
                                  E),
             "field");
    NULL_ARG(veclite_create_index(db, NULL, S("hello"), S("embeddings"), NULL, 0, S("FLAT"), NULL, 2, NULL, NULL, NULL,
                                  NULL, 0, E),
             "metric_type");
    NULL_ARG(veclite_create_index(db, NULL, S("hello"), S("embeddings"), NULL, 0, S("FLAT"), S("L2"), NULL, NULL, NULL,
                                  NULL, 1, E),
             "param keys");
    NULL_ARG(veclite_metric_parse(S("L2"), NULL, E), "metric_out");
    NULL_ARG(veclite_drop_index(db, S("hello"), NULL, 3, E), "field");
    NULL_ARG(veclite_describe_index(db, S("hello"), S("embeddings"), NULL, E), "info_out");
    NULL_ARG(veclite_insert(db, NULL, S("hello"), NULL, 0, cols, 1, NULL, E), "result_out");
    NULL_ARG(veclite_delete(db, NULL, S("hello"), NULL, 0, NULL, 3, &r, E), "expr");
    NULL_ARG(veclite_delete(db, NULL, S("hello"), NULL, 0, S("ID > 0"), NULL, E), "result_out");
    NULL_ARG(veclite_delete_by_pks(db, NULL, S("hello"), NULL, 0, NULL, &r, E), "ids");
    NULL_ARG(veclite_delete_by_pks(db, NULL, S("hello"), NULL, 0, col, NULL, E), "result_out");
    NULL_ARG(veclite_query(db, NULL, S("hello"), NULL, 0, NULL, NULL, 0, NULL, NULL, 0, 0, 0, NULL, E), "result_out");
    NULL_ARG(veclite_query(db, NULL, S("hello"), NULL, 0, NULL, NULL, 2, NULL, NULL, 0, 0, 0, &res, E), "partitions");
    NULL_ARG(veclite_get(db, NULL, S("hello"), NULL, NULL, NULL, 0, NULL, NULL, 0, &res, E), "ids");
    NULL_ARG(veclite_get(db, NULL, S("hello"), col, NULL, NULL, 0, NULL, NULL, 1, &res, E), "output_fields");
    NULL_ARG(veclite_get(db, NULL, S("hello"), col, NULL, NULL, 0, NULL, NULL, 0, NULL, E), "result_out");
    NULL_ARG(veclite_search(db, NULL, NULL, 5, NULL, q, 1, DIM, 1, 0, NULL, NULL, NULL, NULL, E), "collection");

    /* Options, schema builder, search options and column accessors. */
    NULL_ARG(veclite_options_set_sync_policy(NULL, 0, 0, E), "options");
    NULL_ARG(veclite_options_set_seal_threshold(NULL, 1, E), "options");
    NULL_ARG(veclite_options_set_worker_threads(NULL, 1, E), "options");
    NULL_ARG(veclite_db_open(S("x"), NULL, NULL, E), "db_out");
    NULL_ARG(veclite_schema_builder_new(S("c"), NULL, E), "builder_out");
    NULL_ARG(veclite_schema_builder_new(NULL, 1, &b, E), "name");
    NULL_ARG(veclite_schema_builder_add_field(NULL, S("f"), VECLITE_FIELD_INT64, 0, 0, E), "builder");
    NULL_ARG(veclite_schema_builder_set_default_int(NULL, S("f"), 1, E), "builder");
    NULL_ARG(veclite_schema_builder_set_default_double(NULL, S("f"), 1.0, E), "builder");
    NULL_ARG(veclite_schema_builder_set_default_bool(NULL, S("f"), true, E), "builder");
    NULL_ARG(veclite_schema_builder_set_default_varchar(NULL, S("f"), S("v"), E), "builder");
    NULL_ARG(veclite_schema_builder_set_default_varchar(b, S("f"), NULL, 1, E), "value");
    NULL_ARG(veclite_schema_builder_set_description(NULL, S("d"), E), "builder");
    NULL_ARG(veclite_schema_builder_build(NULL, &schema, E), "builder");
    NULL_ARG(veclite_search_options_set_filter(NULL, S("ID > 0"), E), "options");
    NULL_ARG(veclite_search_options_set_vector_field(NULL, S("embeddings"), E), "options");
    NULL_ARG(veclite_search_options_add_partition(NULL, S("p"), E), "options");
    NULL_ARG(veclite_search_options_add_output_field(NULL, S("f"), E), "options");
    NULL_ARG(veclite_search_options_set_offset(NULL, 1, E), "options");
    NULL_ARG(veclite_search_options_set_params(NULL, NULL, NULL, NULL, NULL, 0, E), "options");
    NULL_ARG(veclite_column_new_int8(S("x"), NULL, 1, NULL, &col, E), "data");
    NULL_ARG(veclite_column_new_int16(S("x"), NULL, 1, NULL, &col, E), "data");
    NULL_ARG(veclite_column_new_int32(S("x"), NULL, 1, NULL, &col, E), "data");
    NULL_ARG(veclite_column_new_float(S("x"), NULL, 1, NULL, &col, E), "data");
    NULL_ARG(veclite_column_new_double(S("x"), NULL, 1, NULL, &col, E), "data");
    NULL_ARG(veclite_column_new_bool(S("x"), NULL, 1, NULL, &col, E), "data");
    NULL_ARG(veclite_column_new_float_vector(S("x"), NULL, DIM, 1, &col, E), "data");
    NULL_ARG(veclite_column_new_varchar(S("x"), NULL, &len, 1, NULL, &col, E), "strings");
    NULL_ARG(veclite_column_new_int64(S("x"), &one, 1, NULL, NULL, E), "column_out");
    NULL_ARG(veclite_column_int64_data(NULL, &i64, &len, E), "column");
    NULL_ARG(veclite_column_int64_data(col, NULL, &len, E), "data_out");
    NULL_ARG(veclite_column_double_data(col, &f64, NULL, E), "len_out");
    NULL_ARG(veclite_column_float_vector_data(col, &f32, &rows, NULL, E), "dim_out");
    NULL_ARG(veclite_column_varchar_value(NULL, 0, &bytes, &len, E), "column");
    NULL_ARG(veclite_column_validity(col, NULL, E), "valid_out");
    NULL_ARG(veclite_column_validity(NULL, &valid, E), "column");
    (void)dim;

    /* Infallible accessors on NULL return their defaults. */
    CHECK(veclite_column_len(NULL) == 0 && veclite_column_type(NULL) == 0);
    CHECK(veclite_result_num_rows(NULL) == 0 && veclite_result_num_columns(NULL) == 0);
    CHECK(veclite_result_column(NULL, 0) == NULL && veclite_result_column_by_name(NULL, S("x")) == NULL);
    CHECK(veclite_schema_num_fields(NULL) == 0 && !veclite_schema_field(NULL, 0, NULL, NULL, NULL, NULL, NULL));
    CHECK(veclite_search_result_nq(NULL) == 0 && veclite_search_result_count(NULL, 0) == 0);
    CHECK(veclite_search_result_ids(NULL, 0) == NULL && veclite_search_result_fields(NULL, 0) == NULL);
    CHECK(veclite_strings_len(NULL) == 0 && !veclite_strings_get(NULL, 0, &bytes, &len));
    CHECK(!veclite_index_info_get(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    CHECK(veclite_index_info_params_len(NULL) == 0 && !veclite_index_info_param(NULL, 0, NULL, NULL, NULL, NULL));
    CHECK(veclite_mutation_result_primary_keys(NULL) == NULL && veclite_mutation_result_timestamp(NULL) == 0);
    CHECK(veclite_error_code(NULL) == VECLITE_STATUS_NULL_ARGUMENT && veclite_error_message(NULL)[0] == 0);
    CHECK(veclite_error_object_kind(NULL) == VECLITE_OBJECT_NONE);
    veclite_ctx_cancel(NULL);
    veclite_ctx_free(NULL);
    veclite_options_free(NULL);
    veclite_schema_builder_free(NULL);
    veclite_schema_free(NULL);
    veclite_search_options_free(NULL);
    veclite_search_result_free(NULL);
    veclite_strings_free(NULL);
    veclite_index_info_free(NULL);

    CHECK(r == NULL && res == NULL && names == NULL && schema == NULL && info == NULL && other == NULL);
    veclite_column_free(col);
    CHECK(count(db, "hello") == before);
}

/* Closing one handle closes the database for its clones, which then report CLOSED. */
static void closed_handles(const char *dir) {
    veclite_db *db = NULL, *clone = NULL, *second = NULL;
    CHECK(veclite_db_open(S(dir), NULL, &db, NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_db_open(S(dir), NULL, &second, E), VECLITE_STATUS_LOCKED, "locked");
    CHECK(second == NULL);
    CHECK(veclite_db_clone(db, &clone, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
    uint64_t n = 0;
    EXPECT_ERROR(veclite_count(clone, NULL, S("hello"), NULL, 0, NULL, NULL, 0, &n, E), VECLITE_STATUS_CLOSED,
                 "closed");
    CHECK(veclite_db_close(clone, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_db_close(NULL, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_db_open(S(dir), NULL, &db, NULL) == VECLITE_STATUS_OK);
    CHECK(count(db, "hello") == ROWS - 12);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
}

/* Several threads upsert and search the same collection at once. */
struct worker {
    veclite_db *db;
    int index;
    int ok;
};

static void *work(void *arg) {
    struct worker *w = arg;
    w->ok = 1;
    for (int round = 0; round < 10; round++) {
        veclite_column *cols[3];
        veclite_mutation_result *r = NULL;
        seed_columns(10000 + w->index * 100, 100, (double)round, cols);
        if (veclite_upsert(w->db, NULL, S("hello"), NULL, 0, (const veclite_column *const *)cols, 3, &r, NULL) !=
            VECLITE_STATUS_OK)
            w->ok = 0;
        veclite_mutation_result_free(r);
        free_columns(cols, 3);
        float q[DIM] = {1, 2, 3, 4, 5, 6, 7, 8};
        int64_t ids[10];
        size_t n = 0;
        if (veclite_search(w->db, NULL, S("hello"), NULL, q, 1, DIM, 10, VECLITE_METRIC_L2, ids, NULL, &n, NULL,
                           NULL) != VECLITE_STATUS_OK ||
            n != 10)
            w->ok = 0;
    }
    return NULL;
}

static void concurrent_threads(veclite_db *db) {
    enum { THREADS = 4 };
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){db, i, 0};
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(workers[i].ok);
    }
    CHECK(count(db, "hello") == ROWS - 12 + THREADS * 100);
    uint64_t n = 0;
    CHECK(veclite_count(db, NULL, S("hello"), S("ID >= 10000"), NULL, NULL, 0, &n, NULL) == VECLITE_STATUS_OK);
    CHECK(n == THREADS * 100);
    int64_t gone[THREADS * 100];
    for (int i = 0; i < THREADS * 100; i++) gone[i] = 10000 + i;
    veclite_column *col = NULL;
    veclite_mutation_result *r = NULL;
    CHECK(veclite_column_new_int64(S("ID"), gone, THREADS * 100, NULL, &col, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_delete_by_pks(db, NULL, S("hello"), NULL, 0, col, &r, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_mutation_result_delete_count(r) == THREADS * 100);
    veclite_mutation_result_free(r);
    veclite_column_free(col);
}

/* Dynamic fields: a schema with a JSON field and dynamic fields on; unknown columns fold into
 * `$meta`, which queries return (whole or reduced to named keys) and filters read; without the flag
 * an unknown column is an error; invalid JSON is rejected naming field and row; nothing written. */
static veclite_schema *dyn_schema(const char *name, bool dynamic) {
    veclite_schema_builder *b = NULL;
    veclite_schema *schema = NULL;
    CHECK(veclite_schema_builder_new(S(name), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("id"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PRIMARY_KEY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("doc"), VECLITE_FIELD_JSON, 0, VECLITE_FLAG_NULLABLE, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("v"), VECLITE_FIELD_FLOAT_VECTOR, 2, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_enable_dynamic_field(b, dynamic, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_build(b, &schema, NULL) == VECLITE_STATUS_OK);
    return schema;
}

static void dyn_base(veclite_column *cols[2]) {
    int64_t ids[] = {1, 2, 3};
    float vecs[] = {1, 0, 0, 1, 1, 1};
    CHECK(veclite_column_new_int64(S("id"), ids, 3, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_float_vector(S("v"), vecs, 2, 3, &cols[1], NULL) == VECLITE_STATUS_OK);
}

static veclite_column *json_column(const char *name, const char *const texts[3], const bool *valid) {
    const uint8_t *ptrs[3];
    size_t lens[3];
    for (int i = 0; i < 3; i++) {
        ptrs[i] = (const uint8_t *)texts[i];
        lens[i] = texts[i] ? strlen(texts[i]) : 0;
    }
    veclite_column *c = NULL;
    CHECK(veclite_column_new_json(S(name), ptrs, lens, 3, valid, &c, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_type(c) == VECLITE_FIELD_JSON && veclite_column_len(c) == 3);
    return c;
}

static int text_is(const veclite_column *c, size_t row, const char *want) {
    const uint8_t *p = NULL;
    size_t len = 0;
    if (veclite_column_varchar_value(c, row, &p, &len, NULL) != VECLITE_STATUS_OK) return 0;
    return len == strlen(want) && memcmp(p, want, len) == 0;
}

static void dynamic_fields(veclite_db *db) {
    veclite_schema *schema = dyn_schema("dyn", true);
    CHECK(veclite_schema_dynamic_field_enabled(schema));
    CHECK(veclite_schema_num_fields(schema) == 4);
    const uint8_t *fname = NULL;
    size_t flen = 0;
    uint32_t ftype = 0, fflags = 0;
    CHECK(veclite_schema_field(schema, 3, &fname, &flen, &ftype, NULL, &fflags));
    CHECK(flen == 5 && memcmp(fname, "$meta", 5) == 0 && ftype == VECLITE_FIELD_JSON &&
          fflags == VECLITE_FLAG_DYNAMIC);
    CHECK(veclite_create_collection(db, schema, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(schema);
    schema = dyn_schema("static", false);
    CHECK(!veclite_schema_dynamic_field_enabled(schema) && veclite_schema_num_fields(schema) == 3);
    CHECK(veclite_create_collection(db, schema, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(schema);

    /* Insert: `a` and `tag` are not in the schema; `doc` is a JSON field with a null row. */
    veclite_column *cols[5];
    dyn_base(cols);
    int64_t a[] = {100, 200, 0};
    bool a_valid[] = {true, true, false};
    CHECK(veclite_column_new_int64(S("a"), a, 3, a_valid, &cols[2], NULL) == VECLITE_STATUS_OK);
    const uint8_t *tags[] = {(const uint8_t *)"red", (const uint8_t *)"blue", (const uint8_t *)"red"};
    size_t tag_lens[] = {3, 4, 3};
    CHECK(veclite_column_new_varchar(S("tag"), tags, tag_lens, 3, NULL, &cols[3], NULL) == VECLITE_STATUS_OK);
    const char *docs[] = {"{\"k\": {\"n\": 1}}", NULL, "{\"k\": {\"n\": 3}}"};
    bool doc_valid[] = {true, false, true};
    cols[4] = json_column("doc", docs, doc_valid);
    veclite_mutation_result *r = NULL;
    CHECK(veclite_insert(db, NULL, S("dyn"), NULL, 0, (const veclite_column *const *)cols, 5, &r, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_mutation_result_insert_count(r) == 3);
    veclite_mutation_result_free(r);

    /* Without dynamic fields the unknown column is an error. */
    EXPECT_ERROR(veclite_insert(db, NULL, S("static"), NULL, 0, (const veclite_column *const *)cols, 5, &r, E),
                 VECLITE_STATUS_NOT_FOUND, "dynamic fields are not enabled");
    /* Invalid JSON: named field and row; nothing written. */
    const char *bad[] = {"{}", "{\"x\":", "1"};
    veclite_column_free(cols[4]);
    cols[4] = json_column("doc", bad, NULL);
    veclite_column *with_bad[] = {cols[0], cols[1], cols[4]};
    EXPECT_ERROR(veclite_insert(db, NULL, S("static"), NULL, 0, (const veclite_column *const *)with_bad, 3, &r, E),
                 VECLITE_STATUS_INVALID_VALUE, "field `doc` row 1: invalid JSON");
    const char *not_object[] = {"{}", "[1]", "{}"};
    veclite_column *meta = json_column("$meta", not_object, NULL);
    veclite_column *with_meta[] = {cols[0], cols[1], meta};
    EXPECT_ERROR(veclite_upsert(db, NULL, S("dyn"), NULL, 0, (const veclite_column *const *)with_meta, 3, &r, E),
                 VECLITE_STATUS_INVALID_VALUE, "field `$meta` row 1: dynamic field data must be a JSON object");
    veclite_column_free(meta);
    CHECK(count(db, "static") == 0 && count(db, "dyn") == 3);
    free_columns(cols, 5);

    /* Query: filter on a dynamic key (missing key: no match) and on a JSON path; `$meta` out. */
    const uint8_t *out_names[] = {(const uint8_t *)"$meta", (const uint8_t *)"doc"};
    size_t out_lens[] = {5, 3};
    veclite_result *qr = NULL;
    CHECK(veclite_query(db, NULL, S("dyn"), S("a >= 100 and tag == \"red\""), NULL, NULL, 0, out_names, out_lens, 2,
                        0, 0, &qr, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_result_num_rows(qr) == 1 && veclite_result_num_columns(qr) == 3);
    const veclite_column *m = veclite_result_column_by_name(qr, S("$meta"));
    CHECK(veclite_column_type(m) == VECLITE_FIELD_JSON);
    CHECK(text_is(m, 0, "{\"a\":100,\"tag\":\"red\"}"));
    CHECK(text_is(veclite_result_column_by_name(qr, S("doc")), 0, "{\"k\": {\"n\": 1}}"));
    veclite_result_free(qr);
    uint64_t n = 0;
    CHECK(veclite_count(db, NULL, S("dyn"), S("a != 100"), NULL, NULL, 0, &n, NULL) == VECLITE_STATUS_OK);
    CHECK(n == 2); /* row 3 has no `a`: `!=` matches it, as in Milvus */
    CHECK(veclite_count(db, NULL, S("dyn"), S("doc[\"k\"][\"n\"] in [1, 3]"), NULL, NULL, 0, &n, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(n == 2);
    /* A dynamic key by name: `$meta` reduced to it. */
    const uint8_t *key_name[] = {(const uint8_t *)"tag"};
    size_t key_len[] = {3};
    CHECK(veclite_query(db, NULL, S("dyn"), S("id == 2"), NULL, NULL, 0, key_name, key_len, 1, 0, 0, &qr, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(text_is(veclite_result_column_by_name(qr, S("$meta")), 0, "{\"tag\":\"blue\"}"));
    veclite_result_free(qr);
    EXPECT_ERROR(veclite_count(db, NULL, S("static"), S("a == 1"), NULL, NULL, 0, &n, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "field `a` does not exist");
    CHECK(veclite_drop_collection(db, S("dyn"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_drop_collection(db, S("static"), NULL) == VECLITE_STATUS_OK);
}

/* Reads file `path` into a new buffer; returns its length in *len. */
static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *bytes = malloc((size_t)n + 1);
    *len = fread(bytes, 1, (size_t)n, f);
    fclose(f);
    return bytes;
}

static void write_file(const char *path, const unsigned char *bytes, size_t len) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL && fwrite(bytes, 1, len, f) == len);
    if (f != NULL) fclose(f);
}

/* An empty path and a directory that is not a database are refused; a flipped bit in a WAL record
 * fails the open (CORRUPTED, file untouched) until veclite_db_recover keeps the records before it
 * and reports the rest. */
static void recovery(const char *base) {
    veclite_db *db = NULL;
    veclite_recovery_report *report = NULL;
    EXPECT_ERROR(veclite_db_open((const uint8_t *)"", 0, NULL, &db, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "path is empty");
    CHECK(db == NULL);

    char dir[4096], wal[4200], sub[4200], lock[4300];
    snprintf(dir, sizeof dir, "%s-recover", base);
    snprintf(wal, sizeof wal, "%s/collections/0/wal-0.log", dir);
    snprintf(sub, sizeof sub, "%s/collections", dir);
    snprintf(lock, sizeof lock, "%s/collections/LOCK", dir);
    CHECK(veclite_db_open(S(dir), NULL, &db, NULL) == VECLITE_STATUS_OK);
    veclite_schema *schema = seed_schema("r");
    CHECK(veclite_create_collection(db, schema, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(schema);
    for (int b = 0; b < 3; b++) {
        veclite_column *cols[3];
        veclite_mutation_result *r = NULL;
        seed_columns(b * 10, 10, 0.0, cols);
        CHECK(veclite_insert(db, NULL, S("r"), NULL, 0, (const veclite_column *const *)cols, 3, &r, NULL) ==
              VECLITE_STATUS_OK);
        veclite_mutation_result_free(r);
        free_columns(cols, 3);
    }
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
    db = NULL;

    /* `collections/` alone is not a database: refused, and no lock file is created in it. */
    EXPECT_ERROR(veclite_db_open(S(sub), NULL, &db, E), VECLITE_STATUS_INVALID_ARGUMENT, "not a veclite database");
    CHECK(fopen(lock, "r") == NULL);

    size_t len = 0;
    unsigned char *bytes = read_file(wal, &len);
    if (bytes == NULL) return;
    size_t second = 16 + 8 + ((size_t)bytes[16] | (size_t)bytes[17] << 8 | (size_t)bytes[18] << 16);
    size_t third = second + 8 + ((size_t)bytes[second] | (size_t)bytes[second + 1] << 8 |
                                 (size_t)bytes[second + 2] << 16);
    bytes[second + 20] ^= 1;
    write_file(wal, bytes, len);
    char at[64];
    snprintf(at, sizeof at, "at byte %zu", second);
    EXPECT_ERROR(veclite_db_open(S(dir), NULL, &db, E), VECLITE_STATUS_CORRUPTED, at);
    size_t after = 0;
    unsigned char *untouched = read_file(wal, &after);
    CHECK(after == len && untouched != NULL && memcmp(untouched, bytes, len) == 0);
    free(untouched);

    NULL_ARG(veclite_db_recover(S(dir), NULL, NULL, &report, E), "db_out");
    NULL_ARG(veclite_db_recover(S(dir), NULL, &db, NULL, E), "report_out");
    CHECK(db == NULL && report == NULL);
    CHECK(veclite_db_recover(S(dir), NULL, &db, &report, NULL) == VECLITE_STATUS_OK);
    CHECK(count(db, "r") == 10);
    CHECK(veclite_recovery_report_skipped_count(report) == 2);
    const uint8_t *file = NULL, *reason = NULL;
    size_t file_len = 0, reason_len = 0;
    uint64_t offset = 0, skipped = 0, records = 0;
    CHECK(veclite_recovery_report_skipped(report, 0, &file, &file_len, &offset, &skipped, &reason, &reason_len));
    CHECK(file_len == strlen(wal) && memcmp(file, wal, file_len) == 0);
    CHECK(offset == second && skipped == third - second && reason_len > 0);
    CHECK(veclite_recovery_report_skipped(report, 1, NULL, NULL, &offset, &skipped, NULL, NULL));
    CHECK(offset == third && skipped == len - third);
    CHECK(!veclite_recovery_report_skipped(report, 2, &file, NULL, NULL, NULL, NULL, NULL));
    CHECK(veclite_recovery_report_kept_count(report) == 1);
    CHECK(veclite_recovery_report_kept(report, 0, NULL, NULL, &records) && records == 1);
    CHECK(!veclite_recovery_report_kept(report, 1, NULL, NULL, &records));
    const uint8_t *copy = NULL;
    size_t copy_len = 0;
    CHECK(veclite_recovery_report_preserved_count(report) == 1);
    CHECK(veclite_recovery_report_preserved(report, 0, NULL, NULL, &copy, &copy_len) && copy_len > 0);
    CHECK(veclite_recovery_report_quarantine(report, &copy, &copy_len) && copy_len > strlen(dir));
    CHECK(veclite_recovery_report_skipped_count(NULL) == 0 && veclite_recovery_report_kept_count(NULL) == 0);
    CHECK(!veclite_recovery_report_quarantine(NULL, &copy, &copy_len));
    veclite_recovery_report_free(report);
    veclite_recovery_report_free(NULL);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
    free(bytes);

    /* Recovered, the database opens normally again. */
    CHECK(veclite_db_open(S(dir), NULL, &db, NULL) == VECLITE_STATUS_OK);
    CHECK(count(db, "r") == 10);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
}

/* Range search, rounding and group-by through the search options. */
static void search_extensions(veclite_db *db) {
    float query[DIM] = {100, 101, 102, 103, 104, 105, 106, 107};
    int64_t ids[10];
    float scores[10];
    size_t n = 0;
    CHECK(veclite_search(db, NULL, S("hello"), NULL, query, 1, DIM, 10, VECLITE_METRIC_L2, ids, scores, &n, NULL,
                         NULL) == VECLITE_STATUS_OK &&
          n == 10);
    /* radius just above the 4th distance keeps the first 4 hits (ties aside, the data has none). */
    char radius[32];
    snprintf(radius, sizeof radius, "%.6f", (double)(scores[3] + scores[4]) / 2);
    const uint8_t *keys[] = {(const uint8_t *)"radius"};
    size_t key_lens[] = {6};
    const uint8_t *values[] = {(const uint8_t *)radius};
    size_t value_lens[] = {strlen(radius)};
    veclite_search_options *so = veclite_search_options_new();
    CHECK(veclite_search_options_set_params(so, keys, key_lens, values, value_lens, 1, NULL) == VECLITE_STATUS_OK);
    int64_t ranged[10];
    CHECK(veclite_search(db, NULL, S("hello"), so, query, 1, DIM, 10, VECLITE_METRIC_L2, ranged, NULL, &n, NULL,
                         NULL) == VECLITE_STATUS_OK);
    CHECK(n == 4 && memcmp(ranged, ids, 4 * sizeof *ids) == 0);
    const uint8_t *bad_keys[] = {(const uint8_t *)"radius", (const uint8_t *)"range_filter"};
    size_t bad_key_lens[] = {6, 12};
    const uint8_t *bad_values[] = {(const uint8_t *)"1", (const uint8_t *)"2"};
    size_t bad_value_lens[] = {1, 1};
    CHECK(veclite_search_options_set_params(so, bad_keys, bad_key_lens, bad_values, bad_value_lens, 2, NULL) ==
          VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_search(db, NULL, S("hello"), so, query, 1, DIM, 10, VECLITE_METRIC_L2, ranged, NULL, &n, NULL,
                                E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "range_filter must be less than radius");
    veclite_search_options_free(so);

    so = veclite_search_options_new();
    CHECK(veclite_search_options_set_round_decimal(so, 1, NULL) == VECLITE_STATUS_OK);
    float rounded[10];
    CHECK(veclite_search(db, NULL, S("hello"), so, query, 1, DIM, 10, VECLITE_METRIC_L2, NULL, rounded, &n, NULL,
                         NULL) == VECLITE_STATUS_OK);
    for (size_t i = 0; i < n; i++) {
        float tenths = rounded[i] * 10;
        long nearest = (long)(tenths + (tenths >= 0 ? 0.5f : -0.5f));
        CHECK(tenths - (float)nearest < 1e-2f && (float)nearest - tenths < 1e-2f); /* one decimal */
    }
    CHECK(veclite_search_options_set_round_decimal(so, 7, NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_search(db, NULL, S("hello"), so, query, 1, DIM, 10, VECLITE_METRIC_L2, NULL, rounded, &n,
                                NULL, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "round_decimal 7");
    veclite_search_options_free(so);

    so = veclite_search_options_new();
    CHECK(veclite_search_options_set_group_by(so, S("ID"), 1, true, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_search(db, NULL, S("hello"), so, query, 1, DIM, 10, VECLITE_METRIC_L2, ranged, NULL, &n, NULL,
                         NULL) == VECLITE_STATUS_OK);
    CHECK(n == 10 && memcmp(ranged, ids, 10 * sizeof *ids) == 0); /* every key is its own group */
    CHECK(veclite_search_options_set_group_by(so, S("random"), 1, false, NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_search(db, NULL, S("hello"), so, query, 1, DIM, 10, VECLITE_METRIC_L2, ranged, NULL, &n,
                                NULL, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "grouping takes");
    veclite_search_options_free(so);
}

/* Aliases: created, used for a count, listed, described, moved, dropped. */
static void aliases(veclite_db *db) {
    CHECK(veclite_create_alias(db, S("hello"), S("greeting"), NULL) == VECLITE_STATUS_OK);
    CHECK(count(db, "greeting") == count(db, "hello"));
    veclite_strings *out = NULL;
    const uint8_t *p = NULL;
    size_t len = 0;
    CHECK(veclite_describe_alias(db, S("greeting"), &out, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_strings_get(out, 0, &p, &len) && len == 5 && memcmp(p, "hello", 5) == 0);
    veclite_strings_free(out);
    CHECK(veclite_list_aliases(db, NULL, 0, &out, NULL) == VECLITE_STATUS_OK && veclite_strings_len(out) == 1);
    veclite_strings_free(out);
    EXPECT_KIND(veclite_alter_alias(db, S("hello"), S("nope"), E), VECLITE_STATUS_NOT_FOUND, VECLITE_OBJECT_ALIAS);
    EXPECT_ERROR(veclite_drop_collection(db, S("hello"), E), VECLITE_STATUS_INVALID_ARGUMENT, "has aliases");
    EXPECT_ERROR(veclite_create_alias(db, S("hello"), S("hello"), E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "name of a collection");
    CHECK(veclite_drop_alias(db, S("greeting"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_drop_alias(db, S("greeting"), NULL) == VECLITE_STATUS_OK);
    EXPECT_KIND(veclite_describe_alias(db, S("greeting"), &out, E), VECLITE_STATUS_NOT_FOUND, VECLITE_OBJECT_ALIAS);
}

/* Query iterator pages: every row matching the filter once, keys ascending, bounded pages. */
static void query_pages(veclite_db *db) {
    uint64_t want = 0;
    CHECK(veclite_count(db, NULL, S("hello"), S("ID < 500"), NULL, NULL, 0, &want, NULL) == VECLITE_STATUS_OK);
    const uint8_t *out_names[] = {(const uint8_t *)"random"};
    size_t out_lens[] = {6};
    veclite_column *after = NULL;
    uint64_t seen = 0;
    int64_t last = INT64_MIN;
    int ascending = 1, pages = 0;
    for (;;) {
        veclite_result *page = NULL;
        CHECK(veclite_query_page(db, NULL, S("hello"), S("ID < 500"), NULL, NULL, 0, out_names, out_lens, 1, after,
                                 64, &page, NULL) == VECLITE_STATUS_OK);
        veclite_column_free(after);
        after = NULL;
        size_t n = veclite_result_num_rows(page);
        const int64_t *ids = NULL;
        size_t rows = 0;
        CHECK(n <= 64 && veclite_result_num_columns(page) == 2);
        if (n > 0) {
            CHECK(veclite_column_int64_data(veclite_result_column(page, 0), &ids, &rows, NULL) == VECLITE_STATUS_OK);
            for (size_t i = 0; i < rows; i++) {
                ascending &= ids[i] > last;
                last = ids[i];
            }
            CHECK(veclite_column_new_int64(S("ID"), &ids[rows - 1], 1, NULL, &after, NULL) == VECLITE_STATUS_OK);
        }
        seen += n;
        pages++;
        veclite_result_free(page);
        if (n < 64) {
            break;
        }
    }
    veclite_column_free(after);
    CHECK(ascending && seen == want && want > 64 && pages == (int)(want / 64) + 1);
    veclite_result *res = NULL;
    EXPECT_ERROR(veclite_query_page(db, NULL, S("hello"), NULL, 0, NULL, NULL, 0, NULL, NULL, 0, NULL, 0, &res, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "batch size 0");
    veclite_column *two = NULL;
    const int64_t keys[] = {1, 2};
    CHECK(veclite_column_new_int64(S("ID"), keys, 2, NULL, &two, NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_query_page(db, NULL, S("hello"), NULL, 0, NULL, NULL, 0, NULL, NULL, 0, two, 5, &res, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "one key");
    veclite_column_free(two);
    NULL_ARG(veclite_query_page(db, NULL, S("hello"), NULL, 0, NULL, NULL, 0, NULL, NULL, 0, NULL, 5, NULL, E),
             "result_out");
}

/* Databases: created with properties, listed, used by one handle, refused while not empty. */
static void databases(veclite_db *db) {
    const uint8_t *keys[] = {(const uint8_t *)"owner"};
    const uint8_t *values[] = {(const uint8_t *)"ann"};
    size_t key_lens[] = {5}, value_lens[] = {3};
    CHECK(veclite_create_database(db, S("db1"), keys, key_lens, values, value_lens, 1, NULL) == VECLITE_STATUS_OK);
    EXPECT_KIND(veclite_create_database(db, S("db1"), NULL, NULL, NULL, NULL, 0, E), VECLITE_STATUS_ALREADY_EXISTS,
                VECLITE_OBJECT_DATABASE);
    veclite_strings *names = NULL, *k = NULL, *v = NULL;
    const uint8_t *p = NULL;
    size_t len = 0;
    CHECK(veclite_list_databases(db, &names, NULL) == VECLITE_STATUS_OK && veclite_strings_len(names) == 2);
    CHECK(veclite_strings_get(names, 1, &p, &len) && len == 3 && memcmp(p, "db1", 3) == 0);
    veclite_strings_free(names);
    CHECK(veclite_describe_database(db, S("db1"), &k, &v, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_strings_get(v, 0, &p, &len) && len == 3 && memcmp(p, "ann", 3) == 0);
    veclite_strings_free(k);
    veclite_strings_free(v);

    uint64_t before = count(db, "hello");
    CHECK(veclite_db_use_database(db, S("db1"), NULL) == VECLITE_STATUS_OK);
    veclite_schema *schema = seed_schema("hello");
    CHECK(veclite_create_collection(db, schema, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(schema);
    CHECK(count(db, "hello") == 0);
    EXPECT_ERROR(veclite_drop_database(db, S("db1"), E), VECLITE_STATUS_INVALID_ARGUMENT, "not empty");
    CHECK(veclite_db_use_database(db, S(""), NULL) == VECLITE_STATUS_OK);
    CHECK(count(db, "hello") == before && before > 0);
    /* Rename: moves a collection between databases; the new name must be free. */
    EXPECT_ERROR(veclite_rename_collection(db, S("hello"), S("hello"), S("db1"), E), VECLITE_STATUS_ALREADY_EXISTS,
                 "db1.hello");
    CHECK(veclite_db_use_database(db, S("db1"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_rename_collection(db, S("hello"), S("moved"), NULL, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(count(db, "moved") == 0);
    CHECK(veclite_drop_collection(db, S("moved"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_db_use_database(db, S(""), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_drop_database(db, S("db1"), NULL) == VECLITE_STATUS_OK);
    EXPECT_KIND(veclite_db_use_database(db, S("db1"), E), VECLITE_STATUS_NOT_FOUND, VECLITE_OBJECT_DATABASE);
    EXPECT_ERROR(veclite_drop_database(db, S("default"), E), VECLITE_STATUS_INVALID_ARGUMENT, "default");
}

/* Filter templates: placeholders replaced by the JSON values; a missing value is refused. */
static void filter_templates(veclite_db *db) {
    veclite_strings *out = NULL;
    const char *tmpl = "ID in {ids} and random < {max}";
    CHECK(veclite_filter_render(S(tmpl), S("{\"ids\": [2, 3, 4], \"max\": 100000}"), &out, NULL) ==
          VECLITE_STATUS_OK);
    const uint8_t *p = NULL;
    size_t len = 0;
    const char *want = "ID in [2, 3, 4] and random < 100000";
    CHECK(veclite_strings_len(out) == 1 && veclite_strings_get(out, 0, &p, &len) && len == strlen(want) &&
          memcmp(p, want, len) == 0);
    uint64_t n = 0, written = 0;
    CHECK(veclite_count(db, NULL, S("hello"), p, len, NULL, NULL, 0, &n, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_count(db, NULL, S("hello"), S(want), NULL, NULL, 0, &written, NULL) == VECLITE_STATUS_OK);
    CHECK(n == written && n == 3);
    veclite_strings_free(out);
    EXPECT_ERROR(veclite_filter_render(S(tmpl), S("{\"ids\": [1]}"), &out, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "no value for placeholder `max`");
    EXPECT_ERROR(veclite_filter_render(S(tmpl), S("[1]"), &out, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "not a JSON object");
    EXPECT_ERROR(veclite_filter_render(S(tmpl), S("{}"), NULL, E), VECLITE_STATUS_NULL_ARGUMENT, "out");
}

/* Events a log callback received, counted under a lock: the callback may run on veclite's
 * background threads. */
struct log_events {
    pthread_mutex_t lock;
    int calls;
    int seals;        /* INFO events "sealed collection `logged`: 1 segments, 100 rows, ..." */
    int bad_targets;  /* events whose target does not start with "veclite" */
};

static void count_event(uint32_t level, const char *target, const char *message, void *user_data) {
    struct log_events *events = user_data;
    pthread_mutex_lock(&events->lock);
    events->calls++;
    if (strncmp(target, "veclite", 7) != 0) events->bad_targets++;
    if (level == VECLITE_LOG_INFO && strstr(message, "sealed collection `logged`: 1 segments, 100 rows, ") != NULL)
        events->seals++;
    pthread_mutex_unlock(&events->lock);
}

/* A copy of `events`, read under its lock. */
static struct log_events snapshot(struct log_events *events) {
    pthread_mutex_lock(&events->lock);
    struct log_events copy = {.calls = events->calls, .seals = events->seals, .bad_targets = events->bad_targets};
    pthread_mutex_unlock(&events->lock);
    return copy;
}

/* Upserts 100 rows into collection `logged` and flushes them. */
static void write_and_flush(veclite_db *db) {
    veclite_column *cols[3];
    veclite_mutation_result *r = NULL;
    seed_columns(0, 100, 0.0, cols);
    CHECK(veclite_upsert(db, NULL, S("logged"), NULL, 0, (const veclite_column *const *)cols, 3, &r, NULL) ==
          VECLITE_STATUS_OK);
    veclite_mutation_result_free(r);
    free_columns(cols, 3);
    CHECK(veclite_flush(db, NULL, S("logged"), NULL) == VECLITE_STATUS_OK);
}

/* A log callback receives the seal of a flush; a replaced or removed callback receives nothing
 * more; an out-of-range level is refused. */
static void logging(veclite_db *db) {
    struct log_events first = {.lock = PTHREAD_MUTEX_INITIALIZER}, second = {.lock = PTHREAD_MUTEX_INITIALIZER};
    veclite_schema *schema = seed_schema("logged");
    CHECK(veclite_create_collection(db, schema, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(schema);

    EXPECT_ERROR(veclite_set_log_callback(count_event, &first, VECLITE_LOG_TRACE + 1, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "max_level 6");
    CHECK(veclite_set_log_callback(count_event, &first, VECLITE_LOG_INFO, NULL) == VECLITE_STATUS_OK);
    write_and_flush(db);
    /* The seal is committed on the flushing thread: its event has arrived when flush returns. */
    CHECK(snapshot(&first).seals == 1);
    CHECK(snapshot(&first).bad_targets == 0);

    /* Replaced: only the new callback sees the next seal (rows re-upserted: 100 rows again). */
    CHECK(veclite_set_log_callback(count_event, &second, VECLITE_LOG_DEBUG, NULL) == VECLITE_STATUS_OK);
    int first_calls = snapshot(&first).calls;
    write_and_flush(db);
    CHECK(snapshot(&first).calls == first_calls);
    CHECK(snapshot(&second).seals == 1);

    /* Removed: nothing more arrives. */
    CHECK(veclite_set_log_callback(NULL, NULL, VECLITE_LOG_TRACE, NULL) == VECLITE_STATUS_OK);
    int second_calls = snapshot(&second).calls;
    write_and_flush(db);
    CHECK(snapshot(&second).calls == second_calls);
    CHECK(veclite_drop_collection(db, S("logged"), NULL) == VECLITE_STATUS_OK);
}

/* Descriptions, consistency level, shard number and properties: set at creation, changed by
 * veclite_alter_collection (all or nothing), read back. */
static void collection_metadata(veclite_db *db) {
    veclite_schema_builder *b = NULL;
    veclite_schema *schema = NULL;
    CHECK(veclite_schema_builder_new(S("meta"), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("id"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PRIMARY_KEY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("v"), VECLITE_FIELD_FLOAT_VECTOR, 2, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_set_description(b, S("described"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_set_field_description(b, S("v"), S("vectors"), NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_schema_builder_set_field_description(b, S("nope"), S("x"), E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "field `nope` has not been added");
    CHECK(veclite_schema_builder_build(b, &schema, NULL) == VECLITE_STATUS_OK);

    veclite_collection_change *change = veclite_collection_change_new();
    EXPECT_ERROR(veclite_collection_change_set_consistency_level(change, 5, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "consistency level 5");
    CHECK(veclite_collection_change_set_consistency_level(change, VECLITE_CONSISTENCY_STRONG, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_collection_change_set_shard_num(change, 2, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_collection_change_set_property(change, S("mmap.enabled"), S("true"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_collection_change_set_property(change, S("collection.ttl.seconds"), S("ten"), NULL) ==
          VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_create_collection_with(db, schema, change, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "collection.ttl.seconds");
    bool exists = true;
    CHECK(veclite_has_collection(db, S("meta"), &exists, NULL) == VECLITE_STATUS_OK && !exists);
    CHECK(veclite_collection_change_set_property(change, S("collection.ttl.seconds"), S("0"), NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_collection_change_set_property(change, S("owner"), S("c test"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_create_collection_with(db, schema, change, NULL) == VECLITE_STATUS_OK);
    veclite_collection_change_free(change);
    veclite_schema_free(schema);

    veclite_collection_settings *settings = NULL;
    CHECK(veclite_describe_collection_settings(db, S("meta"), &settings, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_collection_settings_consistency_level(settings) == VECLITE_CONSISTENCY_STRONG);
    CHECK(veclite_collection_settings_shard_num(settings) == 2);
    CHECK(veclite_collection_settings_property_count(settings) == 3);
    const uint8_t *k = NULL, *v = NULL;
    size_t kl = 0, vl = 0;
    CHECK(veclite_collection_settings_property(settings, 1, &k, &kl, &v, &vl));
    CHECK(kl == 22 && memcmp(k, "collection.ttl.seconds", kl) == 0 && vl == 1 && v[0] == '0');
    CHECK(!veclite_collection_settings_property(settings, 3, &k, &kl, &v, &vl));
    veclite_collection_settings_free(settings);

    /* A change that fails anywhere changes nothing. */
    change = veclite_collection_change_new();
    CHECK(veclite_collection_change_set_description(change, S("lost"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_collection_change_set_field_description(change, S("nope"), S("x"), NULL) == VECLITE_STATUS_OK);
    EXPECT_KIND(veclite_alter_collection(db, S("meta"), change, E), VECLITE_STATUS_NOT_FOUND, VECLITE_OBJECT_FIELD);
    EXPECT_KIND(veclite_alter_collection(db, S("nope"), change, E), VECLITE_STATUS_NOT_FOUND,
                VECLITE_OBJECT_COLLECTION);
    veclite_collection_change_free(change);

    change = veclite_collection_change_new();
    CHECK(veclite_collection_change_set_description(change, S("altered"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_collection_change_set_field_description(change, S("id"), S("the key"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_collection_change_set_consistency_level(change, VECLITE_CONSISTENCY_EVENTUALLY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_collection_change_delete_property(change, S("mmap.enabled"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_alter_collection(db, S("meta"), change, NULL) == VECLITE_STATUS_OK);
    veclite_collection_change_free(change);

    EXPECT_ERROR(veclite_alter_collection(db, S("meta"), NULL, E), VECLITE_STATUS_NULL_ARGUMENT, "change");
    EXPECT_ERROR(veclite_collection_change_set_property(NULL, S("k"), S("v"), E), VECLITE_STATUS_NULL_ARGUMENT,
                 "change");
    EXPECT_ERROR(veclite_describe_collection_settings(db, S("meta"), NULL, E), VECLITE_STATUS_NULL_ARGUMENT,
                 "settings_out");
    CHECK(veclite_collection_settings_shard_num(NULL) == 0 && veclite_collection_settings_property_count(NULL) == 0);
    CHECK(!veclite_collection_settings_property(NULL, 0, NULL, NULL, NULL, NULL));
    CHECK(!veclite_schema_field_description(NULL, 0, NULL, NULL));
    veclite_collection_change_free(NULL);
    veclite_collection_settings_free(NULL);
}

/* What collection_metadata set is there after the database is reopened. */
static void collection_metadata_after_reopen(const char *dir) {
    veclite_db *db = NULL;
    CHECK(veclite_db_open(S(dir), NULL, &db, NULL) == VECLITE_STATUS_OK);
    veclite_schema *schema = NULL;
    CHECK(veclite_describe_collection(db, S("meta"), &schema, NULL) == VECLITE_STATUS_OK);
    const uint8_t *p = NULL;
    size_t len = 0;
    veclite_schema_description(schema, &p, &len);
    CHECK(len == 7 && memcmp(p, "altered", len) == 0);
    CHECK(veclite_schema_field_description(schema, 0, &p, &len) && len == 7 && memcmp(p, "the key", len) == 0);
    CHECK(veclite_schema_field_description(schema, 1, &p, &len) && len == 7 && memcmp(p, "vectors", len) == 0);
    CHECK(!veclite_schema_field_description(schema, 2, &p, &len));
    veclite_schema_free(schema);
    veclite_collection_settings *settings = NULL;
    CHECK(veclite_describe_collection_settings(db, S("meta"), &settings, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_collection_settings_consistency_level(settings) == VECLITE_CONSISTENCY_EVENTUALLY);
    CHECK(veclite_collection_settings_shard_num(settings) == 2);
    CHECK(veclite_collection_settings_property_count(settings) == 2);
    CHECK(veclite_collection_settings_property(settings, 1, &p, &len, NULL, NULL) && len == 5 &&
          memcmp(p, "owner", len) == 0);
    veclite_collection_settings_free(settings);
    CHECK(veclite_describe_collection_settings(db, S("hello"), &settings, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_collection_settings_consistency_level(settings) == VECLITE_CONSISTENCY_BOUNDED &&
          veclite_collection_settings_shard_num(settings) == 1 &&
          veclite_collection_settings_property_count(settings) == 0);
    veclite_collection_settings_free(settings);
    CHECK(veclite_drop_collection(db, S("meta"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
}

/* ARRAY fields: schema, constructors from offsets + values, validation, filters, result accessors. */
static void array_fields(veclite_db *db) {
    veclite_schema_builder *b = NULL;
    veclite_schema *schema = NULL;
    CHECK(veclite_schema_builder_new(S("arr"), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("id"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PRIMARY_KEY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("v"), VECLITE_FIELD_FLOAT_VECTOR, 2, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_array_field(b, S("nums"), VECLITE_FIELD_INT64, 4, 0, 0, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_array_field(b, S("tags"), VECLITE_FIELD_VARCHAR, 3, 5, VECLITE_FLAG_NULLABLE,
                                                 NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_array_field(b, S("ok"), VECLITE_FIELD_BOOL, 2, 0, 0, NULL) ==
          VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_schema_builder_add_array_field(b, S("bad"), VECLITE_FIELD_JSON, 4, 0, 0, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "not one an ARRAY holds");
    EXPECT_ERROR(veclite_schema_builder_add_array_field(b, S("bad"), VECLITE_FIELD_INT64, 4, 0,
                                                        VECLITE_FLAG_PRIMARY_KEY, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "cannot be the primary key");
    EXPECT_ERROR(veclite_schema_builder_add_field(b, S("bad"), VECLITE_FIELD_ARRAY, 4, 0, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "veclite_schema_builder_add_array_field");
    CHECK(veclite_schema_builder_build(b, &schema, NULL) == VECLITE_STATUS_OK);
    uint32_t ty = 0, param = 0, elem = 0, cap = 0, maxlen = 0;
    CHECK(veclite_schema_field(schema, 3, NULL, NULL, &ty, &param, NULL) && ty == VECLITE_FIELD_ARRAY && param == 3);
    CHECK(veclite_schema_field_array(schema, 3, &elem, &cap, &maxlen) && elem == VECLITE_FIELD_VARCHAR && cap == 3 &&
          maxlen == 5);
    CHECK(!veclite_schema_field_array(schema, 0, &elem, &cap, &maxlen));
    CHECK(veclite_create_collection(db, schema, NULL) == VECLITE_STATUS_OK);
    veclite_schema_free(schema);
    /* Too large a capacity is refused when the schema is built. */
    CHECK(veclite_schema_builder_new(S("arr2"), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_array_field(b, S("a"), VECLITE_FIELD_INT8, VECLITE_MAX_ARRAY_CAPACITY + 1, 0, 0,
                                                 NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_schema_builder_build(b, &schema, E), VECLITE_STATUS_SCHEMA_MISMATCH,
                 "max_capacity must be in 1..=4096");

    /* Rows: nums [1,2,3] [] [3]; tags ["a","bc"] null ["b"]; ok [1] [0,1] []. */
    int64_t ids[] = {1, 2, 3};
    float vecs[] = {1, 0, 0, 1, 1, 1};
    uint64_t num_offsets[] = {0, 3, 3, 4};
    int64_t nums[] = {1, 2, 3, 3};
    uint64_t tag_offsets[] = {0, 2, 2, 3};
    const uint8_t *tags[] = {(const uint8_t *)"a", (const uint8_t *)"bc", (const uint8_t *)"b"};
    size_t tag_lens[] = {1, 2, 1};
    bool tag_valid[] = {true, false, true};
    uint64_t ok_offsets[] = {0, 1, 3, 3};
    bool oks[] = {true, false, true};
    veclite_column *cols[5] = {NULL};
    CHECK(veclite_column_new_int64(S("id"), ids, 3, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_float_vector(S("v"), vecs, 2, 3, &cols[1], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_array_int64(S("nums"), num_offsets, 3, nums, NULL, &cols[2], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_array_varchar(S("tags"), tag_offsets, 3, tags, tag_lens, tag_valid, &cols[3], NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_column_new_array_bool(S("ok"), ok_offsets, 3, oks, NULL, &cols[4], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_type(cols[2]) == VECLITE_FIELD_ARRAY && veclite_column_len(cols[2]) == 3);
    /* Bad layouts are refused by the constructors. */
    uint64_t bad_offsets[] = {0, 5, 4, 4};
    veclite_column *bad = NULL;
    EXPECT_ERROR(veclite_column_new_array_int64(S("nums"), bad_offsets, 3, nums, NULL, &bad, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "row offsets must rise");
    const uint8_t *bad_utf8[] = {(const uint8_t *)"a", (const uint8_t *)"\xff", (const uint8_t *)"b"};
    EXPECT_ERROR(veclite_column_new_array_varchar(S("tags"), tag_offsets, 3, bad_utf8, tag_lens, NULL, &bad, E),
                 VECLITE_STATUS_INVALID_ARGUMENT, "array element row 1");
    CHECK(bad == NULL);
    veclite_mutation_result *r = NULL;
    CHECK(veclite_insert(db, NULL, S("arr"), NULL, 0, (const veclite_column *const *)cols, 5, &r, NULL) ==
          VECLITE_STATUS_OK);
    veclite_mutation_result_free(r);
    /* A capacity breach names the field, the row and the rule; nothing is written. */
    veclite_column_free(cols[2]);
    uint64_t long_offsets[] = {0, 0, 0, 5};
    int64_t five[] = {1, 2, 3, 4, 5};
    int64_t more_ids[] = {7, 8, 9};
    veclite_column_free(cols[0]);
    CHECK(veclite_column_new_int64(S("id"), more_ids, 3, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_array_int64(S("nums"), long_offsets, 3, five, NULL, &cols[2], NULL) ==
          VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_insert(db, NULL, S("arr"), NULL, 0, (const veclite_column *const *)cols, 5, &r, E),
                 VECLITE_STATUS_INVALID_VALUE, "field `nums` row 2: the array has 5 elements, more than max_capacity 4");
    CHECK(count(db, "arr") == 3);
    free_columns(cols, 5);

    uint64_t n = 0;
    CHECK(veclite_count(db, NULL, S("arr"), S("array_contains(nums, 3) and nums[0] == 1"), NULL, NULL, 0, &n, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(n == 1);
    CHECK(veclite_count(db, NULL, S("arr"), S("array_length(nums) == 0 or tags[0] == 'b'"), NULL, NULL, 0, &n,
                        NULL) == VECLITE_STATUS_OK);
    CHECK(n == 2);
    CHECK(veclite_flush(db, NULL, S("arr"), NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_count(db, NULL, S("arr"), S("tags is null or ok[1]"), NULL, NULL, 0, &n, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(n == 1);

    /* Results: offsets + flat values; a null row holds no elements. */
    const uint8_t *out_names[] = {(const uint8_t *)"nums", (const uint8_t *)"tags", (const uint8_t *)"ok"};
    size_t out_lens[] = {4, 4, 2};
    veclite_result *qr = NULL;
    CHECK(veclite_query(db, NULL, S("arr"), S("id in [1, 2, 3]"), NULL, NULL, 0, out_names, out_lens, 3, 0, 0, &qr,
                        NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_result_num_rows(qr) == 3);
    const veclite_column *c = veclite_result_column_by_name(qr, S("nums"));
    const uint64_t *offsets = NULL;
    size_t rows = 0, len = 0;
    uint32_t element = 0;
    CHECK(veclite_column_array_offsets(c, &offsets, &rows, &element, NULL) == VECLITE_STATUS_OK);
    CHECK(rows == 3 && element == VECLITE_FIELD_INT64 && offsets[0] == 0 && offsets[3] == 4);
    const int64_t *values = NULL;
    CHECK(veclite_column_array_int64_values(c, &values, &len, NULL) == VECLITE_STATUS_OK);
    CHECK(len == 4 && values[0] == 1 && values[3] == 3);
    const int32_t *wrong = NULL;
    EXPECT_ERROR(veclite_column_array_int32_values(c, &wrong, &len, E), VECLITE_STATUS_SCHEMA_MISMATCH,
                 "not Array(Int32)");
    c = veclite_result_column_by_name(qr, S("tags"));
    CHECK(veclite_column_array_offsets(c, &offsets, &rows, &element, NULL) == VECLITE_STATUS_OK);
    CHECK(element == VECLITE_FIELD_VARCHAR && offsets[1] == 2 && offsets[2] == 2 && offsets[3] == 3);
    const uint8_t *p = NULL;
    CHECK(veclite_column_array_varchar_value(c, 1, &p, &len, NULL) == VECLITE_STATUS_OK && len == 2 &&
          memcmp(p, "bc", 2) == 0);
    EXPECT_ERROR(veclite_column_array_varchar_value(c, 3, &p, &len, E), VECLITE_STATUS_INVALID_ARGUMENT,
                 "element 3 out of range");
    const bool *valid = NULL;
    CHECK(veclite_column_validity(c, &valid, NULL) == VECLITE_STATUS_OK && valid != NULL && !valid[1] && valid[2]);
    c = veclite_result_column_by_name(qr, S("ok"));
    const uint8_t *flags = NULL;
    CHECK(veclite_column_array_bool_values(c, &flags, &len, NULL) == VECLITE_STATUS_OK && len == 3 && flags[0] == 1 &&
          flags[1] == 0);
    EXPECT_ERROR(veclite_column_array_offsets(veclite_result_column_by_name(qr, S("id")), &offsets, &rows, &element, E),
                 VECLITE_STATUS_SCHEMA_MISMATCH, "not an ARRAY");
    veclite_result_free(qr);
    CHECK(veclite_drop_collection(db, S("arr"), NULL) == VECLITE_STATUS_OK);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <empty directory>\n", argv[0]);
        return 2;
    }
    printf("veclite %s (header %d), simd %s\n", veclite_version(), VECLITE_VERSION_NUMBER,
           veclite_simd_capabilities());
    veclite_options *options = veclite_options_new();
    CHECK(veclite_options_set_sync_policy(options, VECLITE_SYNC_NONE, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_options_set_worker_threads(options, 2, NULL) == VECLITE_STATUS_OK);
    EXPECT_ERROR(veclite_options_set_sync_policy(options, 9, 0, E), VECLITE_STATUS_INVALID_ARGUMENT, "sync policy");
    veclite_db *db = NULL;
    CHECK(veclite_db_open(S(argv[1]), options, &db, NULL) == VECLITE_STATUS_OK);
    veclite_options_free(options);
    seed_scenario(db);
    logging(db);
    index_calls(db);
    catalog_calls(db);
    bad_input_matrix(db);
    null_everywhere(db);
    concurrent_threads(db);
    dynamic_fields(db);
    filter_templates(db);
    search_extensions(db);
    aliases(db);
    query_pages(db);
    databases(db);
    collection_metadata(db);
    array_fields(db);
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
    closed_handles(argv[1]);
    collection_metadata_after_reopen(argv[1]);
    recovery(argv[1]);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
