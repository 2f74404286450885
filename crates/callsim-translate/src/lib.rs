//! Translating a scenario file: `callsim translate export | import | status`.
//!
//! Start here. [`texts::places`] lists every text of a scenario a
//! translator must translate, each with a stable id and a note on who says
//! it when. [`export`] writes them for one language as CSV or XLIFF
//! ([`sheet`]); [`import`] reads such a file back and writes the
//! translations into the RON file in place ([`edit`]: only the texts'
//! bytes change, comments and layout stay), after checking every entry
//! against the file; [`status`] counts, per language, what is translated,
//! missing or stale. Stale means the source text was edited after the
//! translation was imported, which the [`record`] at the end of the file
//! remembers.
//!
//! No Bevy, no I/O beyond what the caller hands in: the CLI reads and
//! writes the files.

pub mod edit;
pub mod record;
pub mod sheet;
pub mod texts;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

use callsim_core::Scenario;
use callsim_core::diagnostic::{Diagnostic, Severity, did_you_mean};
use callsim_core::locale::text::{GAME_LANGUAGES, Text};
use callsim_core::scenario::validate::{Finding, validate};
use callsim_core::scenario::{Loaded, parse_str, resolve_findings};

use crate::edit::Editor;
use crate::record::{Freshness, Record};
use crate::sheet::{Entry, ReadSheet, Sheet, Unit};
pub use crate::sheet::{Format, Unreadable};
use crate::texts::{Place, places};

/// How many errors, and warnings, of one kind an import shows before
/// counting the rest: a file half translated has a warning per text left.
const SHOWN_ERRORS: usize = 10;
const SHOWN_WARNINGS: usize = 5;

/// A text a translator can work from: its place and its text in the
/// scenario's default language.
struct Source<'s> {
    place: Place<'s>,
    text: &'s str,
}

/// The texts of `s` with a default-language text to translate from, and
/// the ids of those without one (a text given only in other languages;
/// `check` warns about them). Examples given only in other languages are
/// not texts to translate: a translator writes their own.
fn sources(s: &Scenario) -> Result<(Vec<Source<'_>>, Vec<String>), String> {
    let lang = s.default_language.as_str();
    let mut seen = BTreeSet::new();
    let (mut out, mut no_source) = (Vec::new(), Vec::new());
    for place in places(s) {
        if !seen.insert(place.id.clone()) {
            return Err(format!(
                "two texts would have the id `{}` (the second at `{}`): rename a node, reply or ending so that its id has no `.`",
                place.id, place.path
            ));
        }
        match place.get(lang, lang) {
            Some(text) => out.push(Source { text, place }),
            None if place.example => {}
            None => no_source.push(place.id),
        }
    }
    Ok((out, no_source))
}

/// Whether `lang` can be translated into: not the default language, and
/// a language code (`check`'s own rule). A real language the game has no
/// interface in is allowed, with the warning `check` gives.
fn check_language(s: &Scenario, lang: &str) -> Result<Option<String>, String> {
    if lang == s.default_language {
        return Err(format!(
            "`{lang}` is the language the scenario is written in: name the language to translate into, e.g. --lang {}",
            GAME_LANGUAGES
                .iter()
                .map(|(code, _)| *code)
                .find(|c| *c != lang)
                .unwrap_or("ru")
        ));
    }
    if s.languages.iter().any(|l| l == lang) {
        return Ok(None);
    }
    let mut with = s.clone();
    with.languages.push(lang.to_owned());
    let at = callsim_core::scenario::spans::Path::root()
        .field("languages")
        .index(with.languages.len() - 1);
    let finding = validate(&with, None)
        .into_iter()
        .find(|f| f.code == "unknown-language" && f.at == at);
    let said = |f: &Finding| match &f.help {
        Some(help) => format!("{} ({help})", f.message),
        None => f.message.clone(),
    };
    match finding {
        Some(f) if f.severity == Severity::Error => Err(said(&f)),
        Some(f) => Ok(Some(said(&f))),
        None => Ok(None),
    }
}

/// `text` as language → string (a plain string is the default language).
fn text_map(text: &Text, default_lang: &str) -> BTreeMap<String, String> {
    match text {
        Text::Missing => BTreeMap::new(),
        Text::Plain(s) => BTreeMap::from([(default_lang.to_owned(), s.clone())]),
        Text::Translated(map) => map.clone(),
    }
}

