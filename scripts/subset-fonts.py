#!/usr/bin/env python3
"""Builds the game's fonts in assets/fonts/ from Debian's Noto packages.

    apt-get install fonts-noto-core fonts-noto-cjk fonttools
    python3 scripts/subset-fonts.py

Noto Sans (Latin, Cyrillic, Greek) and Noto Sans CJK SC are cut down to the
characters the game can meet: every character in the shipped scenarios and
the game's source (its labels and symbols), the Latin, Cyrillic and general-punctuation blocks, and
the whole GB2312 set (6,763 common hanzi and its symbols) so a trainer's new
Chinese text still renders. Both fonts are under the SIL Open Font License
1.1 (assets/fonts/OFL.txt). Re-run this after adding a scenario that uses a
rare character; `cargo test` fails (test `fonts_cover_every_shipped_character`)
until the fonts cover it.
"""

import glob
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "assets", "fonts")
NOTO_SANS = "/usr/share/fonts/truetype/noto/NotoSans-{}.ttf"
NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_SC_INDEX = 2  # JP, KR, SC, TC, HK in Debian's collection

# Latin-1, Latin Extended-A/B, combining marks, Greek, Cyrillic and its
# supplement, general punctuation, currency, letterlike symbols (№), arrows,
# maths operators, box drawing, geometric shapes.
WESTERN_RANGES = [
    (0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF),
    (0x400, 0x52F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF),
    (0x2100, 0x214F), (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2500, 0x25FF),
]


def shipped_text():
    files = glob.glob(os.path.join(ROOT, "scenarios", "*.ron"))
    files += glob.glob(os.path.join(ROOT, "crates", "callsim-game", "src", "**", "*.rs"), recursive=True)
    files += glob.glob(os.path.join(ROOT, "crates", "callsim-core", "src", "locale", "*.rs"))
    text = ""
    for f in files:
        with open(f, encoding="utf-8") as fh:
            text += fh.read()
    return {ord(c) for c in text if ord(c) >= 0x20}


def gb2312():
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def subset(src, dst, codepoints, extra=()):
    unicodes = ",".join(f"U+{c:04X}" for c in sorted(codepoints))
    listing = os.path.join(OUT, ".unicodes.txt")
    with open(listing, "w") as fh:
        fh.write(unicodes)
    cmd = [
        "pyftsubset", src, f"--unicodes-file={listing}", f"--output-file={dst}",
        "--layout-features=*", "--no-hinting",
        "--name-IDs=*", "--name-legacy", "--name-languages=*", *extra,
    ]
    subprocess.run(cmd, check=True)
    os.remove(listing)
    print(f"{os.path.relpath(dst, ROOT)}: {os.path.getsize(dst) // 1024} KiB")


def main():
    os.makedirs(OUT, exist_ok=True)
    shipped = shipped_text()
    western = {c for lo, hi in WESTERN_RANGES for c in range(lo, hi + 1)}
    cjk = gb2312() | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    cjk |= {c for c in shipped if c >= 0x2E80}
    # Noto Sans carries what it has of the shipped text; the CJK font the rest.
    for weight in ("Regular", "Bold"):
        subset(NOTO_SANS.format(weight), os.path.join(OUT, f"NotoSans-{weight}.subset.ttf"),
               western | {c for c in shipped if c < 0x2E80})
    subset(NOTO_CJK, os.path.join(OUT, "NotoSansCJKsc-Regular.subset.otf"),
           cjk | {c for c in shipped if 0x2000 <= c < 0x2E80}, [f"--font-number={CJK_SC_INDEX}"])


if __name__ == "__main__":
    sys.exit(main())
