#!/usr/bin/env bash
# Fuzzes the scenario loader and everything after it (cargo-fuzz, on
# nightly): `load` feeds raw bytes as a file, `generated` builds scenarios
# from the bytes so most inputs load and get played. Overflow checks and
# debug assertions are on (`-a`); no sanitizer (`-s none`): the core is
# safe Rust, and without ASan it runs several times faster.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default: 600, both)
#
# Needs `rustup toolchain install nightly` and `cargo install cargo-fuzz`.
# A crash is saved under fuzz/artifacts/TARGET/; keep the input in
# fuzz/regressions/ (raw `.ron` for `load`, anything else for `generated`)
# and `cargo test -p callsim-core --test generated_scenarios` replays it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(load generated)

# Seed corpora: every shipped scenario and every broken one.
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    cp ../scenarios/*.ron ../tests/broken/*.ron "corpus/$target/"
done

# A crash in one target does not stop the others; the exit status says.
status=0
for target in "${targets[@]}"; do
    echo "== $target for ${seconds}s"
    rustup run nightly cargo fuzz run -s none -a "$target" "corpus/$target" -- \
        -dict=callsim.dict -max_total_time="$seconds" -timeout=30 \
        -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 || status=1
done
exit $status
