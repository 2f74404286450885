//! The encoder's memo: texts already embedded and their vectors, kept in a
//! file across runs. The file is
//!
//! ```text
//! "CSMEMO01"  fingerprint: u64 LE  count: u32 LE
//! count × ( length: u32 LE  text: UTF-8  vector: DIM × f32 LE )
//! ```
//!
//! Anything else (another model's fingerprint, a short or damaged file) is
//! read as an empty memo. A vector is stored as its exact bits, so a
//! remembered text's embedding is the one computing it gives.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{DIM, Embedding};

const MAGIC: &[u8; 8] = b"CSMEMO01";

/// The memo keeps at most this many texts (a file of about 40 MB; the six
/// shipped scenarios have 4,400). When a save finds more, the texts not
/// used in this run are dropped first: a trainer's old wordings go, the
/// phrases in use stay.
const MOST: usize = 20_000;

/// Texts and their vectors, as written to the file.
pub(crate) type Entries = Vec<(Arc<str>, Embedding)>;

#[derive(Debug, Default)]
pub(crate) struct Memo {
    /// Texts are remembered (after [`Memo::open`] or [`Memo::in_memory`]).
    active: bool,
    /// Where it is kept across runs, if anywhere.
    file: Option<PathBuf>,
    vectors: HashMap<Arc<str>, Embedding>,
    /// Texts added since the file was read.
    added: usize,
    /// Texts looked up or added in this run.
    used: std::collections::HashSet<Arc<str>>,
}

impl Memo {
    pub(crate) fn in_memory(&mut self) {
        self.active = true;
    }

    pub(crate) fn open(&mut self, file: &Path, fingerprint: u64) -> usize {
        self.active = true;
        self.file = Some(file.to_owned());
        self.vectors = std::fs::read(file)
            .ok()
            .and_then(|bytes| parse(&bytes, fingerprint))
            .unwrap_or_default();
        self.added = 0;
        self.used.clear();
        self.vectors.len()
    }

    pub(crate) fn get(&mut self, text: &str) -> Option<Embedding> {
        let (key, embedding) = self.vectors.get_key_value(text)?;
        let embedding = embedding.clone();
        if !self.used.contains(text) {
            self.used.insert(Arc::clone(key));
        }
        Some(embedding)
    }

    pub(crate) fn insert(&mut self, text: &str, embedding: &Embedding) {
        if !self.active || self.vectors.contains_key(text) {
            return;
        }
        if self.vectors.len() >= MOST {
            // Room for what this run uses, at the cost of what it does not.
            let used = &self.used;
            self.vectors.retain(|t, _| used.contains(t));
            if self.vectors.len() >= MOST {
                return;
            }
        }
        let key: Arc<str> = Arc::from(text);
        self.used.insert(Arc::clone(&key));
        self.vectors.insert(key, embedding.clone());
        self.added += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.vectors.len()
    }

    /// The file and what to write to it, if anything was added.
    pub(crate) fn snapshot(&mut self) -> Option<(PathBuf, Entries)> {
        if self.added == 0 {
            return None;
        }
        let file = self.file.clone()?;
        self.added = 0;
        let mut entries: Entries = self
            .vectors
            .iter()
            .map(|(t, e)| (Arc::clone(t), e.clone()))
            .collect();
        // The same memo, the same bytes.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Some((file, entries))
    }
}

fn parse(bytes: &[u8], fingerprint: u64) -> Option<HashMap<Arc<str>, Embedding>> {
    let mut at = 0usize;
    let mut take = |n: usize| -> Option<&[u8]> {
        let slice = bytes.get(at..at.checked_add(n)?)?;
        at += n;
        Some(slice)
    };
    if take(8)? != MAGIC {
        return None;
    }
    if u64::from_le_bytes(take(8)?.try_into().ok()?) != fingerprint {
        return None;
    }
    let count = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
    let mut vectors = HashMap::with_capacity(count.min(MOST));
    for _ in 0..count.min(MOST) {
        let length = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
        let text = std::str::from_utf8(take(length)?).ok()?;
        let raw = take(DIM * 4)?;
        let mut values = [0f32; DIM];
        for (v, chunk) in values.iter_mut().zip(raw.chunks_exact(4)) {
            *v = f32::from_le_bytes(chunk.try_into().ok()?);
        }
        vectors.insert(Arc::from(text), Embedding(values));
    }
    Some(vectors)
}

