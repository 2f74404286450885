//! The translation workflow on real files: every shipped scenario exported
//! and imported unchanged comes back byte for byte; every text the file
//! holds is exported; a full translation checks clean, keeps every comment
//! and every other language; the starter translated into Spanish plays in
//! Spanish; stale translations are found; a bad translation file is
//! reported per entry and never panics.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use callsim_core::check::check_file;
use callsim_core::locale::text::Text;
use callsim_core::scenario::spans::{Path as RonPath, Seg, Spanned, Value};
use callsim_core::scenario::{Loaded, load_file, parse_str, scenario_files};
use callsim_core::{Call, Model};
use callsim_translate::sheet::{self, Sheet, Unit};
use callsim_translate::texts::places;
use callsim_translate::{Failure, Format, In, export, import, status};

fn shipped() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let files = scenario_files(&dir).expect("scenarios/ can be listed");
    assert_eq!(files.len(), 6, "the six shipped scenarios: {files:?}");
    files
}

fn load(file: &Path) -> Loaded {
    load_file(file).unwrap_or_else(|e| panic!("{}", e.render()))
}

fn reload(loaded: &Loaded, source: &str) -> Loaded {
    parse_str(source, &loaded.file, loaded.file.parent()).unwrap_or_else(|e| panic!("{}", e.render()))
}

/// The languages a shipped file is translated into, and one it is not.
fn languages(loaded: &Loaded) -> Vec<String> {
    let s = &loaded.scenario;
    let mut langs: Vec<String> = s
        .languages
        .iter()
        .filter(|l| **l != s.default_language)
        .cloned()
        .collect();
    let new = ["es", "ru"]
        .into_iter()
        .find(|l| !s.languages.iter().any(|d| d == l));
    langs.extend(new.map(str::to_owned));
    langs
}

/// The sheet `export` wrote, read back.
fn exported(loaded: &Loaded, lang: &str) -> Sheet {
    let e = export(loaded, lang, Format::Csv).expect("exports");
    let read =
        sheet::read(&e.bytes, "x.csv", &loaded.scenario.default_language, Some(lang)).expect("reads back");
    Sheet {
        source_lang: read.source_lang,
        target_lang: read.target_lang,
        units: read.entries.into_iter().map(|e| e.unit).collect(),
    }
}

/// Every comment in a RON source, in order (strings skipped).
fn comments(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            out.push(rest[..end].trim_end().to_owned());
            rest = &rest[end..];
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |i| i + 2);
            out.push(rest[..end].to_owned());
            rest = &rest[end..];
        } else if c == '"' {
            let mut escaped = false;
            let end = rest
                .char_indices()
                .skip(1)
                .find(|&(_, ch)| {
                    let close = ch == '"' && !escaped;
                    escaped = ch == '\\' && !escaped;
                    close
                })
                .map_or(rest.len(), |(i, _)| i + 1);
            rest = &rest[end..];
        } else {
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[test]
fn every_shipped_file_exported_and_imported_unchanged_is_byte_identical() {
    for file in shipped() {
        let loaded = load(&file);
        for lang in languages(&loaded) {
            for format in [Format::Csv, Format::Xliff] {
                let e = export(&loaded, &lang, format).expect("exports");
                let name = format!("{}.{lang}.{format:?}", file.display());
                let i =
                    import(&loaded, &e.bytes, &name, None, false).unwrap_or_else(|f| panic!("{name}: {f}"));
                assert_eq!(i.errors(), 0, "{name}:\n{}", i.render(&loaded.source));
                assert!(i.written.is_none(), "{name}: {}", i.summary());
                assert_eq!(i.added + i.changed, 0, "{name}: {}", i.summary());
                assert_eq!(i.unchanged, e.translated, "{name}");
            }
        }
    }
}

/// Field names whose strings are ids, codes or paths, not texts.
const NOT_TEXT: [&str; 17] = [
    "id",
    "kind",
    "next",
    "start",
    "source",
    "default_language",
    "ending",
    "hold_music",
    "ringtone",
    "languages",
    "tags",
    "kinds",
    "exempt",
    "when",
    "allowed_when",
    "to",
    "visited",
];

/// The paths of every string of `v` outside [`NOT_TEXT`] fields and map
/// keys: what a translator may have to translate, read from the file
/// itself rather than from the scenario types.
fn strings(v: &Spanned, path: RonPath, out: &mut Vec<RonPath>) {
    match &v.value {
        Value::Str(_) => out.push(path),
        Value::Atom => {}
        Value::Struct(fields) => {
            for (name, _, value) in fields {
                if !NOT_TEXT.contains(&name.as_str()) {
                    strings(value, path.clone().field(name), out);
                }
            }
        }
        Value::Tuple(items) | Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, path.clone().index(i), out);
            }
        }
        Value::Map(entries) => {
            for (key, value) in entries {
                if let Value::Str(k) = &key.value {
                    strings(value, path.clone().key(k), out);
                }
            }
        }
    }
}

