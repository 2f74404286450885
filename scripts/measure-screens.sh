#!/usr/bin/env bash
# What the idle game costs on every screen, over several launches.
#
#   scripts/measure-screens.sh [LAUNCHES] [IDLE_SECONDS] [SAMPLE_SECONDS]
#
# Builds the release binary, starts a virtual X display (Xvfb) and, for
# each screen, launches the game LAUNCHES times (default 5) with a fresh
# window, gives the window the keyboard focus (`xdotool windowfocus`), gets
# to the screen the way a trainee would (typing, keys) or with `--open`,
# waits IDLE_SECONDS (default 8) with no input, then samples
# /proc/PID/stat for SAMPLE_SECONDS (default 10). It prints one line per
# launch and, per screen, the worst launch: CPU as a share of one core,
# frames drawn per second, and why those frames were drawn (the game's
# frame log, CALLSIM_REDRAW_LOG).
#
# LOAD=compile runs a compile loop beside the game (cargo building a
# throwaway crate and its dependencies again and again: the load under
# which an idle screen once kept drawing); LOAD=cpu runs two busy loops.
#
# The class vote screen is measured against a hub of its own (`callsim
# serve` on loopback): for each launch the `class-vote-fixture` example
# creates a class, enrols the trainee and opens a vote, and the game goes
# from the class screen to the vote with Enter, as a trainee does.
#
# Needs: xvfb, xdotool and mesa-vulkan-drivers (llvmpipe software Vulkan).
# Figures are recorded in docs/performance.md, section "Game".
set -euo pipefail

LAUNCHES=${1:-5}
IDLE=${2:-8}
SAMPLE=${3:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

# CALLSIM_BIN measures another build (e.g. a debug one, to try the script).
if [ -z "${CALLSIM_BIN:-}" ]; then
    cargo build --release --quiet
fi
cargo build --release --quiet -p callsim-trainee --example class-vote-fixture
BIN=${CALLSIM_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/callsim}
FIXTURE=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/class-vote-fixture

DISPLAY_NUM=:${MEASURE_DISPLAY:-96}
export DISPLAY=$DISPLAY_NUM
WORK=$(mktemp -d)
start_display() {
    Xvfb "$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp >>"$WORK/xvfb.log" 2>&1 &
    XVFB=$!
    sleep 1
}
start_display
GAME=
LOADER=
HUB=
cleanup() {
    [ -n "$GAME" ] && kill "$GAME" 2>/dev/null || true
    [ -n "$HUB" ] && kill "$HUB" 2>/dev/null || true
    [ -n "$LOADER" ] && kill -- -"$LOADER" 2>/dev/null || true
    kill "$XVFB" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
sleep 1

case "${LOAD:-}" in
compile)
    # A throwaway crate built from scratch again and again (its
    # dependencies come from cargo's local cache): rustc on both cores,
    # and nothing of this checkout touched.
    mkdir -p "$WORK/load/src"
    printf '[package]\nname = "load"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nserde_json = "1"\nron = "0.12"\nregex = "1"\n' \
        >"$WORK/load/Cargo.toml"
    echo 'fn main() {}' >"$WORK/load/src/main.rs"
    setsid bash -c "while :; do rm -rf '$WORK/load/target'; \
        cargo build --offline --quiet --manifest-path '$WORK/load/Cargo.toml' >/dev/null 2>&1 || sleep 1; done" &
    LOADER=$!
    ;;
cpu)
    setsid bash -c 'yes >/dev/null & yes >/dev/null & wait' &
    LOADER=$!
    ;;
"") ;;
*) echo "LOAD is compile, cpu or unset" >&2; exit 2 ;;
esac

# A trainee, so the screens past the title have someone signed in; and
# one who replies by typing (the sentence model loaded).
TRAINED=$WORK/trained
TYPIST=$WORK/typist
mkdir -p "$TRAINED" "$TYPIST"
echo '{"language":"en","text_scale":1.0,"mode":"practice","sound":false,"reply_by":"typing"}' >"$TYPIST/settings.json"

launch() { # DATA_DIR ARGS...
    local data=$1 window= attempt
    shift
    # Under load the X server sometimes refuses a connection at once
    # (XOpenDisplayFailed) though it is running: try again, and say so.
    for attempt in 1 2 3 4 5; do
        if ! kill -0 "$XVFB" 2>/dev/null; then
            echo "(the X server had stopped; started again: $(tail -1 "$WORK/xvfb.log"))" >&2
            start_display
        fi
        CALLSIM_REDRAW_LOG=1 RUST_LOG=${RUST_LOG:-info,callsim_game=debug} \
            "$BIN" --data-dir "$data" --seed "${SEED:-1}" "$@" >"$WORK/log" 2>&1 &
        GAME=$!
        for _ in $(seq 50); do
            window=$(xdotool search --pid "$GAME" 2>/dev/null | head -1 || true)
            [ -n "$window" ] && break
            kill -0 "$GAME" 2>/dev/null || break
            sleep 0.2
        done
        [ -n "$window" ] && break
        if grep -q XOpenDisplayFailed "$WORK/log" && [ "$attempt" -lt 5 ]; then
            echo "(launch $attempt could not open the display; trying again)" >&2
            stop
            if [ "$attempt" -ge 2 ]; then
                # Refused twice: a fresh X server.
                echo "(starting the X server again)" >&2
                kill "$XVFB" 2>/dev/null || true
                wait "$XVFB" 2>/dev/null || true
                start_display
            fi
            sleep 2
            continue
        fi
        echo "the game opened no window:" >&2
        cat "$WORK/log" >&2
        echo "--- the X server's log:" >&2
        cat "$WORK/xvfb.log" >&2
        exit 1
    done
    sleep 3 # the launch draws continuously for 2 s
    xdotool windowfocus --sync "$window" 2>/dev/null || xdotool windowfocus "$window"
}

