//! `callsim graph` for every shipped scenario and for one written to trip
//! escaping up: every caller line, ending and reply is in each format; the
//! DOT is structurally sound, the SVG is well-formed XML whose text stays
//! in view, the Mermaid ids are ones Mermaid accepts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use callsim_core::Model;
use callsim_core::graph::{dot, mermaid, svg};
use callsim_core::scenario::{load_file, parse_str, scenario_files};

fn shipped() -> Vec<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("scenarios");
    let files = scenario_files(&dir).expect("scenarios/ can be listed");
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    files
}

fn model(file: &Path) -> Model {
    let loaded = load_file(file).unwrap_or_else(|e| panic!("{}", e.render()));
    Model::new(loaded.scenario).expect("a loaded scenario compiles")
}

/// Ids and text with everything the three formats must escape: quotes,
/// `<`, `&`, `#`, `|`, a backslash, and Chinese.
const TRICKY: &str = r##"Scenario(
    id: "tricky \"ids\" <&>",
    title: {"en": "Quotes \"here\", <b>tags</b> & #hash", "zh": "引号“这里”、<标签> 与 &"},
    summary: {"en": "Escaping test.", "zh": "转义测试。"},
    difficulty: Easy,
    source: "000.txt",
    languages: ["en", "zh"],
    persona: (
        name: {"en": "Ms. Li", "zh": "李女士"},
        description: {"en": "Tests escaping.", "zh": "测试转义。"},
        meters: [(id: "anger", start: 50), (id: "trust", start: 50)],
    ),
    start: "开始 <start>",
    thresholds: [(when: [AtLeast("anger", 100)], ending: "hung up & gone")],
    nodes: [
        (
            id: "开始 <start>",
            says: [(text: {"en": "He said \"no\" & <b>left</b> | #1 \\ end", "zh": "他说“不”&<b>走了</b>"})],
            replies: [
                (
                    id: "a<b>&\"c\"",
                    text: {"en": "Fine & \"good\".", "zh": "好的。"},
                    kind: "good",
                    points: (understanding: 2, assistance: 1),
                    note: {"en": "Good.", "zh": "好。"},
                    next: "middle|pipe",
                ),
                (
                    id: "back\\slash `tick`",
                    text: {"en": "Hm.", "zh": "嗯。"},
                    kind: "bad",
                    points: (emotion: -1),
                    effects: {"anger": 30},
                    note: {"en": "Bad.", "zh": "不好。"},
                    next: "开始 <start>",
                    branches: [(when: [AtLeast("anger", 70)], next: "hung up & gone")],
                ),
            ],
        ),
        (
            id: "middle|pipe",
            says: [(text: {"en": "And #then?", "zh": "然后呢？"})],
            done: true,
            replies: [
                (
                    id: "end",
                    text: {"en": "Bye <3", "zh": "再见"},
                    kind: "close",
                    action: EndCall,
                    points: (emotion: 1),
                    note: {"en": "Warm.", "zh": "温暖。"},
                    next: "好结局",
                ),
            ],
        ),
    ],
    endings: [
        (id: "好结局", kind: Delighted, title: {"en": "Happy \"end\"", "zh": "圆满"}, debrief: {"en": "Good.", "zh": "好。"}),
        (id: "hung up & gone", kind: CallerHungUp, title: {"en": "Gone <forever>", "zh": "挂了"}, debrief: {"en": "Bad.", "zh": "不好。"}),
    ],
)
"##;

fn tricky() -> Model {
    let loaded =
        parse_str(TRICKY, Path::new("tricky.ron"), None).unwrap_or_else(|e| panic!("{}", e.render()));
    Model::new(loaded.scenario).expect("the tricky scenario compiles")
}

/// Every scenario the tests draw, with a name for messages.
fn all_models() -> Vec<(String, Model)> {
    let mut out: Vec<(String, Model)> = shipped()
        .into_iter()
        .map(|f| (f.display().to_string(), model(&f)))
        .collect();
    out.push(("tricky".to_owned(), tricky()));
    out
}

/// (node id, reply id, every target the reply can lead to)
fn replies(model: &Model) -> Vec<(String, String, Vec<String>)> {
    model
        .scenario
        .nodes
        .iter()
        .flat_map(|n| {
            n.replies.iter().map(|r| {
                let mut targets = vec![r.next.clone()];
                targets.extend(r.branches.iter().map(|b| b.next.clone()));
                (n.id.clone(), r.id.clone(), targets)
            })
        })
        .collect()
}

