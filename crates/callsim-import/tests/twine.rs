//! `callsim import twine`: a Twine 2 story, as Twee or as published HTML,
//! becomes a scenario file whose `check` lists only what a trainer must
//! decide; the story format's macros and variables are named as dropped.

mod support;

use callsim_core::locale::text::Text;
use callsim_core::scenario::Scenario;
use callsim_import::{Options, twine};
use support::{TRAINER_DECIDES, check, findings, fixture};

fn import(name: &str) -> callsim_import::Draft {
    twine::import(&fixture(&format!("twine/{name}")), &Options::default()).expect("the story imports")
}

#[test]
fn a_twee_story_imports_to_a_file_whose_check_lists_only_what_the_trainer_decides() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ron = import("lost-parcel.twee").to_ron();
    let (_, diagnostics) = check(tmp.path(), "parcel.ron", &ron);
    assert!(
        diagnostics
            .iter()
            .all(|d| TRAINER_DECIDES.contains(&d.code) && d.help.is_some()),
        "{diagnostics:#?}"
    );
    let got = findings(&ron, &diagnostics);
    let count = |code: &str| got.iter().filter(|(c, _)| c == code).count();
    assert_eq!(count("missing-meter"), 2);
    assert_eq!(count("empty-text"), 2);
    // Twine has no scores: every reply's points and note are the trainer's.
    assert_eq!(count("no-points-no-note"), 8);
    assert_eq!(count("no-good-reply"), 3);
    assert_eq!(got.len(), 15);
}

