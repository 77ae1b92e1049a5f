# Entry points used by the README and CI.
.PHONY: demo test test-rust lint bench

# Runs the seed demo: creates ./veclite_demo_db, upserts 3,000 rows, prints the MutationResults.
demo:
	cargo run --release --example seed -- veclite_demo_db

# Every test the project has.
test: lint test-rust

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

test-rust:
	cargo test --all-targets
	cargo test --doc

bench:
	cargo bench --bench upsert
