#!/usr/bin/env bash
# Makes the scenario sounds in scenarios/sounds/ with sox (Debian/Ubuntu:
# `apt-get install sox libsox-fmt-all`). Everything is synthesised here, so
# the files carry no one else's rights, and running this again remakes them.
#
#   hold-music.ogg  16 s, loops seamlessly: a cheap square-wave melody over a
#                   thin bass, squeezed into a telephone band (450-3000 Hz),
#                   slightly overdriven and hissy. Unpleasant on purpose:
#                   seed 002 says hold music makes an angry caller angrier.
#   ring.ogg        3 s, loops: an office phone's double ring (400+450 Hz,
#                   warbled like a bell), for an incoming call.
#   ringback.ogg    4 s, loops: the Russian ringback tone (425 Hz, 0.8 s on,
#                   3.2 s off) the agent hears when dialling out.
set -euo pipefail

out="$(cd "$(dirname "$0")/.." && pwd)/scenarios/sounds"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

rate=16000
# -R: repeatable (fixed seeds for noise and dither).
sox_() { sox -R "$@"; }

# One note: semitones from A4 (or "r" for a rest), length in eighths.
note() { # file wave semitones eighths volume
  local file=$1 wave=$2 semi=$3 len=$4 vol=$5
  local secs
  secs=$(awk "BEGIN { print $len * 0.25 }")
  if [[ $semi == r ]]; then
    sox_ -n -r $rate -c 1 "$file" trim 0 "$secs"
  else
    sox_ -n -r $rate -c 1 "$file" synth "$secs" "$wave" "%$semi" \
      fade t 0.004 "$secs" 0.04 vol "$vol"
  fi
}

# line name wave volume  "semitones:eighths ..."  -> $tmp/name.wav
line() {
  local name=$1 wave=$2 vol=$3 notes=$4 i=0 parts=()
  for n in $notes; do
    note "$tmp/$name-$i.wav" "$wave" "${n%%:*}" "${n##*:}" "$vol"
    parts+=("$tmp/$name-$i.wav")
    i=$((i + 1))
  done
  sox_ "${parts[@]}" "$tmp/$name.wav"
}

# 64 eighths at 0.25 s = 16 s. The tune ends on the dominant so the loop
# falls back into its first bar without a seam.
melody="3:2 7:2 10:2 7:2 8:2 7:2 5:4
        3:2 5:2 7:2 3:2 2:4 r:4
        0:2 3:2 7:2 3:2 5:2 3:2 2:4
        -2:2 0:2 2:2 5:2 3:4 r:2 -2:2"
bass="-21:4 -21:4 -16:4 -16:4
      -19:4 -19:4 -14:4 -14:4
      -24:4 -24:4 -19:4 -14:4
      -14:4 -14:4 -21:4 -14:4"
line melody square 0.35 "$melody"
line bass triangle 0.45 "$bass"
sox_ -n -r $rate -c 1 "$tmp/hiss.wav" synth 16 pinknoise vol 0.015
sox_ -m "$tmp/melody.wav" "$tmp/bass.wav" "$tmp/hiss.wav" "$tmp/mix.wav"
# Telephone band, a cheap speaker's grit, a wobble like a worn tape.
sox_ "$tmp/mix.wav" "$tmp/hold.wav" \
  highpass 450 overdrive 8 sinc 450-3000 tremolo 5 15 gain -n -3 trim 0 16
sox_ "$tmp/hold.wav" -C 0 "$out/hold-music.ogg"

# Double ring: 0.4 s on, 0.2 s off, 0.4 s on, 2.0 s off.
sox_ -n -r $rate -c 1 "$tmp/burst.wav" synth 0.4 sine 400 sine mix 450 \
  tremolo 20 60 fade t 0.01 0.4 0.02 vol 0.5
sox_ -n -r $rate -c 1 "$tmp/gap.wav" trim 0 0.2
sox_ -n -r $rate -c 1 "$tmp/pause.wav" trim 0 2.0
sox_ "$tmp/burst.wav" "$tmp/gap.wav" "$tmp/burst.wav" "$tmp/pause.wav" \
  "$tmp/ring.wav" gain -n -3
sox_ "$tmp/ring.wav" -C 0 "$out/ring.ogg"

# Ringback: 425 Hz, 0.8 s on, 3.2 s off.
sox_ -n -r $rate -c 1 "$tmp/tone.wav" synth 0.8 sine 425 fade t 0.01 0.8 0.01 vol 0.5
sox_ -n -r $rate -c 1 "$tmp/silence.wav" trim 0 3.2
sox_ "$tmp/tone.wav" "$tmp/silence.wav" "$tmp/ringback.wav" gain -n -6
sox_ "$tmp/ringback.wav" -C 0 "$out/ringback.ogg"

for f in hold-music ring ringback; do
  printf '%-16s %6s bytes, %s s\n' "$f.ogg" "$(stat -c %s "$out/$f.ogg")" \
    "$(soxi -D "$out/$f.ogg")"
done