/// Line breaks as compared: a spreadsheet may turn `\n` into `\r\n`.
fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// `text` shortened to one line of about 60 characters, for messages.
fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > 60 || line.len() < text.len() {
        format!("{}…", line.chars().take(57).collect::<String>())
    } else {
        line.to_owned()
    }
}

// ------------------------------------------------------------- export ----

/// A translation file made by [`export`], and what is in it.
#[derive(Debug, Clone)]
pub struct Export {
    pub bytes: Vec<u8>,
    pub lang: String,
    /// Entries written, examples included.
    pub texts: usize,
    pub examples: usize,
    /// Entries with a translation already (written in the file).
    pub translated: usize,
    /// Entries whose translation is stale: left empty, the old one in the note.
    pub stale: usize,
    /// Texts with no default-language text, left out.
    pub no_source: Vec<String>,
    /// `check`'s warning about the language, if any (e.g. no game interface in it).
    pub warning: Option<String>,
}

/// Every text of `loaded` to translate into `lang`, as a translation file.
/// A translation already in the file is filled in, unless the record says
/// its source changed since (then it is left empty and quoted in the note,
/// so the translator looks at it again).
pub fn export(loaded: &Loaded, lang: &str, format: Format) -> Result<Export, String> {
    let s = &loaded.scenario;
    let warning = check_language(s, lang)?;
    let default = s.default_language.as_str();
    let (sources, no_source) = sources(s)?;
    let record = Record::read(&loaded.source);
    let mut units = Vec::new();
    let (mut translated, mut stale) = (0, 0);
    for src in &sources {
        let mut note = src.place.context.clone();
        let target = match src.place.get(lang, default) {
            Some(existing) if record.freshness(lang, src.text, existing) == Freshness::Stale => {
                stale += 1;
                let _ = write!(
                    note,
                    " STALE: the `{default}` text was edited after this was translated. The old translation was: “{existing}”. Check it against the text and write the translation again (the same, if it still fits)."
                );
                String::new()
            }
            Some(existing) => {
                translated += 1;
                existing.to_owned()
            }
            None => String::new(),
        };
        units.push(Unit {
            id: src.place.id.clone(),
            source: src.text.to_owned(),
            target,
            note,
        });
    }
    let sheet = Sheet {
        source_lang: default.to_owned(),
        target_lang: lang.to_owned(),
        units,
    };
    let bytes = match format {
        Format::Csv => sheet::write_csv(&sheet),
        Format::Xliff => {
            let original = loaded.file.file_name().map_or_else(
                || loaded.file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            sheet::write_xliff(&sheet, &original)?.into_bytes()
        }
    };
    Ok(Export {
        bytes,
        lang: lang.to_owned(),
        texts: sources.len(),
        examples: sources.iter().filter(|s| s.place.example).count(),
        translated,
        stale,
        no_source,
        warning,
    })
}

// ------------------------------------------------------------- import ----

/// Which file a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum In {
    Translations,
    Scenario,
}

/// One problem an import found, in the translation file or the scenario.
#[derive(Debug, Clone)]
pub struct Problem {
    pub diagnostic: Diagnostic,
    pub file: In,
}

/// What [`import`] did, or would have done.
#[derive(Debug, Clone)]
pub struct Import {
    pub lang: String,
    /// The translation file's text, for quoting it in messages.
    pub translations: String,
    pub problems: Vec<Problem>,
    /// Translations where there were none.
    pub added: usize,
    /// Translations that replace another.
    pub changed: usize,
    /// Entries the file already had word for word.
    pub unchanged: usize,
    /// Stale translations given again unchanged from a fresh export: the
    /// translator checked them, so the record now says they are current.
    pub confirmed: usize,
    /// Entries left empty (any translation already there is kept).
    pub empty: usize,
    /// Entries not written because of an error.
    pub skipped: usize,
    /// `lang` was added to the scenario's `languages`.
    pub language_added: bool,
    /// The scenario file as it must now be written; `None` when nothing
    /// changes, or when errors stop the import (without `partial`).
    pub written: Option<String>,
}

