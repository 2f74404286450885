//! `callsim check` as a trainer runs it: the built binary, its exit status
//! and what it prints, on clean, broken and warning-only files, several
//! paths, a folder and a path that does not exist. And `callsim play` in
//! the terminal, in the language asked for.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `callsim COMMAND ARGS` from the crate root, so paths print as given.
fn callsim(command: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg(command)
        .args(args)
        .output()
        .expect("the callsim binary runs")
}

fn check(args: &[&str]) -> Output {
    callsim("check", args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("callsim exits with a status")
}

#[test]
fn a_clean_folder_passes() {
    let out = check(&["scenarios/", "--deny-warnings"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("error") || l.starts_with("warning")),
        "{text}"
    );
    let shipped =
        callsim_core::scenario::scenario_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
            .expect("scenarios/ can be listed")
            .len();
    assert!(
        text.contains(&format!("checked {shipped} file")) && text.contains("0 errors, 0 warnings: ok"),
        "{text}"
    );
}

#[test]
fn a_broken_file_prints_a_compiler_style_error_and_fails() {
    let out = check(&["tests/broken/unknown-next-node.ron"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("error: no node or ending is called `reasured`"),
        "{text}"
    );
    assert!(
        text.contains("--> tests/broken/unknown-next-node.ron:49:27"),
        "{text}"
    );
    // The offending line is quoted with a caret under the reference.
    assert!(text.contains(r#"next: "reasured","#), "{text}");
    assert!(text.contains("^^^^^^^^^^"), "{text}");
    assert!(text.contains("= help: did you mean `reassured`?"), "{text}");
    assert!(
        text.contains("checked 1 file: 1 error, 0 warnings: failed"),
        "{text}"
    );
}

#[test]
fn a_syntax_error_points_where_the_fix_goes() {
    let out = check(&["tests/broken/missing-comma.ron"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("error: a comma is missing before `points`"),
        "{text}"
    );
    assert!(
        text.contains("--> tests/broken/missing-comma.ron:55:35"),
        "{text}"
    );
    assert!(text.contains("= help: add `,` at the end of line 55"), "{text}");
}

#[test]
fn warnings_alone_pass_unless_denied() {
    let file = "tests/broken/unreachable-node.ron";
    let out = check(&[file]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("warning: no reply leads to node `wants_it_today`"),
        "{text}"
    );
    assert!(text.contains("0 errors, 1 warning: ok"), "{text}");

    let denied = check(&[file, "--deny-warnings"]);
    let text = stdout(&denied);
    assert_eq!(code(&denied), 1, "{text}");
    assert!(text.contains("0 errors, 1 warning: failed"), "{text}");
}

#[test]
fn several_paths_are_checked_in_order() {
    let out = check(&[
        "tests/broken/unknown-action.ron",
        "scenarios/missing-bonus-number.ron",
        "tests/broken/duplicate-node-id.ron",
    ]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    let action = text
        .find("--> tests/broken/unknown-action.ron:46:29")
        .unwrap_or_else(|| panic!("no unknown-action error in:\n{text}"));
    let node = text
        .find("--> tests/broken/duplicate-node-id.ron:73:17")
        .unwrap_or_else(|| panic!("no duplicate-node error in:\n{text}"));
    assert!(action < node, "{text}");
    assert!(
        text.contains("checked 3 files: 2 errors, 0 warnings: failed"),
        "{text}"
    );
}

#[test]
fn a_folder_checks_every_scenario_in_it() {
    let out = check(&["tests/broken"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1);
    let files =
        callsim_core::scenario::scenario_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken"))
            .expect("tests/broken/ can be listed");
    assert!(
        text.contains(&format!("checked {} files:", files.len())),
        "{text}"
    );
    for file in files {
        let name = file.file_name().and_then(|n| n.to_str()).expect("a UTF-8 name");
        assert!(
            text.contains(&format!("--> tests/broken/{name}:")),
            "nothing about {name}"
        );
    }
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let out = check(&["scenarios/no-such-call.ron"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("error: there is no file or folder `scenarios/no-such-call.ron`"),
        "{text}"
    );
    assert!(text.contains("= help: check the spelling of the path"), "{text}");
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn a_folder_without_scenarios_is_an_error() {
    let out = check(&["docs"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(
        stderr(&out).contains("error: no scenario files (`*.ron`) in"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn analyze_names_a_dead_end_in_words_with_a_fix() {
    let out = Command::new(env!("CARGO_BIN_EXE_callsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["analyze", "tests/broken/dead-end-conditions.ron"])
        .output()
        .expect("the callsim binary runs");
    let text = stdout(&out);
    assert!(
        text.contains("error: at node `reassured` every reply can be ruled out by its conditions")
            && text.contains("  help: give at least one reply no `when`"),
        "{text}"
    );
    assert!(
        !text.contains("{\""),
        "no raw JSON in the readable report:\n{text}"
    );
}

fn play(args: &[&str]) -> Output {
    callsim("play", args)
}

#[test]
fn play_speaks_the_trainees_language_around_the_scenarios_text() {
    let tired = "query_by_sms,query_by_sms_once_more,no_need_for_supervisor";
    let zh = play(&[
        "scenarios/missing-bonus-number.ron",
        "--lang",
        "zh",
        "--seed",
        "3",
        "--choose",
        tired,
    ]);
    assert_eq!(code(&zh), 0, "{}", stderr(&zh));
    let out = stdout(&zh);
    for expected in [
        "迟迟不到的赠送号 — 张先生  （种子 3）",
        "中心规定：只有客户要求找主管",
        "客户：我充了一百块钱，赠送号到现在还没收到！",
        "你：您可以自己发短信查一下赠送号。",
        "[查询账户] 让您等着",
        "=== 他气得挂了电话 ===",
        "尊重   0/100  （得分 -9，最佳打法 16 分；失分 25）",
        "真诚   0/100",
        "100 分是这通电话允许的最佳表现；0 分表示什么都没得到。",
        "这里最好的回应：您说得对，我还没真正帮您查过。",
        "重播这通电话：--seed 3 --choose query_by_sms,query_by_sms_once_more,no_need_for_supervisor",
    ] {
        assert!(out.contains(expected), "`{expected}` missing from:\n{out}");
    }
    for english in ["Caller:", "You:", "Respect", "Best reply here"] {
        assert!(!out.contains(english), "`{english}` left in English:\n{out}");
    }

    let en = play(&[
        "scenarios/missing-bonus-number.ron",
        "--seed",
        "3",
        "--choose",
        tired,
    ]);
    let out = stdout(&en);
    for expected in [
        "Caller: ",
        "Respect     0/100  (-9 of the best play's 16 points; 25 lost)",
        "  Acknowledgement                        0  12 points lost",
        "Best reply here: ",
        "Replay with: --seed 3 --choose query_by_sms,",
    ] {
        assert!(out.contains(expected), "`{expected}` missing from:\n{out}");
    }
}

// Issue 11: `check DIR` searches subfolders and skips hidden files and
// folders (editors' swap files, `.git`), the rule the game and hub follow.
#[test]
fn check_searches_subfolders_and_skips_hidden_files() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let good = std::fs::read_to_string(root.join("scenarios/missing-bonus-number.ron")).expect("readable");
    let broken = std::fs::read_to_string(root.join("tests/broken/unknown-next-node.ron")).expect("readable");
    std::fs::create_dir_all(dir.path().join("week-2/.git")).expect("folders made");
    std::fs::write(dir.path().join("week-2/bonus.ron"), &good).expect("written");
    std::fs::write(dir.path().join(".bonus.ron.swp.ron"), &broken).expect("written");
    std::fs::write(dir.path().join("week-2/.draft.ron"), &broken).expect("written");
    std::fs::write(dir.path().join("week-2/.git/old.ron"), &broken).expect("written");
    let folder = dir.path().display().to_string();
    let out = check(&[&folder]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    assert!(text.contains("checked 1 file: 0 errors"), "{text}");
}

// Issue 11: points were written `U+2 A+1 E0 S+3` in every language, and
// `S` (assistance) read as Sincerity.
#[test]
fn play_writes_points_in_words_in_the_trainees_language() {
    let args = |lang: &'static str| {
        [
            "scenarios/missing-bonus-number.ron",
            "--lang",
            lang,
            "--seed",
            "3",
            "--choose",
            "query_by_sms,query_by_sms_once_more,no_need_for_supervisor",
        ]
    };
    for (lang, skill) in [
        ("en", "Assistance "),
        ("zh", "协助 "),
        ("ru", "Помощь "),
        ("es", "Ayuda "),
    ] {
        let out = play(&args(lang));
        let text = stdout(&out);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(text.contains(skill), "{lang}: `{skill}` missing from:\n{text}");
        for letter in ["U+", "U-", "S+", "S-", " E0", " A+"] {
            assert!(!text.contains(letter), "{lang}: `{letter}` in:\n{text}");
        }
    }
}

// Issue 11: `analyze` printed a worst path whose totals differed from the
// worst figures in its table, without saying why.
#[test]
fn analyze_labels_the_paths_totals_apart_from_the_tables() {
    let out = callsim("analyze", &["scenarios/missing-bonus-number.ron"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        text.contains("(respect, sincerity: each on its own best and worst path)"),
        "{text}"
    );
    let worst = text
        .lines()
        .find(|l| l.starts_with("worst path ("))
        .unwrap_or_else(|| panic!("no worst path in:\n{text}"));
    assert!(
        worst.contains(": the lowest total of all four sub-skills, respect "),
        "{worst}"
    );
    assert!(
        text.contains("  the worst of each pillar alone, on any path: respect ")
            && text.contains("(the table's worst column)"),
        "{text}"
    );
}
