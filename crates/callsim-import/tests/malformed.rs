//! Broken sources give a clear error naming the file and the place in it
//! (line and column, zip entry, JSON path, passage), never a panic.

mod support;

use std::path::{Path, PathBuf};

use callsim_import::{ImportError, Options, h5p, twine};
use support::{fixture, package, zip};

fn h5p_error(path: &Path) -> ImportError {
    h5p::import(path, &Options::default()).expect_err("the import fails")
}

fn twine_error(path: &Path) -> ImportError {
    twine::import(path, &Options::default()).expect_err("the import fails")
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn content_json() -> String {
    std::fs::read_to_string(fixture("h5p/missing-bonus-number/content/content.json")).expect("fixture")
}

#[test]
fn a_truncated_package_is_no_readable_zip() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let whole = std::fs::read(package("h5p/missing-bonus-number", tmp.path())).expect("package");
    let cut = write(tmp.path(), "cut.h5p", &whole[..whole.len() / 2]);
    let e = h5p_error(&cut);
    assert_eq!(e.file, cut.display().to_string());
    assert!(
        e.message
            .starts_with("this is not a readable .h5p package (an .h5p file is a zip archive)"),
        "{e}"
    );
    assert!(e.help.contains("Download as an .h5p file"), "{e}");
    assert!(
        e.render()
            .starts_with("error: this is not a readable .h5p package"),
        "{}",
        e.render()
    );
}

#[test]
fn no_cut_of_a_package_panics() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let whole = std::fs::read(package("h5p/missing-bonus-number", tmp.path())).expect("package");
    let path = tmp.path().join("cut.h5p");
    for len in (0..whole.len()).step_by(53) {
        std::fs::write(&path, &whole[..len]).expect("write");
        // Either it imports or it says why; it never panics.
        if let Err(e) = h5p::import(&path, &Options::default()) {
            assert!(!e.message.is_empty() && !e.help.is_empty());
        }
    }
    // Damage inside: a flipped byte in the compressed content.
    let mut damaged = whole.clone();
    let middle = damaged.len() / 3;
    damaged[middle] ^= 0xff;
    std::fs::write(&path, &damaged).expect("write");
    let _ = h5p::import(&path, &Options::default());
}

#[test]
fn a_package_without_content_json_says_so() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let manifest = std::fs::read(fixture("h5p/missing-bonus-number/h5p.json")).expect("fixture");
    let path = tmp.path().join("empty.h5p");
    zip(&path, &[("h5p.json", manifest)]);
    let e = h5p_error(&path);
    assert_eq!(
        e.message,
        "this package has no `content/content.json`, where H5P keeps the scenario"
    );
}

#[test]
fn a_package_of_another_library_is_named() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("quiz.h5p");
    zip(
        &path,
        &[
            (
                "h5p.json",
                br#"{"title":"Quiz","mainLibrary":"H5P.MultiChoice","language":"en"}"#.to_vec(),
            ),
            (
                "content/content.json",
                br#"{"question":"<p>?</p>","answers":[]}"#.to_vec(),
            ),
        ],
    );
    let e = h5p_error(&path);
    assert_eq!(e.place, "zip entry h5p.json, at mainLibrary");
    assert_eq!(
        e.message,
        "this package is a `H5P.MultiChoice`, not a Branching Scenario (`H5P.BranchingScenario`)"
    );
}

#[test]
fn json_of_another_library_is_named_by_what_it_has() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = write(
        tmp.path(),
        "content.json",
        r#"{"question":"<p>Which?</p>","answers":[{"text":"A","correct":true}],"behaviour":{}}"#,
    );
    let e = h5p_error(&path);
    assert_eq!(e.place, "at the top");
    assert_eq!(
        e.message,
        "this is not a Branching Scenario's content: it has no `branchingScenario` at the top (it has `answers`, `behaviour`, `question`)"
    );
    assert!(e.help.contains("H5P.BranchingScenario"), "{e}");
}