// ---- DOT ----

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Id(String),
    Punct(&'static str),
}

/// DOT's lexical rules, as much as the graph uses: quoted strings with
/// `\"` and `\\`, bare ids, `//` comments, punctuation and `->`.
fn dot_tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                assert!(i < chars.len(), "a DOT string is not closed");
                match chars[i] {
                    '"' => break,
                    '\\' => {
                        let next = chars.get(i + 1).copied().expect("an escape has a character");
                        match next {
                            '"' => s.push('"'),
                            '\\' => s.push('\\'),
                            'n' => s.push('\n'),
                            other => panic!("unexpected escape \\{other} in a DOT string"),
                        }
                        i += 1;
                    }
                    other => s.push(other),
                }
                i += 1;
            }
            i += 1;
            out.push(Token::Id(s));
        } else if c == '-' && chars.get(i + 1) == Some(&'>') {
            out.push(Token::Punct("->"));
            i += 2;
        } else if let Some(p) = ["{", "}", "[", "]", ";", ",", "="]
            .iter()
            .find(|p| p.starts_with(c))
        {
            out.push(Token::Punct(p));
            i += 1;
        } else {
            let mut s = String::new();
            while i < chars.len() && (chars[i].is_alphanumeric() || "_.#".contains(chars[i])) {
                s.push(chars[i]);
                i += 1;
            }
            assert!(!s.is_empty(), "unexpected character {c:?} in DOT");
            out.push(Token::Id(s));
        }
    }
    out
}

#[derive(Debug, Default)]
struct DotGraph {
    /// Node statements with their attributes.
    nodes: BTreeMap<String, BTreeMap<String, String>>,
    edges: Vec<(String, String, BTreeMap<String, String>)>,
}

fn attrs(tokens: &[Token]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < tokens.len() {
        match (&tokens[i], tokens.get(i + 1), tokens.get(i + 2)) {
            (Token::Id(k), Some(Token::Punct("=")), Some(Token::Id(v))) => {
                out.insert(k.clone(), v.clone());
                i += 3;
            }
            (Token::Punct("," | ";"), _, _) => i += 1,
            other => panic!("bad attribute list at {other:?}"),
        }
    }
    out
}

/// Parses the DOT the graph writes: braces and brackets must balance, each
/// statement must be a node, an edge, or an attribute setting.
fn parse_dot(text: &str) -> DotGraph {
    let tokens = dot_tokens(text);
    assert_eq!(
        tokens.first(),
        Some(&Token::Id("digraph".to_owned())),
        "starts with digraph"
    );
    assert!(
        matches!(tokens.get(1), Some(Token::Id(_))),
        "the digraph has a name"
    );
    assert_eq!(tokens.get(2), Some(&Token::Punct("{")));
    let mut depth = 0i32;
    let mut bracket = 0i32;
    for t in &tokens {
        match t {
            Token::Punct("{") => depth += 1,
            Token::Punct("}") => depth -= 1,
            Token::Punct("[") => bracket += 1,
            Token::Punct("]") => bracket -= 1,
            _ => {}
        }
        assert!(
            depth >= 0 && bracket >= 0,
            "a closing bracket without an opening one"
        );
    }
    assert_eq!(depth, 0, "braces balance");
    assert_eq!(bracket, 0, "square brackets balance");
    assert_eq!(
        tokens.last(),
        Some(&Token::Punct("}")),
        "ends with the digraph's brace"
    );

    let mut graph = DotGraph::default();
    let body = &tokens[3..tokens.len() - 1];
    let mut statement: Vec<Token> = Vec::new();
    let flush = |statement: &mut Vec<Token>, graph: &mut DotGraph| {
        let st = std::mem::take(statement);
        if st.is_empty() {
            return;
        }
        let split = st.iter().position(|t| *t == Token::Punct("["));
        let (head, tail) = match split {
            Some(p) => {
                assert_eq!(
                    st.last(),
                    Some(&Token::Punct("]")),
                    "attributes end the statement: {st:?}"
                );
                (&st[..p], attrs(&st[p + 1..st.len() - 1]))
            }
            None => (&st[..], BTreeMap::new()),
        };
        match head {
            [Token::Id(k), Token::Punct("="), Token::Id(_)] => assert!(!k.is_empty()),
            [Token::Id(k)] if ["graph", "node", "edge"].contains(&k.as_str()) => {}
            [Token::Id(id)] => {
                graph.nodes.entry(id.clone()).or_default().extend(tail);
            }
            [Token::Id(a), Token::Punct("->"), Token::Id(b)] => {
                graph.edges.push((a.clone(), b.clone(), tail))
            }
            other => panic!("not a DOT statement: {other:?}"),
        }
    };
    for t in body {
        match t {
            Token::Punct(";") | Token::Punct("{") | Token::Punct("}")
                if !statement.contains(&Token::Punct("["))
                    || statement.last() == Some(&Token::Punct("]")) =>
            {
                flush(&mut statement, &mut graph);
            }
            other => statement.push(other.clone()),
        }
    }
    flush(&mut statement, &mut graph);
    graph
}