/// Every string of `loaded`'s source at a text position is exported, and
/// the texts exported are the core's own list (what `check` checks) plus
/// what it leaves out: typed-reply examples and `not_understood`.
fn assert_every_text_exported(loaded: &Loaded) {
    let name = loaded.file.display();
    let s = &loaded.scenario;
    let places = places(s);
    let mut found = Vec::new();
    strings(&Spanned::read(&loaded.source), RonPath::root(), &mut found);
    let exported = |p: &RonPath| {
        places.iter().any(|place| {
            *p == place.path
                || (p.0.len() == place.path.0.len() + 1
                    && p.0.starts_with(&place.path.0)
                    && matches!(p.0.last(), Some(Seg::Key(_))))
        })
    };
    // `branches` hold ids only.
    let branches = |p: &RonPath| p.0.iter().any(|seg| *seg == Seg::Field("branches".to_owned()));
    let missed: Vec<String> = found
        .iter()
        .filter(|p| !exported(p) && !branches(p))
        .map(ToString::to_string)
        .collect();
    assert!(missed.is_empty(), "{name}: strings not exported: {missed:?}");
    let examples: usize = s
        .nodes
        .iter()
        .flat_map(|n| &n.replies)
        .map(|r| r.examples.len())
        .sum();
    assert_eq!(
        places.len(),
        s.texts().len() + examples + s.not_understood.len(),
        "{name}"
    );
    assert_eq!(places.iter().filter(|p| p.example).count(), examples, "{name}");
}

#[test]
fn every_string_a_shipped_file_holds_is_exported_and_the_count_matches_the_model() {
    for file in shipped() {
        assert_every_text_exported(&load(&file));
    }
}

#[test]
fn every_text_field_of_the_format_is_exported() {
    // The starter, given the optional texts it leaves out.
    let mut src = callsim_core::starter::starter("The outage", Path::new("the-outage.ron"));
    for (from, to) in [
        (
            "transfer: (allowed_when: [Visited(\"wants_supervisor\")]),",
            "transfer: (allowed_when: [Visited(\"wants_supervisor\")], misuse_note: \"She had not asked.\"),\n        transfers: [(id: \"engineers\", name: \"the engineers' desk\", misuse_note: \"They take no calls.\")],",
        ),
        (
            "    persona: (",
            "    kind_names: {\"script\": \"straight from the script\"},\n    not_understood: [(text: \"Sorry?\"), (text: \"What?\", when: [AtLeast(\"anger\", 50)])],\n    persona: (",
        ),
        (
            "        face: (",
            "        traits: [(name: \"Works from home\", description: \"Every hour costs her.\", kinds: [\"script\"])],\n        face: (",
        ),
        (
            "note: \"Acknowledge what it costs her, then act.\",",
            "note: \"Acknowledge what it costs her, then act.\",\n                    examples: [\"Let me look at your line\", {\"en\": \"I'll check it now\"}],",
        ),
    ] {
        assert!(src.contains(from), "{from}");
        src = src.replacen(from, to, 1);
    }
    let loaded =
        parse_str(&src, Path::new("the-outage.ron"), None).unwrap_or_else(|e| panic!("{}", e.render()));
    let ids: Vec<String> = places(&loaded.scenario).into_iter().map(|p| p.id).collect();
    for id in [
        "policy.misuse_note",
        "transfer.engineers.name",
        "transfer.engineers.misuse_note",
        "kind.script",
        "not_understood.2",
        "trait.1.description",
        "node.opening.reply.acknowledge_and_check.example.2",
        "ending.sorted.says",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} not in {ids:?}");
    }
    assert_every_text_exported(&loaded);
}