#[test]
fn broken_json_is_shown_at_its_line_and_column() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = write(
        tmp.path(),
        "content.json",
        "{\"branchingScenario\": {\n  \"content\": [,]\n}}\n",
    );
    let e = h5p_error(&path);
    assert_eq!(e.place, "line 2, column 15");
    assert!(
        e.message.starts_with("this is not valid JSON: expected value"),
        "{e}"
    );
    let text = e.render();
    assert!(text.contains("content.json:2:15"), "{text}");
    assert!(text.contains("\"content\": [,]"), "{text}");
}

#[test]
fn broken_json_inside_a_package_names_the_entry() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let manifest = std::fs::read(fixture("h5p/missing-bonus-number/h5p.json")).expect("fixture");
    let path = tmp.path().join("broken.h5p");
    zip(
        &path,
        &[
            ("h5p.json", manifest),
            ("content/content.json", b"{\"branchingScenario\": [".to_vec()),
        ],
    );
    let e = h5p_error(&path);
    assert_eq!(e.place, "zip entry content/content.json, line 1, column 23");
    assert!(
        e.render()
            .contains("broken.h5p (zip entry content/content.json):1:23"),
        "{}",
        e.render()
    );
}

#[test]
fn a_branch_to_a_content_that_does_not_exist_names_its_json_path() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let json = content_json().replacen("\"nextContentId\":3,", "\"nextContentId\":12,", 1);
    let path = write(tmp.path(), "content.json", json);
    let e = h5p_error(&path);
    assert_eq!(
        e.place,
        "at branchingScenario.content[2].type.params.branchingQuestion.alternatives[0].nextContentId"
    );
    assert_eq!(
        e.message,
        "`nextContentId` is 12, but the contents are numbered 0 to 6"
    );
}

#[test]
fn a_value_of_the_wrong_type_names_its_json_path() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let json = content_json().replacen("\"text\":\"Please send it again.\"", "\"text\":[\"Please\"]", 1);
    let path = write(tmp.path(), "content.json", json);
    let e = h5p_error(&path);
    assert_eq!(
        e.place,
        "at branchingScenario.content[4].type.params.branchingQuestion.alternatives[1].text"
    );
    assert_eq!(e.message, "expected text here, found a list");
}

#[test]
fn a_missing_file_is_named() {
    let e = h5p_error(Path::new("no/such/course.h5p"));
    assert_eq!(
        e.to_string(),
        "no/such/course.h5p: there is no such file (help: check the spelling of the path)"
    );
}

#[test]
fn a_link_to_a_missing_passage_is_shown_where_it_is() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = write(
        tmp.path(),
        "story.twee",
        ":: StoryTitle\nRefunds\n\n:: Start\nThe caller wants her money back.\n[[Ask why->Refnud]]\n\n:: Refund\nShe explains.\n",
    );
    let e = twine_error(&path);
    assert_eq!(
        e.message,
        "in passage \"Start\", the link `[[Ask why->Refnud]]` leads to a passage named \"Refnud\", which the story does not have"
    );
    assert_eq!(e.place, "line 6, column 1");
    assert_eq!(
        e.help,
        "did you mean \"Refund\"? Correct the link, or add a passage named \"Refnud\""
    );
    let text = e.render();
    assert!(text.contains("story.twee:6:1"), "{text}");
    assert!(text.contains("[[Ask why->Refnud]]"), "{text}");
}

#[test]
fn a_link_to_a_missing_passage_in_published_html_is_shown_at_its_place_in_the_html() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let html = "<html><body>\n<tw-storydata name=\"Refunds\" startnode=\"1\" format=\"Harlowe\">\n<tw-passagedata pid=\"1\" name=\"Start\" tags=\"\">She says &quot;no&quot;.\n[[Ask why-&gt;Nowhere]]</tw-passagedata>\n</tw-storydata></body></html>\n";
    let path = write(tmp.path(), "story.html", html);
    let e = twine_error(&path);
    assert_eq!(
        e.message,
        "in passage \"Start\", the link `[[Ask why-&gt;Nowhere]]` leads to a passage named \"Nowhere\", which the story does not have"
    );
    assert_eq!(e.place, "line 4, column 1");
}

