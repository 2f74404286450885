//! What each string in a scenario file is (a node's id, a reference to a
//! meter, a reply kind…) and where the cursor is in the format, read from
//! the core's lexer alone. The loader cannot read a file mid-edit; this
//! can: an unclosed bracket or a missing comma changes nothing before it,
//! and little after.
//!
//! A walk keeps a stack of open brackets, each knowing how it was reached
//! (`nodes`, then an element, then `replies`…), so every token has a
//! *shape* such as `nodes[].replies[].next`: the value's path with the
//! list positions left out. The shapes below are the format's references,
//! the same ones `scenario::validate` resolves.

use std::ops::Range;

use callsim_core::scenario::lex::{Tok, Tokens};
use callsim_core::scenario::spans::string_content;

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Node,
    Ending,
    Meter,
    /// A `next`: a node or an ending.
    Target,
    /// A reply kind: every `kind:` of a reply defines one.
    Kind,
    /// A reply's id, unique within its node.
    Reply,
}

impl What {
    /// Nodes, endings and meters share one namespace (`check` rejects a
    /// node and an ending of the same id); kinds have their own, and reply
    /// ids one per node.
    fn namespace(self) -> u8 {
        match self {
            What::Node | What::Ending | What::Meter | What::Target => 0,
            What::Kind => 1,
            What::Reply => 2,
        }
    }

    /// Whether a definition of `self` answers a reference of `wanted`.
    pub fn answers(self, wanted: What) -> bool {
        self == wanted || (wanted == What::Target && matches!(self, What::Node | What::Ending))
    }

    pub fn name(self) -> &'static str {
        match self {
            What::Node => "node",
            What::Ending => "ending",
            What::Meter => "meter",
            What::Target => "node or ending",
            What::Kind => "reply kind",
            What::Reply => "reply",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Definition,
    Reference,
}

/// An id written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub what: What,
    pub role: Role,
    pub id: String,
    /// The text between the quotes.
    pub span: Range<usize>,
    /// The innermost node, reply, ending or meter the id is written in.
    pub item: Option<usize>,
}

/// A node, reply, ending or meter: a struct of the file with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub what: What,
    pub id: Option<String>,
    /// From its opening bracket to its closing one (or to the end of the
    /// file while it is unclosed).
    pub span: Range<usize>,
    /// The item it is written in: a reply's node.
    pub parent: Option<usize>,
}

/// Every id of a file, and its nodes, replies, endings and meters.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    pub symbols: Vec<Symbol>,
    pub items: Vec<Item>,
}

impl Outline {
    pub fn read(src: &str) -> Outline {
        let tokens = Tokens::read(src);
        let mut walk = Walk::default();
        let mut outline = Outline::default();
        for i in 0..tokens.list.len() {
            walk.read_noting(&tokens, i, Some(&mut outline));
        }
        for item in &mut outline.items {
            if item.span.end == usize::MAX {
                item.span.end = src.len();
            }
        }
        outline
    }

    /// The symbol whose text (or quotes) holds `offset`.
    pub fn symbol_at(&self, offset: usize) -> Option<&Symbol> {
        self.symbols
            .iter()
            .find(|s| s.span.start.saturating_sub(1) <= offset && offset <= s.span.end)
    }

    /// Whether two symbols name the same thing.
    pub fn same(&self, a: &Symbol, b: &Symbol) -> bool {
        a.id == b.id
            && a.what.namespace() == b.what.namespace()
            && (a.what != What::Reply || self.node_of(a) == self.node_of(b))
    }

    /// The id of the node a symbol is written in.
    pub fn node_of(&self, symbol: &Symbol) -> Option<&str> {
        let mut at = symbol.item;
        while let Some(i) = at {
            let item = self.items.get(i)?;
            if item.what == What::Node {
                return item.id.as_deref();
            }
            at = item.parent;
        }
        None
    }

