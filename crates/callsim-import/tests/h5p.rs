//! `callsim import h5p`: a Branching Scenario becomes a scenario file that
//! the core loads, whose `check` lists only what a trainer must decide,
//! with everything dropped on the way named.

mod support;

use std::sync::Arc;

use callsim_core::Call;
use callsim_core::scenario::load_file;
use callsim_import::{Options, h5p};
use support::{TRAINER_DECIDES, check, findings, fixture, package};

fn import_package(tmp: &std::path::Path) -> callsim_import::Draft {
    let file = package("h5p/missing-bonus-number", tmp);
    h5p::import(&file, &Options::default()).expect("the package imports")
}

#[test]
fn a_package_imports_to_a_file_whose_check_lists_only_what_the_trainer_decides() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ron = import_package(tmp.path()).to_ron();
    let (_, diagnostics) = check(tmp.path(), "bonus.ron", &ron);
    assert!(
        diagnostics
            .iter()
            .all(|d| TRAINER_DECIDES.contains(&d.code) && d.help.is_some()),
        "{diagnostics:#?}"
    );
    let mut got = findings(&ron, &diagnostics);
    got.sort();
    let decide = "// no points and no note yet: decide both";
    let expected = [
        ("empty-text", "description: \"\", // one line: who they are, how they feel when they dial".to_owned()),
        ("empty-text", "name: \"\", // who calls? e.g. \"Mrs. Chen\"".to_owned()),
        ("missing-meter", "meters: [], // the caller's mood: (id: \"anger\", start: 50), (id: \"trust\", start: 50), and your own".to_owned()),
        ("missing-meter", "meters: [], // the caller's mood: (id: \"anger\", start: 50), (id: \"trust\", start: 50), and your own".to_owned()),
        ("no-note", "id: \"youre_right_im_sorry_let\",".to_owned()),
        ("no-points-no-note", format!("id: \"its_a_known_issue_please\", {decide}")),
        ("no-points-no-note", format!("id: \"please_send_it_again\", {decide}")),
        ("no-points-no-note", format!("id: \"thats_not_my_department\", {decide}")),
        ("no-points-no-note", format!("id: \"thats_not_my_department\", {decide}")),
    ];
    let expected: Vec<(String, String)> = expected.into_iter().map(|(c, l)| (c.to_owned(), l)).collect();
    assert_eq!(got, expected);
    // Which meters, in the help a trainer reads.
    let meters: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.code == "missing-meter")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        meters,
        [
            "the persona has no `anger` meter",
            "the persona has no `trust` meter"
        ]
    );
}

#[test]
fn questions_become_nodes_alternatives_replies_and_feedback_notes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let draft = import_package(tmp.path());
    assert_eq!(draft.title, "The missing bonus number");
    assert_eq!(draft.id, "the-missing-bonus-number");
    assert_eq!(
        draft.summary,
        "A customer topped up and his bonus number never came. Listen, check, solve."
    );
    assert_eq!(draft.start, "first_words");
    let ids: Vec<&str> = draft.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["first_words", "checked", "still_waiting", "first_words_2"]);
    // The text before the first question is the caller speaking, joined to
    // the question; HTML gone, entities decoded, paragraphs on lines.
    assert_eq!(
        draft.nodes[0].says,
        "Mr. Li calls the hotline at 19:05. He topped up ¥100 an hour ago and the bonus number never came.\n\
         “I topped up an hour ago and nothing came. What kind of service is this?”"
    );
    // Reached again straight from a later question: the question alone.
    assert_eq!(
        draft.nodes[3].says,
        "“I topped up an hour ago and nothing came. What kind of service is this?”"
    );
    let first = &draft.nodes[0].replies;
    let replies: Vec<(&str, &str, &str)> = first
        .iter()
        .map(|r| (r.id.as_str(), r.text.as_str(), r.next.as_str()))
        .collect();
    assert_eq!(
        replies,
        [
            (
                "im_sorry_youve_been_left",
                "I'm sorry you've been left waiting. Let me check your account right now.",
                "checked"
            ),
            (
                "please_send_an_sms_with",
                "Please send an SMS with the word BONUS to 10086.",
                "still_waiting"
            ),
            (
                "thats_not_my_department",
                "That's not my department.",
                "he_hung_up"
            ),
        ]
    );
    assert_eq!(
        first[0].note.as_deref(),
        Some("Acknowledge first, then act: he hears that you take it seriously.")
    );
    // Feedback title and text read as one line.
    assert_eq!(
        first[1].note.as_deref(),
        Some("Careful. A scripted instruction before listening tells him you did not hear him.")
    );
    // An alternative's feedback that ends the scenario is its end screen,
    // not a note.
    assert_eq!(first[2].note, None);
}