#[test]
fn status_counts_what_each_shipped_file_has_and_lacks() {
    for file in shipped() {
        let loaded = load(&file);
        let s = &loaded.scenario;
        let st = status(&loaded).expect("status");
        let default = s.default_language.as_str();
        for lang in languages(&loaded) {
            let declared = s.languages.contains(&lang);
            // Counted straight from the model: examples and not_understood
            // lines are the only texts `check` lets lack a language.
            let lacking = |t: &Text| !t.has(&lang, default) && t.has(default, default);
            let missing = s
                .nodes
                .iter()
                .flat_map(|n| &n.replies)
                .flat_map(|r| &r.examples)
                .chain(s.not_understood.iter().map(|l| &l.text))
                .filter(|t| lacking(t))
                .count();
            let l = st.languages.iter().find(|l| l.lang == lang);
            match l {
                Some(l) if declared => {
                    assert_eq!((l.missing, l.stale), (missing, 0), "{} {lang}", file.display());
                    assert_eq!(l.translated, st.texts - missing, "{} {lang}", file.display());
                    // Written by hand: no record of their source yet.
                    assert_eq!(l.untracked, l.translated);
                }
                None if !declared => {}
                other => panic!("{} {lang}: {other:?}", file.display()),
            }
        }
        let shown = st.to_string();
        assert!(
            shown.contains(&format!("{} texts in `en` to translate", st.texts)),
            "{shown}"
        );
    }
}

/// `lang` filled in for every text of `loaded`: "[lang] " and the source.
fn full_translation(loaded: &Loaded, lang: &str) -> Vec<u8> {
    let mut sheet = exported(loaded, lang);
    for u in &mut sheet.units {
        u.target = format!("[{lang}] {}", u.source);
    }
    sheet::write_csv(&sheet)
}