impl Import {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.diagnostic.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }

    /// Every problem as `callsim check` prints one, with the line of the
    /// file quoted (`scenario` is the scenario's source); past
    /// [`SHOWN_ERRORS`] errors or [`SHOWN_WARNINGS`] warnings of one kind, a
    /// line counts the rest.
    pub fn render(&self, scenario: &str) -> String {
        let mut out = String::new();
        let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
        let most = |severity: Severity| match severity {
            Severity::Error => SHOWN_ERRORS,
            Severity::Warning => SHOWN_WARNINGS,
        };
        for p in &self.problems {
            let n = shown.entry(p.diagnostic.code).or_default();
            *n += 1;
            if *n > most(p.diagnostic.severity) {
                continue;
            }
            let source = match p.file {
                In::Translations => &self.translations,
                In::Scenario => scenario,
            };
            out.push_str(&p.diagnostic.render(source));
            out.push('\n');
        }
        for (code, n) in shown {
            let severity = self
                .problems
                .iter()
                .find(|p| p.diagnostic.code == code)
                .map_or(Severity::Warning, |p| p.diagnostic.severity);
            if n > most(severity) {
                let _ = writeln!(
                    out,
                    "{severity}: {} more like this not shown ({code})\n",
                    n - most(severity)
                );
            }
        }
        out
    }

    /// One line on what was done: "added 30 `es` translations, changed 2; …".
    pub fn summary(&self) -> String {
        let mut parts = vec![format!(
            "{} `{}` translation{} added, {} changed, {} unchanged",
            self.added,
            self.lang,
            if self.added == 1 { "" } else { "s" },
            self.changed,
            self.unchanged
        )];
        if self.confirmed > 0 {
            parts.push(format!("{} stale confirmed as still right", self.confirmed));
        }
        if self.empty > 0 {
            parts.push(format!("{} left empty", self.empty));
        }
        if self.skipped > 0 {
            parts.push(format!("{} not written because of errors", self.skipped));
        }
        if self.language_added {
            parts.push(format!("`{}` added to `languages`", self.lang));
        }
        parts.join("; ")
    }
}

/// Why an import could not even start, or could not be written safely.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The translation file cannot be read.
    Unreadable(Unreadable),
    /// Anything else, in a sentence or a rendered report.
    Message(String),
}

impl Failure {
    /// The failure as printed, the file's line quoted where there is one.
    pub fn render(&self) -> String {
        match self {
            Failure::Unreadable(u) => u.render(),
            Failure::Message(m) => format!("error: {m}\n"),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Unreadable(u) => u.fmt(f),
            Failure::Message(m) => f.write_str(m),
        }
    }
}

/// A translation to write: the text's place, its source and the new text;
/// `edit` is false for a translation the file has already, only recorded.
struct Write<'s> {
    place: &'s Place<'s>,
    source: &'s str,
    target: String,
    edit: bool,
}

