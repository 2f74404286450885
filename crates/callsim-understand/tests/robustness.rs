//! Damaged model files give a `ModelError` naming the file; odd text embeds
//! without a panic.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use callsim_understand::{Encoder, MAX_TOKENS, ModelError, default_model_dir};

fn encoder() -> &'static Encoder {
    static ENCODER: OnceLock<Encoder> = OnceLock::new();
    ENCODER.get_or_init(|| match Encoder::load(&default_model_dir()) {
        Ok(e) => e,
        Err(e) => panic!("the shipped model loads: {e}"),
    })
}

/// A scratch copy of the model folder, with `change` applied to one file.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("callsim-understand-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let src = default_model_dir();
        for f in ["weights.bin", "normalizer.bin", "vocab.tsv", "head.bin"] {
            // hard links are enough: the file being changed is rewritten, not edited
            if std::fs::hard_link(src.join(f), dir.join(f)).is_err() {
                std::fs::copy(src.join(f), dir.join(f)).expect("copy model file");
            }
        }
        Scratch(dir)
    }

    fn replace(&self, file: &str, bytes: &[u8]) {
        let path = self.0.join(file);
        std::fs::remove_file(&path).expect("remove");
        std::fs::write(&path, bytes).expect("write");
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn load_error(dir: &Path) -> ModelError {
    match Encoder::load(dir) {
        Ok(_) => panic!("loading {} should fail", dir.display()),
        Err(e) => e,
    }
}

fn assert_names(err: &ModelError, file: &str) {
    assert!(
        err.path().ends_with(file),
        "error is about {}: {err}",
        err.path().display()
    );
    assert!(err.to_string().contains(file), "message names {file}: {err}");
}

#[test]
fn a_truncated_weights_file_is_an_error_naming_it() {
    let original = std::fs::read(default_model_dir().join("weights.bin")).expect("read weights");
    let scratch = Scratch::new("truncated");
    for len in [0, 5, 8, 20, 1000, original.len() / 2, original.len() - 1] {
        scratch.replace("weights.bin", &original[..len]);
        let err = load_error(scratch.path());
        assert_names(&err, "weights.bin");
        eprintln!("cut to {len} bytes: {err}");
    }
}

#[test]
fn a_garbage_or_damaged_weights_file_is_an_error_naming_it() {
    let original = std::fs::read(default_model_dir().join("weights.bin")).expect("read weights");
    let scratch = Scratch::new("garbage");
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let garbage: Vec<u8> = (0..100_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    scratch.replace("weights.bin", &garbage);
    assert_names(&load_error(scratch.path()), "weights.bin");

    // right magic, then garbage
    let mut fake = original[..16].to_vec();
    fake.extend_from_slice(&garbage);
    scratch.replace("weights.bin", &fake);
    assert_names(&load_error(scratch.path()), "weights.bin");

    // one flipped bit in the middle of the embedding table
    let mut flipped = original.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x04;
    scratch.replace("weights.bin", &flipped);
    let err = load_error(scratch.path());
    assert_names(&err, "weights.bin");
    assert!(err.to_string().contains("checksum"), "{err}");
}

#[test]
fn the_other_files_are_checked_too() {
    let scratch = Scratch::new("others");
    let vocab = std::fs::read_to_string(default_model_dir().join("vocab.tsv")).expect("read vocab");
    scratch.replace("vocab.tsv", &vocab.as_bytes()[..vocab.len() / 3]);
    assert_names(&load_error(scratch.path()), "vocab.tsv");
    scratch.replace("vocab.tsv", b"\xff\xfe garbage");
    assert_names(&load_error(scratch.path()), "vocab.tsv");
    scratch.replace("vocab.tsv", vocab.as_bytes());

    let norm = std::fs::read(default_model_dir().join("normalizer.bin")).expect("read normalizer");
    scratch.replace("normalizer.bin", &norm[..norm.len() - 3]);
    assert_names(&load_error(scratch.path()), "normalizer.bin");
    std::fs::remove_file(scratch.path().join("normalizer.bin")).expect("remove");
    let err = load_error(scratch.path());
    assert!(matches!(err, ModelError::Missing { .. }), "{err}");
    assert_names(&err, "normalizer.bin");
}

#[test]
fn the_head_is_checked_and_needed() {
    let scratch = Scratch::new("head");
    let head = std::fs::read(default_model_dir().join("head.bin")).expect("read head");
    scratch.replace("head.bin", &head[..head.len() / 2]);
    assert_names(&load_error(scratch.path()), "head.bin");
    // A well-formed container without the `head` tensor.
    let other = std::fs::read(default_model_dir().join("normalizer.bin")).expect("read normalizer");
    scratch.replace("head.bin", &other);
    let err = load_error(scratch.path());
    assert!(err.to_string().contains("head"), "{err}");
    assert_names(&err, "head.bin");
    std::fs::remove_file(scratch.path().join("head.bin")).expect("remove");
    let err = load_error(scratch.path());
    assert!(matches!(err, ModelError::Missing { .. }), "{err}");
    assert!(err.to_string().contains("train-head.py"), "{err}");
}

#[test]
fn the_head_changes_the_vector_but_not_its_length() {
    let base = Encoder::load_base(&default_model_dir()).expect("the shipped model loads");
    let text = "I'm so sorry about that, let me check your account right now";
    let (headed, base) = (encoder().embed(text), base.embed(text));
    let length: f32 = headed.as_slice().iter().map(|v| v * v).sum::<f32>().sqrt();
    assert!((length - 1.0).abs() < 1e-5, "length {length}");
    let cosine = headed.cosine(&base);
    // Trained from the identity and held near it: the same direction, moved.
    assert!(
        cosine < 0.9999 && cosine > 0.5,
        "cosine to the encoder's own vector {cosine}"
    );
}

#[test]
fn a_missing_folder_names_the_first_file() {
    let err = load_error(Path::new("/nonexistent/callsim-model"));
    assert!(matches!(err, ModelError::Missing { .. }), "{err}");
    assert_names(&err, "weights.bin");
}

fn assert_unit(text: &str) {
    let e = encoder().embed(text);
    let norm: f32 = e.as_slice().iter().map(|v| v * v).sum::<f32>().sqrt();
    assert!(e.as_slice().iter().all(|v| v.is_finite()), "{text:?}: not finite");
    assert!((norm - 1.0).abs() < 1e-4, "{text:?}: length {norm}");
}

#[test]
fn odd_text_embeds_without_panicking() {
    for text in [
        "",
        " ",
        "\u{3000}\t\n\r",
        "😀",
        "👩\u{200d}💻👍🏽🇺🇦",
        "\u{0}\u{1}\u{7}\u{1b}\u{7f}\u{85}\u{200b}\u{feff}\u{202e}",
        "مرحبا، كيف يمكنني مساعدتك؟ שלום עולם",
        "\u{202b}عربي\u{202c} mixed \u{200f}",
        "e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}",
        "\u{10ffff}\u{e000}\u{fffd}\u{fffe}",
        "<s></s><unk>extra_token_id_2",
        "\\\\\\ \t\t",
        "ＡＢＣ！？",
    ] {
        assert_unit(text);
    }
}

#[test]
fn long_text_is_cut_at_max_tokens() {
    let words = ["sorry", "account", "refund", "我", "счёт", "cuenta", "😀", "١٢٣"];
    let long: String = (0..10_000)
        .map(|i| words[i % words.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let long: String = long.chars().take(10_000).collect();
    assert_eq!(long.chars().count(), 10_000);
    let ids = encoder().token_ids(&long);
    assert_eq!(ids.len(), MAX_TOKENS);
    assert_eq!((ids[0], ids[MAX_TOKENS - 1]), (1, 2));
    assert_unit(&long);

    // what is past the limit does not matter (same ids, so the same vector)
    let more = format!("{long} and then something else entirely");
    assert_eq!(encoder().token_ids(&more), ids);

    // nor do huge runs of spaces, control characters or one letter (ids
    // only: embedding 512 tokens takes seconds in a debug build)
    for text in [
        " ".repeat(200_000),
        "\u{0}".repeat(50_000),
        "a".repeat(100_000),
        "\u{200b}".repeat(100_000),
    ] {
        let ids = encoder().token_ids(&text);
        assert!((3..=MAX_TOKENS).contains(&ids.len()), "{} ids", ids.len());
        assert_eq!((ids[0], ids[ids.len() - 1]), (1, 2));
    }
}

#[test]
fn a_memo_gives_the_same_vectors_in_the_next_run_and_a_damaged_one_is_ignored() {
    let scratch = Scratch::new("memo");
    let file = scratch.path().join("memo").join("phrases.bin");
    let texts = [
        "Let me check your account right now.",
        "我马上帮您查一下。",
        "Сейчас проверю.",
    ];

    let first = Encoder::load(&default_model_dir()).expect("loads");
    assert_eq!(first.remember_in(&file), 0, "no memo yet");
    let computed: Vec<_> = texts.iter().map(|t| first.embed(t)).collect();
    first.save_memo().expect("saved");

    let next = Encoder::load(&default_model_dir()).expect("loads");
    assert_eq!(next.remember_in(&file), texts.len(), "the next run finds them");
    for (text, vector) in texts.iter().zip(&computed) {
        assert_eq!(&next.embed(text), vector, "{text}: bit for bit");
        assert_eq!(
            &encoder().embed(text),
            vector,
            "{text}: as computed without a memo"
        );
    }

    std::fs::write(&file, b"CSMEMO01 cut short").expect("damages it");
    let after = Encoder::load(&default_model_dir()).expect("loads");
    assert_eq!(after.remember_in(&file), 0, "a damaged memo is ignored");
    assert_eq!(after.embed(texts[0]), computed[0]);
    after.save_memo().expect("written anew");
    assert_eq!(
        Encoder::load(&default_model_dir())
            .expect("loads")
            .remember_in(&file),
        1
    );
}