#[test]
fn dot_declares_every_line_ending_and_reply_and_every_edge_end() {
    for (name, model) in all_models() {
        let text = dot(&model, &model.scenario.default_language);
        let graph = parse_dot(&text);
        for (a, b, _) in &graph.edges {
            assert!(
                graph.nodes.get(a).is_some_and(|n| n.contains_key("label")),
                "{name}: edge from undeclared `{a}`"
            );
            assert!(
                graph.nodes.get(b).is_some_and(|n| n.contains_key("label")),
                "{name}: edge to undeclared `{b}`"
            );
        }
        for node in &model.scenario.nodes {
            let label = &graph
                .nodes
                .get(&node.id)
                .unwrap_or_else(|| panic!("{name}: node `{}` missing", node.id))["label"];
            assert_eq!(
                label.lines().next(),
                Some(node.id.as_str()),
                "{name}: the label starts with the id"
            );
        }
        for ending in &model.scenario.endings {
            let declared = graph
                .nodes
                .get(&ending.id)
                .unwrap_or_else(|| panic!("{name}: ending `{}` missing", ending.id));
            assert!(
                declared.contains_key("fillcolor"),
                "{name}: ending `{}` is coloured",
                ending.id
            );
        }
        for (node, reply, targets) in replies(&model) {
            for target in targets {
                assert!(
                    graph.edges.iter().any(|(a, b, attrs)| *a == node
                        && *b == target
                        && attrs["label"].lines().next().is_some_and(|l| l.contains(&reply))),
                    "{name}: no edge {node} -> {target} labelled `{reply}`"
                );
            }
        }
        // Branches, thresholds and hanging up are drawn dashed, plain
        // replies are not.
        for (from, _, attrs) in &graph.edges {
            let label = attrs.get("label").map(String::as_str).unwrap_or("");
            let any_turn = graph.nodes[from]
                .get("label")
                .is_some_and(|l| l == "after any reply");
            let conditional = label.lines().any(|l| l.starts_with("if ")) || any_turn;
            assert_eq!(
                attrs.get("style").map(String::as_str) == Some("dashed"),
                conditional,
                "{name}: {label}"
            );
        }
    }
}

#[test]
fn dot_edge_labels_carry_points_and_action_tags() {
    let file =
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("scenarios/missing-bonus-number.ron");
    let model = model(&file);
    let graph = parse_dot(&dot(&model, "en"));
    let label = |from: &str, reply: &str| {
        graph
            .edges
            .iter()
            .find(|(a, _, attrs)| a == from && attrs["label"].contains(reply))
            .map(|(_, _, attrs)| attrs["label"].clone())
            .unwrap_or_else(|| panic!("no edge for {reply}"))
    };
    let check = label("opening", "acknowledge_and_check");
    assert!(check.contains("U+2 A+2 E+2 S+3"), "{check}");
    assert!(check.contains("[check account]"), "{check}");
    assert!(check.starts_with("★"), "the best path starts here: {check}");
    assert!(label("checked", "hold_for_platform").contains("[hold 3 min]"));
    assert!(label("wants_it_today", "credit_for_the_trouble").contains("over-accommodation"));
    assert!(label("grateful", "close_warmly").contains("[end call]"));
    assert!(label("demands_supervisor", "transfer_with_briefing").contains("[transfer]"));
    let company = label("opening", "company_policy");
    assert!(company.contains("U-1 A-3 E-1 S0"), "{company}");
}