/// Reads the translation file `bytes` (named `translations_file` in
/// messages) and works out the scenario file with its translations
/// written in. Every entry is checked: an unknown id, an id given twice,
/// or a source text that is not the scenario's any more (the translation
/// may be stale) is an error; an empty translation and a text of the
/// scenario the file does not mention are warnings. With errors nothing
/// is written unless `partial`, which writes every entry without one.
///
/// A translation already in the file is only ever replaced by a new one,
/// never removed; the result is loaded again and each text compared with
/// what was intended before it is handed back.
pub fn import(
    loaded: &Loaded,
    bytes: &[u8],
    translations_file: &str,
    lang: Option<&str>,
    partial: bool,
) -> Result<Import, Failure> {
    let s = &loaded.scenario;
    let default = s.default_language.as_str();
    let read = sheet::read(bytes, translations_file, default, lang).map_err(Failure::Unreadable)?;
    let ReadSheet {
        text: translations,
        target_lang: lang,
        entries,
        ..
    } = read;
    check_language(s, &lang).map_err(Failure::Message)?;
    let (sources, _) = sources(s).map_err(Failure::Message)?;
    let record = Record::read(&loaded.source);
    let by_id: BTreeMap<&str, &Source> = sources.iter().map(|src| (src.place.id.as_str(), src)).collect();
    let mut import = Import {
        lang: lang.clone(),
        translations: String::new(),
        problems: Vec::new(),
        added: 0,
        changed: 0,
        unchanged: 0,
        confirmed: 0,
        empty: 0,
        skipped: 0,
        language_added: false,
        written: None,
    };
    let file_name = loaded.file.display().to_string();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut writes: Vec<Write> = Vec::new();
    for entry in &entries {
        let Entry { unit, span, place } = entry;
        let problem = |code: &'static str, severity: Severity, message: String, help: String| Problem {
            diagnostic: Diagnostic {
                severity,
                ..*sheet::located(
                    &translations,
                    translations_file,
                    span.clone(),
                    code,
                    message,
                    help,
                )
            },
            file: In::Translations,
        };
        if unit.id.is_empty() {
            import.problems.push(problem(
                "no-id",
                Severity::Error,
                format!("{place} has no id"),
                "copy the id back from the exported file, or delete the row".to_owned(),
            ));
            continue;
        }
        if let Some(first) = seen.insert(unit.id.clone(), place.clone()) {
            import.skipped += 1;
            import.problems.push(problem(
                "duplicate-entry",
                Severity::Error,
                format!("{place}: `{}` is given twice (first at {first})", unit.id),
                "keep one of the two and delete the other".to_owned(),
            ));
            continue;
        }
        let Some(src) = by_id.get(unit.id.as_str()) else {
            import.skipped += 1;
            let help = match did_you_mean(&unit.id, by_id.keys().copied()) {
                Some(near) => format!(
                    "did you mean `{near}`? Ids are written by `callsim translate export`; do not edit them"
                ),
                None => format!(
                    "this file may be for another scenario, or the text was removed from `{file_name}`; export again to get the current ids"
                ),
            };
            import.problems.push(problem(
                "unknown-id",
                Severity::Error,
                format!("{place}: `{file_name}` has no text `{}`", unit.id),
                help,
            ));
            continue;
        };
        let current = normalise(src.text);
        if unit.source != current {
            import.skipped += 1;
            import.problems.push(problem(
                "source-changed",
                Severity::Error,
                format!(
                    "{place}: the `{default}` text of `{}` changed since this file was exported, so the translation may be stale: it was “{}”, it is now “{}”",
                    unit.id,
                    short(&unit.source),
                    short(&current)
                ),
                "export again and translate the new text, or pass --partial to import the other entries".to_owned(),
            ));
            continue;
        }
        let existing = src.place.get(&lang, default);
        if unit.target.trim().is_empty() {
            import.empty += 1;
            let kept = if existing.is_some() {
                format!("; its `{lang}` translation in the scenario is kept")
            } else {
                String::new()
            };
            import.problems.push(problem(
                "empty-translation",
                Severity::Warning,
                format!("{place}: `{}` has no translation{kept}", unit.id),
                format!(
                    "write the `{lang}` text, or leave it for later: the game shows `{default}` meanwhile"
                ),
            ));
            continue;
        }
        let edit = existing != Some(unit.target.as_str());
        if !edit {
            // Given again as it is: current already, or a stale one the
            // translator has checked (a fresh export leaves stale ones empty).
            if record.freshness(&lang, src.text, &unit.target) != Freshness::Stale {
                import.unchanged += 1;
                continue;
            }
            import.confirmed += 1;
        } else if existing.is_some() {
            import.changed += 1;
        } else {
            import.added += 1;
        }
        writes.push(Write {
            place: &src.place,
            source: src.text,
            target: unit.target.clone(),
            edit,
        });
    }
    // Texts the file does not mention, pointed at in the scenario.
    let missing: Vec<Finding> = sources
        .iter()
        .filter(|src| !seen.contains_key(&src.place.id))
        .map(|src| {
            let has = if src.place.get(&lang, default).is_some() {
                format!("its `{lang}` translation is left as it is")
            } else {
                format!("it stays untranslated in `{lang}`")
            };
            Finding::new(
                Severity::Warning,
                "missing-entry",
                src.place.path.clone(),
                format!("`{translations_file}` has no entry for `{}`: {has}", src.place.id),
                "export again to get a file with every text of the scenario".to_owned(),
            )
        })
        .collect();
    import.problems.extend(
        resolve_findings(&missing, &loaded.source, &file_name)
            .into_iter()
            .map(|diagnostic| Problem {
                diagnostic,
                file: In::Scenario,
            }),
    );
    import.translations = translations;
    if import.errors() > 0 && !partial {
        import.skipped += writes.len();
        import.added = 0;
        import.changed = 0;
        import.confirmed = 0;
        return Ok(import);
    }
    if writes.is_empty() {
        return Ok(import);
    }
    let written = write(loaded, &lang, &writes, &sources).map_err(Failure::Message)?;
    import.language_added = !s.languages.contains(&lang) && writes.iter().any(|w| w.edit);
    import.written = Some(written);
    Ok(import)
}

