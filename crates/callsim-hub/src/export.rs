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
        let mut row = vec![
            as_text(&class.name),
            class.join_code.clone(),
            as_text(names.get(&a.trainee_id).copied().unwrap_or_default()),
            a.scenario.clone(),
            a.id.clone(),
            a.finished_at.clone(),
            a.seed.to_string(),
            a.language.clone(),
            a.ending.clone(),
            a.ending_kind.clone(),
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

/// A name typed by a trainee or facilitator, kept from being read as a
/// formula when the CSV is opened in a spreadsheet (`=HYPERLINK(...)` as a
/// trainee's name): a leading `=`, `+`, `-`, `@`, tab or carriage return
/// gets an apostrophe in front, as OWASP advises.
fn as_text(name: &str) -> String {
    if name.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{name}")
    } else {
        name.to_owned()
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
            json!({
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
            })
        })
        .collect()
}