#[test]
fn end_screens_become_endings_and_text_before_an_end_the_last_words() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let draft = import_package(tmp.path());
    let endings: Vec<(&str, &str, &str, Option<&str>)> = draft
        .endings
        .iter()
        .map(|e| {
            (
                e.id.as_str(),
                e.title.as_str(),
                e.debrief.as_str(),
                e.says.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        endings,
        [
            (
                "he_hung_up",
                "He hung up",
                "Passing the problem on without listening ended the call.",
                None
            ),
            (
                "thanks",
                "Solved with care",
                "He felt heard, saw you act and knows what happens next.",
                Some("“Thank you, that's really helpful. Goodbye!”")
            ),
            (
                "call_ended",
                "Call ended",
                "He is still waiting for his number.",
                None
            ),
        ]
    );
    assert!(
        draft
            .endings
            .iter()
            .all(|e| e.kind == "Resolved" && !e.kind_given)
    );
}

#[test]
fn dynamic_scores_become_the_same_points_on_each_sub_skill() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let draft = import_package(tmp.path());
    let scores: Vec<(&str, Option<i32>)> = draft
        .nodes
        .iter()
        .take(3)
        .flat_map(|n| n.replies.iter().map(|r| (r.id.as_str(), r.score)))
        .collect();
    assert_eq!(
        scores,
        [
            ("im_sorry_youve_been_left", Some(3)),
            ("please_send_an_sms_with", Some(0)),
            // H5P adds no alternative score on the way to an end screen.
            ("thats_not_my_department", Some(0)),
            ("the_platform_is_queuing_messages", Some(4)),
            ("its_a_known_issue_please", Some(0)),
            ("youre_right_im_sorry_let", Some(2)),
            ("please_send_it_again", Some(0)),
        ]
    );
    let ron = draft.to_ron();
    assert!(ron.contains(
        "points: (understanding: 4, acknowledgement: 4, emotion: 4, assistance: 4), // the source's score 4 on each sub-skill: split it by what the reply shows"
    ));
    assert!(
        ron.contains("a score of N is N on each of the four sub-skills"),
        "{ron}"
    );
}

#[test]
fn what_was_dropped_or_approximated_is_listed_with_its_place() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let draft = import_package(tmp.path());
    let warnings: Vec<String> = draft.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "content 2 \"First words\" (H5P.BranchingQuestion 1.0), alternative 2: the feedback's image is dropped: callsim shows no pictures",
            "content 2 \"First words\" (H5P.BranchingQuestion 1.0): branches reach this question both through the text before it and directly, so it is 2 nodes whose caller's lines differ (`first_words`, `first_words_2`): merge them if the difference does not matter",
            "the start screen: its image is dropped: callsim shows no pictures",
            "content 1 \"How a good greeting sounds\" (H5P.Video 1.6): a video is not a caller's line: dropped (and any score its own questions gave); the call goes straight on to content 2",
            "content 6 \"Old diagram\" (H5P.Image 1.1): no branch leads here from the start, so it is not imported",
            "content 0-5: backwards navigation (the Back button) is dropped: a call cannot be rewound",
            "content 2 \"First words\" (H5P.BranchingQuestion 1.0): the reply \"Please send an SMS with the word BONUS t…\" leads back to `still_waiting`, so the call can go round (still_waiting -> first_words_2 -> still_waiting); a call must end: give one reply on the way `once: true`, or take the way back out (`check` reports this as `loop`)",
        ]
    );
    // The file says the same, for the trainer who opens it later.
    let ron = draft.to_ron();
    assert!(
        ron.contains("// What the import dropped or approximated:"),
        "{ron}"
    );
    assert!(
        ron.contains("// - content 6 \"Old diagram\" (H5P.Image 1.1): no branch leads here"),
        "{ron}"
    );
}

#[test]
fn the_content_json_alone_imports_the_same_call() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let from_package = import_package(tmp.path());
    let from_json = h5p::import(
        &fixture("h5p/missing-bonus-number/content/content.json"),
        &Options::default(),
    )
    .expect("content.json imports");
    assert_eq!(from_json.title, from_package.title);
    assert_eq!(from_json.nodes, from_package.nodes);
    assert_eq!(from_json.endings, from_package.endings);
    assert!(from_json.to_ron().contains("source: \"content.json\","));
}

