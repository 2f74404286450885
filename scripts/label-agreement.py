#!/usr/bin/env python3
"""How often two people labelling the same typed replies agree.

    scripts/label-agreement.py [FIRST_DIR] [SECOND_DIR]

Defaults: tests/understanding/free3 and tests/understanding/free3-second,
the same 480 replies labelled by two people independently (each reading
the scenario's replies and notes, not its examples). Items are matched by
scenario and position; their texts must be the same. Prints, over all
items and over those the first labeller called clear, how often the two
chose the same reply (or both none).
"""

import glob
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(folder):
    sets = {}
    for file in sorted(glob.glob(os.path.join(folder, "*.json"))):
        with open(file, encoding="utf-8") as f:
            data = json.load(f)
        sets[data["scenario"]] = data["items"]
    return sets


def pct(n, of):
    return f"{100 * n / of:.1f} % ({n}/{of})" if of else "-"


def main():
    first = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "tests/understanding/free3")
    second = sys.argv[2] if len(sys.argv) > 2 else os.path.join(REPO, "tests/understanding/free3-second")
    a_sets, b_sets = load(first), load(second)
    counts = {k: [0, 0] for k in ("all", "clear", "clear reply", "clear none", "both clear")}
    for scenario, a_items in a_sets.items():
        b_items = b_sets.get(scenario)
        if b_items is None or len(b_items) != len(a_items):
            sys.exit(f"{scenario}: the two folders do not hold the same items")
        for a, b in zip(a_items, b_items):
            if a["text"] != b["text"]:
                sys.exit(f"{scenario}: items differ: {a['text']!r} / {b['text']!r}")
            same = a["reply"] == b["reply"]
            keys = ["all"]
            if a["clarity"] == "clear":
                keys += ["clear", "clear reply" if a["reply"] else "clear none"]
                if b["clarity"] == "clear":
                    keys.append("both clear")
            for k in keys:
                counts[k][0] += same
                counts[k][1] += 1
    for k, (n, of) in counts.items():
        print(f"same label, {k:<11} {pct(n, of)}")


if __name__ == "__main__":
    main()
