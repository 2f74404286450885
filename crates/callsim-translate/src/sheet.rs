//! Translation files: the texts of one scenario in a source and a target
//! language, as CSV (for a spreadsheet) or XLIFF 1.2 (for translation
//! tools), written and read back with every problem placed (line, CSV row).

use std::ops::Range;

use callsim_core::diagnostic::{Diagnostic, Severity, line_column};

/// The file formats a translator can be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xliff,
}

impl Format {
    /// The format a file name implies: XLIFF for `.xlf`, `.xliff`, `.xml`,
    /// CSV otherwise.
    pub fn of_file_name(name: &str) -> Format {
        let lower = name.to_lowercase();
        if [".xlf", ".xliff", ".xml"].iter().any(|e| lower.ends_with(e)) {
            Format::Xliff
        } else {
            Format::Csv
        }
    }
}

/// One text to translate, as written to a translation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub source: String,
    /// The translation; empty when there is none yet.
    pub target: String,
    /// Who says it and when; for the translator, ignored on import.
    pub note: String,
}

/// A translation file's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub source_lang: String,
    pub target_lang: String,
    pub units: Vec<Unit>,
}

/// A unit read back, with where it is in the file.
#[derive(Debug, Clone)]
pub struct Entry {
    pub unit: Unit,
    /// Bytes of the row or element in the file as read (BOM removed).
    pub span: Range<usize>,
    /// "row 14" for CSV (the spreadsheet's row number), "line 30" for XLIFF.
    pub place: String,
}

/// A translation file that cannot be read: the problem, and the file's
/// text to quote it from (empty when the file is not text at all).
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub diagnostic: Box<Diagnostic>,
    pub text: String,
}

impl Unreadable {
    /// The problem as `callsim check` prints one, with the line quoted.
    pub fn render(&self) -> String {
        self.diagnostic.render(&self.text)
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.diagnostic.fmt(f)
    }
}

/// A translation file read back: its text (for quoting lines in
/// messages), its languages and its entries.
#[derive(Debug, Clone)]
pub struct ReadSheet {
    pub text: String,
    pub source_lang: String,
    pub target_lang: String,
    pub entries: Vec<Entry>,
}

// ---------------------------------------------------------------- CSV ----

const ID: &str = "id";
const CONTEXT: &str = "context";

/// The sheet as CSV: a header `id,<source>,<target>,context`, one row a
/// text, and a UTF-8 byte-order mark so that Excel reads it as UTF-8.
/// A cell a spreadsheet would run as a formula gets a `'` in front (see
/// [`guard`]); [`read`] takes it off again.
pub fn write_csv(sheet: &Sheet) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = [
        ID,
        sheet.source_lang.as_str(),
        sheet.target_lang.as_str(),
        CONTEXT,
    ];
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(header);
    for u in &sheet.units {
        let _ = writer.write_record([
            u.id.as_str(),
            &guard(&u.source),
            &guard(&u.target),
            &guard(&u.note),
        ]);
    }
    out.extend(writer.into_inner().unwrap_or_default());
    out
}