    /// The definitions a symbol refers to (or is).
    pub fn definitions<'a>(&'a self, of: &'a Symbol) -> impl Iterator<Item = &'a Symbol> + 'a {
        self.symbols
            .iter()
            .filter(move |s| s.role == Role::Definition && self.same(s, of) && s.what.answers(of.what))
    }

    /// Every symbol naming the same thing as `of`, `of` included.
    pub fn occurrences<'a>(&'a self, of: &'a Symbol) -> impl Iterator<Item = &'a Symbol> + 'a {
        self.symbols.iter().filter(move |s| self.same(s, of))
    }

    /// The ids defined as `what` (or answering it), each once, in file order.
    pub fn ids(&self, wanted: What) -> Vec<(&str, What)> {
        let mut out: Vec<(&str, What)> = Vec::new();
        for s in &self.symbols {
            if s.role == Role::Definition
                && s.what.answers(wanted)
                && !s.id.is_empty()
                && !out.iter().any(|(id, _)| *id == s.id)
            {
                out.push((&s.id, s.what));
            }
        }
        out
    }

    /// The innermost item of kind `what` around `offset`.
    pub fn item_at(&self, offset: usize, what: What) -> Option<&Item> {
        self.items
            .iter()
            .filter(|i| i.what == what && i.span.start <= offset && offset < i.span.end)
            .min_by_key(|i| i.span.len())
    }
}

/// How a value is reached from the bracket it is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Field(String),
    /// An element of a list, or an argument of a tuple or variant.
    Index(usize),
    /// The value of a map entry with this key.
    Key(String),
    /// A map entry's key.
    KeyName,
}

/// An open bracket.
#[derive(Debug, Clone)]
pub struct Frame {
    pub open: char,
    /// The name written before `(`: `Scenario`, `AtLeast`, `Hold`, `Some`.
    pub name: Option<String>,
    /// How its parent reaches it; `None` for the file's top value.
    pub step: Option<Step>,
    /// Its opening bracket's byte offset.
    pub start: usize,
    /// In `(`: the field whose value comes next, once `name:` is read.
    pub field: Option<String>,
    /// In `[` and a tuple `(`: the element being read.
    pub index: usize,
    /// In `{`: the key of the entry whose value is being read.
    pub key: Option<String>,
    /// The item this bracket opened, if it is a node, reply, ending or meter.
    item: Option<usize>,
}

impl Frame {
    fn transparent(&self) -> bool {
        self.name.as_deref() == Some("Some")
    }
}

/// What the last token leaves room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Expect {
    /// The top of the file.
    #[default]
    Start,
    /// After `(`, `[`, `{` or `,`: a field name, an element or a key.
    Element,
    /// After `:`: a value.
    Value,
    /// After a value: a comma or a closing bracket.
    Separator,
}

/// The state of a walk through the tokens.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub frames: Vec<Frame>,
    pub expect: Expect,
}

impl Walk {
    /// The walk over the first `upto` tokens.
    pub fn before(tokens: &Tokens, upto: usize) -> Walk {
        let mut walk = Walk::default();
        for i in 0..upto.min(tokens.list.len()) {
            walk.read(tokens, i);
        }
        walk
    }

    /// How a value at the current place is reached from the top frame.
    pub fn child_step(&self) -> Option<Step> {
        let top = self.frames.last()?;
        Some(match top.open {
            '(' => match &top.field {
                Some(name) => Step::Field(name.clone()),
                None => Step::Index(top.index),
            },
            '{' => match &top.key {
                Some(key) => Step::Key(key.clone()),
                None => Step::KeyName,
            },
            _ => Step::Index(top.index),
        })
    }

    /// The shape of the value at the current place (`leaf`), or of the top
    /// frame itself.
    pub fn shape(&self, leaf: Option<&Step>) -> String {
        let mut steps: Vec<&Step> = Vec::new();
        for (k, frame) in self.frames.iter().enumerate() {
            // `Some(x)`: x stands where the `Some` does.
            if k > 0 && self.frames[k - 1].transparent() {
                continue;
            }
            if let Some(step) = &frame.step {
                steps.push(step);
            }
        }
        if let Some(leaf) = leaf
            && !self.frames.last().is_some_and(Frame::transparent)
        {
            steps.push(leaf);
        }
        let mut shape = String::new();
        for step in steps {
            match step {
                Step::Field(name) => {
                    if !shape.is_empty() {
                        shape.push('.');
                    }
                    shape.push_str(name);
                }
                Step::Index(_) => shape.push_str("[]"),
                Step::Key(_) => shape.push_str("{}"),
                Step::KeyName => shape.push_str("{key}"),
            }
        }
        shape
    }

