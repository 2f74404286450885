//! The trainer's command line: check, play, analyze, graph, import,
//! translate, lsp. No window needed.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use unicode_width::UnicodeWidthStr;

use callsim_core::analysis::analyze;
use callsim_core::call::Call;
use callsim_core::check::{check_file, expand};
use callsim_core::debrief::Debrief;
use callsim_core::engine::Model;
use callsim_core::locale::labels::{Label, clock, points_text, skill_label, t, tf};
use callsim_core::points::Skill;
use callsim_core::scenario::{Action, load_file};

#[derive(Debug, Parser)]
#[command(
    name = "callsim",
    version,
    about = "A training game for call-centre agents, and the tools to write its scenarios."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no subcommand: how to launch the game.
    #[command(flatten)]
    pub game: callsim_game::Launch,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check scenario files (or folders of them) for mistakes.
    Check {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Play a call in the terminal.
    Play {
        file: PathBuf,
        /// Language for the scenario's text (falls back to its default).
        #[arg(long, default_value = "en")]
        lang: String,
        /// Seed for the caller's mood, lines and reply order.
        #[arg(long)]
        seed: Option<u64>,
        /// Scripted choices, by displayed number or reply id, e.g. 2,1,3 or
        /// acknowledge_and_check,ask_when_topped_up.
        #[arg(long, value_delimiter = ',')]
        choose: Option<Vec<String>>,
        /// Print the debrief as JSON.
        #[arg(long)]
        json: bool,
        /// Reply in your own words (one line each, from standard input);
        /// the sentence model understands them as the scenario's replies.
        /// `/hangup` hangs up.
        #[arg(long, conflicts_with = "choose")]
        typed: bool,
    },
    /// What the sentence model makes of a typed reply at a node: every
    /// reply written there, ranked, with the verdict. Without TEXT, reads
    /// one text per line from standard input.
    Understand {
        file: PathBuf,
        /// The node (the moment of the call) the text answers.
        #[arg(long)]
        node: String,
        /// One object per text on its own line.
        #[arg(long)]
        json: bool,
        text: Option<String>,
    },
    /// Explore every path: score ranges, the best path, reachable endings, problems.
    Analyze {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Write a small, valid, commented scenario to start from.
    New {
        /// A title ("The lost parcel", written to scenarios/the-lost-parcel.ron)
        /// or a file path ending in .ron.
        name: String,
    },
    /// Draw the scenario's graph.
    Graph {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "dot")]
        format: GraphFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Language for node and reply labels.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Translate a scenario: export its texts for a translator (CSV or
    /// XLIFF), import the translations into the file in place, see what is
    /// left to translate.
    Translate {
        #[command(subcommand)]
        command: TranslateCommand,
    },
    /// A language server for scenario files: your editor checks, completes and renames as you type.
    ///
    /// check's diagnostics as you type, completion of ids and fields, go to
    /// definition, references, hover and rename, in VS Code, Helix, Neovim
    /// or any editor that speaks the Language Server Protocol. It talks on
    /// standard input and output, and the editor starts it: set-up in
    /// docs/scenario-guide.md, "Editor support".
    Lsp,
    /// Turn branching content made with another tool into a scenario file
    /// to finish: an H5P Branching Scenario or a Twine 2 story. What was
    /// dropped or approximated is listed as warnings; `callsim check` on
    /// the result lists what is left for you to decide.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Run a class hub: trainees join from their own PCs, the facilitator
    /// sees the class's results in a browser and runs class votes.
    Serve {
        /// Where to listen; 0.0.0.0:7878 lets the training room's PCs in.
        #[arg(long, default_value = "127.0.0.1:7878")]
        addr: std::net::SocketAddr,
        /// postgres://user:password@host/db for PostgreSQL; otherwise SQLite.
        #[arg(long)]
        database: Option<String>,
        /// The folder of the SQLite database.
        #[arg(long, default_value = "callsim-hub")]
        data: PathBuf,
        /// The scenarios the hub checks attempts against and plays class votes with.
        #[arg(long, default_value = "scenarios")]
        scenarios: PathBuf,
        /// A key needed to create classes (the API and the home page's form);
        /// also read from CALLSIM_ORGANISER_KEY. Without one, anyone who can
        /// reach the hub can create classes.
        #[arg(long)]
        organiser_key: Option<String>,
        /// Serve HTTPS: the certificate chain, a PEM file (with --tls-key).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key, a PEM file (with --tls-cert).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
}

/// What `callsim import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// An H5P Branching Scenario: the .h5p file, or the content.json from inside it.
    H5p(ImportArgs),
    /// A Twine 2 story: Twee 3 text (.twee) or the published .html.
    Twine(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    file: PathBuf,
    /// Write the scenario to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Write over the output file if it exists.
    #[arg(long, requires = "output")]
    force: bool,
    /// The language the content is written in (en, zh, ru, es, ...), when
    /// the source does not say: H5P's own setting, else English.
    #[arg(long)]
    lang: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TranslateCommand {
    /// Every text to translate into a language, one entry each: its id, the
    /// source text, the translation so far, and who says it when.
    Export {
        file: PathBuf,
        /// The language to translate into, e.g. ru, es, zh.
        #[arg(long)]
        lang: String,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// csv for a spreadsheet, xliff (1.2) for translation tools; by
        /// default from the output's extension (.xlf, .xliff), else csv.
        #[arg(long, value_enum)]
        format: Option<TranslationFormat>,
    },
    /// Write the translations from TRANSLATIONS (CSV or XLIFF, as exported)
    /// into FILE in place, keeping its comments and layout, then check it.
    Import {
        file: PathBuf,
        translations: PathBuf,
        /// The language to import (by default the one the file holds).
        #[arg(long)]
        lang: Option<String>,
        /// Write the entries without errors even when others have some.
        #[arg(long)]
        partial: bool,
    },
    /// Per language: how many texts are translated, missing or stale.
    Status { file: PathBuf },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TranslationFormat {
    Csv,
    Xliff,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Svg,
}

/// Runs a CLI command; `None` means no subcommand was given.
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Check { paths, deny_warnings } => return check(&paths, deny_warnings),
        Command::Play {
            file,
            lang,
            seed,
            choose,
            json,
            typed,
        } => {
            if typed {
                crate::typed::play_typed(&file, &lang, seed, json)
            } else {
                play(&file, &lang, seed, choose, json)
            }
        }
        Command::Understand {
            file,
            node,
            json,
            text,
        } => crate::typed::understand_cmd(&file, &node, text.as_deref(), json),
        Command::Analyze { file, json } => analyze_cmd(&file, json),
        Command::Import { source } => return import_cmd(source),
        Command::New { name } => callsim_core::starter::create(&name).map(|file| {
            println!("wrote {}", file.display());
            println!(
                "next: edit it, then `callsim check {0}` and `callsim play {0}`",
                file.display()
            );
        }),
        Command::Graph {
            file,
            format,
            output,
            lang,
        } => graph_cmd(&file, format, output.as_deref(), &lang),
        Command::Translate { command } => return crate::translate::run(command),
        Command::Lsp => callsim_lsp::run_stdio(),
        Command::Serve {
            addr,
            database,
            data,
            scenarios,
            organiser_key,
            tls_cert,
            tls_key,
        } => callsim_hub::serve(callsim_hub::HubConfig {
            addr,
            database,
            data,
            scenarios,
            settings: callsim_hub::state::HubSettings {
                organiser_key: organiser_key
                    .or_else(|| std::env::var("CALLSIM_ORGANISER_KEY").ok())
                    .filter(|key| !key.trim().is_empty()),
                tls: tls_cert
                    .zip(tls_key)
                    .map(|(cert, key)| callsim_hub::state::TlsFiles { cert, key }),
                ..callsim_hub::state::HubSettings::default()
            },
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn check(paths: &[PathBuf], deny_warnings: bool) -> ExitCode {
    let files = match expand(paths) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    if files.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!("error: no scenario files (`*.ron`) in {}", names.join(", "));
        return ExitCode::FAILURE;
    }
    let (mut errors, mut warnings) = (0, 0);
    let mut out = io::stdout().lock();
    // The typed-reply checks need the sentence model: loaded once, on the
    // first file that loads.
    let mut encoder: Option<Result<callsim_encoder::Encoder, String>> = None;
    for file in &files {
        let mut report = check_file(file);
        if report.errors() == 0
            && let Ok(model) = load_model(file)
        {
            let loaded = encoder.get_or_insert_with(crate::typed::load_encoder);
            match loaded {
                Ok(encoder) => {
                    let findings = callsim_core::understand::lint(&model, encoder);
                    let name = file.display().to_string();
                    report
                        .diagnostics
                        .extend(callsim_core::scenario::resolve_findings(
                            &findings,
                            &report.source,
                            &name,
                        ));
                }
                Err(e) => {
                    eprintln!("note: typed replies not checked: {e}");
                    encoder = Some(Err(String::new()));
                }
            }
        }
        for d in &report.diagnostics {
            let _ = write!(out, "{}", d.render(&report.source));
            let _ = writeln!(out);
        }
        errors += report.errors();
        warnings += report.warnings();
    }
    if let Some(Ok(encoder)) = &encoder {
        crate::typed::keep_embedded(encoder);
    }
    let verdict = if errors > 0 || (deny_warnings && warnings > 0) {
        "failed"
    } else {
        "ok"
    };
    let _ = writeln!(
        out,
        "checked {} file{}: {errors} error{}, {warnings} warning{}: {verdict}",
        files.len(),
        plural(files.len()),
        plural(errors),
        plural(warnings)
    );
    if verdict == "ok" {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `callsim import`: the draft on standard output or in `-o FILE`, the
/// warnings on standard error.
fn import_cmd(source: ImportSource) -> ExitCode {
    let (args, imported) = match source {
        ImportSource::H5p(args) => {
            let options = callsim_import::Options {
                lang: args.lang.clone(),
            };
            let imported = callsim_import::h5p::import(&args.file, &options);
            (args, imported)
        }
        ImportSource::Twine(args) => {
            let options = callsim_import::Options {
                lang: args.lang.clone(),
            };
            let imported = callsim_import::twine::import(&args.file, &options);
            (args, imported)
        }
    };
    let draft = match imported {
        Ok(draft) => draft,
        Err(e) => {
            eprint!("{}", e.render());
            return ExitCode::FAILURE;
        }
    };
    let ron = draft.to_ron();
    for w in &draft.warnings {
        eprintln!("warning: {}: {w}", args.file.display());
    }
    let Some(output) = &args.output else {
        print!("{ron}");
        return ExitCode::SUCCESS;
    };
    let same_file = std::fs::canonicalize(output)
        .ok()
        .zip(std::fs::canonicalize(&args.file).ok())
        .is_some_and(|(a, b)| a == b);
    if same_file {
        eprintln!(
            "error: {} is the file being imported; write the scenario to another file",
            output.display()
        );
        return ExitCode::FAILURE;
    }
    if let Err(e) = callsim_import::write_new(output, &ron, args.force) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let replies: usize = draft.nodes.iter().map(|n| n.replies.len()).sum();
    println!(
        "wrote {}: {} node{}, {} repl{}, {} ending{}{}",
        output.display(),
        draft.nodes.len(),
        plural(draft.nodes.len()),
        replies,
        if replies == 1 { "y" } else { "ies" },
        draft.endings.len(),
        plural(draft.endings.len()),
        match draft.warnings.len() {
            0 => String::new(),
            n => format!(
                "; {n} warning{} about what was dropped or approximated (also in the file's header)",
                plural(n)
            ),
        }
    );
    println!(
        "next: `callsim check {}` lists what is left for you to decide: the caller, the mood meters, the points",
        output.display()
    );
    ExitCode::SUCCESS
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Loads a scenario for play or analysis, or says why it cannot.
pub fn load_model(file: &Path) -> Result<Arc<Model>, String> {
    let loaded = load_file(file).map_err(|e| e.render())?;
    Model::new(loaded.scenario)
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

fn play(
    file: &Path,
    lang: &str,
    seed: Option<u64>,
    choose: Option<Vec<String>>,
    json: bool,
) -> Result<(), String> {
    let model = load_model(file)?;
    let seed = seed.unwrap_or_else(rand::random);
    let mut call = Call::start(model, seed, lang);
    let s = &call.model().scenario;
    let quiet = json;
    if !quiet {
        println!(
            "{} — {}  {}",
            s.text(&s.title, lang),
            s.text(&s.persona.name, lang),
            tf(lang, Label::SeedIs, &[("seed", &seed)])
        );
        let policy = s.text(&s.policy.notes, lang);
        if !policy.is_empty() {
            println!("{}{policy}", said(lang, Label::CentrePolicy));
        }
        println!();
    }
    let mut script = choose.map(|c| c.into_iter());
    let stdin = io::stdin();
    let mut lines = stdin.lock().lines();
    while !call.is_over() {
        if !quiet {
            print_turn(&call, lang, false);
        }
        let answer = match script.as_mut() {
            Some(script) => match script.next() {
                Some(answer) => answer,
                None => {
                    return Err(format!(
                        "the scripted choices ran out before the call ended (at node `{}`)",
                        call.node_id()
                    ));
                }
            },
            None => {
                print!("> ");
                let _ = io::stdout().flush();
                match lines.next() {
                    Some(Ok(line)) => line.trim().to_owned(),
                    _ => return Err("no more input: the call was left unfinished".to_owned()),
                }
            }
        };
        // A number picks by display order, anything else by reply id.
        let result = match answer.parse::<usize>() {
            Ok(number) => call.choose(number),
            Err(_) => call.choose_id(&answer),
        };
        match result {
            Ok(step) => {
                if !quiet {
                    println!("  {}{}", said(lang, Label::You), step.turn.text);
                    println!("  {}  {}", points_text(lang, step.turn.points), step.turn.note);
                    for note in &step.turn.rule_notes {
                        println!("  ! {note}");
                    }
                    println!();
                }
            }
            Err(err) if script.is_some() => return Err(format!("error: {err}")),
            Err(err) => println!("{err}"),
        }
    }
    if let Some(left) = script.map(|s| s.count()).filter(|n| *n > 0) {
        eprintln!("warning: the call ended with {left} scripted choice(s) unused");
    }
    print_debrief(&call, json)
}

/// The finished call's debrief, as JSON or for people.
pub(crate) fn print_debrief(call: &Call, json: bool) -> Result<(), String> {
    let debrief = call.debrief().ok_or("the call ended without a debrief")?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&debrief).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", render_debrief(&debrief));
    }
    Ok(())
}

/// The caller's line, the meters and, unless the trainee types their
/// reply, the options.
pub(crate) fn print_turn(call: &Call, lang: &str, typing: bool) {
    println!("{}{}", said(lang, Label::Caller), call.caller_line());
    let meters: Vec<String> = call
        .meters()
        .iter()
        .map(|m| format!("{} {}/{}", m.label, m.value, m.max))
        .collect();
    println!(
        "  [{}]  {} {}",
        meters.join("  "),
        t(lang, Label::CallTime),
        clock(call.clock())
    );
    // The facts appear once, right after the trainee looked them up.
    let just_checked = call
        .turns()
        .last()
        .is_some_and(|t| t.action == Action::CheckAccount);
    if let Some(facts) = call.account().filter(|_| just_checked) {
        for (label, value) in facts {
            println!("  {} · {label}: {value}", t(lang, Label::Account));
        }
    }
    for o in call.options().iter().filter(|_| !typing) {
        let tag = match o.action {
            Action::Say => None,
            Action::CheckAccount => Some(t(lang, Label::CheckAccount).to_owned()),
            Action::Hold { seconds } => Some(tf(lang, Label::HoldTag, &[("seconds", &seconds)])),
            Action::Transfer => Some(match &o.transfer_to {
                Some(name) => tf(lang, Label::TransferTo, &[("name", name)]),
                None => t(lang, Label::Transfer).to_owned(),
            }),
            Action::EndCall => Some(t(lang, Label::EndCall).to_owned()),
        };
        let tag = tag.map(|tag| format!("[{tag}] ")).unwrap_or_default();
        println!("  {}. {tag}{}", o.number, o.text);
    }
}

/// The debrief as plain text, its headings in the call's language.
pub fn render_debrief(d: &Debrief) -> String {
    let lang = d.language.as_str();
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("=== {} ===", d.headline));
    if let Some(says) = &d.ending.says {
        line(format!("{}{says}", said(lang, Label::Caller)));
    }
    line(d.ending.text.clone());
    line(String::new());
    let pillars = [(Label::Respect, &d.respect), (Label::Sincerity, &d.sincerity)];
    let column = pillars
        .iter()
        .map(|(label, _)| t(lang, *label).width())
        .max()
        .unwrap_or(0);
    for (label, score) in pillars {
        if !score.assessed() {
            line(format!(
                "{} {}",
                pad(t(lang, label), column),
                t(lang, Label::NotAssessed)
            ));
            continue;
        }
        let detail = tf(
            lang,
            Label::ScoreDetail,
            &[
                ("total", &score.total),
                ("best", &score.best),
                ("lost", &score.lost()),
            ],
        );
        line(format!(
            "{} {:>3}/100  {detail}",
            pad(t(lang, label), column),
            score.percent
        ));
    }
    if let Some(note) = d.cap_note() {
        line(format!("! {note}"));
    }
    for skill in Skill::ALL {
        let s = d.skill(skill);
        let name = pad(t(lang, skill_label(skill)), 16);
        if !s.assessed() {
            line(format!("  {name}{}", t(lang, Label::NotAssessed)));
            continue;
        }
        let bar = "#".repeat(usize::from(s.percent) / 5);
        let lost = tf(lang, Label::PointsLost, &[("lost", &s.lost())]);
        line(format!("  {name}{bar:<20} {:>3}  {lost}", s.percent));
    }
    line(t(lang, Label::ScaleHelp).to_owned());
    line(format!("{} {}", t(lang, Label::CallTime), clock(d.seconds)));
    line(String::new());
    for turn in &d.turns {
        let r = &turn.turn;
        line(format!("{}. {}{}", r.number, said(lang, Label::Caller), r.caller));
        line(format!("   {}{}", said(lang, Label::You), r.text));
        if let Some(typed) = &r.typed {
            let sure = tf(
                lang,
                Label::Sureness,
                &[("percent", &callsim_core::understand::sureness(typed.similarity))],
            );
            line(format!(
                "   {}{:?}  ({sure})",
                said(lang, Label::YouTyped),
                typed.text
            ));
        }
        line(format!("   {}  {}", points_text(lang, r.points), r.note));
        for note in &r.rule_notes {
            line(format!("   ! {note}"));
        }
        if let Some(best) = &turn.best {
            line(format!("   {}{}", said(lang, Label::BestHere), best.text));
            line(format!("   {}  {}", points_text(lang, best.points), best.note));
        }
    }
    let args = format!("--seed {} --choose {}", d.seed, d.choices.join(","));
    line(tf(lang, Label::ReplayWith, &[("args", &args)]));
    out
}

/// `label` introducing what someone said or a value: `Caller: ` in most
/// languages, `客户：` in Chinese.
pub(crate) fn said(lang: &str, label: Label) -> String {
    match lang {
        "zh" => format!("{}：", t(lang, label)),
        _ => format!("{}: ", t(lang, label)),
    }
}

/// `text` padded with spaces to `columns` terminal columns (a Chinese
/// character takes two).
fn pad(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(text.width())))
}

fn analyze_cmd(file: &Path, json: bool) -> Result<(), String> {
    let model = load_model(file)?;
    let a = analyze(&model);
    if json {
        println!("{}", serde_json::to_string_pretty(&a).map_err(|e| e.to_string())?);
        return Ok(());
    }
    println!("{}: {} states explored", a.scenario, a.states);
    let start: Vec<String> = a.typical_start.iter().map(|(m, v)| format!("{m} {v}")).collect();
    println!(
        "score range from the typical start ({}), where the best path is played:",
        start.join(", ")
    );
    print_scale(&a.typical_scale);
    if a.scale != a.typical_scale {
        println!("score range over every start the caller's mood can have:");
        print_scale(&a.scale);
    }
    // Issue 11: the worst path's totals differed from the table's worst
    // figures without a word why. The paths are the best and worst on all
    // four sub-skills together; the table's figures are each pillar's or
    // skill's own extreme, often reached on different paths.
    for (name, path, extreme) in [
        ("best", &a.best_path, "highest"),
        ("worst", &a.worst_path, "lowest"),
    ] {
        println!(
            "{name} path ({} replies) -> {}: the {extreme} total of all four sub-skills, respect {} + sincerity {} = {}",
            path.steps.len(),
            path.ending,
            path.respect,
            path.sincerity,
            path.points.total()
        );
        let (respect, sincerity) = if name == "best" {
            (a.typical_scale.respect.best, a.typical_scale.sincerity.best)
        } else {
            (a.typical_scale.respect.worst, a.typical_scale.sincerity.worst)
        };
        if (respect, sincerity) != (path.respect, path.sincerity) {
            println!(
                "  the {name} of each pillar alone, on any path: respect {respect}, sincerity {sincerity} (the table's {name} column)"
            );
        }
        if name == "best" {
            for step in &path.steps {
                println!(
                    "  {:<22} {:<28} {}",
                    step.node,
                    step.reply,
                    points_text("en", step.points)
                );
            }
        }
    }
    println!("endings reached: {}", a.reachable_endings.join(", "));
    if !a.unreachable_endings.is_empty() {
        println!("endings never reached: {}", a.unreachable_endings.join(", "));
    }
    if !a.unreachable_nodes.is_empty() {
        println!("nodes never reached: {}", a.unreachable_nodes.join(", "));
    }
    if !a.unused_replies.is_empty() {
        println!("replies never offered: {}", a.unused_replies.join(", "));
    }
    println!("longest call: {} replies", a.longest_path);
    // The same words `check` uses; `check` adds where in the file.
    let problems = callsim_core::check::soundness(&model, &a);
    if problems.is_empty() {
        println!("no problems found");
    }
    for p in &problems {
        println!("{}: {}", p.severity, p.message);
        if let Some(help) = &p.help {
            println!("  help: {help}");
        }
    }
    Ok(())
}

fn print_scale(scale: &callsim_core::analysis::Scale) {
    // Each row's own extremes: a path worst on one row need not be on another.
    println!(
        "  {:<16} {:>6} {:>6}   (respect, sincerity: each on its own best and worst path)",
        "", "best", "worst"
    );
    for (name, r) in [("respect", scale.respect), ("sincerity", scale.sincerity)] {
        println!("  {name:<16} {:>6} {:>6}", r.best, r.worst);
    }
    for skill in Skill::ALL {
        let r = scale.skill(skill);
        println!(
            "  {:<16} {:>6} {:>6}   (best: on the best path; worst: on its own)",
            skill.name(),
            r.best,
            r.worst
        );
    }
}

fn graph_cmd(file: &Path, format: GraphFormat, output: Option<&Path>, lang: &str) -> Result<(), String> {
    let model = load_model(file)?;
    let text = match format {
        GraphFormat::Dot => callsim_core::graph::dot(&model, lang),
        GraphFormat::Mermaid => callsim_core::graph::mermaid(&model, lang),
        GraphFormat::Svg => callsim_core::graph::svg(&model, lang),
    };
    match output {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