/// Characters that make a spreadsheet read a cell as a formula (OWASP's
/// list for CSV injection).
fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A cell safe to open in a spreadsheet: text that starts like a formula,
/// or with `'` followed by such text, gets one more `'` in front. Excel and
/// LibreOffice show a leading `'` as "this is text" and drop it on saving;
/// [`unguard`] drops it when it is still there, so every text round-trips.
fn guard(text: &str) -> String {
    if starts_guarded(text) || text.starts_with(is_formula_start) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// `'` (any number) then a formula character.
fn starts_guarded(text: &str) -> bool {
    text.starts_with('\'') && text.trim_start_matches('\'').starts_with(is_formula_start)
}

fn unguard(cell: &str) -> &str {
    if starts_guarded(cell) { &cell[1..] } else { cell }
}

/// Reads a CSV translation file: UTF-8 (with or without a byte-order
/// mark) or UTF-16 with one, separated by commas, semicolons (Excel in
/// many locales) or tabs, lines ending in LF or CRLF. `lang` names the
/// target column when given; otherwise the one column that is neither the
/// id, the source (`source_lang`) nor the context.
fn read_csv(
    text: &str,
    file: &str,
    source_lang: &str,
    lang: Option<&str>,
) -> Result<ReadSheet, Box<Diagnostic>> {
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .find(|d| {
            first_line
                .split(char::from(*d))
                .any(|cell| cell.trim().trim_matches('"').eq_ignore_ascii_case(ID))
        })
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let text = text.to_owned();
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(err)) => return Err(csv_error(&text, file, &err)),
        None => {
            return Err(Box::new(Diagnostic::whole_file(
                "empty-translations",
                file,
                format!("`{file}` is empty"),
                "export the texts with `callsim translate export` and fill in that file".to_owned(),
            )));
        }
    };
    let names: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let column = |name: &str| names.iter().position(|n| n.eq_ignore_ascii_case(name));
    let header_problem = |message: String| {
        let end = text.find('\n').unwrap_or(text.len());
        located(
            &text,
            file,
            0..end,
            "bad-header",
            message,
            format!(
                "the first row names the columns: `{ID},{source_lang},<language>,{CONTEXT}`, as `callsim translate export` writes it"
            ),
        )
    };
    let Some(id_col) = column(ID) else {
        return Err(header_problem("the first row has no `id` column".to_owned()));
    };
    let Some(source_col) = column(source_lang) else {
        return Err(header_problem(format!(
            "the first row has no `{source_lang}` column: the scenario's texts are in `{source_lang}`"
        )));
    };
    let target_col = match lang {
        Some(lang) => column(lang).ok_or_else(|| {
            header_problem(format!(
                "the first row has no `{lang}` column (its columns are {})",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?,
        None => {
            let candidates: Vec<usize> = (0..names.len())
                .filter(|&i| i != id_col && i != source_col && !names[i].eq_ignore_ascii_case(CONTEXT))
                .filter(|&i| looks_like_language(&names[i]))
                .collect();
            match candidates.as_slice() {
                [one] => *one,
                [] => {
                    return Err(header_problem(
                        "the first row names no language to import".to_owned(),
                    ));
                }
                _ => {
                    return Err(header_problem(format!(
                        "the first row names several languages ({}): say which with --lang",
                        candidates
                            .iter()
                            .map(|&i| format!("`{}`", names[i]))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
    };
    let target_lang = plain_code(&names[target_col]);
    let mut entries = Vec::new();
    for (row, record) in (2..).zip(records) {
        let record = record.map_err(|err| csv_error(&text, file, &err))?;
        // With CRLF endings the reader places a record at the end of the
        // line before; the row starts after the line break.
        let at = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
        let at = at.min(text.len());
        let start = at + (text[at..].len() - text[at..].trim_start_matches(['\r', '\n']).len());
        // The first cell (the id, as exported) is what a message points at.
        let line = &text[start..text[start..].find('\n').map_or(text.len(), |i| start + i)];
        let end = start + line.find(char::from(delimiter)).unwrap_or(line.trim_end().len());
        let cell = |i: usize| record.get(i).unwrap_or("");
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        entries.push(Entry {
            unit: Unit {
                id: cell(id_col).trim().to_owned(),
                source: normalise(unguard(cell(source_col))),
                target: normalise(unguard(cell(target_col))),
                note: String::new(),
            },
            span: start..end,
            place: format!("row {row}"),
        });
    }
    Ok(ReadSheet {
        text,
        source_lang: source_lang.to_owned(),
        target_lang,
        entries,
    })
}

/// Two or three letters, perhaps with a region (`pt-BR`).
fn looks_like_language(name: &str) -> bool {
    let base = name.split(['-', '_']).next().unwrap_or("");
    (2..=3).contains(&base.len()) && base.chars().all(|c| c.is_ascii_alphabetic())
}

fn csv_error(text: &str, file: &str, err: &csv::Error) -> Box<Diagnostic> {
    let at = err
        .position()
        .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0))
        .min(text.len());
    located(
        text,
        file,
        at..at,
        "bad-csv",
        format!("this CSV cannot be read: {err}"),
        "save it again from the spreadsheet as CSV (UTF-8), or export a fresh copy".to_owned(),
    )
}

// -------------------------------------------------------------- XLIFF ----

/// The sheet as XLIFF 1.2, the version translation tools (Poedit, OmegaT,
/// Weblate, Okapi) read best: one `trans-unit` a text, its context as a
/// `note`, a `target` only where a translation exists. A text XML cannot
/// carry (a control character) is an error naming its id.
pub fn write_xliff(sheet: &Sheet, original: &str) -> Result<String, String> {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n");
    out.push_str(&format!(
        "  <file original=\"{}\" source-language=\"{}\" target-language=\"{}\" datatype=\"plaintext\">\n",
        escape(original),
        escape(&sheet.source_lang),
        escape(&sheet.target_lang)
    ));
    out.push_str("    <header>\n");
    out.push_str(&format!(
        "      <tool tool-id=\"callsim\" tool-name=\"callsim translate\" tool-version=\"{}\"/>\n",
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str("    </header>\n    <body>\n");
    for u in &sheet.units {
        for text in [&u.source, &u.target, &u.note] {
            if let Some(c) = text.chars().find(|c| !is_xml_char(*c)) {
                return Err(format!(
                    "the text `{}` holds the control character U+{:04X}, which XLIFF cannot carry: export it as CSV (--format csv), or remove the character",
                    u.id,
                    u32::from(c)
                ));
            }
        }
        out.push_str(&format!(
            "      <trans-unit id=\"{}\" resname=\"{}\" xml:space=\"preserve\">\n",
            escape(&u.id),
            escape(&u.id)
        ));
        out.push_str(&format!("        <source>{}</source>\n", escape(&u.source)));
        if !u.target.is_empty() {
            out.push_str(&format!(
                "        <target state=\"translated\">{}</target>\n",
                escape(&u.target)
            ));
        }
        if !u.note.is_empty() {
            out.push_str(&format!("        <note>{}</note>\n", escape(&u.note)));
        }
        out.push_str("      </trans-unit>\n");
    }
    out.push_str("    </body>\n  </file>\n</xliff>\n");
    Ok(out)
}

/// Characters XML 1.0 allows in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // A raw CR would be read back as LF.
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Reads a translation file in either format: XLIFF when it starts as
/// XML does (`<`), CSV otherwise.
pub fn read(
    bytes: &[u8],
    file: &str,
    source_lang: &str,
    lang: Option<&str>,
) -> Result<ReadSheet, Unreadable> {
    let text = decode(bytes, file)?;
    let read = if text.trim_start().starts_with('<') {
        read_xliff(&text, file, source_lang, lang)
    } else {
        read_csv(&text, file, source_lang, lang)
    };
    read.map_err(|diagnostic| Unreadable { diagnostic, text })
}

/// Reads an XLIFF 1.2 or 2.0 file: each unit's id, source and target
/// (text inside inline elements included; `alt-trans` proposals ignored).
/// A target a tool marked as not translated yet (1.2 `state="new"` or
/// `"needs-translation"`, 2.0 `state="initial"`) counts as empty.
fn read_xliff(
    text: &str,
    file: &str,
    source_lang: &str,
    lang: Option<&str>,
) -> Result<ReadSheet, Box<Diagnostic>> {
    let doc = match roxmltree::Document::parse(text) {
        Ok(doc) => doc,
        Err(err) => {
            let pos = err.pos();
            let at = callsim_core::diagnostic::offset_of(text, pos.row as usize, pos.col as usize);
            let message = err.to_string();
            let message = message.rsplit_once(" at ").map_or(message.as_str(), |(m, _)| m);
            return Err(located(
                text,
                file,
                at..at,
                "bad-xliff",
                format!("this XLIFF is not well-formed XML: {message}"),
                "open it in the translation tool and save it again, or export a fresh copy".to_owned(),
            ));
        }
    };
    let root = doc.root_element();
    let at_node = |node: roxmltree::Node| node.range();
    if root.tag_name().name() != "xliff" {
        return Err(located(
            text,
            file,
            at_node(root),
            "bad-xliff",
            format!(
                "this is not XLIFF: its root element is `<{}>`",
                root.tag_name().name()
            ),
            "import the `.xlf` file `callsim translate export --format xliff` wrote".to_owned(),
        ));
    }
    let version2 = root.attribute("version").is_some_and(|v| v.starts_with('2'));
    let (file_source, file_target) = if version2 {
        (root.attribute("srcLang"), root.attribute("trgLang"))
    } else {
        let first = root.children().find(|n| n.has_tag_name_local("file"));
        (
            first.and_then(|f| f.attribute("source-language")),
            first.and_then(|f| f.attribute("target-language")),
        )
    };
    let language_problem = |message: String| {
        located(
            text,
            file,
            at_node(root),
            "wrong-language",
            message,
            format!(
                "import a file made for this scenario's `{source_lang}` texts (`callsim translate export FILE --lang …`)"
            ),
        )
    };
    if let Some(src) = file_source.filter(|s| !same_language(s, source_lang)) {
        return Err(language_problem(format!(
            "this file translates from `{src}`, but the scenario's texts are in `{source_lang}`"
        )));
    }
    let target_lang = match (lang, file_target) {
        (Some(lang), Some(t)) if !same_language(t, lang) => {
            return Err(language_problem(format!(
                "this file holds `{t}` translations, not `{lang}`"
            )));
        }
        (Some(lang), _) => lang.to_owned(),
        (None, Some(t)) => plain_code(t),
        (None, None) => {
            return Err(language_problem(
                "this file does not say which language it translates into (no target language)".to_owned(),
            ));
        }
    };
    let unit_tag = if version2 { "unit" } else { "trans-unit" };
    let mut entries = Vec::new();
    for unit in root.descendants().filter(|n| n.has_tag_name_local(unit_tag)) {
        let line = doc.text_pos_at(unit.range().start).row;
        let (source, target) = if version2 {
            let segments: Vec<roxmltree::Node> = unit
                .children()
                .filter(|n| n.has_tag_name_local("segment"))
                .collect();
            let part = |name: &str| {
                segments
                    .iter()
                    .filter_map(|s| s.children().find(|n| n.has_tag_name_local(name)))
                    .map(text_of)
                    .collect::<String>()
            };
            let untranslated = segments.iter().all(|s| s.attribute("state") == Some("initial"))
                && segments.iter().any(|s| s.attribute("state").is_some());
            (
                part("source"),
                if untranslated {
                    String::new()
                } else {
                    part("target")
                },
            )
        } else {
            let child = |name: &str| unit.children().find(|n| n.has_tag_name_local(name));
            let target = child("target")
                .filter(|t| !matches!(t.attribute("state"), Some("new" | "needs-translation")));
            (
                child("source").map(text_of).unwrap_or_default(),
                target.map(text_of).unwrap_or_default(),
            )
        };
        entries.push(Entry {
            unit: Unit {
                id: unit.attribute("id").unwrap_or("").trim().to_owned(),
                source: normalise(&source),
                target: normalise(&target),
                note: String::new(),
            },
            // The start tag, not the whole element, is pointed at.
            span: unit.range().start..unit.range().start + text[unit.range()].find('>').map_or(0, |i| i + 1),
            place: format!("line {line}"),
        });
    }
    Ok(ReadSheet {
        text: text.to_owned(),
        source_lang: source_lang.to_owned(),
        target_lang,
        entries,
    })
}

trait LocalName {
    fn has_tag_name_local(&self, name: &str) -> bool;
}

impl LocalName for roxmltree::Node<'_, '_> {
    fn has_tag_name_local(&self, name: &str) -> bool {
        self.is_element() && self.tag_name().name() == name
    }
}

/// All text inside an element, its inline elements' included.
fn text_of(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// `es` and `es-ES`, `zh` and `zh_CN` are the same language here.
fn same_language(a: &str, b: &str) -> bool {
    plain_code(a) == plain_code(b)
}

/// A language tag as the game writes it: `es-ES` → `es`, `ZH_cn` → `zh`
/// (translation tools add the region; the game's languages have none).
fn plain_code(tag: &str) -> String {
    tag.trim().split(['-', '_']).next().unwrap_or("").to_lowercase()
}

// ------------------------------------------------------------- shared ----

/// The file as text: UTF-8, a byte-order mark dropped, or UTF-16 with one
/// (Excel's "Unicode text"). Anything else is an error naming the line.
fn decode(bytes: &[u8], file: &str) -> Result<String, Unreadable> {
    let utf16 = |be: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], c.get(1).copied().unwrap_or(0)];
                if be {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| Unreadable {
            diagnostic: Box::new(Diagnostic::whole_file(
                "not-utf8",
                file,
                format!("`{file}` is not valid UTF-16 text"),
                "save it as CSV UTF-8 (comma delimited)".to_owned(),
            )),
            text: String::new(),
        })
    };
    match bytes {
        [0xff, 0xfe, ..] => return utf16(false),
        [0xfe, 0xff, ..] => return utf16(true),
        _ => {}
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(err) => {
            // Quote the line as far as it can be read.
            let text = String::from_utf8_lossy(bytes).into_owned();
            let at = String::from_utf8_lossy(&bytes[..err.valid_up_to()]).len();
            let (line, column) = line_column(&text, at);
            Err(Unreadable {
                diagnostic: located(
                    &text,
                    file,
                    at..at,
                    "not-utf8",
                    format!("`{file}` is not UTF-8 text (line {line}, column {column})"),
                    "in Excel, save as \"CSV UTF-8 (Comma delimited)\"; in LibreOffice, choose the character set \"Unicode (UTF-8)\" when saving".to_owned(),
                ),
                text,
            })
        }
    }
}

/// A problem at bytes `span` of a translation file.
pub(crate) fn located(
    text: &str,
    file: &str,
    span: Range<usize>,
    code: &'static str,
    message: String,
    help: String,
) -> Box<Diagnostic> {
    let (line, column) = line_column(text, span.start);
    Box::new(Diagnostic {
        severity: Severity::Error,
        code,
        message,
        file: file.to_owned(),
        line,
        column,
        span,
        label: None,
        help: Some(help),
    })
}

/// Line breaks as the scenario writes them: `\n`.
fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> Sheet {
        Sheet {
            source_lang: "en".to_owned(),
            target_lang: "ru".to_owned(),
            units: vec![
                Unit {
                    id: "title".to_owned(),
                    source: "=SUM(A1)".to_owned(),
                    target: "'=already quoted".to_owned(),
                    note: "-1 for a formula".to_owned(),
                },
                Unit {
                    id: "node.a.says.1".to_owned(),
                    source: "Two\nlines, \"quoted\" <b> & more".to_owned(),
                    target: String::new(),
                    note: "'Tis a note".to_owned(),
                },
            ],
        }
    }

    fn units(read: &ReadSheet) -> Vec<(String, String, String)> {
        read.entries
            .iter()
            .map(|e| (e.unit.id.clone(), e.unit.source.clone(), e.unit.target.clone()))
            .collect()
    }

    fn expected() -> Vec<(String, String, String)> {
        sheet()
            .units
            .into_iter()
            .map(|u| (u.id, u.source, u.target))
            .collect()
    }

    #[test]
    fn csv_round_trips_formulas_quotes_and_line_breaks() {
        let bytes = write_csv(&sheet());
        assert!(bytes.starts_with(b"\xef\xbb\xbfid,en,ru,context\r\n"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("'=SUM(A1)"), "{text}");
        assert!(text.contains("''=already quoted"), "{text}");
        let sheet = read(&bytes, "ru.csv", "en", None).expect("reads back");
        assert_eq!(sheet.target_lang, "ru");
        assert_eq!(units(&sheet), expected());
        assert_eq!(sheet.entries[1].place, "row 3");
    }

    #[test]
    fn csv_as_a_spreadsheet_saves_it_still_reads() {
        // Excel in a Russian locale: semicolons, CRLF, the guard quote gone.
        let text = "id;en;ru;context\r\ntitle;=SUM(A1);Итог;x\r\n\r\n;;;\r\n";
        let sheet = read(text.as_bytes(), "ru.csv", "en", Some("ru")).expect("reads");
        assert_eq!(
            units(&sheet),
            vec![("title".to_owned(), "=SUM(A1)".to_owned(), "Итог".to_owned())]
        );
        // UTF-16 with a BOM, tab-separated (Excel's "Unicode text").
        let utf16: Vec<u8> = "\u{feff}id\ten\tru\r\ntitle\tHi\tПривет\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let sheet = read(&utf16, "ru.txt", "en", None).expect("reads");
        assert_eq!(
            units(&sheet),
            vec![("title".to_owned(), "Hi".to_owned(), "Привет".to_owned())]
        );
    }

    #[test]
    fn csv_problems_name_the_file_and_the_place() {
        let err = read(b"id,en,ru\ntitle,Hi,\xff\xfe oops\n", "ru.csv", "en", None)
            .expect_err("not UTF-8")
            .diagnostic;
        assert!(err.to_string().starts_with("ru.csv:2:"), "{err}");
        assert!(err.message.contains("not UTF-8"), "{err}");
        let err = read(b"name,en,ru\n", "ru.csv", "en", None)
            .expect_err("no id column")
            .diagnostic;
        assert!(
            err.to_string()
                .starts_with("ru.csv:1:1: error: the first row has no `id` column"),
            "{err}"
        );
        let err = read(b"id,en,ru,es\n", "x.csv", "en", None)
            .expect_err("two languages")
            .diagnostic;
        assert!(err.message.contains("say which with --lang"), "{err}");
        let err = read(b"id,en,ru\n", "x.csv", "en", Some("es"))
            .expect_err("no es")
            .diagnostic;
        assert!(err.message.contains("no `es` column"), "{err}");
        let err = read(b"", "x.csv", "en", None).expect_err("empty").diagnostic;
        assert!(err.message.contains("is empty"), "{err}");
    }

    #[test]
    fn xliff_round_trips_and_is_well_formed() {
        let xml = write_xliff(&sheet(), "x.ron").expect("writes");
        let doc = roxmltree::Document::parse(&xml).expect("well-formed");
        assert_eq!(doc.root_element().attribute("version"), Some("1.2"));
        let sheet = read(xml.as_bytes(), "ru.xlf", "en", None).expect("reads back");
        assert_eq!(sheet.target_lang, "ru");
        assert_eq!(units(&sheet), expected());
        assert!(
            sheet.entries[1].place.starts_with("line "),
            "{}",
            sheet.entries[1].place
        );
    }

    #[test]
    fn xliff_from_tools_is_read_as_they_mean_it() {
        let xml = r#"<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="x" source-language="en-US" target-language="ru-RU" datatype="plaintext"><body>
  <group id="g">
   <trans-unit id="a"><source>Hi</source><target>При<g id="1">вет</g></target>
     <alt-trans><target>Другое</target></alt-trans></trans-unit>
  </group>
  <trans-unit id="b"><source>Bye</source><target state="needs-translation">Bye</target></trans-unit>
 </body></file></xliff>"#;
        let sheet = read(xml.as_bytes(), "x.xlf", "en", None).expect("reads");
        assert_eq!(sheet.target_lang, "ru", "the region is dropped");
        assert_eq!(
            units(&sheet),
            vec![
                ("a".to_owned(), "Hi".to_owned(), "Привет".to_owned()),
                ("b".to_owned(), "Bye".to_owned(), String::new()),
            ]
        );
        let v2 = r#"<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="es">
  <file id="f"><unit id="title"><segment state="translated"><source>Hi</source><target>Hola</target></segment></unit></file></xliff>"#;
        let sheet = read(v2.as_bytes(), "x.xlf", "en", None).expect("reads 2.0");
        assert_eq!(sheet.target_lang, "es");
        assert_eq!(
            units(&sheet),
            vec![("title".to_owned(), "Hi".to_owned(), "Hola".to_owned())]
        );
    }

    #[test]
    fn broken_xliff_is_an_error_at_its_line() {
        let xml = "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\">\n  <file source-language=\"en\" target-language=\"ru\"><body>\n    <trans-unit id=\"a\"><source>Hi</target>\n";
        let err = read(xml.as_bytes(), "ru.xlf", "en", None)
            .expect_err("broken")
            .diagnostic;
        assert!(err.to_string().starts_with("ru.xlf:4:"), "{err}");
        assert!(err.message.contains("not well-formed"), "{err}");
        let err = read(b"<html/>", "ru.xlf", "en", None)
            .expect_err("not xliff")
            .diagnostic;
        assert!(err.message.contains("root element is `<html>`"), "{err}");
        let wrong = "<xliff version=\"1.2\"><file source-language=\"en\" target-language=\"es\"/></xliff>";
        let err = read(wrong.as_bytes(), "x.xlf", "en", Some("ru"))
            .expect_err("es, not ru")
            .diagnostic;
        assert!(err.message.contains("holds `es` translations, not `ru`"), "{err}");
    }

    #[test]
    fn a_control_character_is_refused_by_name_in_xliff() {
        let mut s = sheet();
        s.units[0].source = "bell\u{7}".to_owned();
        let err = write_xliff(&s, "x.ron").expect_err("XML cannot carry it");
        assert!(err.contains("`title`") && err.contains("U+0007"), "{err}");
    }
}