/// The scenario's source with `writes` made, `lang` declared, the record
/// brought up to date, and proof that nothing else moved: the result
/// loads, and every text is what it was but for the translations written.
fn write(loaded: &Loaded, lang: &str, writes: &[Write], sources: &[Source]) -> Result<String, String> {
    let s = &loaded.scenario;
    let default = s.default_language.as_str();
    let src = loaded.source.as_str();
    let bug = |what: String| {
        format!(
            "{what}; nothing was written to `{}`. Please report this with the scenario and the translation file",
            loaded.file.display()
        )
    };
    let mut editor = Editor::new(src);
    for w in writes.iter().filter(|w| w.edit) {
        editor
            .set_text(&w.place.path, default, lang, &w.target, w.place.example)
            .map_err(|e| {
                bug(format!(
                    "cannot write the translation of `{}` at `{}`: {}",
                    w.place.id, e.path, e.message
                ))
            })?;
    }
    if !s.languages.iter().any(|l| l == lang) && writes.iter().any(|w| w.edit) {
        editor
            .add_language(default, lang)
            .map_err(|e| bug(format!("cannot add `{lang}` to `languages`: {}", e.message)))?;
    }
    // The record: the new pairs in, pairs of translations gone out.
    let mut record = Record::read(src);
    for w in writes {
        record.insert(lang, w.source, &w.target);
    }
    let written: BTreeMap<&str, &str> = writes
        .iter()
        .map(|w| (w.place.id.as_str(), w.target.as_str()))
        .collect();
    let now: Vec<&str> = sources
        .iter()
        .filter_map(|src| {
            written
                .get(src.place.id.as_str())
                .copied()
                .or_else(|| src.place.get(lang, default))
        })
        .collect();
    record.keep(lang, now);
    for (range, text) in record.edits(src) {
        editor.push(range, text);
    }
    let out = editor
        .finish()
        .map_err(|e| bug(format!("cannot apply the edits: {}", e.message)))?;

    // Proof.
    let again = parse_str(&out, &loaded.file, loaded.file.parent()).map_err(|e| {
        format!(
            "with the translations written, `{}` would not load, so nothing was written:\n{}",
            loaded.file.display(),
            e.render()
        )
    })?;
    let before: BTreeMap<String, BTreeMap<String, String>> = places(s)
        .into_iter()
        .map(|p| (p.id, text_map(p.text, default)))
        .collect();
    let after: BTreeMap<String, BTreeMap<String, String>> = places(&again.scenario)
        .into_iter()
        .map(|p| (p.id, text_map(p.text, default)))
        .collect();
    let mut expected = before;
    for w in writes {
        if let Some(map) = expected.get_mut(&w.place.id) {
            map.insert(lang.to_owned(), w.target.clone());
        }
    }
    if let Some((id, _)) = expected.iter().find(|(id, map)| after.get(*id) != Some(map)) {
        return Err(bug(format!(
            "the text `{id}` did not come out as intended (expected {:?}, got {:?})",
            expected.get(id),
            after.get(id)
        )));
    }
    if after.len() != expected.len() {
        return Err(bug("the edited file has other texts than before".to_owned()));
    }
    Ok(out)
}

// ------------------------------------------------------------- status ----

/// How far one language's translation has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageStatus {
    pub lang: String,
    /// Listed in the scenario's `languages`.
    pub declared: bool,
    /// Translated, and not known to be stale.
    pub translated: usize,
    pub missing: usize,
    /// Translated, but the source text was edited after the import.
    pub stale: usize,
    /// Of `translated`: with no record of their source (written by hand,
    /// or edited after the import), so their freshness is unknown.
    pub untracked: usize,
    pub stale_ids: Vec<String>,
    pub missing_ids: Vec<String>,
}