#[test]
fn a_full_translation_of_every_shipped_file_checks_clean_and_keeps_every_comment_and_language() {
    for file in shipped() {
        let loaded = load(&file);
        for lang in languages(&loaded) {
            let name = format!("{}.{lang}.csv", file.display());
            let i = import(&loaded, &full_translation(&loaded, &lang), &name, None, false)
                .unwrap_or_else(|f| panic!("{name}: {f}"));
            assert_eq!(i.problems.len(), 0, "{name}:\n{}", i.render(&loaded.source));
            let written = i.written.clone().expect("written");
            let again = reload(&loaded, &written);
            let s = &again.scenario;
            assert!(s.languages.contains(&lang), "{name}: {:?}", s.languages);
            assert_eq!(i.language_added, !loaded.scenario.languages.contains(&lang));

            // Every text now has `lang`, and every other language as before.
            let before: BTreeMap<String, &Text> = places(&loaded.scenario)
                .into_iter()
                .map(|p| (p.id, p.text))
                .collect();
            for place in places(s) {
                let old = before[&place.id];
                let default = s.default_language.as_str();
                let source = old.get(default, default);
                // An example written in one other language only (a
                // trainee's own words) has nothing to translate from.
                if source.trim().is_empty() || !old.languages().contains(&default) {
                    continue;
                }
                assert_eq!(
                    place.text.get(&lang, default),
                    format!("[{lang}] {source}"),
                    "{name} {}",
                    place.id
                );
                for other in old.languages().into_iter().filter(|l| *l != lang) {
                    assert_eq!(
                        place.text.get(other, default),
                        old.get(other, default),
                        "{name} {}",
                        place.id
                    );
                }
            }

            // Every comment the author wrote is still there, in order.
            let old_comments = comments(&loaded.source);
            let new_comments = comments(&written);
            assert_eq!(
                new_comments[..old_comments.len()],
                old_comments[..],
                "{name}: comments changed"
            );
            assert!(
                new_comments[old_comments.len()..]
                    .iter()
                    .all(|c| c.starts_with("// "))
            );

            // It checks as clean as before: no missing translation.
            let dir = tempfile::tempdir().expect("a temp dir");
            let copy = dir.path().join(file.file_name().expect("a file name"));
            std::fs::write(&copy, &written).expect("written");
            if let Some(sounds) = file.parent().map(|d| d.join("sounds")) {
                copy_dir(&sounds, &dir.path().join("sounds"));
            }
            let report = check_file(&copy);
            let rendered: String = report
                .diagnostics
                .iter()
                .map(|d| d.render(&report.source))
                .collect();
            assert!(report.diagnostics.is_empty(), "{name}:\n{rendered}");

            // Nothing is stale, and importing the same file again changes nothing.
            let st = status(&again).expect("status");
            let l = st
                .languages
                .iter()
                .find(|l| l.lang == lang)
                .expect("the language");
            assert_eq!(
                (l.translated, l.missing, l.stale, l.untracked),
                (st.texts, 0, 0, 0),
                "{name}"
            );
            let twice =
                import(&again, &full_translation(&again, &lang), &name, None, false).expect("imports");
            assert!(twice.written.is_none(), "{name}: {}", twice.summary());
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let Ok(entries) = std::fs::read_dir(from) else {
        return;
    };
    std::fs::create_dir_all(to).expect("a folder");
    for entry in entries.flatten() {
        let _ = std::fs::copy(entry.path(), to.join(entry.file_name()));
    }
}

#[test]
fn the_starter_translated_into_spanish_checks_clean_and_plays_in_spanish() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("the-outage.ron");
    std::fs::write(
        &file,
        callsim_core::starter::starter("The outage", Path::new("scenarios/the-outage.ron")),
    )
    .expect("written");
    let loaded = load(&file);
    assert_eq!(loaded.scenario.languages, ["en"], "the starter is English only");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/starter.es.csv");
    let bytes = std::fs::read(&fixture).expect("the fixture");
    let i = import(&loaded, &bytes, "starter.es.csv", Some("es"), false).expect("imports");
    assert_eq!(i.problems.len(), 0, "{}", i.render(&loaded.source));
    assert!(i.language_added);
    std::fs::write(&file, i.written.as_ref().expect("written")).expect("written");

    let report = check_file(&file);
    let rendered: String = report
        .diagnostics
        .iter()
        .map(|d| d.render(&report.source))
        .collect();
    assert!(
        report.diagnostics.is_empty(),
        "check --deny-warnings would fail:\n{rendered}"
    );

    let model = Arc::new(Model::new(load(&file).scenario).expect("compiles"));
    // Anger starts at 40-60: seed 1 and 2 cover both opening lines.
    let mut call = Call::start(model, 1, "es");
    assert!(
        [
            "¡Llevo toda la mañana sin internet! ¡Y trabajo desde casa!",
            "¡Toda la mañana sin internet! ¿Sabe usted lo que me está costando?"
        ]
        .contains(&call.caller_line()),
        "{}",
        call.caller_line()
    );
    let step = call.choose_id("acknowledge_and_check").expect("a reply");
    assert!(
        step.turn.text.starts_with("Una mañana entera sin conexión"),
        "{}",
        step.turn.text
    );
    assert_eq!(call.caller_line(), "¿Y bien? ¿Qué pasa?");
    let facts = call.account().expect("checked");
    assert_eq!(facts[0].0, "Estado de la línea");
    call.choose_id("explain_outage").expect("a reply");
    let step = call.choose_id("goodbye").expect("a reply");
    let ending = step.ended.expect("the call ended");
    assert_eq!(ending.title, "Informada y tranquila");
    assert_eq!(ending.says.as_deref(), Some("¡Gracias, adiós!"));
    // English is as it was.
    let model = Arc::new(Model::new(load(&file).scenario).expect("compiles"));
    let call = Call::start(model, 1, "en");
    assert!(call.caller_line().contains("internet"), "{}", call.caller_line());
}

/// A copy of a shipped file in a temp dir, loaded.
fn copy_of(name: &str) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(name);
    let to = dir.path().join(name);
    std::fs::copy(&from, &to).expect("copied");
    let loaded = load(&to);
    (dir, loaded)
}

fn csv(lang: &str, rows: &[(&str, &str, &str)]) -> Vec<u8> {
    sheet::write_csv(&Sheet {
        source_lang: "en".to_owned(),
        target_lang: lang.to_owned(),
        units: rows
            .iter()
            .map(|(id, source, target)| Unit {
                id: (*id).to_owned(),
                source: (*source).to_owned(),
                target: (*target).to_owned(),
                note: String::new(),
            })
            .collect(),
    })
}

