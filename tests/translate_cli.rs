//! `callsim translate` as a trainer runs it: the starter exported for a
//! Spanish translator, the Spanish imported back in place, the file then
//! checked clean with warnings denied and played in Spanish; a translation
//! file with a mistake changes nothing and says where the mistake is.

use std::path::Path;
use std::process::{Command, Output};

fn callsim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callsim"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the callsim binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/callsim-translate/tests/fixtures/starter.es.csv")
}

#[test]
fn the_starter_goes_to_a_translator_and_comes_back_in_spanish() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let d = dir.path();
    assert!(callsim(d, &["new", "The outage"]).status.success());
    let file = "scenarios/the-outage.ron";
    let original = std::fs::read_to_string(d.join(file)).expect("written");

    // Export: one row per text, for a spreadsheet.
    let out = callsim(d, &["translate", "export", file, "--lang", "es", "-o", "es.csv"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("wrote es.csv: 35 texts of scenarios/the-outage.ron to translate into `es`"),
        "{}",
        text(&out)
    );
    let csv = std::fs::read_to_string(d.join("es.csv")).expect("exported");
    assert!(csv.starts_with("\u{feff}id,en,es,context\r\n"), "{csv}");
    assert!(
        csv.contains("\r\nnode.opening.says.1,My internet has been down all morning. I work from home!,,")
    );
    // The same ids and source texts the translator's file was made from.
    let translated = std::fs::read_to_string(fixture()).expect("the fixture");
    let ids = |t: &str| {
        t.lines()
            .map(|l| l.split(',').next().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&csv), ids(&translated));

    // Status before: nothing in Spanish yet.
    let out = callsim(d, &["translate", "status", file]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("35 texts in `en` to translate"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("no translations yet"), "{}", text(&out));

    // Import: written in place, then checked.
    let out = callsim(
        d,
        &["translate", "import", file, &fixture().display().to_string()],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("wrote scenarios/the-outage.ron: 35 `es` translations added, 0 changed, 0 unchanged; `es` added to `languages`"),
        "{said}"
    );
    assert!(
        said.contains("checked 1 file: 0 errors, 0 warnings: ok"),
        "{said}"
    );
    let written = std::fs::read_to_string(d.join(file)).expect("written");
    assert!(
        written.contains(r#"title: {"en": "The outage", "es": "El corte de internet"},"#),
        "{written}"
    );
    assert!(
        written.contains(r#"languages: ["en", "es"], // add "zh", "ru" or "es""#),
        "{written}"
    );
    // The author's comments are all there.
    for comment in original.lines().filter_map(|l| l.find("//").map(|i| &l[i..])) {
        assert!(written.contains(comment), "lost: {comment}");
    }
    assert!(!d.join("scenarios").read_dir().expect("a folder").any(|e| {
        e.expect("an entry")
            .file_name()
            .to_string_lossy()
            .contains("translate-tmp")
    }));

    let out = callsim(d, &["check", "--deny-warnings", file]);
    assert!(out.status.success(), "{}", text(&out));
    let out = callsim(
        d,
        &[
            "play",
            file,
            "--lang",
            "es",
            "--seed",
            "1",
            "--choose",
            "acknowledge_and_check,explain_outage,goodbye",
        ],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("toda la mañana sin internet"), "{said}");
    assert!(said.contains("Informada y tranquila"), "{said}");

    // Status after, and an unchanged import changes nothing.
    let out = callsim(d, &["translate", "status", file]);
    assert!(
        text(&out).contains("es (Español): 35 translated, 0 missing, 0 stale"),
        "{}",
        text(&out)
    );
    let out = callsim(
        d,
        &[
            "translate",
            "export",
            file,
            "--lang",
            "es",
            "--format",
            "xliff",
            "-o",
            "es.xlf",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = callsim(d, &["translate", "import", file, "es.xlf"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("nothing to write"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(d.join(file)).expect("unchanged"), written);
}

#[test]
fn a_translation_file_with_a_mistake_changes_nothing_and_says_where() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let d = dir.path();
    assert!(callsim(d, &["new", "The outage"]).status.success());
    let file = "scenarios/the-outage.ron";
    let before = std::fs::read(d.join(file)).expect("written");
    let broken = std::fs::read_to_string(fixture())
        .expect("the fixture")
        .replace("node.checked.says.1,", "node.checkd.says.1,");
    std::fs::write(d.join("es.csv"), broken).expect("written");

    let out = callsim(d, &["translate", "import", file, "es.csv"]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("error: row 17: `scenarios/the-outage.ron` has no text `node.checkd.says.1`"),
        "{said}"
    );
    assert!(said.contains("--> es.csv:17:1"), "{said}");
    assert!(said.contains("did you mean `node.checked.says.1`?"), "{said}");
    assert!(
        said.contains("nothing written to scenarios/the-outage.ron: 1 error in es.csv"),
        "{said}"
    );
    assert_eq!(std::fs::read(d.join(file)).expect("unchanged"), before);

    // --partial writes the rest, and still fails so a script notices.
    let out = callsim(d, &["translate", "import", file, "es.csv", "--partial"]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("34 `es` translations added"), "{said}");
    assert!(said.contains("1 not written because of errors"), "{said}");

    // Not a translation file at all.
    std::fs::write(d.join("notes.txt"), b"\xff\xfe\xff garbage").expect("written");
    let out = callsim(d, &["translate", "import", file, "notes.txt"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("notes.txt"), "{}", text(&out));
    let now = std::fs::read(d.join(file)).expect("written");
    let out = callsim(d, &["translate", "export", file, "--lang", "es", "-o", file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("is the scenario itself"), "{}", text(&out));
    assert_eq!(std::fs::read(d.join(file)).expect("unchanged"), now);
    let out = callsim(d, &["translate", "export", file, "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("the language the scenario is written in"),
        "{}",
        text(&out)
    );
}