    /// What an id written at the current place would be.
    pub fn id_here(&self) -> Option<(What, Role)> {
        let leaf = self.child_step()?;
        if let (Some(top), Step::Index(0)) = (self.frames.last(), &leaf) {
            let what = match top.name.as_deref() {
                Some("Visited" | "NotVisited") => Some(What::Node),
                Some("AtLeast" | "AtMost") => Some(What::Meter),
                Some("Used" | "JustUsed") => Some(What::Kind),
                _ => None,
            };
            if let Some(what) = what {
                return Some((what, Role::Reference));
            }
        }
        let shape = self.shape(Some(&leaf));
        let (what, role) = match shape.as_str() {
            "nodes[].id" => (What::Node, Role::Definition),
            "endings[].id" => (What::Ending, Role::Definition),
            "persona.meters[].id" => (What::Meter, Role::Definition),
            "nodes[].replies[].id" => (What::Reply, Role::Definition),
            "nodes[].replies[].kind" => (What::Kind, Role::Definition),
            "start" => (What::Node, Role::Reference),
            "nodes[].replies[].next" | "nodes[].replies[].branches[].next" => (What::Target, Role::Reference),
            "thresholds[].ending" | "rules.hang_up.ending" => (What::Ending, Role::Reference),
            "nodes[].replies[].effects{key}" => (What::Meter, Role::Reference),
            "persona.traits[].kinds[]" | "rules.repetition.exempt[]" | "kind_names{key}" => {
                (What::Kind, Role::Reference)
            }
            _ => return None,
        };
        Some((what, role))
    }

    /// Reads token `i`.
    pub fn read(&mut self, tokens: &Tokens, i: usize) {
        self.read_noting(tokens, i, None);
    }

    /// Reads token `i`, noting any id it is in `outline`.
    fn read_noting(&mut self, tokens: &Tokens, i: usize, outline: Option<&mut Outline>) {
        let Some(token) = tokens.get(i) else { return };
        match token.kind {
            Tok::Punct(open @ ('(' | '[' | '{')) => {
                let name =
                    (open == '(' && i > 0 && tokens.is_ident(i - 1)).then(|| tokens.text(i - 1).to_owned());
                let step = self.child_step();
                let mut frame = Frame {
                    open,
                    name,
                    step,
                    start: token.span.start,
                    field: None,
                    index: 0,
                    key: None,
                    item: None,
                };
                if let Some(outline) = outline {
                    let what = match self.shape(frame.step.as_ref()).as_str() {
                        "nodes[]" => Some(What::Node),
                        "nodes[].replies[]" => Some(What::Reply),
                        "endings[]" => Some(What::Ending),
                        "persona.meters[]" => Some(What::Meter),
                        _ => None,
                    };
                    if let Some(what) = what {
                        outline.items.push(Item {
                            what,
                            id: None,
                            span: token.span.start..usize::MAX,
                            parent: self.frames.iter().rev().find_map(|f| f.item),
                        });
                        frame.item = Some(outline.items.len() - 1);
                    }
                }
                self.frames.push(frame);
                self.expect = Expect::Element;
            }
            Tok::Punct(')' | ']' | '}') => {
                if let Some(frame) = self.frames.pop()
                    && let (Some(item), Some(outline)) = (frame.item, outline)
                    && let Some(item) = outline.items.get_mut(item)
                {
                    item.span.end = token.span.end;
                }
                self.expect = Expect::Separator;
            }
            Tok::Punct(',') => {
                if let Some(top) = self.frames.last_mut() {
                    top.field = None;
                    top.key = None;
                    top.index += 1;
                }
                self.expect = Expect::Element;
            }
            Tok::Punct(':') => {
                let before = i.checked_sub(1).and_then(|b| tokens.get(b).map(|t| (b, t.kind)));
                if let (Some(top), Some((b, kind))) = (self.frames.last_mut(), before) {
                    match (top.open, kind) {
                        ('(', Tok::Ident) => top.field = Some(tokens.text(b).to_owned()),
                        ('{', Tok::Str { .. }) => top.key = Some(string_content(tokens.text(b)).to_owned()),
                        ('{', _) => top.key = Some(tokens.text(b).to_owned()),
                        _ => {}
                    }
                }
                self.expect = Expect::Value;
            }
            Tok::Str { .. } => {
                if let Some(outline) = outline
                    && let Some((what, role)) = self.id_here()
                {
                    let span = string_span(tokens.src, token.span.clone());
                    let content = &tokens.src[span.clone()];
                    let item = self.frames.iter().rev().find_map(|f| f.item);
                    if role == Role::Definition
                        && what != What::Kind
                        && let Some(item) = item.and_then(|k| outline.items.get_mut(k))
                        && item.what == what
                    {
                        item.id = Some(content.to_owned());
                    }
                    outline.symbols.push(Symbol {
                        what,
                        role,
                        id: content.to_owned(),
                        span,
                        item,
                    });
                }
                self.expect = Expect::Separator;
            }
            // A field name is followed by `:`; anything else is a value.
            Tok::Ident if tokens.is(i + 1, ':') && !tokens.is(i + 2, ':') => {}
            // `Name(`: the name is read with the bracket.
            Tok::Ident if tokens.is(i + 1, '(') => {}
            _ => self.expect = Expect::Separator,
        }
    }
}

