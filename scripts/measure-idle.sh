#!/usr/bin/env bash
# Measures what the game costs while it waits for the trainee.
#
#   scripts/measure-idle.sh [IDLE_SECONDS] [SAMPLE_SECONDS]
#
# Builds the release binary, starts a virtual X display (Xvfb) and launches
# the game straight into a call (`--call missing-bonus-number --seed 1`,
# already answered, the caller's line said in full after a few seconds),
# with a throwaway data folder. After IDLE_SECONDS (default 25) with no
# input it samples /proc/PID/stat for SAMPLE_SECONDS (default 10) and
# prints:
#   - CPU: user+system time over the sample, as a share of one core;
#   - RSS: resident memory at the end of the sample (VmRSS), and its peak
#     (VmHWM);
#   - frames: frames drawn during the sample (CALLSIM_REDRAW_LOG);
#   - launch: time from start to the first frame showing the screen
#     (`--report-launch`, which screenshots until the window is not blank).
#
# Needs: xvfb and mesa-vulkan-drivers (llvmpipe software Vulkan), e.g.
#   apt-get install -y xvfb mesa-vulkan-drivers
# Figures are recorded in docs/performance.md, section "Game".
set -euo pipefail

IDLE=${1:-25}
SAMPLE=${2:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/callsim

DISPLAY_NUM=:${MEASURE_DISPLAY:-97}
Xvfb "$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
DATA=$(mktemp -d)
LOG=$(mktemp)
GAME=
cleanup() {
    [ -n "$GAME" ] && kill "$GAME" 2>/dev/null || true
    kill "$XVFB" 2>/dev/null || true
    rm -rf "$DATA" "$LOG"
}
trap cleanup EXIT
sleep 1

DISPLAY=$DISPLAY_NUM CALLSIM_REDRAW_LOG=1 RUST_LOG=${RUST_LOG:-info} \
    "$BIN" --call missing-bonus-number --seed 1 --data-dir "$DATA" --report-launch >"$LOG" 2>&1 &
GAME=$!

ticks() { awk '{print $14 + $15}' "/proc/$GAME/stat"; }
frames() { grep -o '[0-9]* frames in the last' "$LOG" | awk '{n += $1} END {print n + 0}'; }

sleep "$IDLE"
if ! kill -0 "$GAME" 2>/dev/null; then
    echo "the game exited early:" >&2
    cat "$LOG" >&2
    exit 1
fi
HZ=$(getconf CLK_TCK)
T0=$(ticks); F0=$(frames); S0=$(date +%s.%N)
sleep "$SAMPLE"
T1=$(ticks); F1=$(frames); S1=$(date +%s.%N)
RSS=$(awk '/VmRSS/ {print $2}' "/proc/$GAME/status")
HWM=$(awk '/VmHWM/ {print $2}' "/proc/$GAME/status")
LAUNCH=$(grep -o 'first interactive frame after [0-9]* ms' "$LOG" | grep -o '[0-9]*' || echo "?")

awk -v t0="$T0" -v t1="$T1" -v hz="$HZ" -v s0="$S0" -v s1="$S1" -v rss="$RSS" -v hwm="$HWM" \
    -v f0="$F0" -v f1="$F1" -v launch="$LAUNCH" -v idle="$IDLE" 'BEGIN {
    secs = s1 - s0
    printf "idle %d s, then sampled %.1f s in a call (release, Xvfb, %s)\n", idle, secs, ENVIRON["VK_DRIVER"] ? ENVIRON["VK_DRIVER"] : "software Vulkan"
    printf "CPU:    %.2f%% of one core (%d ticks of 1/%d s)\n", (t1 - t0) / hz / secs * 100, t1 - t0, hz
    printf "frames: %d drawn (%.2f per second)\n", f1 - f0, (f1 - f0) / secs
    printf "RSS:    %.0f MB now, %.0f MB peak\n", rss / 1024, hwm / 1024
    printf "launch: %s ms to the first interactive frame\n", launch
}'
