//! Names people type (a trainee's, a class's): one form for each, so that
//! `ALICE`, `Alice` and a full-width `Ａｌｉｃｅ` are the same trainee, and
//! no character the projector would not show (a zero-width space, a
//! right-to-left override) can make two names look alike or one look like
//! another.

use unicode_normalization::UnicodeNormalization;

/// Why a typed name cannot be used: a stable code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError {
    pub code: &'static str,
    pub message: String,
}

/// Characters that show as nothing or reorder what is around them: zero-width
/// spaces and joiners, bidirectional marks, embeddings, overrides and
/// isolates, invisible operators, the byte-order mark, fillers and tags.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E007F}'
    )
}

/// `typed` in its one form: NFKC, spaces at the ends dropped and runs of
/// spaces inside made one; refused when empty, longer than `max`
/// characters, or holding a control or invisible character.
pub fn normalise(what: &str, typed: &str, max: usize) -> Result<String, NameError> {
    let nfkc: String = typed.nfkc().collect();
    if let Some(c) = nfkc.chars().find(|&c| is_invisible(c)) {
        return Err(NameError {
            code: "invalid-name",
            message: format!(
                "the {what} contains an invisible character (U+{:04X}); type it again without it",
                u32::from(c)
            ),
        });
    }
    if nfkc.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(NameError {
            code: "invalid-name",
            message: format!("the {what} contains control characters"),
        });
    }
    let name = nfkc.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(NameError {
            code: "empty-name",
            message: format!("the {what} is empty"),
        });
    }
    if name.chars().count() > max {
        return Err(NameError {
            code: "name-too-long",
            message: format!("the {what} is longer than {max} characters"),
        });
    }
    Ok(name)
}

/// What two names are compared by: the normalised name in lower case, so
/// `ALICE` and `Alice` collide.
pub fn key(name: &str) -> String {
    let nfkc: String = name.nfkc().collect();
    let folded: String = nfkc
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    folded.nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_names_have_one_form_and_one_key() {
        assert_eq!(normalise("name", "  Ａｌｉｃｅ  ", 60).as_deref(), Ok("Alice"));
        assert_eq!(
            normalise("name", "Ana\u{00A0}\u{00A0}María", 60).as_deref(),
            Ok("Ana María")
        );
        assert_eq!(key("ALICE"), key("Alice"));
        assert_eq!(key("Ａｌｉｃｅ"), key("alice"));
        assert_eq!(key("STRASSE"), "strasse");
        assert_ne!(key("Alice"), key("Alicia"));
    }

    #[test]
    fn invisible_and_reordering_characters_are_refused() {
        for typed in [
            "Al\u{200B}ice",
            "\u{202E}ecilA",
            "Alice\u{2066}",
            "\u{FEFF}Alice",
            "A\u{200D}lice",
        ] {
            let e = normalise("name", typed, 60).expect_err(typed);
            assert_eq!(e.code, "invalid-name", "{typed:?}");
            assert!(e.message.contains("invisible"), "{}", e.message);
        }
        assert_eq!(
            normalise("name", "\u{7}bell", 60).map_err(|e| e.code),
            Err("invalid-name")
        );
        assert_eq!(
            normalise("name", " \u{3000} ", 60).map_err(|e| e.code),
            Err("empty-name")
        );
        assert_eq!(
            normalise("name", &"a".repeat(61), 60).map_err(|e| e.code),
            Err("name-too-long")
        );
    }
}
