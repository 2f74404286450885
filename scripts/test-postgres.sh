#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the class hub's tests.
#
#   eval "$(scripts/test-postgres.sh)"     # start; exports CALLSIM_TEST_POSTGRES
#   cargo test --no-default-features --features hub,class-client
#   scripts/test-postgres.sh stop
#
# Installs Debian's `postgresql` if it is missing (needs root for that),
# runs the cluster as the `postgres` user when started as root (PostgreSQL
# refuses to run as root), keeps it in a temporary folder, and prints the
# `export` line for the tests. Nothing listens beyond 127.0.0.1.
set -euo pipefail

dir="${CALLSIM_PG_DIR:-/tmp/callsim-test-postgres}"
port="${CALLSIM_PG_PORT:-54329}"

bin_dir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(bin_dir)" ]; then
    echo "installing postgresql (Debian package)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
fi
bin="$(bin_dir)"

# As root, run everything as the package's `postgres` user.
if [ "$(id -u)" -eq 0 ]; then
    as_owner() { runuser -u postgres -- "$@"; }
else
    as_owner() { "$@"; }
fi

if [ "${1:-start}" = "stop" ]; then
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >&2 || true
    fi
    rm -rf "$dir"
    exit 0
fi

# A fresh cluster every time: tests never see an earlier run's data.
if [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
fi
rm -rf "$dir"
mkdir -p "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"

as_owner "$bin/initdb" -D "$dir/data" -U callsim -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
# fsync off: a test database that a crash may lose, started quickly.
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=100" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U callsim callsim_test >&2

echo "export CALLSIM_TEST_POSTGRES=postgres://callsim@127.0.0.1:$port/callsim_test"