pub(crate) fn write(file: &Path, fingerprint: u64, entries: &[(Arc<str>, Embedding)]) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(20 + entries.len() * (DIM * 4 + 64));
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&fingerprint.to_le_bytes());
    bytes.extend_from_slice(&u32::try_from(entries.len()).unwrap_or(u32::MAX).to_le_bytes());
    for (text, embedding) in entries {
        bytes.extend_from_slice(&u32::try_from(text.len()).unwrap_or(u32::MAX).to_le_bytes());
        bytes.extend_from_slice(text.as_bytes());
        for v in embedding.as_slice() {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // Another process may be writing the same memo: each writes its own
    // file and renames it over; the last one wins, and both are whole.
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = file.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let mut out = std::fs::File::create(&temporary)?;
    out.write_all(&bytes)?;
    out.sync_all()?;
    drop(out);
    std::fs::rename(&temporary, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(x: f32) -> Embedding {
        let mut v = [0f32; DIM];
        v[0] = x;
        v[DIM - 1] = -x;
        Embedding(v)
    }

    #[test]
    fn a_memo_round_trips_exactly_and_another_models_is_ignored() {
        let dir = std::env::temp_dir().join(format!("callsim-memo-{}", std::process::id()));
        let file = dir.join("phrases.bin");
        let mut memo = Memo::default();
        assert_eq!(memo.open(&file, 7), 0, "no file yet");
        memo.insert("привет", &vector(0.1));
        memo.insert("你好", &vector(f32::MIN_POSITIVE));
        let (path, entries) = memo.snapshot().expect("something to write");
        write(&path, 7, &entries).expect("written");
        assert!(memo.snapshot().is_none(), "nothing new since");

        let mut again = Memo::default();
        assert_eq!(again.open(&file, 7), 2);
        assert_eq!(again.get("你好"), Some(vector(f32::MIN_POSITIVE)), "bit for bit");
        assert_eq!(again.get("привет"), Some(vector(0.1)));
        assert_eq!(
            Memo::default().open(&file, 8),
            0,
            "another model's vectors are not used"
        );

        // A damaged file reads as empty, for every cut.
        let bytes = std::fs::read(&file).expect("reads");
        for cut in [0, 5, 8, 19, 20, 30, bytes.len() - 1] {
            assert!(parse(&bytes[..cut], 7).is_none(), "cut at {cut}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_full_memo_makes_room_by_dropping_what_this_run_did_not_use() {
        let mut memo = Memo::default();
        memo.in_memory();
        for i in 0..MOST {
            memo.insert(&format!("old {i}"), &vector(1.0));
        }
        // A later run: the memo as read, one old text used again.
        memo.used.clear();
        assert!(memo.get("old 7").is_some());
        memo.insert("new", &vector(0.5));
        assert_eq!(memo.get("new"), Some(vector(0.5)), "the new text is remembered");
        assert!(memo.get("old 7").is_some(), "what this run used stays");
        assert!(memo.get("old 8").is_none(), "what it did not is dropped");
        assert_eq!(memo.len(), 2);
    }

    #[test]
    fn without_a_memo_nothing_is_remembered_and_in_memory_nothing_is_written() {
        let mut memo = Memo::default();
        memo.insert("x", &vector(1.0));
        assert_eq!(memo.len(), 0);
        memo.in_memory();
        memo.insert("x", &vector(1.0));
        assert_eq!(memo.get("x"), Some(vector(1.0)));
        assert!(memo.snapshot().is_none(), "no file to write");
    }
}
