//! What the import tests share: the fixtures, packing an .h5p, and
//! checking an imported file with the core's own loader.

#![allow(dead_code)] // each test file uses its own part of this

use std::io::Write;
use std::path::{Path, PathBuf};

use callsim_core::check::check_file;
use callsim_core::diagnostic::Diagnostic;

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// Packs `entries` (zip name, bytes) as an .h5p file at `out`.
pub fn zip(out: &Path, entries: &[(&str, Vec<u8>)]) {
    let file = std::fs::File::create(out).expect("create the package");
    let mut zip = zip::ZipWriter::new(file);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).expect("start an entry");
        zip.write_all(bytes).expect("write an entry");
    }
    zip.finish().expect("finish the package");
}

/// The fixture folder `dir` packed as an .h5p in `tmp`.
pub fn package(dir: &str, tmp: &Path) -> PathBuf {
    let root = fixture(dir);
    let out = tmp.join(format!(
        "{}.h5p",
        root.file_name().and_then(|n| n.to_str()).unwrap_or("x")
    ));
    let read = |p: &str| std::fs::read(root.join(p)).expect("fixture file");
    zip(
        &out,
        &[
            ("h5p.json", read("h5p.json")),
            ("content/content.json", read("content/content.json")),
        ],
    );
    out
}

/// Writes `ron` to `tmp/name` and runs `callsim check`'s own check on it.
pub fn check(tmp: &Path, name: &str, ron: &str) -> (PathBuf, Vec<Diagnostic>) {
    let path = tmp.join(name);
    std::fs::write(&path, ron).expect("write the import");
    let report = check_file(&path);
    (path, report.diagnostics)
}

/// `code` and the source line each diagnostic points at, trimmed.
pub fn findings(ron: &str, diagnostics: &[Diagnostic]) -> Vec<(String, String)> {
    diagnostics
        .iter()
        .map(|d| {
            let line = ron.lines().nth(d.line - 1).unwrap_or("").trim().to_owned();
            (d.code.to_owned(), line)
        })
        .collect()
}

/// The things only a trainer can decide: the caller, the mood meters, the
/// points and coaching.
pub const TRAINER_DECIDES: [&str; 5] = [
    "missing-meter",
    "empty-text",
    "no-points-no-note",
    "no-note",
    "no-good-reply",
];