#[test]
fn passages_become_nodes_links_replies_and_passages_without_links_endings() {
    let draft = import("lost-parcel.twee");
    assert_eq!(draft.title, "The lost parcel");
    assert_eq!(draft.made_from, "a Twine 2 story in Harlowe 3.3.8");
    assert_eq!(draft.start, "start");
    let nodes: Vec<(&str, Vec<(&str, &str)>)> = draft
        .nodes
        .iter()
        .map(|n| {
            (
                n.id.as_str(),
                n.replies
                    .iter()
                    .map(|r| (r.text.as_str(), r.next.as_str()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        nodes,
        [
            (
                "start",
                vec![
                    // [[text->Target]], [[Target<-text]], [[text|Target]]
                    ("Let me look up the tracking right now.", "tracking"),
                    ("Please call the complaint desk.", "complaint_desk"),
                    ("It's probably just delayed.", "delayed"),
                ]
            ),
            (
                "tracking",
                vec![
                    ("Book a new delivery for tomorrow morning", "sorted"),
                    ("offer a refund", "refund"),
                ]
            ),
            (
                "delayed",
                vec![
                    ("Sorry, let me check properly.", "tracking"),
                    ("Can you say that again?", "start"),
                    ("I can't do anything about it.", "he_hangs_up"),
                ]
            ),
        ]
    );
    // Lines of links alone are the menu, not the caller; macros are gone
    // and a hook's text is kept.
    assert_eq!(
        draft.nodes[0].says,
        "\"My parcel was due on Monday & it's Thursday now. Where is it?\"\nHe sounds close to shouting."
    );
    // A link inside a sentence reads as its text; tags are stripped.
    assert_eq!(
        draft.nodes[1].says,
        "The tracking says the courier tried at 14:10 and nobody answered.\n\"Nobody came! I was home all day, . Parcel #4471.\"\nYou could also offer a refund instead."
    );
    let endings: Vec<(&str, &str, bool)> = draft
        .endings
        .iter()
        .map(|e| (e.id.as_str(), e.kind, e.kind_given))
        .collect();
    assert_eq!(
        endings,
        [
            ("sorted", "Delighted", true),
            ("refund", "Resolved", false),
            ("complaint_desk", "Escalated", true),
            ("he_hangs_up", "CallerHungUp", true),
        ]
    );
    assert_eq!(
        draft.endings[1].debrief,
        "He takes the refund, but he still has no present for his daughter."
    );
    // Passage tags are the scenario's tags; the ending kinds are not.
    assert_eq!(draft.tags, ["imported", "twine", "angry", "parcel"]);
    let ron = draft.to_ron();
    assert!(
        ron.contains("        // passage \"Start\" (line 20) [tags: angry parcel]\n"),
        "{ron}"
    );
    assert!(ron.contains("kind: Escalated,\n"), "{ron}");
}

#[test]
fn each_dropped_macro_and_variable_is_named_with_its_passage_and_line() {
    let draft = import("lost-parcel.twee");
    let warnings: Vec<String> = draft.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "passage \"Setup\" (line 16): a passage a story format runs (tagged script, stylesheet, widget, header, footer or startup): not imported; its code is not run",
            "passage \"Start\" (line 20): Harlowe macro `(set: $anger to 60)` is not run: dropped",
            "passage \"Start\" (line 22): Harlowe macro `(if: $anger > 50)` is not run: dropped; the text it would show or hide is kept as if it always showed",
            "passage \"Tracking\" (line 31): the variable `$name` is not printed: dropped",
            "passage \"Tracking\" (line 30): a link sits inside the sentence \"You could also offer a refund instead.\": the sentence is kept in the caller's line with the link's text; check that it reads as the caller",
            "passage \"Ideas for later\" (line 62): no link leads here from the start passage: not imported",
            "passage \"Delayed\" (line 38): the reply \"Can you say that again?\" leads back to `start`, so the call can go round (start -> delayed -> start); a call must end: give one reply on the way `once: true`, or take the way back out (`check` reports this as `loop`)",
        ]
    );
}

#[test]
fn the_published_html_imports_the_same_call_with_its_entities_decoded() {
    let twee = import("lost-parcel.twee");
    let html = import("lost-parcel.html");
    assert_eq!(html.title, twee.title);
    assert_eq!(html.start, twee.start);
    assert_eq!(html.tags, twee.tags);
    let ids = |d: &callsim_import::Draft| d.nodes.iter().map(|n| n.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&html), ids(&twee));
    for (h, t) in html.nodes.iter().zip(&twee.nodes) {
        // `&amp;`, `&quot;`, `&#39;`, `&lt;b&gt;` in the HTML.
        assert_eq!(h.says, t.says);
        assert_eq!(h.replies, t.replies);
    }
    let endings = |d: &callsim_import::Draft| {
        d.endings
            .iter()
            .map(|e| (e.id.clone(), e.kind, e.debrief.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(endings(&html), endings(&twee));
    // The places are lines of the HTML file, and its stylesheet is named.
    let warnings: Vec<String> = html.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings[0], "line 9: the story's stylesheet is not run: dropped");
    assert!(
        warnings.contains(&"passage \"Start\" (line 11): Harlowe macro `(if: $anger > 50)` is not run: dropped; the text it would show or hide is kept as if it always showed".to_owned()),
        "{warnings:#?}"
    );
}

#[test]
fn texts_with_quotes_backslashes_and_line_breaks_come_back_exactly() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let story = tmp.path().join("quotes.twee");
    std::fs::write(
        &story,
        ":: StoryTitle\nQuotes\n\n:: Start\nHe said \"C:\\temp\" twice\nand then 50% off?\n[[OK \"fine\"->End]]\n\n:: End\nDone.\n",
    )
    .expect("write");
    let ron = twine::import(&story, &Options::default())
        .expect("imports")
        .to_ron();
    let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let scenario: Scenario = options.from_str(&ron).expect("the file parses as a scenario");
    assert_eq!(
        scenario.nodes[0].says[0].text,
        Text::Plain("He said \"C:\\temp\" twice\nand then 50% off?".to_owned())
    );
    assert_eq!(
        scenario.nodes[0].replies[0].text,
        Text::Plain("OK \"fine\"".to_owned())
    );
}

#[test]
fn the_language_is_the_trainers_choice() {
    let options = Options {
        lang: Some("ru".to_owned()),
    };
    let draft = twine::import(&fixture("twine/lost-parcel.twee"), &options).expect("imports");
    let ron = draft.to_ron();
    assert!(
        ron.contains("languages: [\"ru\"],\n    default_language: \"ru\","),
        "{ron}"
    );
}
