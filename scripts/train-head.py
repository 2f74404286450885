#!/usr/bin/env python3
"""Train callsim's head over the sentence encoder: assets/model/use-multilingual-v3/head.bin.

    pip install numpy jax
    scripts/train-head.py [--steps N] [--leave-out SCENARIO] [--out FILE]

The head is a 512 x 512 matrix W: callsim compares texts by the cosine of
`unit(x @ W)`, where x is the encoder's unit vector. It is trained so that a
typed reply lands nearest to the authored reply it means, and a reply that
means none of a moment's replies lands below all of them:

- Data (what the understanding tests may tune on, nothing else):
  * every reply's text and `examples` in scenarios/*.ron (the phrases,
    as the game's loader reads them: callsim-core's `phrases` example);
  * the labelled typed replies of tests/understanding/free (split `tune`)
    and tests/understanding/tune2, clear labels only (the questions).
  The report splits (free `report`, free2, free3) are never read.
- Loss: for each question at its moment, a softmax over that moment's
  replies (each scoring as its closest phrase, the question's own text left
  out) and a learned "none" score; cross-entropy against the label. Plus
  1e-4 x |W - I|^2, so W stays close to the identity: it adjusts the
  encoder's sense of similarity rather than replacing it.
- Adam, learning rate 1e-3, batches of 128, fixed seed; W starts as the
  identity.

`--leave-out SCENARIO` trains without that scenario's phrases and questions
(to measure how the head does on a scenario it never saw, as a trainer's new
scenario would be). The vectors are the Rust encoder's own (no head), from
`cargo run --release -p callsim-understand --example embed_base`.
"""

import argparse
import glob
import importlib.util
import json
import os
import subprocess
import sys

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "assets", "model", "use-multilingual-v3", "head.bin")
DIM = 512

def cargo_example(package, example, stdin=None):
    """The standard output of one of the workspace's examples, run in release."""
    run = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "-p", package, "--example", example],
        input=stdin,
        capture_output=True,
        cwd=REPO,
    )
    if run.returncode != 0:
        sys.exit(run.stderr.decode("utf-8", "replace"))
    return run.stdout


def scenario_phrases():
    """[(scenario, node, [reply ids], [[texts]])] for every moment with replies,
    in file order: what the game's phrasebook embeds, read by the game's own
    loader (callsim-core's `phrases` example)."""
    moments = {}
    for line in cargo_example("callsim-core", "phrases").decode("utf-8").splitlines():
        p = json.loads(line)
        replies = moments.setdefault((p["scenario"], p["node"]), {})
        replies.setdefault(p["reply"], []).append(p["text"])
    return [(s, n, list(r), list(r.values())) for (s, n), r in moments.items()]


def questions():
    items = []
    for pattern, split in (("free/*.json", "tune"), ("tune2/*.json", "tune2")):
        for file in sorted(glob.glob(os.path.join(REPO, "tests", "understanding", pattern))):
            data = json.load(open(file, encoding="utf-8"))
            for item in data["items"]:
                if item.get("split") == split and item.get("clarity") == "clear":
                    items.append(dict(item, scenario=data["scenario"]))
    return items


class Embedder:
    """The Rust encoder's own vectors (no head), bit for bit what callsim
    computes, from crates/callsim-understand's `embed_base` example."""

    def __init__(self):
        self.cache = {}

    def __call__(self, texts):
        todo = sorted({t for t in texts if t not in self.cache})
        if todo:
            if any("\n" in t or "\r" in t for t in todo):
                sys.exit("a text holds a line break")
            out = cargo_example("callsim-understand", "embed_base", "\n".join(todo).encode("utf-8") + b"\n")
            vectors = np.frombuffer(out, dtype="<f4").reshape(-1, DIM)
            if len(vectors) != len(todo):
                sys.exit(f"embed_base gave {len(vectors)} vectors for {len(todo)} texts")
            self.cache.update(zip(todo, vectors))
        return np.array([self.cache[t] for t in texts], dtype=np.float32).reshape(-1, DIM)


