# Entry points used by the README and CI.
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

.PHONY: demo demo-rust test lint test-rust test-c header lib install bench test-go demo-go bench-go test-python

# Runs the seed demo (Go): creates ./veclite_demo_db, upserts 3,000 rows, upserts half again,
# flushes, searches, counts, and prints every MutationResult.
demo: demo-go

# The same workload through the Rust API.
demo-rust:
	cargo run --release --example seed -- veclite_demo_db

# Every test the project has.
test: lint test-rust test-c test-go test-python

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

test-rust:
	cargo test --lib --bins --tests --examples
	cargo test --doc

# C API tests (strict C11, C++ header check, valgrind, exported symbols, pkg-config).
test-c:
	bash tests/c/run.sh

# Regenerates include/veclite.h from src/ffi (cbindgen pinned in Cargo.toml).
header:
	VECLITE_BLESS_HEADER=1 cargo test --test header

# Release static + shared libraries and target/release/veclite.pc (prefix = this checkout).
lib:
	cargo build --release --lib
	sed -e 's|@PREFIX@|$(CURDIR)/target/release/pkg|' -e 's|@VERSION@|$(VERSION)|' veclite.pc.in > target/release/veclite.pc
	mkdir -p target/release/pkg/lib target/release/pkg/include
	cp target/release/libveclite.a target/release/libveclite.so target/release/pkg/lib/
	cp include/veclite.h target/release/pkg/include/

# Installs the libraries, header and pkg-config file under $(PREFIX).
install: lib
	install -d $(PREFIX)/lib/pkgconfig $(PREFIX)/include
	install -m 644 target/release/libveclite.a $(PREFIX)/lib/
	install -m 755 target/release/libveclite.so $(PREFIX)/lib/
	install -m 644 include/veclite.h $(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' veclite.pc.in > $(PREFIX)/lib/pkgconfig/veclite.pc

bench:
	cargo bench --bench upsert

# Go package (bindings/go): vet, tests under the race detector, and the GC-stress build
# (veclitedebug: runtime.GC() on every handle access), against the release static library.
test-go:
	cargo build --release --lib
	cd bindings/go && go vet ./... && go vet -tags veclitedebug ./...
	@mkdir -p target
	@for run in "-race" "-tags veclitedebug"; do \
		echo "go test $$run ./..."; \
		(cd bindings/go && CGO_ENABLED=1 go test $$run -count=1 ./...) > target/go-test.log 2>&1; st=$$?; \
		if [ $$st -ne 0 ]; then cat target/go-test.log; exit $$st; fi; \
		grep -E '^(ok|FAIL|\?)' target/go-test.log; \
	done

# The Go seed demo (creates ./veclite_demo_db).
demo-go:
	cargo build --release --lib
	cd bindings/go && CGO_ENABLED=1 go run ./examples/seed -dir $(CURDIR)/veclite_demo_db

# Go upsert benchmarks (seed 3,000 x dim 8; 100,000 x dim 128 in batches of 3,000).
bench-go:
	cargo build --release --lib
	cd bindings/go && CGO_ENABLED=1 go test -run '^$$' -bench . -benchtime 3x ./client/

# Python package (bindings/python): a venv in target/python-venv with maturin, numpy, pytest (and
# pandas when it installs), pinned Milvus Lite + pymilvus for the differential test, the package
# built and installed by pip (maturin backend), then pytest.
PYVENV := target/python-venv
test-python:
	@test -x $(PYVENV)/bin/python || python3 -m venv $(PYVENV)
	$(PYVENV)/bin/pip install -q maturin numpy pytest
	-$(PYVENV)/bin/pip install -q pandas
	$(PYVENV)/bin/pip install -q -r bindings/python/tests/requirements-milvus-lite.txt
	$(PYVENV)/bin/pip install -q --force-reinstall --no-deps ./bindings/python
	cd bindings/python && ../../$(PYVENV)/bin/python -m pytest -q -p no:cacheprovider tests