/// The bytes between the quotes of the string token at `token` (to the
/// end of the file for a string left open).
pub fn string_span(src: &str, token: Range<usize>) -> Range<usize> {
    let text = &src[token.clone()];
    let content = string_content(text);
    // `content` is a slice of `text`: its offset there.
    let skip = (content.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let start = token.start + skip;
    start..start + content.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"#![enable(implicit_some)]
Scenario(
    start: "greet",
    persona: (meters: [(id: "anger", start: 50), (id: "trust", start: 20)], traits: [(name: "x", kinds: ["policy"])]),
    rules: (hang_up: (ending: Some("hung_up_on")), repetition: (exempt: ["listen"])),
    kind_names: {"policy": "搬规定"},
    nodes: [
        (
            id: "greet",
            says: [(text: "你好", when: [Not(Visited("greet")), AtLeast("anger", 50)])],
            replies: [
                (id: "hi", kind: "listen", effects: {"anger": -5}, next: "greet",
                 branches: [(when: [Used("policy")], next: "bye")]),
            ],
        ),
    ],
    endings: [(id: "bye", kind: Resolved), (id: "hung_up_on", kind: AgentHungUp)],
    thresholds: [(when: [AtMost("trust", 0)], ending: "bye")],
)"#;

    fn listed(outline: &Outline) -> Vec<String> {
        outline
            .symbols
            .iter()
            .map(|s| {
                assert_eq!(&SRC[s.span.clone()], s.id);
                format!("{:?} {:?} {}", s.role, s.what, s.id)
            })
            .collect()
    }

    #[test]
    fn finds_every_id_and_what_it_is() {
        let outline = Outline::read(SRC);
        assert_eq!(
            listed(&outline),
            [
                "Reference Node greet",
                "Definition Meter anger",
                "Definition Meter trust",
                "Reference Kind policy",
                "Reference Ending hung_up_on",
                "Reference Kind listen",
                "Reference Kind policy",
                "Definition Node greet",
                "Reference Node greet",
                "Reference Meter anger",
                "Definition Reply hi",
                "Definition Kind listen",
                "Reference Meter anger",
                "Reference Target greet",
                "Reference Kind policy",
                "Reference Target bye",
                "Definition Ending bye",
                "Definition Ending hung_up_on",
                "Reference Meter trust",
                "Reference Ending bye",
            ]
        );
        let hi = outline.symbols.iter().find(|s| s.id == "hi").expect("hi");
        assert_eq!(outline.node_of(hi), Some("greet"));
        let items: Vec<String> = outline
            .items
            .iter()
            .map(|i| format!("{:?} {}", i.what, i.id.as_deref().unwrap_or("?")))
            .collect();
        assert_eq!(
            items,
            [
                "Meter anger",
                "Meter trust",
                "Node greet",
                "Reply hi",
                "Ending bye",
                "Ending hung_up_on"
            ]
        );
    }

    #[test]
    fn a_file_mid_edit_still_has_its_ids() {
        // A missing comma, an unclosed bracket and an unfinished reply.
        let src = r#"Scenario(
    start: "greet"
    nodes: [
        (id: "greet", replies: [(id: "hi", next: "bye"), (id: "x", next: "gr
        "#;
        let outline = Outline::read(src);
        let ids: Vec<&str> = outline.symbols.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids[..4], ["greet", "greet", "hi", "bye"]);
    }

    #[test]
    fn shapes_of_places() {
        let src = "Scenario(nodes: [(replies: [(action: Hold(";
        let tokens = Tokens::read(src);
        let walk = Walk::before(&tokens, tokens.list.len());
        assert_eq!(walk.shape(None), "nodes[].replies[].action");
        assert_eq!(walk.frames.last().and_then(|f| f.name.as_deref()), Some("Hold"));
        assert_eq!(walk.expect, Expect::Element);
    }
}
