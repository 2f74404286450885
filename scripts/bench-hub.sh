#!/usr/bin/env bash
# The class hub's load benchmark: 40 trainees joining and uploading 10
# attempts each at once while the facilitator reads the results, on loopback,
# release build. Prints throughput and latency (docs/performance.md, "Class
# hub"). With CALLSIM_TEST_POSTGRES set (see scripts/test-postgres.sh) it
# runs on PostgreSQL too.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo test --release --quiet --no-default-features --features hub,class-client \
    --test hub_load -- --nocapture --test-threads 1 2>&1 | grep -E "class hub load|latency|reads meanwhile|skipped"