#[test]
fn static_end_scores_go_on_the_replies_that_reach_each_end_screen() {
    let draft =
        h5p::import(&fixture("h5p/static-scores/content.json"), &Options::default()).expect("imports");
    // The editor's default title is no id: the question's words are.
    assert_eq!(draft.start, "we_are_having_dinner_what");
    let scores: Vec<(&str, Option<i32>, &str)> = draft.nodes[0]
        .replies
        .iter()
        .map(|r| (r.id.as_str(), r.score, r.next.as_str()))
        .collect();
    assert_eq!(
        scores,
        [
            ("sorry_to_call_at_dinner", Some(10), "call_back_booked"),
            // Its own end screen (a score, no text) reads as the default one.
            ("it_will_only_take_five", Some(3), "she_hung_up"),
            // No score of its own: the default end screen's.
            ("fine_goodbye", Some(5), "she_hung_up_2"),
        ]
    );
    let warnings: Vec<String> = draft.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "content 0 \"Untitled Branching Question\" (H5P.BranchingQuestion 1.0), alternative 2: its score 2.5 is rounded to 3: points are whole numbers (approximated)",
            "static-end-score gives each end screen a score; callsim scores replies, not endings, so each end screen's score is on the replies that lead to it (approximated)",
        ]
    );
}

#[test]
fn once_the_trainer_names_the_caller_a_scored_import_plays_its_best_path_at_100() {
    let draft =
        h5p::import(&fixture("h5p/static-scores/content.json"), &Options::default()).expect("imports");
    let ron = draft
        .to_ron()
        .replace("name: \"\",", "name: \"Mrs. Ivanova\",")
        .replace("description: \"\",", "description: \"Called at dinner time.\",")
        .replace(
            "meters: [],",
            "meters: [(id: \"anger\", start: 30), (id: \"trust\", start: 50)],",
        );
    let tmp = tempfile::tempdir().expect("temp dir");
    let (path, diagnostics) = check(tmp.path(), "dinner.ron", &ron);
    // Only the coaching notes are left to write.
    assert!(
        diagnostics.iter().all(|d| d.code == "no-note"),
        "{diagnostics:#?}"
    );
    let loaded = load_file(&path).expect("loads");
    let model = Arc::new(callsim_core::Model::new(loaded.scenario).expect("compiles"));
    let mut call = Call::start(model, 1, "en");
    call.choose_id("sorry_to_call_at_dinner")
        .expect("a reply of the node");
    let debrief = call.debrief().expect("the call ended");
    assert_eq!(debrief.ending.id, "call_back_booked");
    assert_eq!((debrief.respect.percent, debrief.sincerity.percent), (100, 100));
}

#[test]
fn dropped_content_before_a_question_does_not_make_a_second_node() {
    // Regression: a video before a question made a node of its own for
    // the branches through the video, with the same caller's line.
    let tmp = tempfile::tempdir().expect("temp dir");
    let question = |title: &str, alternatives: &str| {
        format!(
            r#"{{"type":{{"library":"H5P.BranchingQuestion 1.0","params":{{"branchingQuestion":{{"question":"<p>{title}?</p>","alternatives":[{alternatives}]}}}},"metadata":{{"title":"{title}"}}}}}}"#
        )
    };
    let json = format!(
        r#"{{"branchingScenario":{{"content":[{},{{"type":{{"library":"H5P.Video 1.6","params":{{}},"metadata":{{"title":"Clip"}}}},"nextContentId":2}},{}],"endScreens":[{{"endScreenTitle":"End","endScreenSubtitle":"Done.","contentId":-1}}]}}}}"#,
        question(
            "Opening",
            r#"{"text":"Watch","nextContentId":1},{"text":"Skip","nextContentId":2}"#
        ),
        question("Second", r#"{"text":"Bye","nextContentId":-1}"#),
    );
    let path = tmp.path().join("content.json");
    std::fs::write(&path, json).expect("write");
    let draft = h5p::import(&path, &Options::default()).expect("imports");
    let ids: Vec<&str> = draft.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["opening", "second"]);
    let next: Vec<&str> = draft.nodes[0].replies.iter().map(|r| r.next.as_str()).collect();
    assert_eq!(next, ["second", "second"]);
    // The video was passed, so it is dropped, not "never reached".
    assert!(
        draft
            .warnings
            .iter()
            .any(|w| w.message.starts_with("a video is not a caller's line")),
        "{:#?}",
        draft.warnings
    );
}