keys() { # wait before each key
    for k in "$@"; do
        sleep 2
        xdotool key "$k"
    done
}

stop() {
    kill "$GAME" 2>/dev/null || true
    wait "$GAME" 2>/dev/null || true
    GAME=
}

ticks() { awk '{print $14 + $15}' "/proc/$GAME/stat"; }
log_lines() { wc -l <"$WORK/log"; }

# Samples the running game: prints "cpu% frames/s rss-MB causes".
# IDLE and SAMPLE may be overridden per screen.
sample() {
    sleep "$IDLE"
    if ! kill -0 "$GAME" 2>/dev/null; then
        echo "the game exited early:" >&2
        cat "$WORK/log" >&2
        exit 1
    fi
    local hz t0 t1 s0 s1 l0
    hz=$(getconf CLK_TCK)
    t0=$(ticks); s0=$(date +%s.%N); l0=$(log_lines)
    sleep "$SAMPLE"
    t1=$(ticks); s1=$(date +%s.%N)
    local frames causes
    frames=$(tail -n +"$((l0 + 1))" "$WORK/log" | grep -c 'frame at ' || true)
    causes=$(tail -n +"$((l0 + 1))" "$WORK/log" | grep -o 'frame at [0-9.]* s: .*' | sed 's/frame at [0-9.]* s: //' |
        tr ',' '\n' | sed 's/^ *//; s/ (.*//' | sort | uniq -c | sort -rn | awk '{n=$1; $1=""; printf "%s%s ×%d", (NR>1?";":""), $0, n}')
    local rss
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$GAME/status")
    awk -v t0="$t0" -v t1="$t1" -v hz="$hz" -v s0="$s0" -v s1="$s1" -v f="$frames" -v c="${causes:-none}" -v rss="$rss" \
        'BEGIN { secs = s1 - s0; printf "%.2f %.2f %.0f %s\n", (t1 - t0) / hz / secs * 100, f / secs, rss / 1024, c }'
}

measure() { # NAME: the screen is up and idle
    local name=$1 result
    result=$(sample)
    stop
    echo "$name $result" >>"$WORK/results"
    printf '%-10s launch %d: %6s%% of a core, %5s frames/s, %4s MB resident (%s)\n' "$name" "$run" \
        "$(echo "$result" | cut -d' ' -f1)" "$(echo "$result" | cut -d' ' -f2)" "$(echo "$result" | cut -d' ' -f3)" \
        "$(echo "$result" | cut -d' ' -f4-)"
}

: >"$WORK/results"
# The hub the class vote screen follows.
HUB_ADDR=127.0.0.1:${MEASURE_HUB_PORT:-7979}
"$BIN" serve --addr "$HUB_ADDR" --data "$WORK/hub" --scenarios "$ROOT/scenarios" >"$WORK/hub.log" 2>&1 &
HUB=$!
for _ in $(seq 50); do
    curl -fsS "http://$HUB_ADDR/" >/dev/null 2>&1 && break
    sleep 0.2
done
# The trainee the other screens sign in as: typed on the title screen.
launch "$TRAINED"
xdotool type --delay 80 "Measure"
keys Return
sleep 2
stop
for run in $(seq "$LAUNCHES"); do
    # The title of a first launch, its name box focused.
    FRESH=$WORK/fresh-$run
    mkdir -p "$FRESH"
    launch "$FRESH"
    measure title
    launch "$TRAINED" --open picker
    measure picker
    launch "$TRAINED" --call missing-bonus-number --open incoming
    measure incoming
    launch "$TRAINED" --call missing-bonus-number
    measure call
    # Check the account (C), then put him on hold (H): 180 s of hold, shown
    # in 5 s with its timer running (an animation), sampled at once. On
    # seed 2 he is calm enough to wait (on seed 1 the hold ends the call).
    SEED=2 launch "$TRAINED" --call missing-bonus-number
    keys c h
    IDLE=0.3 SAMPLE=4 measure on-hold
    # Hang up (X), then Enter opens the debrief.
    launch "$TRAINED" --call missing-bonus-number
    keys x Return
    measure debrief
    # Typing: the text box focused, its cursor blinking.
    launch "$TYPIST" --call missing-bonus-number
    measure typed-call
    launch "$TRAINED" --open progress
    measure progress
    launch "$TRAINED" --open settings
    measure settings
    launch "$TRAINED" --open class
    measure class
    # A trainee in a class whose vote is open: Enter on "Go to the class
    # vote" (focused), then the caller's line and the options, waiting on
    # the hub's long poll.
    VOTER=$WORK/voter-$run
    cp -r "$TRAINED" "$VOTER"
    "$FIXTURE" "http://$HUB_ADDR" "$VOTER" >/dev/null
    launch "$VOTER" --open class
    keys Return
    measure class-vote
done

echo
echo "worst of $LAUNCHES launches per screen (idle ${IDLE} s, then sampled ${SAMPLE} s; load: ${LOAD:-none}):"
printf '| screen | CPU (%% of a core) | frames/s | resident MB (most) | why the frames of the worst launch were drawn |\n|---|---|---|---|---|\n'
for screen in title picker incoming call on-hold typed-call debrief progress settings class class-vote; do
    most=$(grep "^$screen " "$WORK/results" | sort -k4 -g | tail -1 | awk '{print $4}')
    grep "^$screen " "$WORK/results" | sort -k2 -g | tail -1 |
        awk -v most="$most" '{ c = ""; for (i = 5; i <= NF; i++) c = c (i > 5 ? " " : "") $i; printf "| %s | %.2f | %.2f | %s | %s |\n", $1, $2, $3, most, c }'
done
