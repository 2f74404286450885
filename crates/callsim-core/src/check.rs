//! `callsim check`: everything that can be said about a scenario file, the
//! loader's checks and the path analysis's, as located diagnostics.

use std::path::{Path as FsPath, PathBuf};

use crate::analysis::{Analysis, Problem, analyze};
use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::Model;
use crate::scenario::spans::Path;
use crate::scenario::validate::Finding;
use crate::scenario::{LoadError, Loaded, load_file};

/// What `check` found in one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub file: PathBuf,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Loads, validates and analyses one file.
pub fn check_file(file: &FsPath) -> FileReport {
    match load_file(file) {
        Err(LoadError {
            diagnostics,
            file,
            source,
        }) => FileReport {
            file,
            source,
            diagnostics,
        },
        Ok(loaded) => check_loaded(loaded),
    }
}

/// Adds the path analysis's findings to a loaded file's warnings.
pub fn check_loaded(loaded: Loaded) -> FileReport {
    let Loaded {
        scenario,
        mut warnings,
        file,
        source,
    } = loaded;
    match Model::new(scenario) {
        Ok(model) => {
            let analysis = analyze(&model);
            let findings = soundness(&model, &analysis);
            let name = file.display().to_string();
            for d in crate::scenario::resolve_findings(&findings, &source, &name) {
                if !warnings.iter().any(|w| w.code == d.code && w.span == d.span) {
                    warnings.push(d);
                }
            }
        }
        Err(err) => warnings.push(Diagnostic {
            severity: Severity::Error,
            code: "internal",
            message: err.to_string(),
            file: file.display().to_string(),
            line: 1,
            column: 1,
            span: 0..0,
            label: None,
            help: Some(
                "a file that passes its checks should always play: please report this with the file"
                    .to_owned(),
            ),
        }),
    }
    warnings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.span.start.cmp(&b.span.start)));
    crate::diagnostic::cap(&mut warnings, &file.display().to_string());
    FileReport {
        file,
        source,
        diagnostics: warnings,
    }
}

/// The `next` (of a reply or one of its branches) in node `from` that
/// leads to node `to`: where a loop closes. When several replies do, the
/// one that changes nothing (no effects, not `once`) is the likely culprit;
/// if that is still ambiguous, none is named.
fn link_at(model: &Model, from: &str, to: &str) -> Option<Path> {
    let n = model.scenario.node_index(from)?;
    let node = &model.scenario.nodes[n];
    let links: Vec<(Path, bool)> = node
        .replies
        .iter()
        .enumerate()
        .flat_map(|(r, reply)| {
            let at = Path::root().field("nodes").index(n).field("replies").index(r);
            let idle = reply.effects.0.is_empty() && !reply.once;
            let direct = (reply.next == to).then(|| (at.clone().field("next"), idle));
            let branches = reply
                .branches
                .iter()
                .enumerate()
                .filter(|(_, b)| b.next == to)
                .map(move |(b, _)| (at.clone().field("branches").index(b).field("next"), idle));
            direct.into_iter().chain(branches)
        })
        .collect();
    if let [(only, _)] = links.as_slice() {
        return Some(only.clone());
    }
    let mut idle = links.into_iter().filter(|(_, idle)| *idle);
    match (idle.next(), idle.next()) {
        (Some((at, _)), None) => Some(at),
        _ => None,
    }
}

fn node_at(model: &Model, id: &str) -> Path {
    match model.scenario.node_index(id) {
        Some(i) => Path::root().field("nodes").index(i).field("id"),
        None => Path::root(),
    }
}