/// What [`status`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub file: String,
    pub default_lang: String,
    /// Texts to translate, examples included.
    pub texts: usize,
    pub examples: usize,
    pub no_source: Vec<String>,
    pub languages: Vec<LanguageStatus>,
}

/// Per language (those declared, and any a text or the record has), how
/// many of the scenario's texts are translated, missing or stale.
pub fn status(loaded: &Loaded) -> Result<Status, String> {
    let s = &loaded.scenario;
    let default = s.default_language.as_str();
    let (sources, no_source) = sources(s)?;
    let record = Record::read(&loaded.source);
    let mut langs: BTreeSet<&str> = s.languages.iter().map(String::as_str).collect();
    for src in &sources {
        langs.extend(src.place.text.languages());
    }
    langs.extend(record.languages());
    langs.remove(default);
    // Declared languages first, in the file's order.
    let mut ordered: Vec<&str> = s
        .languages
        .iter()
        .map(String::as_str)
        .filter(|l| langs.contains(l))
        .collect();
    ordered.extend(langs.iter().filter(|l| !s.languages.iter().any(|d| d == *l)));
    ordered.dedup();
    let languages = ordered
        .into_iter()
        .map(|lang| {
            let mut st = LanguageStatus {
                lang: lang.to_owned(),
                declared: s.languages.iter().any(|l| l == lang),
                translated: 0,
                missing: 0,
                stale: 0,
                untracked: 0,
                stale_ids: Vec::new(),
                missing_ids: Vec::new(),
            };
            for src in &sources {
                match src.place.get(lang, default) {
                    None => {
                        st.missing += 1;
                        st.missing_ids.push(src.place.id.clone());
                    }
                    Some(tr) => match record.freshness(lang, src.text, tr) {
                        Freshness::Stale => {
                            st.stale += 1;
                            st.stale_ids.push(src.place.id.clone());
                        }
                        Freshness::Current => st.translated += 1,
                        Freshness::Untracked => {
                            st.translated += 1;
                            st.untracked += 1;
                        }
                    },
                }
            }
            st
        })
        .collect();
    Ok(Status {
        file: loaded.file.display().to_string(),
        default_lang: default.to_owned(),
        texts: sources.len(),
        examples: sources.iter().filter(|s| s.place.example).count(),
        no_source,
        languages,
    })
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |ids: &[String]| {
            let mut text = ids
                .iter()
                .take(5)
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ");
            if ids.len() > 5 {
                let _ = write!(text, " and {} more", ids.len() - 5);
            }
            text
        };
        writeln!(
            f,
            "{}: {} texts in `{}` to translate ({} of them typed-reply examples)",
            self.file, self.texts, self.default_lang, self.examples
        )?;
        if !self.no_source.is_empty() {
            writeln!(
                f,
                "  {} more have no `{}` text to translate from: {}",
                self.no_source.len(),
                self.default_lang,
                list(&self.no_source)
            )?;
        }
        if self.languages.is_empty() {
            writeln!(
                f,
                "  no translations yet: `callsim translate export {} --lang ru` starts one",
                self.file
            )?;
        }
        for l in &self.languages {
            let name = GAME_LANGUAGES
                .iter()
                .find(|(code, _)| *code == l.lang)
                .map_or(String::new(), |(_, name)| format!(" ({name})"));
            let declared = if l.declared { "" } else { "; not in `languages`" };
            writeln!(
                f,
                "  {}{name}: {} translated, {} missing, {} stale{declared}",
                l.lang, l.translated, l.missing, l.stale
            )?;
            if l.stale > 0 {
                writeln!(f, "    stale: {}", list(&l.stale_ids))?;
            }
            if l.missing > 0 && l.missing < self.texts {
                writeln!(f, "    missing: {}", list(&l.missing_ids))?;
            }
            if l.untracked > 0 {
                writeln!(
                    f,
                    "    {} of the translated have no record of the `{}` text they were made from (written by hand, or edited since the import): whether they are stale is not known",
                    l.untracked, self.default_lang
                )?;
            }
        }
        Ok(())
    }
}