#[test]
fn one_new_translation_changes_that_text_only_and_a_later_source_edit_makes_it_stale() {
    let (_dir, loaded) = copy_of("on-hold-too-long.ron");
    let id = "ending.delighted.says";
    let source = places(&loaded.scenario)
        .into_iter()
        .find(|p| p.id == id)
        .map(|p| p.text.get("en", "en").to_owned())
        .expect("the ending has last words");
    let i = import(
        &loaded,
        &csv("ru", &[(id, &source, "Спасибо, до свидания!")]),
        "ru.csv",
        None,
        false,
    )
    .expect("imports");
    assert_eq!(i.errors(), 0, "{}", i.render(&loaded.source));
    assert_eq!((i.changed, i.added), (1, 0));
    // Every other text is reported missing from the file, at its place.
    let missing = i
        .problems
        .iter()
        .filter(|p| p.diagnostic.code == "missing-entry")
        .count();
    assert_eq!(missing, status(&loaded).expect("status").texts - 1);
    assert!(
        i.problems
            .iter()
            .all(|p| p.file == In::Scenario || p.diagnostic.code != "missing-entry")
    );
    let rendered = i.render(&loaded.source);
    assert!(
        rendered.contains("more like this not shown (missing-entry)"),
        "{rendered}"
    );

    let written = i.written.expect("written");
    // Only the one string changed, and the record was added at the end.
    let record = written.find("\n// Translation record").expect("a record");
    assert_eq!(
        written[record..].trim().lines().count(),
        4,
        "{}",
        &written[record..]
    );
    let (old, new) = (loaded.source.trim_end(), written[..record].trim_end());
    assert_eq!(old.lines().count(), new.lines().count());
    let changed: Vec<(&str, &str)> = old.lines().zip(new.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "{changed:#?}");
    assert!(
        changed[0]
            .1
            .trim_start()
            .starts_with("\"ru\": \"Спасибо, до свидания!\""),
        "{changed:?}"
    );

    let after = reload(&loaded, &written);
    let st = status(&after).expect("status");
    let ru = st.languages.iter().find(|l| l.lang == "ru").expect("ru");
    assert_eq!((ru.stale, ru.untracked), (0, ru.translated - 1));

    // The author edits the English afterwards: the translation is stale.
    let edited_source = written.replacen(&format!("\"{source}\""), "\"Thanks, that was quick. Bye!\"", 1);
    assert_ne!(edited_source, written);
    let edited = reload(&loaded, &edited_source);
    let st = status(&edited).expect("status");
    let ru = st.languages.iter().find(|l| l.lang == "ru").expect("ru");
    assert_eq!((ru.stale, ru.stale_ids.clone()), (1, vec![id.to_owned()]));
    assert!(st.to_string().contains(&format!("stale: `{id}`")), "{st}");
    // The export leaves it for the translator, the old text in the note.
    let sheet = exported(&edited, "ru");
    let unit = sheet.units.iter().find(|u| u.id == id).expect("exported");
    assert_eq!(unit.target, "");
    let e = export(&edited, "ru", Format::Csv).expect("exports");
    assert_eq!(e.stale, 1);
    let text = String::from_utf8(e.bytes).expect("UTF-8");
    assert!(
        text.contains("STALE") && text.contains("Спасибо, до свидания!"),
        "{text}"
    );

    // Importing the old file now: the source changed, nothing written.
    let old_file = csv("ru", &[(id, &source, "Спасибо, до свидания!")]);
    let i = import(&edited, &old_file, "ru.csv", None, false).expect("imports");
    assert_eq!(i.errors(), 1);
    assert!(i.written.is_none());
    let rendered = i.render(&edited.source);
    assert!(
        rendered.contains("changed since this file was exported"),
        "{rendered}"
    );
    assert!(rendered.contains("ru.csv:2:1"), "{rendered}");

    // Confirming the translation from a fresh export makes it current.
    let i = import(
        &edited,
        &csv(
            "ru",
            &[(id, "Thanks, that was quick. Bye!", "Спасибо, до свидания!")],
        ),
        "ru.csv",
        None,
        false,
    )
    .expect("imports");
    let confirmed = reload(&edited, &i.written.expect("the record changes"));
    let st = status(&confirmed).expect("status");
    assert_eq!(st.languages.iter().find(|l| l.lang == "ru").expect("ru").stale, 0);
}

