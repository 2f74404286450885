#!/usr/bin/env python3
"""Add labelled typed replies to a scenario as `examples` of the replies they mean.

    scripts/add-examples.py SET.json [SET.json ...] [--arguable] [--dry-run]

Each SET.json is a labelled set in the shape of tests/understanding/ (what
trainees typed, and a trainer's labels):

    {"scenario": "<id>", "items": [{"node", "lang", "text", "reply", "clarity"}, ...]}

Every item whose `reply` names a reply at its node, and whose `clarity` is
"clear" (also "arguable" with --arguable), is added to that reply's
`examples` list in scenarios/<scenario>.ron as a one-language example
(`{"en": "..."}`), after the examples already there. Texts already present
in the file are skipped. The file is edited as text, so its layout and
comments are kept; only the examples lists grow. A label naming a node or a
reply the file does not have is reported and skipped.

Afterwards, run `callsim check scenarios/<scenario>.ron`: it warns where an
added example is closer to another reply than to its own.
"""

import json
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NODE_ID = re.compile(r'^ {12}id: "([^"]+)"')
REPLY_ID = re.compile(r'^ {20}id: "([^"]+)"')
EXAMPLES = re.compile(r"^ {20}examples: \[\s*$")
LIST_END = re.compile(r"^ {20,24}\],\s*$")
REPLY_END = re.compile(r"^ {16}\),\s*$")


def ron_string(text):
    """A RON string literal: JSON's escaping is RON's for these texts."""
    return json.dumps(text, ensure_ascii=False)


def add(scenario, wanted, dry_run):
    """wanted: {(node, reply): [(lang, text)]}. Returns (added, skipped)."""
    path = os.path.join(REPO, "scenarios", f"{scenario}.ron")
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    whole = "\n".join(lines)
    seen = set()
    out = []
    node = reply = None
    in_examples = False
    added = 0
    found = set()

    def new_lines(key):
        nonlocal added
        made = []
        for lang, text in wanted.get(key, []):
            literal = ron_string(text)
            if literal in whole or (key, text) in seen:
                continue
            seen.add((key, text))
            made.append(f"                        {{{ron_string(lang)}: {literal}}},")
            added += 1
        found.add(key)
        return made

    for line in lines:
        if m := NODE_ID.match(line):
            node, reply = m.group(1), None
        elif m := REPLY_ID.match(line):
            reply = m.group(1)
        if EXAMPLES.match(line) and node and reply:
            in_examples = True
        elif in_examples and LIST_END.match(line):
            out.extend(new_lines((node, reply)))
            out.append("                    ],")
            in_examples = False
            continue
        elif REPLY_END.match(line) and node and reply:
            key = (node, reply)
            if key not in found and wanted.get(key):
                made = new_lines(key)
                if made:
                    out.append("                    examples: [")
                    out.extend(made)
                    out.append("                    ],")
            reply = None
        out.append(line)
    missing = [k for k in wanted if k not in found]
    for node_id, reply_id in missing:
        print(f"{scenario}: no reply {reply_id!r} at node {node_id!r}; skipped", file=sys.stderr)
    if not dry_run:
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(out))
    return added, len(missing)


def main():
    args = sys.argv[1:]
    arguable = "--arguable" in args
    dry_run = "--dry-run" in args
    files = [a for a in args if not a.startswith("--")]
    if not files:
        sys.exit(__doc__)
    by_scenario = {}
    for file in files:
        with open(file, encoding="utf-8") as f:
            data = json.load(f)
        wanted = by_scenario.setdefault(data["scenario"], {})
        for item in data["items"]:
            if not item.get("reply"):
                continue
            if item.get("clarity") != "clear" and not (arguable and item.get("clarity") == "arguable"):
                continue
            text = " ".join(item["text"].split())
            wanted.setdefault((item["node"], item["reply"]), []).append((item["lang"], text))
    for scenario, wanted in sorted(by_scenario.items()):
        added, missing = add(scenario, wanted, dry_run)
        print(f"{scenario}: {added} examples added" + (f", {missing} labels skipped" if missing else ""))


if __name__ == "__main__":
    main()
