// Package cpath runs upserts through the C API directly, with no Go wrapper: the baseline the
// Go package's upsert benchmarks are compared with to measure the wrapper's overhead.
package cpath

/*
#cgo CFLAGS: -I${SRCDIR}/../../../../include
#cgo LDFLAGS: ${SRCDIR}/../../../../target/release/libveclite.a -lm -ldl -lpthread
#include "veclite.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// DB is a database opened through the C API.
type DB struct{ db *C.veclite_db }

func bytesOf(s string) (*C.uint8_t, C.size_t) {
	b := []byte(s)
	return (*C.uint8_t)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

func check(st C.veclite_status, err *C.veclite_error) error {
	if st == C.VECLITE_STATUS_OK {
		return nil
	}
	msg := C.GoString(C.veclite_error_message(err))
	C.veclite_error_free(err)
	return fmt.Errorf("veclite status %d: %s", int(st), msg)
}

// Open opens dir with the given sync policy (C.VECLITE_SYNC_* value) and creates collection
// "bench" (ID Int64 PK, random Double, embeddings FloatVector(dim)).
func Open(dir string, syncPolicy uint32, dim int) (*DB, error) {
	opts := C.veclite_options_new()
	defer C.veclite_options_free(opts)
	var cerr *C.veclite_error
	if err := check(C.veclite_options_set_sync_policy(opts, C.uint32_t(syncPolicy), 0, &cerr), cerr); err != nil {
		return nil, err
	}
	p, n := bytesOf(dir)
	var db *C.veclite_db
	if err := check(C.veclite_db_open(p, n, opts, &db, &cerr), cerr); err != nil {
		return nil, err
	}
	var b *C.veclite_schema_builder
	name, nl := bytesOf("bench")
	if err := check(C.veclite_schema_builder_new(name, nl, &b, &cerr), cerr); err != nil {
		return nil, err
	}
	fields := []struct {
		name        string
		ty, p, flag uint32
	}{{"ID", C.VECLITE_FIELD_INT64, 0, C.VECLITE_FLAG_PRIMARY_KEY}, {"random", C.VECLITE_FIELD_DOUBLE, 0, 0},
		{"embeddings", C.VECLITE_FIELD_FLOAT_VECTOR, uint32(dim), 0}}
	for _, f := range fields {
		fp, fl := bytesOf(f.name)
		st := C.veclite_schema_builder_add_field(b, fp, fl, C.uint32_t(f.ty), C.uint32_t(f.p), C.uint32_t(f.flag), &cerr)
		if err := check(st, cerr); err != nil {
			return nil, err
		}
	}
	var schema *C.veclite_schema
	if err := check(C.veclite_schema_builder_build(b, &schema, &cerr), cerr); err != nil {
		return nil, err
	}
	defer C.veclite_schema_free(schema)
	if err := check(C.veclite_create_collection(db, schema, &cerr), cerr); err != nil {
		return nil, err
	}
	return &DB{db: db}, nil
}

// Upsert builds the three columns from the slices (the C constructors copy them) and upserts
// them into "bench", as a C program would.
func (d *DB) Upsert(ids []int64, random []float64, vectors []float32, dim int) error {
	if len(ids) == 0 || len(random) != len(ids) || len(vectors) != len(ids)*dim {
		return errors.New("cpath: bad batch shape")
	}
	var cols [3]*C.veclite_column
	var cerr *C.veclite_error
	idName, idLen := bytesOf("ID")
	rName, rLen := bytesOf("random")
	vName, vLen := bytesOf("embeddings")
	n := C.size_t(len(ids))
	sts := []C.veclite_status{
		C.veclite_column_new_int64(idName, idLen, (*C.int64_t)(unsafe.Pointer(&ids[0])), n, nil, &cols[0], nil),
		C.veclite_column_new_double(rName, rLen, (*C.double)(unsafe.Pointer(&random[0])), n, nil, &cols[1], nil),
		C.veclite_column_new_float_vector(vName, vLen, (*C.float)(unsafe.Pointer(&vectors[0])), C.size_t(dim), n,
			&cols[2], nil),
	}
	defer func() {
		for _, c := range cols {
			C.veclite_column_free(c)
		}
	}()
	for _, st := range sts {
		if st != C.VECLITE_STATUS_OK {
			return fmt.Errorf("cpath: column constructor status %d", int(st))
		}
	}
	coll, cl := bytesOf("bench")
	var res *C.veclite_mutation_result
	// cols holds C pointers only, so passing it is within cgo's pointer rules.
	st := C.veclite_upsert(d.db, nil, coll, cl, nil, 0, &cols[0], 3, &res, &cerr)
	if err := check(st, cerr); err != nil {
		return err
	}
	C.veclite_mutation_result_free(res)
	return nil
}

// Close closes the database.
func (d *DB) Close() { C.veclite_db_close(d.db, nil) }