def build(embed, leave_out):
    """Padded phrase tables per moment and the questions that refer to them."""
    moments = [m for m in scenario_phrases() if m[0] != leave_out]
    qs = questions()
    # One run of the encoder for every text.
    embed([t for m in moments for ts in m[3] for t in ts] + [" ".join(q["text"].split()) for q in qs])
    index = {(s, n): k for k, (s, n, _, _) in enumerate(moments)}
    rmax = max(len(m[2]) for m in moments)
    pmax = max(len(t) for m in moments for t in m[3])
    table = np.zeros((len(moments), rmax, pmax, DIM), np.float32)
    mask = np.zeros((len(moments), rmax, pmax), bool)
    for k, (_, _, _, texts) in enumerate(moments):
        for r, ts in enumerate(texts):
            if ts:
                table[k, r, : len(ts)] = embed(ts)
                mask[k, r, : len(ts)] = True
    q_moment, q_label, q_mask, q_text = [], [], [], []
    for item in qs:
        k = index.get((item["scenario"], item["node"]))
        if k is None:
            continue
        replies, texts = moments[k][2], moments[k][3]
        if item["reply"] is None:
            label = rmax  # the "none" column
        elif item["reply"] in replies:
            label = replies.index(item["reply"])
        else:
            print(f"{item['scenario']}/{item['node']}: no reply {item['reply']}; skipped", file=sys.stderr)
            continue
        own = mask[k].copy()
        text = " ".join(item["text"].split())
        for r, ts in enumerate(texts):
            for p, t in enumerate(ts):
                if t == text:
                    own[r, p] = False  # a question never answers itself
        q_moment.append(k)
        q_label.append(label)
        q_mask.append(own)
        q_text.append(text)
    return table, mask.any(-1), np.array(q_moment), np.array(q_label), np.array(q_mask), embed(q_text)


def train(data, steps, seed=0, lam=1e-4, lr=1e-3, batch=128):
    import jax
    import jax.numpy as jnp

    table, replies, q_moment, q_label, q_mask, q_vec = data

    def unit(z):
        return z / jnp.sqrt((z * z).sum(-1, keepdims=True) + 1e-9)

    def loss(params, x, k, label, own):
        w = params["w"]
        zq = unit(x @ w)
        zp = unit(table_j[k] @ w)
        sim = jnp.where(own, jnp.einsum("bd,brpd->brp", zq, zp), -2.0)
        best = jnp.where(replies_j[k], sim.max(-1), -2.0)
        none = jnp.broadcast_to(params["none"], (best.shape[0], 1))
        logits = jnp.concatenate([best, none], 1) * jnp.exp(params["temp"])
        nll = -jnp.take_along_axis(jax.nn.log_softmax(logits, -1), label[:, None], 1).mean()
        return nll + lam * ((w - jnp.eye(DIM)) ** 2).sum()

    table_j, replies_j = jnp.array(table), jnp.array(replies)
    params = {
        "w": jnp.eye(DIM, dtype=jnp.float32),
        "none": jnp.array(0.56, jnp.float32),
        "temp": jnp.array(np.log(20.0), jnp.float32),
    }
    step_fn = jax.jit(jax.value_and_grad(loss))
    m = {k: jnp.zeros_like(v) for k, v in params.items()}
    v = {k: jnp.zeros_like(x) for k, x in params.items()}
    rng = np.random.default_rng(seed)
    n = len(q_label)
    for step in range(steps):
        pick = rng.choice(n, min(batch, n), replace=False)
        value, grad = step_fn(
            params, jnp.array(q_vec[pick]), jnp.array(q_moment[pick]), jnp.array(q_label[pick]), jnp.array(q_mask[pick])
        )
        for k in params:
            m[k] = 0.9 * m[k] + 0.1 * grad[k]
            v[k] = 0.999 * v[k] + 0.001 * grad[k] ** 2
            m_hat = m[k] / (1 - 0.9 ** (step + 1))
            v_hat = v[k] / (1 - 0.999 ** (step + 1))
            params[k] = params[k] - lr * m_hat / (jnp.sqrt(v_hat) + 1e-8)
        if step % 100 == 0 or step == steps - 1:
            print(f"step {step}: loss {float(value):.4f}", flush=True)
    return np.asarray(params["w"], dtype=np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--leave-out", default=None)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()

    spec = importlib.util.spec_from_file_location("convert", os.path.join(REPO, "scripts", "convert-use-model.py"))
    convert = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(convert)

    data = build(Embedder(), args.leave_out)
    print(f"{len(data[1])} moments, {int(data[1].sum())} replies, {len(data[2])} labelled questions", flush=True)
    w = train(data, args.steps)
    source = (
        f"callsim head: scripts/train-head.py --steps {args.steps}"
        + (f" --leave-out {args.leave_out}" if args.leave_out else "")
        + "; data: scenarios/*.ron, tests/understanding free (tune) and tune2, clear labels"
    )
    convert.write_container(
        args.out,
        [("head", "f32", w), ("meta.source", "u8", np.frombuffer(source.encode("utf-8"), dtype=np.uint8))],
    )
    print(f"wrote {args.out}: |W - I| = {float(np.abs(w - np.eye(DIM)).sum()):.1f}")


if __name__ == "__main__":
    main()