#[test]
fn dot_escapes_quotes_backslashes_and_keeps_chinese() {
    let model = tricky();
    let zh = dot(&model, "zh");
    let graph = parse_dot(&zh);
    assert!(graph.nodes.contains_key("开始 <start>"));
    assert!(graph.nodes["开始 <start>"]["label"].contains("他说“不”&<b>走了</b>"));
    assert!(
        graph
            .edges
            .iter()
            .any(|(_, _, a)| a.get("label").is_some_and(|l| l.contains("back\\slash `tick`")))
    );
    assert!(
        graph
            .edges
            .iter()
            .any(|(_, _, a)| a.get("label").is_some_and(|l| l.contains("a<b>&\"c\"")))
    );
}

// ---- SVG ----

/// The sum of `translate(x,y)` transforms from the root to `node`.
fn offset(node: roxmltree::Node) -> (f64, f64) {
    let mut at = (0.0, 0.0);
    for a in node.ancestors() {
        if let Some(t) = a.attribute("transform") {
            let inner = t
                .strip_prefix("translate(")
                .and_then(|t| t.strip_suffix(')'))
                .unwrap_or_else(|| panic!("only translate() is used: {t}"));
            let (x, y) = inner.split_once(',').expect("translate(x,y)");
            at.0 += x.trim().parse::<f64>().expect("a number");
            at.1 += y.trim().parse::<f64>().expect("a number");
        }
    }
    at
}

fn number(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", node.tag_name().name()))
        .parse()
        .expect("a number")
}

/// A text's content, left edge, baseline and estimated width.
type Placed = (String, f64, f64, f64);

/// Every `<text>`'s content and its extent, roughly: the anchor and an
/// estimate of its width (wide characters one em, others half an em).
fn svg_texts(text: &str) -> (Vec<String>, [f64; 4], Vec<Placed>) {
    let doc =
        roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("the SVG is not well-formed XML: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let view: Vec<f64> = root
        .attribute("viewBox")
        .expect("a viewBox")
        .split_whitespace()
        .map(|n| n.parse().expect("a number"))
        .collect();
    let view = [view[0], view[1], view[2], view[3]];
    let mut contents = Vec::new();
    let mut placed = Vec::new();
    for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let content: String = t
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect();
        let (dx, dy) = offset(t);
        let size = t
            .ancestors()
            .find_map(|a| a.attribute("font-size"))
            .map_or(12.0, |s| s.parse().expect("a number"));
        let width: f64 = content
            .chars()
            .map(|c| if (c as u32) >= 0x2E80 { size } else { size * 0.5 })
            .sum();
        let x = number(t, "x") + dx;
        let y = number(t, "y") + dy;
        let left = match t.attribute("text-anchor") {
            Some("middle") => x - width / 2.0,
            Some("end") => x - width,
            _ => x,
        };
        placed.push((content.clone(), left, y, width));
        contents.push(content);
    }
    (contents, view, placed)
}

#[test]
fn svg_is_well_formed_and_every_text_is_in_view() {
    for (name, model) in all_models() {
        for lang in &model.scenario.languages {
            let text = svg(&model, lang);
            let (_, [vx, vy, vw, vh], placed) = svg_texts(&text);
            assert!(!placed.is_empty(), "{name}: the SVG has text");
            for (content, left, y, width) in placed {
                assert!(
                    left >= vx && left + width <= vx + vw && y - 10.0 >= vy && y <= vy + vh,
                    "{name} ({lang}): `{content}` at ({left:.0}, {y:.0}), {width:.0} wide, is outside the view {vw}x{vh}"
                );
            }
        }
    }
}

#[test]
fn svg_shows_every_line_ending_and_reply_with_a_legend() {
    for (name, model) in all_models() {
        let text = svg(&model, &model.scenario.default_language);
        let (contents, _, _) = svg_texts(&text);
        let has = |s: &str| contents.iter().any(|c| c == s || c.strip_prefix("★ ") == Some(s));
        for node in &model.scenario.nodes {
            assert!(has(&node.id), "{name}: node `{}` not drawn", node.id);
        }
        for ending in &model.scenario.endings {
            assert!(has(&ending.id), "{name}: ending `{}` not drawn", ending.id);
        }
        for (node, reply, targets) in replies(&model) {
            let drawn = contents
                .iter()
                .filter(|c| *c == &reply || c.strip_prefix("★ ") == Some(&reply))
                .count();
            // One label per arrow: the reply's `next` and each branch. The
            // same reply id may be used in several nodes.
            let same_id: usize = replies(&model)
                .iter()
                .filter(|(_, r, _)| *r == reply)
                .map(|(_, _, t)| t.len())
                .sum();
            assert_eq!(
                drawn,
                same_id,
                "{name}: reply `{reply}` of `{node}` ({} arrows)",
                targets.len()
            );
        }
        for kind in [
            "delighted",
            "resolved",
            "escalated",
            "complaint",
            "caller hung up",
            "agent hung up",
        ] {
            assert!(has(kind), "{name}: the legend names `{kind}`");
        }
        assert!(has("start"), "{name}: the start is marked");
    }
}

