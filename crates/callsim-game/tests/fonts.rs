//! The fonts the game ships cover every character the shipped scenarios,
//! the game's own words and the core's sentences use, in every language:
//! no text renders as boxes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use skrifa::{FontRef, MetadataProvider};

const FONTS: [&str; 3] = [
    "assets/fonts/NotoSans-Regular.subset.ttf",
    "assets/fonts/NotoSans-Bold.subset.ttf",
    "assets/fonts/NotoSansCJKsc-Regular.subset.otf",
];

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn covered(font: &Path) -> BTreeSet<u32> {
    let data = std::fs::read(font).unwrap_or_else(|e| panic!("{}: {e}", font.display()));
    let font = FontRef::new(&data).expect("a font file");
    font.charmap().mappings().map(|(c, _)| c).collect()
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

#[test]
fn fonts_cover_every_shipped_character() {
    let root = root();
    let regular = covered(&root.join(FONTS[0]));
    let bold = covered(&root.join(FONTS[1]));
    let cjk = covered(&root.join(FONTS[2]));
    let mut sources = Vec::new();
    files(&root.join("scenarios"), "ron", &mut sources);
    files(&root.join("crates/callsim-game/src"), "rs", &mut sources);
    // The core's sentences and the frame's labels, in every game language.
    files(&root.join("crates/callsim-core/src/locale"), "rs", &mut sources);
    let mut missing = BTreeSet::new();
    for file in &sources {
        let text = std::fs::read_to_string(file).expect("UTF-8 text");
        for c in text.chars().filter(|c| !c.is_control()) {
            let c = u32::from(c);
            if !(regular.contains(&c) || cjk.contains(&c)) {
                missing.insert((char::from_u32(c).unwrap_or('?'), file.display().to_string()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "characters no shipped font has (run scripts/subset-fonts.py): {missing:?}"
    );
    for c in ['A', 'é', 'ñ', 'Ж', 'я', '¥'] {
        assert!(bold.contains(&u32::from(c)), "the bold font lacks {c}");
    }
}

#[test]
fn common_chinese_beyond_the_shipped_text_renders_too() {
    let cjk = covered(&root().join(FONTS[2]));
    // A trainer's new scenario: common characters no shipped file uses yet.
    for c in "顾客满意度调查显示您的套餐余额不足请稍候转接值班经理谢谢".chars() {
        assert!(cjk.contains(&u32::from(c)), "the CJK font lacks {c}");
    }
    assert!(
        cjk.len() > 7000,
        "the GB2312 set is covered ({} characters)",
        cjk.len()
    );
}
