#!/usr/bin/env bash
# Speed of the core, without Bevy: loading + validating 1,000 generated
# scenarios against plain `ron` parsing of the same files, and analysing
# every shipped scenario. Prints criterion's figures; docs/performance.md
# records them. Usage: scripts/bench-core.sh [criterion filter, e.g. analyze]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --locked --no-default-features --bench core -- "$@" 2>&1 |
    grep -vE '^(Benchmarking|Warming|Collecting|Analyzing|Found [0-9]+ outliers|  [0-9]+ \()' |
    grep -vE '^ *(Compiling|Finished|Running)'