#[test]
fn svg_escapes_markup_and_draws_chinese() {
    let model = tricky();
    let zh = svg(&model, "zh");
    let (contents, _, _) = svg_texts(&zh);
    assert!(
        contents
            .iter()
            .any(|c| c.trim_start_matches("★ ") == "a<b>&\"c\""),
        "{contents:?}"
    );
    assert!(
        contents.iter().any(|c| c.contains("他说“不”&<b>走了</b>")),
        "{contents:?}"
    );
    assert!(
        contents.iter().any(|c| c.contains("引号“这里”")),
        "the Chinese title"
    );
    // Markup in the scenario is text, never elements.
    let doc = roxmltree::Document::parse(&zh).expect("well-formed");
    assert!(!doc.descendants().any(|n| n.has_tag_name("b")));
}

#[test]
fn svg_ending_colours_follow_their_kind() {
    let file =
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("scenarios/missing-bonus-number.ron");
    let model = model(&file);
    let text = svg(&model, "en");
    let doc = roxmltree::Document::parse(&text).expect("well-formed");
    // Each ending's group: its shape's fill, found by its id's text.
    let fill_of = |id: &str| {
        let t = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter(|n| {
                n.ancestors()
                    .any(|a| a.attribute("transform").is_some_and(|t| t != "translate(20,46)"))
            })
            .find(|n| n.text() == Some(id))
            .unwrap_or_else(|| panic!("`{id}` drawn"));
        let group = t.parent().expect("in a group");
        group
            .children()
            .find(|c| c.has_tag_name("rect") || c.has_tag_name("polygon"))
            .and_then(|c| c.attribute("fill"))
            .expect("a filled shape")
            .to_owned()
    };
    assert_eq!(fill_of("delighted"), "#009E73");
    assert_eq!(fill_of("resolved"), "#56B4E9");
    assert_eq!(fill_of("credit_given"), "#56B4E9", "resolved, like `resolved`");
    assert_eq!(fill_of("escalated"), "#F0E442");
    assert_eq!(fill_of("complaint"), "#D55E00");
    assert_eq!(fill_of("caller_hangs_up"), "#CC79A7");
    assert_eq!(fill_of("agent_hung_up"), "#E69F00");
    // Thresholds and branches are dashed arrows.
    let dashed = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("stroke-dasharray").is_some())
        .count();
    let expected = model.scenario.thresholds.len()
        + 1 // hanging up
        + model.scenario.nodes.iter().flat_map(|n| &n.replies).map(|r| r.branches.len()).sum::<usize>()
        + 1; // the legend's sample
    assert_eq!(dashed, expected);
}

// ---- Mermaid ----

const MERMAID_KEYWORDS: [&str; 12] = [
    "end",
    "graph",
    "flowchart",
    "subgraph",
    "style",
    "class",
    "classDef",
    "click",
    "linkStyle",
    "direction",
    "call",
    "href",
];

fn mermaid_decode(label: &str) -> String {
    label
        .replace("<br/>", "\n")
        .replace("#quot;", "\"")
        .replace("#lt;", "<")
        .replace("#gt;", ">")
        .replace("#amp;", "&")
        .replace("#124;", "|")
        .replace("#96;", "`")
        .replace("#35;", "#")
}

#[derive(Debug, Default)]
struct MermaidGraph {
    /// id -> decoded label
    nodes: BTreeMap<String, String>,
    /// (from, to, decoded label, dashed)
    links: Vec<(String, String, String, bool)>,
    link_styles: BTreeSet<usize>,
}

fn valid_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !MERMAID_KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(id))
}