#[test]
fn a_bad_entry_is_reported_at_its_row_and_nothing_is_written_unless_partial() {
    let (_dir, loaded) = copy_of("universal-machine.ron");
    let s = &loaded.scenario;
    let title = s.title.get("en", "en").to_owned();
    let name = s.persona.name.get("en", "en").to_owned();
    let bytes = csv(
        "ru",
        &[
            ("title", &title, "Универсальная машина"),
            ("persona.nmae", &name, "Имя"),
            ("summary", "An old summary", "Старое описание"),
            ("title", &title, "Ещё раз"),
            ("persona.description", "", ""),
        ],
    );
    let i = import(&loaded, &bytes, "ru.csv", None, false).expect("imports");
    let rendered = i.render(&loaded.source);
    assert_eq!(i.errors(), 4, "{rendered}");
    assert!(i.written.is_none());
    for expected in [
        "error: row 3: `scenarios/universal-machine.ron`",
        "did you mean `persona.name`?",
        "--> ru.csv:3:1",
        "row 4: the `en` text of `summary` changed since this file was exported",
        "row 5: `title` is given twice (first at row 2)",
        "--> ru.csv:5:1",
    ] {
        let expected = expected.replace(
            "scenarios/universal-machine.ron",
            &loaded.file.display().to_string(),
        );
        assert!(rendered.contains(&expected), "{expected:?} not in:\n{rendered}");
    }
    // A source cell left empty is a changed source too.
    assert!(
        rendered.contains("row 6: the `en` text of `persona.description` changed"),
        "{rendered}"
    );

    let partial = import(&loaded, &bytes, "ru.csv", None, true).expect("imports");
    let written = reload(&loaded, &partial.written.expect("the good entry is written"));
    assert_eq!(written.scenario.title.get("ru", "en"), "Универсальная машина");
    assert!(written.scenario.languages.contains(&"ru".to_owned()));
    assert_eq!(
        written.scenario.summary.get("ru", "en"),
        written.scenario.summary.get("en", "en")
    );
}

#[test]
fn a_translation_into_the_source_language_or_no_language_is_refused() {
    let (_dir, loaded) = copy_of("dinner-time-call.ron");
    let err = export(&loaded, "en", Format::Csv).expect_err("en is the source");
    assert!(err.contains("the language the scenario is written in"), "{err}");
    let err = export(&loaded, "cn", Format::Csv).expect_err("cn is no language");
    assert!(
        err.contains("`cn` is not a language code") && err.contains("\"zh\""),
        "{err}"
    );
    let fr = export(&loaded, "fr", Format::Csv).expect("French is a language");
    assert!(fr.warning.is_some_and(|w| w.contains("no interface in `fr`")));
    match import(&loaded, b"id,en,cn\ntitle,x,y\n", "cn.csv", None, false) {
        Err(Failure::Message(m)) => assert!(m.contains("`cn` is not a language code"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_translation_files_are_errors_naming_the_file_never_panics() {
    let (_dir, loaded) = copy_of("missing-bonus-number.ron");
    let good_csv = export(&loaded, "ru", Format::Csv).expect("exports").bytes;
    let good_xlf = export(&loaded, "ru", Format::Xliff).expect("exports").bytes;
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, good) in [("ru.csv", &good_csv), ("ru.xlf", &good_xlf)] {
        // Cut anywhere (a sync that stopped half-way), bytes damaged, quotes and angle brackets added.
        let step = good.len() / 97 + 1;
        for cut in (0..good.len()).step_by(step) {
            cases.push((name.to_owned(), good[..cut].to_vec()));
            let mut damaged = good.clone();
            damaged[cut] ^= 0x80;
            cases.push((name.to_owned(), damaged));
            for insert in [b'"', b'<', b'\r', b'\n', b';', 0] {
                let mut bytes = good.clone();
                bytes.insert(cut, insert);
                cases.push((name.to_owned(), bytes));
            }
        }
    }
    cases.push(("x.csv".to_owned(), b"\xff\xfe\x00".to_vec()));
    cases.push(("x.csv".to_owned(), b"\xfe\xff\xd8\x00".to_vec()));
    cases.push((
        "x.xlf".to_owned(),
        b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><xliff/>".to_vec(),
    ));
    for (name, bytes) in cases {
        match import(&loaded, &bytes, &name, None, false) {
            Ok(i) => {
                // Whatever was read: each problem names the file it is in.
                for p in &i.problems {
                    let file = match p.file {
                        In::Translations => name.clone(),
                        In::Scenario => loaded.file.display().to_string(),
                    };
                    assert_eq!(p.diagnostic.file, file);
                }
                let _ = i.render(&loaded.source);
            }
            Err(Failure::Unreadable(u)) => {
                assert!(u.to_string().starts_with(&name), "{u}");
                let _ = u.render();
            }
            Err(Failure::Message(m)) => assert!(!m.is_empty()),
        }
    }
}