#[test]
fn an_empty_story_says_it_is_empty() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for (name, text) in [
        ("empty.twee", ""),
        ("title-only.twee", ":: StoryTitle\nNothing yet\n"),
        (
            "empty.html",
            "<tw-storydata name=\"Nothing\" startnode=\"\"></tw-storydata>",
        ),
    ] {
        let e = twine_error(&write(tmp.path(), name, text));
        assert_eq!(
            e.message, "the story is empty: it has no passages to import",
            "{name}"
        );
    }
}

#[test]
fn a_story_without_a_start_says_how_to_give_one() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let e = twine_error(&write(tmp.path(), "s.twee", ":: Opening\nHello.\n"));
    assert!(e.message.contains("does not say where it starts"), "{e}");
    let e = twine_error(&write(
        tmp.path(),
        "s2.twee",
        ":: StoryData\n{\"start\": \"Begin\"}\n\n:: Opening\nHello.\n",
    ));
    assert_eq!(
        e.message,
        "the story starts at a passage named \"Begin\", which it does not have"
    );
}

#[test]
fn broken_story_data_and_twice_named_passages_are_shown_where_they_are() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let e = twine_error(&write(
        tmp.path(),
        "data.twee",
        ":: StoryData\n{\"start\": \"Start\",}\n\n:: Start\nHi.\n",
    ));
    assert_eq!(e.place, "line 2, column 19");
    assert!(e.message.starts_with("StoryData is not valid JSON"), "{e}");
    let e = twine_error(&write(
        tmp.path(),
        "twice.twee",
        ":: Start\n[[Go->Next]]\n\n:: Next\nA.\n\n:: Next\nB.\n",
    ));
    assert_eq!(e.message, "a second passage named \"Next\"");
    assert_eq!(e.place, "line 7, column 1");
}

#[test]
fn a_twine_1_file_or_another_html_page_is_named() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let e = twine_error(&write(
        tmp.path(),
        "old.html",
        "<html><div id=\"storeArea\"><div tiddler=\"Start\">Hi</div></div></html>",
    ));
    assert!(e.message.starts_with("this is a Twine 1 story"), "{e}");
    let e = twine_error(&write(
        tmp.path(),
        "page.html",
        "<!DOCTYPE html><html><p>Hi</p></html>",
    ));
    assert_eq!(
        e.message,
        "this HTML file has no <tw-storydata>, so it is not a published Twine 2 story"
    );
}

#[test]
fn an_unclosed_passage_in_html_is_shown_where_it_starts() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let e = twine_error(&write(
        tmp.path(),
        "cut.html",
        "<tw-storydata name=\"S\" startnode=\"1\">\n<tw-passagedata pid=\"1\" name=\"Start\">Hello [[A]]",
    ));
    assert_eq!(
        e.message,
        "this <tw-passagedata> has no closing </tw-passagedata>"
    );
    assert_eq!(e.place, "line 2, column 1");
}

#[test]
fn no_cut_of_a_story_panics() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for name in ["lost-parcel.twee", "lost-parcel.html"] {
        let text = std::fs::read_to_string(fixture(&format!("twine/{name}"))).expect("fixture");
        let path = tmp.path().join(name);
        let cuts: Vec<usize> = (0..text.len())
            .filter(|i| text.is_char_boundary(*i))
            .step_by(7)
            .collect();
        for cut in cuts {
            std::fs::write(&path, &text[..cut]).expect("write");
            if let Err(e) = twine::import(&path, &Options::default()) {
                assert!(!e.message.is_empty() && !e.help.is_empty());
            }
        }
    }
}

#[test]
fn text_that_is_not_utf8_is_named() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let e = twine_error(&write(tmp.path(), "latin1.twee", b":: Start\ncaf\xe9\n"));
    assert_eq!(e.message, "this is not UTF-8 text (byte 12 is not)");
}