fn parse_mermaid(text: &str) -> MermaidGraph {
    let mut lines = text.lines().filter(|l| !l.trim_start().starts_with("%%"));
    assert_eq!(lines.next(), Some("flowchart LR"));
    let mut graph = MermaidGraph::default();
    for line in lines {
        let line = line.trim();
        // A label is one quoted string with no quote inside it.
        let quotes = line.matches('"').count();
        assert!(quotes == 0 || quotes == 2, "a label's quotes are escaped: {line}");
        let label = line.split('"').nth(1).map(mermaid_decode).unwrap_or_default();
        assert!(
            !line
                .split('"')
                .nth(1)
                .unwrap_or("")
                .replace("<br/>", "")
                .contains(['<', '>', '&']),
            "markup is escaped: {line}"
        );
        let id_end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        let first = &line[..id_end];
        if first == "linkStyle" {
            let n: usize = line
                .split_whitespace()
                .nth(1)
                .and_then(|n| n.parse().ok())
                .expect("a link number");
            graph.link_styles.insert(n);
        } else if first == "classDef" {
        } else if first == "class" {
            let ids = line.split_whitespace().nth(1).expect("class ids");
            for id in ids.split(',') {
                assert!(graph.nodes.contains_key(id), "class for undeclared `{id}`");
            }
        } else if let Some(arrow) = ["-.->", "==>", "-->"].iter().find(|a| line.contains(*a)) {
            let to = line.rsplit(' ').next().expect("a target");
            assert!(valid_id(first) && valid_id(to), "link ids: {line}");
            graph
                .links
                .push((first.to_owned(), to.to_owned(), label, *arrow == "-.->"));
        } else {
            assert!(valid_id(first), "invalid Mermaid id `{first}` in {line}");
            let shape = &line[id_end..];
            assert!(
                ["[\"", "([\"", "((\"", "[/\"", ">\"", "{{\"", "[\\\"", "[[\""]
                    .iter()
                    .any(|s| shape.starts_with(s)),
                "a node shape: {line}"
            );
            assert!(
                graph.nodes.insert(first.to_owned(), label).is_none(),
                "`{first}` declared twice"
            );
        }
    }
    for (a, b, _, _) in &graph.links {
        assert!(
            graph.nodes.contains_key(a) && graph.nodes.contains_key(b),
            "link {a} -> {b} to undeclared ids"
        );
    }
    assert!(
        graph.link_styles.iter().all(|&n| n < graph.links.len()),
        "linkStyle numbers refer to links"
    );
    graph
}

#[test]
fn mermaid_ids_are_valid_and_every_line_ending_and_reply_is_drawn() {
    for (name, model) in all_models() {
        let graph = parse_mermaid(&mermaid(&model, &model.scenario.default_language));
        let id_of = |scenario_id: &str| {
            graph
                .nodes
                .iter()
                .find(|(_, label)| label.lines().next() == Some(scenario_id))
                .map(|(id, _)| id.clone())
                .unwrap_or_else(|| panic!("{name}: `{scenario_id}` not drawn"))
        };
        for node in &model.scenario.nodes {
            id_of(&node.id);
        }
        for ending in &model.scenario.endings {
            id_of(&ending.id);
        }
        for (node, reply, targets) in replies(&model) {
            for target in targets {
                let (a, b) = (id_of(&node), id_of(&target));
                assert!(
                    graph.links.iter().any(|(x, y, label, _)| *x == a
                        && *y == b
                        && label.lines().next().is_some_and(|l| l.contains(&reply))),
                    "{name}: no link {node} -> {target} for `{reply}`"
                );
            }
        }
        let branches: usize = model
            .scenario
            .nodes
            .iter()
            .flat_map(|n| &n.replies)
            .map(|r| r.branches.len())
            .sum();
        let dashed = graph.links.iter().filter(|l| l.3).count();
        assert!(
            dashed >= branches + model.scenario.thresholds.len(),
            "{name}: conditional links are dashed"
        );
    }
}

#[test]
fn mermaid_escapes_quotes_and_markup_and_keeps_chinese() {
    let model = tricky();
    let graph = parse_mermaid(&mermaid(&model, "zh"));
    assert!(graph.nodes.values().any(|l| l.contains("他说“不”&<b>走了</b>")));
    assert!(graph.links.iter().any(|l| l.2.contains("a<b>&\"c\"")));
    assert!(graph.links.iter().any(|l| l.2.starts_with("back\\slash `tick`")));
}
