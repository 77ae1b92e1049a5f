/* Partition keys through the C ABI: the VECLITE_FLAG_PARTITION_KEY field flag, num_partitions
 * set at creation and described, rows routed by Milvus's hash (key 42 hashes to partition 14 of
 * 16, key 0 to 12), and the refusals of manual partitions. Built with -std=c11 -Wall -Wextra
 * -Werror -pedantic and run under valgrind by tests/c/run.sh. */
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

/* Whether `status` is `want` with a message containing `needle`; frees the error. */
static int is_error(veclite_status status, veclite_error **errp, veclite_status want, const char *needle) {
    veclite_error *err = *errp;
    *errp = NULL;
    int ok = status == want && err != NULL && strstr(veclite_error_message(err), needle) != NULL;
    if (!ok) fprintf(stderr, "got %s: %s\n", veclite_status_name((uint32_t)status), err ? veclite_error_message(err) : "-");
    veclite_error_free(err);
    return ok;
}

static veclite_schema *schema(void) {
    veclite_schema_builder *b = NULL;
    veclite_schema *s = NULL;
    CHECK(veclite_schema_builder_new(S("pk"), &b, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("id"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PRIMARY_KEY, NULL) ==
          VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("tenant"), VECLITE_FIELD_INT64, 0, VECLITE_FLAG_PARTITION_KEY,
                                           NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_add_field(b, S("v"), VECLITE_FIELD_FLOAT_VECTOR, 2, 0, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_schema_builder_build(b, &s, NULL) == VECLITE_STATUS_OK);
    return s;
}

static veclite_status insert(veclite_db *db, const char *partition, veclite_error **err) {
    int64_t ids[] = {1, 2, 3};
    int64_t tenants[] = {42, 0, 42};
    float v[] = {0, 0, 1, 1, 2, 2};
    veclite_column *cols[3];
    CHECK(veclite_column_new_int64(S("id"), ids, 3, NULL, &cols[0], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_int64(S("tenant"), tenants, 3, NULL, &cols[1], NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_column_new_float_vector(S("v"), v, 2, 3, &cols[2], NULL) == VECLITE_STATUS_OK);
    veclite_mutation_result *mr = NULL;
    veclite_status st =
        veclite_insert(db, NULL, S("pk"), S(partition), (const veclite_column *const *)cols, 3, &mr, err);
    veclite_mutation_result_free(mr);
    for (size_t i = 0; i < 3; i++) veclite_column_free(cols[i]);
    return st;
}

static uint64_t count_in(veclite_db *db, const char *partition) {
    const uint8_t *names[] = {(const uint8_t *)partition};
    size_t lens[] = {strlen(partition)};
    uint64_t n = 99;
    CHECK(veclite_count(db, NULL, S("pk"), S(""), names, lens, 1, &n, NULL) == VECLITE_STATUS_OK);
    return n;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <empty directory>\n", argv[0]);
        return 2;
    }
    veclite_db *db = NULL;
    veclite_error *err = NULL;
    CHECK(veclite_db_open(S(argv[1]), NULL, &db, NULL) == VECLITE_STATUS_OK);
    veclite_schema *s = schema();
    veclite_collection_change *change = veclite_collection_change_new();
    CHECK(veclite_collection_change_set_num_partitions(change, 2000, NULL) == VECLITE_STATUS_OK);
    CHECK(is_error(veclite_create_collection_with(db, s, change, &err), &err, VECLITE_STATUS_INVALID_ARGUMENT,
                   "exceeds max configuration"));
    CHECK(veclite_collection_change_set_num_partitions(change, 16, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_create_collection_with(db, s, change, NULL) == VECLITE_STATUS_OK);
    veclite_collection_change_free(change);
    veclite_schema_free(s);

    veclite_collection_settings *settings = NULL;
    CHECK(veclite_describe_collection_settings(db, S("pk"), &settings, NULL) == VECLITE_STATUS_OK);
    CHECK(veclite_collection_settings_num_partitions(settings) == 16);
    veclite_collection_settings_free(settings);
    veclite_schema *described = NULL;
    CHECK(veclite_describe_collection(db, S("pk"), &described, NULL) == VECLITE_STATUS_OK);
    uint32_t flags = 0;
    CHECK(veclite_schema_field(described, 1, NULL, NULL, NULL, NULL, &flags));
    CHECK(flags == VECLITE_FLAG_PARTITION_KEY);
    veclite_schema_free(described);

    CHECK(insert(db, "", NULL) == VECLITE_STATUS_OK);
    CHECK(count_in(db, "_default_14") == 2);
    CHECK(count_in(db, "_default_12") == 1);
    CHECK(count_in(db, "_default_0") == 0);
    const char *manual = "not support manually specifying the partition names if partition key mode is used";
    CHECK(is_error(insert(db, "_default_14", &err), &err, VECLITE_STATUS_INVALID_ARGUMENT, manual));
    CHECK(is_error(veclite_create_partition(db, S("pk"), S("p"), &err), &err, VECLITE_STATUS_INVALID_ARGUMENT,
                   "disable create partition"));
    CHECK(veclite_db_close(db, NULL) == VECLITE_STATUS_OK);
    printf("partition key: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
