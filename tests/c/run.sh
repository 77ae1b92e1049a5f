#!/usr/bin/env bash
# Builds the static and shared libraries, then:
# - compiles tests/c/test_api.c as strict C11 against include/ and the static library and runs it
#   under valgrind (zero errors, zero leaks);
# - compiles the header as C++ with double inclusion;
# - checks that every exported symbol of the shared library starts with veclite_;
# - checks the generated pkg-config file.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=${VECLITE_C_PROFILE:-debug}
flag=$([ "$profile" = release ] && echo --release || true)
cargo build --lib $flag
lib=target/$profile
out=target/c-tests
mkdir -p "$out"

cc -std=c11 -Wall -Wextra -Werror -pedantic -g -Iinclude tests/c/test_api.c "$lib/libveclite.a" \
  -lpthread -ldl -lm -o "$out/test_api"
c++ -std=c++17 -Wall -Wextra -Werror -pedantic -Iinclude tests/c/double_include.cpp "$lib/libveclite.a" \
  -lpthread -ldl -lm -o "$out/double_include"
"$out/double_include"

db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
if command -v valgrind >/dev/null; then
  valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect "$out/test_api" "$db/db"
else
  echo "valgrind not found: install it (apt-get install valgrind)" >&2
  exit 1
fi

stray=$(nm -D --defined-only "$lib/libveclite.so" | awk '{print $3}' | grep -v '^veclite_' || true)
if [ -n "$stray" ]; then
  echo "exported symbols without the veclite_ prefix:" >&2
  echo "$stray" >&2
  exit 1
fi
echo "exports: $(nm -D --defined-only "$lib/libveclite.so" | grep -c ' T veclite_') veclite_* functions, no others"

# pkg-config: the generated veclite.pc compiles and links the same test program.
pc_dir=$(mktemp -d)
sed -e "s|@PREFIX@|$pc_dir|" -e "s|@VERSION@|$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)|" \
  veclite.pc.in > "$pc_dir/veclite.pc"
mkdir -p "$pc_dir/lib" "$pc_dir/include"
cp "$lib/libveclite.a" "$pc_dir/lib/" && cp include/veclite.h "$pc_dir/include/"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror $(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags veclite) tests/c/test_api.c \
  $(PKG_CONFIG_PATH="$pc_dir" pkg-config --libs --static veclite) -o "$out/test_api_pc"
echo "pkg-config: veclite $(PKG_CONFIG_PATH="$pc_dir" pkg-config --modversion veclite) links"
rm -rf "$pc_dir"
