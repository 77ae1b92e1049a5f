# Entry points used by the README and CI.
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

.PHONY: demo demo-rust test lint test-rust test-c header lib install bench test-go demo-go bench-go test-python wheel cli test-cli server test-server

# Runs the seed demo (Go): creates ./veclite_demo_db, upserts 3,000 rows, upserts half again,
# flushes, searches, counts, and prints every MutationResult.
demo: demo-go

# The same workload through the Rust API.
demo-rust:
	cargo run --release --example seed -- veclite_demo_db

# Every test the project has.
test: lint test-rust test-cli test-c test-go test-python test-server

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --features cli -- -D warnings

test-rust:
	cargo test --lib --bins --tests --examples
	cargo test --doc

# The `veclite` command-line tool (feature `cli`): target/release/veclite.
cli:
	cargo build --release --features cli --bin veclite

# The command-line tool end to end (tests/cli.rs and tests/cli_bulk.rs run the built binary) and
# its unit tests.
test-cli:
	cargo test --features cli --test cli --test cli_bulk --bin veclite

# C API tests (strict C11, C++ header check, valgrind, exported symbols; make install into a
# temporary prefix, then the README's static and shared pkg-config links, checked and run).
test-c:
	bash tests/c/run.sh

# Regenerates include/veclite.h from src/ffi (cbindgen pinned in Cargo.toml).
header:
	VECLITE_BLESS_HEADER=1 cargo test --test header

# The shared library's file name, SONAME (major version) and symlink chain:
# libveclite.so -> libveclite.so.$(SOMAJOR) -> libveclite.so.$(VERSION).
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
SONAME := libveclite.so.$(SOMAJOR)
SOFILE := libveclite.so.$(VERSION)

# $(call install_tree,ROOT,PREFIX): the release libraries, header and pkg-config files
# (veclite.pc links the shared library, veclite-static.pc the archive) under ROOT, with
# pkg-config files that name PREFIX.
define install_tree
	install -d $(1)/lib/pkgconfig $(1)/include
	install -m 644 target/release/libveclite.a $(1)/lib/
	install -m 755 target/release/libveclite.so $(1)/lib/$(SOFILE)
	ln -sfn $(SOFILE) $(1)/lib/$(SONAME)
	ln -sfn $(SONAME) $(1)/lib/libveclite.so
	install -m 644 include/veclite.h $(1)/include/
	for pc in veclite veclite-static; do \
		sed -e 's|@PREFIX@|$(2)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@SOMAJOR@|$(SOMAJOR)|' \
			$$pc.pc.in > $(1)/lib/pkgconfig/$$pc.pc; \
	done
endef

# Release static + shared libraries, staged as an install tree in target/release/pkg
# (PKG_CONFIG_PATH=target/release/pkg/lib/pkgconfig links against this checkout).
lib:
	cargo build --release --lib
	$(call install_tree,$(CURDIR)/target/release/pkg,$(CURDIR)/target/release/pkg)

# Installs the libraries, header and pkg-config files under $(DESTDIR)$(PREFIX).
install: lib
	$(call install_tree,$(DESTDIR)$(PREFIX),$(PREFIX))

bench:
	cargo bench --bench upsert

# Go package (bindings/go): vet, tests under the race detector, and the GC-stress build
# (veclitedebug: runtime.GC() on every handle access), against the release static library; then
# a program outside the repository built as bindings/go/README.md says (replace directive, and
# a vendored copy linking veclite-static.pc) and run.
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
	bash tests/go/out_of_tree.sh

# veclite-server (bindings/go/server, its own Go module): Milvus's gRPC protocol over the
# embedded engine, linked against the release static library, in target/veclite-server.
server:
	cargo build --release --lib
	cd bindings/go/server && go vet ./... && CGO_ENABLED=1 go build -o $(CURDIR)/target/veclite-server .

# The server: its Go tests (under the race detector), then end to end (tests/server/run.sh): its
# command line, the real pymilvus 2.6.x and 3.0.x (tests/server/test_pymilvus.py), langchain-milvus,
# migration, and the pymilvus and milvus-sdk-go v2.4.2 example programs the in-process packages
# run, rewritten at test time for a server, against servers on free loopback ports.
test-server: server
	cd bindings/go/server && CGO_ENABLED=1 go test -race -count=1 ./...
	bash tests/server/run.sh

# The Go seed demo (creates ./veclite_demo_db).
demo-go:
	cargo build --release --lib
	cd bindings/go && CGO_ENABLED=1 go run ./examples/seed -dir $(CURDIR)/veclite_demo_db

# Go upsert benchmarks (seed 3,000 x dim 8; 100,000 x dim 128 in batches of 3,000).
bench-go:
	cargo build --release --lib
	cd bindings/go && CGO_ENABLED=1 go test -run '^$$' -bench . -benchtime 3x ./client/

# Python package (bindings/python) as a user installs it: the abi3 wheel (one file for every
# CPython >= 3.9 on this platform), built with maturin from its own venv into target/wheels/.
PYTHON ?= python3
PYBUILDVENV := target/python-build-venv
WHEELS := target/wheels
wheel:
	@test -x $(PYBUILDVENV)/bin/python || $(PYTHON) -m venv $(PYBUILDVENV)
	$(PYBUILDVENV)/bin/pip install -q "maturin>=1.5,<2"
	rm -f $(WHEELS)/veclite-*.whl
	$(PYBUILDVENV)/bin/maturin build --release -m bindings/python/Cargo.toml -o $(WHEELS)

# The Python tests against the installed wheel: a fresh venv in target/python-venv, driven with a
# PATH that has no cargo or rustc (checked), gets numpy, pytest (and pandas when it installs),
# the pinned Milvus Lite + pymilvus (with its bulk writer) for the differential tests, the pinned
# langchain-milvus for its quickstart, the pinned llama-index-vector-stores-milvus for its
# quickstart (with --no-deps: it asks for pymilvus < 3, which install_as_pymilvus replaces), and the
# wheel; pytest runs in bindings/python, where `import veclite` can only find the venv's
# site-packages copy (checked). tests/test_bulk_export.py runs the `veclite` binary (VECLITE_CLI).
PYVENV := target/python-venv
NORUST := env PATH=$(CURDIR)/$(PYVENV)/bin:/usr/bin:/bin
test-python: wheel cli
	rm -rf $(PYVENV)
	$(PYTHON) -m venv $(PYVENV)
	@$(NORUST) sh -c 'for t in cargo rustc; do if command -v $$t; then echo "$$t is on the test PATH" >&2; exit 1; fi; done; echo "test PATH: no cargo, no rustc"'
	$(NORUST) pip install -q numpy pytest scipy
	-$(NORUST) pip install -q pandas
	$(NORUST) pip install -q -r bindings/python/tests/requirements-milvus-lite.txt
	$(NORUST) pip install -q -r bindings/python/tests/requirements-langchain.txt
	$(NORUST) pip install -q --no-deps -r bindings/python/tests/requirements-llama-index.txt
	$(NORUST) pip install -q --force-reinstall --no-deps $(WHEELS)/veclite-*.whl
	cd bindings/python && $(NORUST) python -c 'import veclite; f = veclite.__file__; print("veclite from", f); assert f.startswith("$(CURDIR)/$(PYVENV)/lib/") and "/site-packages/" in f, f'
	cd bindings/python && $(NORUST) VECLITE_CLI=$(CURDIR)/target/release/veclite python -m pytest -q -p no:cacheprovider tests
