# Entry points used by the README and CI.
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

.PHONY: demo test lint test-rust test-c header lib install bench

# Runs the seed demo: creates ./veclite_demo_db, upserts 3,000 rows, prints the MutationResults.
demo:
	cargo run --release --example seed -- veclite_demo_db

# Every test the project has.
test: lint test-rust test-c

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

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
