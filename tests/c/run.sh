#!/usr/bin/env bash
# Builds the static and shared libraries, then:
# - compiles tests/c/test_api.c and tests/c/test_vector_types.c as strict C11 against include/ and
#   the static library and runs them under valgrind (zero errors, zero leaks);
# - compiles every example program examples/*.c the same way and runs each under valgrind;
# - compiles the header as C++ with double inclusion;
# - checks that every exported symbol of the shared library starts with veclite_;
# - installs into a temporary prefix (`make install`), checks the SONAME and the symlink chain,
#   links the test program statically and dynamically with the README's pkg-config commands, checks
#   with readelf/ldd what each binary needs and finds, and runs both.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=${VECLITE_C_PROFILE:-debug}
flag=$([ "$profile" = release ] && echo --release || true)
cargo build --lib $flag
lib=target/$profile
out=target/c-tests
mkdir -p "$out"

tests="test_api test_hybrid test_vector_types test_partial test_partition_key test_sparse"
for t in $tests; do
  cc -std=c11 -Wall -Wextra -Werror -pedantic -g -Iinclude "tests/c/$t.c" "$lib/libveclite.a" \
    -lpthread -ldl -lm -o "$out/$t"
done
examples=$(ls examples/*.c)
for example in $examples; do
  cc -std=c11 -Wall -Wextra -Werror -pedantic -g -Iinclude "$example" "$lib/libveclite.a" \
    -lpthread -ldl -lm -o "$out/$(basename "$example" .c)"
done
c++ -std=c++17 -Wall -Wextra -Werror -pedantic -Iinclude tests/c/double_include.cpp "$lib/libveclite.a" \
  -lpthread -ldl -lm -o "$out/double_include"
"$out/double_include"

db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
if command -v valgrind >/dev/null; then
  for t in $tests; do
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      --show-leak-kinds=definite,indirect "$out/$t" "$db/$t"
  done
  for example in $examples; do
    name=$(basename "$example" .c)
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      --show-leak-kinds=definite,indirect "$out/$name" "$db/$name" >/dev/null
    echo "example $example: compiled, ran under valgrind"
  done
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

# Install into a temporary prefix, then link the test program both ways with the exact commands of
# the README's C quick start (app.c = tests/c/test_api.c) and run both binaries. (No `grep -q` after
# a pipe: with pipefail, its early exit would fail the writer with SIGPIPE.)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
soname="libveclite.so.${version%%.*}"
static_cmd='cc -std=c11 app.c $(pkg-config --cflags --libs veclite-static) -o app'
shared_cmd='cc -std=c11 app.c $(pkg-config --cflags --libs veclite) -Wl,-rpath,"$(pkg-config --variable=libdir veclite)" -o app'
for cmd in "$static_cmd" "$shared_cmd"; do
  grep -qF -- "$cmd" README.md || { echo "README.md no longer says: $cmd" >&2; exit 1; }
done
fail() { echo "install: $*" >&2; exit 1; }
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$db" "$prefix" "$work"' EXIT
make --no-print-directory install PREFIX="$prefix" >/dev/null
libdir="$prefix/lib"
[ "$(readlink "$libdir/libveclite.so")" = "$soname" ] || fail "libveclite.so does not point to $soname"
[ "$(readlink "$libdir/$soname")" = "libveclite.so.$version" ] || fail "$soname does not point to libveclite.so.$version"
[ -f "$libdir/libveclite.so.$version" ] && [ ! -L "$libdir/libveclite.so.$version" ] || fail "libveclite.so.$version is not a file"
readelf -d "$libdir/libveclite.so.$version" | grep -F "Library soname: [$soname]" >/dev/null || fail "SONAME is not $soname"
cp tests/c/test_api.c "$work/app.c"
(
  cd "$work"
  export PKG_CONFIG_PATH="$libdir/pkgconfig"
  eval "$static_cmd"
  mv app app_static
  eval "$shared_cmd"
  mv app app_shared
)
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
if needed "$work/app_static" | grep veclite >/dev/null; then fail "the static link needs $(needed "$work/app_static" | grep veclite)"; fi
nm "$work/app_static" | grep ' T veclite_db_open$' >/dev/null || fail "the static binary does not contain veclite_db_open"
[ "$(needed "$work/app_shared" | grep veclite)" = "$soname" ] || fail "the shared link needs $(needed "$work/app_shared" | grep veclite), not $soname"
ldd "$work/app_shared" | grep -F "$soname => $libdir/$soname" >/dev/null || fail "the loader does not find $libdir/$soname: $(ldd "$work/app_shared")"
for kind in static shared; do
  "$work/app_$kind" "$work/db_$kind" >/dev/null || fail "app_$kind failed"
done
echo "install: $soname (SONAME) -> libveclite.so.$version; README static link needs no libveclite.so, \
README shared link finds $soname in the prefix; both run"