/// The analysis's problems as findings located in the file.
pub fn soundness(model: &Model, analysis: &Analysis) -> Vec<Finding> {
    let s = &model.scenario;
    let mut out = Vec::new();
    // At a dead end nothing is offered at all; "no good reply" would only
    // repeat it.
    let dead_ends: Vec<&str> = analysis
        .problems
        .iter()
        .filter_map(|p| match p {
            Problem::DeadEnd { node } => Some(node.as_str()),
            _ => None,
        })
        .collect();
    // Along a loop the best total and the longest path are only where the
    // analysis stopped counting: the loop is the problem to report.
    let looping = analysis
        .problems
        .iter()
        .any(|p| matches!(p, Problem::Loop { .. }));
    for p in &analysis.problems {
        match p {
            Problem::NoGoodReply { node } if dead_ends.contains(&node.as_str()) => continue,
            Problem::NoPerfectPath { .. } | Problem::TooLong { .. } | Problem::BestPathRevisits { .. }
                if looping =>
            {
                continue;
            }
            _ => {}
        }
        out.push(match p {
            Problem::Loop { nodes } => {
                let first = nodes.first().map_or("", String::as_str);
                let last = nodes.last().map_or("", String::as_str);
                Finding::new(
                    Severity::Error,
                    "loop",
                    link_at(model, last, first).unwrap_or_else(|| node_at(model, first)),
                    format!("the call can go round forever: {} -> {first}", nodes.join(" -> ")),
                    "give one reply in the loop `once: true`, a condition, or an effect that moves a meter towards a threshold",
                )
            }
            Problem::DeadEnd { node } => Finding::new(
                Severity::Error,
                "dead-end",
                node_at(model, node),
                format!("at node `{node}` every reply can be ruled out by its conditions, leaving nothing to choose"),
                "give at least one reply no `when`, or make sure the conditions cover every state",
            ),
            Problem::NoGoodReply { node } => Finding::new(
                Severity::Warning,
                "no-good-reply",
                node_at(model, node),
                format!("no reply that can be offered at node `{node}` earns positive points"),
                "give the trainee at least one good option here to learn from",
            ),
            Problem::NoPerfectPath {
                respect,
                sincerity,
                best_respect_path,
                best_sincerity_path,
            } => {
                let (pillar, path) = if *respect < analysis.scale.respect.best {
                    ("respect", best_respect_path)
                } else {
                    ("sincerity", best_sincerity_path)
                };
                Finding::new(
                    Severity::Warning,
                    "no-perfect-path",
                    Path::root().field("start"),
                    format!(
                        "the best path scores respect {respect} of {} and sincerity {sincerity} of {}: no single path reaches 100 on both",
                        analysis.scale.respect.best, analysis.scale.sincerity.best
                    ),
                    format!(
                        "the best {pillar} comes from {}; make the model answer best on both pillars",
                        path.join(" -> ")
                    ),
                )
            }
            Problem::BestPathRevisits { node, path } => Finding::new(
                Severity::Warning,
                "best-path-loops",
                node_at(model, node),
                format!(
                    "the best path comes back to node `{node}`: {}",
                    path.join(" -> ")
                ),
                "a model answer that goes round a loop teaches the trainee to repeat themselves: make the way out of the loop the better reply, or give the loop's replies negative points",
            ),
            Problem::TooLong { turns, max_turns } => Finding::new(
                Severity::Warning,
                "too-long",
                Path::root().field("max_turns"),
                format!("a path takes {turns} replies, more than `max_turns` ({max_turns}); the caller gives up first"),
                format!("raise `max_turns` to at least {turns}"),
            ),
            Problem::Truncated {
                states,
                starts_explored,
                starts,
                meters_in_range,
                out_of_time,
            } => {
                let stopped = if *out_of_time {
                    format!("the analysis ran out of time after {states} states")
                } else {
                    format!("the analysis stopped at {states} states")
                };
                let (at, message, help) = if *meters_in_range > 0 {
                    (
                        Path::root().field("persona").field("meters"),
                        format!(
                            "{stopped}, from {starts_explored} of {starts} starting moods: {meters_in_range} meter{} start in a range, so every corner of the ranges is a start to explore (2^{meters_in_range} = {}), and each different meter value is a different state",
                            if *meters_in_range == 1 { "" } else { "s" },
                            1u64 << (*meters_in_range).min(63)
                        ),
                        "give most meters a fixed start (e.g. start: 50) rather than a range, and move meters in coarser steps (by 5 or 10) so fewer values are reached",
                    )
                } else {
                    (
                        Path::root().field("nodes"),
                        format!("{stopped}, before exploring them all"),
                        "use fewer `once` replies and Visited conditions, or move meters in coarser steps (by 5 or 10)",
                    )
                };
                Finding::new(Severity::Warning, "too-many-states", at, message, help)
            }
        });
    }
    for id in &analysis.unreachable_endings {
        if let Some(i) = s.endings.iter().position(|e| &e.id == id) {
            out.push(Finding::new(
                Severity::Warning,
                "unreachable-ending",
                Path::root().field("endings").index(i).field("id"),
                format!("no path through the call reaches the ending `{id}`"),
                "check the conditions and thresholds that should lead here",
            ));
        }
    }
    for id in &analysis.unreachable_nodes {
        out.push(Finding::new(
            Severity::Warning,
            "unreachable-node",
            node_at(model, id),
            format!("no path through the call reaches node `{id}`"),
            "check the conditions on the replies and branches that lead here",
        ));
    }
    for r in &analysis.unused_replies {
        let (node, reply) = r.split_once('/').unwrap_or((r, ""));
        let at = model
            .scenario
            .node_index(node)
            .and_then(|n| {
                s.nodes[n].replies.iter().position(|x| x.id == reply).map(|i| {
                    Path::root()
                        .field("nodes")
                        .index(n)
                        .field("replies")
                        .index(i)
                        .field("when")
                })
            })
            .unwrap_or_else(|| node_at(model, node));
        out.push(Finding::new(
            Severity::Warning,
            "never-offered",
            at,
            format!("the reply `{reply}` at node `{node}` is never offered: its conditions never hold when the call is there"),
            "loosen its `when`, or remove the reply",
        ));
    }
    out
}

/// The files named, and every scenario file under the folders named (the
/// rule of [`crate::scenario::scenario_files`]: subfolders searched, hidden
/// files and folders skipped), in the order given.
pub fn expand(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            files.extend(crate::scenario::scenario_files(p)?);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}
