//! Texts a trainer writes once per language: a plain string in the scenario's
//! default language, or a map from language code to string.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A language code as trainers write it: `en`, `zh`, `ru`, `es`.
pub type Lang = str;

/// Languages the game's own labels are translated into, in the order the
/// settings screen lists them.
pub const GAME_LANGUAGES: [(&str, &str); 4] = [
    ("en", "English"),
    ("zh", "中文"),
    ("ru", "Русский"),
    ("es", "Español"),
];

/// A piece of text that may be given in several languages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Text {
    /// No text was given (a field the trainer left out).
    #[default]
    Missing,
    /// One string, in the scenario's default language.
    Plain(String),
    /// One string per language code.
    Translated(BTreeMap<String, String>),
}

impl Text {
    /// The text in `lang`, falling back to `default_lang`, then to any
    /// language given, then to the empty string.
    pub fn get<'a>(&'a self, lang: &Lang, default_lang: &Lang) -> &'a str {
        match self {
            Text::Missing => "",
            Text::Plain(s) => s,
            Text::Translated(map) => map
                .get(lang)
                .or_else(|| map.get(default_lang))
                .or_else(|| map.values().next())
                .map_or("", String::as_str),
        }
    }

    /// Whether the text exists in `lang` without falling back.
    pub fn has(&self, lang: &Lang, default_lang: &Lang) -> bool {
        match self {
            Text::Missing => false,
            Text::Plain(s) => lang == default_lang && !s.trim().is_empty(),
            Text::Translated(map) => map.get(lang).is_some_and(|s| !s.trim().is_empty()),
        }
    }

    /// Whether nothing readable was given in any language.
    pub fn is_blank(&self) -> bool {
        match self {
            Text::Missing => true,
            Text::Plain(s) => s.trim().is_empty(),
            Text::Translated(map) => map.values().all(|s| s.trim().is_empty()),
        }
    }

    /// Every string given, in whatever language (map order).
    pub fn all(&self) -> impl Iterator<Item = &str> {
        let (plain, map) = match self {
            Text::Missing => (None, None),
            Text::Plain(s) => (Some(s.as_str()), None),
            Text::Translated(map) => (None, Some(map.values().map(String::as_str))),
        };
        plain.into_iter().chain(map.into_iter().flatten())
    }

    /// Every non-blank string with its language, a plain string in
    /// `default_lang` (map order).
    pub fn by_language(&self, default_lang: &str) -> Vec<(String, String)> {
        match self {
            Text::Missing => Vec::new(),
            Text::Plain(s) => vec![(default_lang.to_owned(), s.clone())],
            Text::Translated(map) => map.iter().map(|(l, s)| (l.clone(), s.clone())).collect(),
        }
        .into_iter()
        .filter(|(_, s)| !s.trim().is_empty())
        .collect()
    }

    /// The language codes this text carries explicitly.
    pub fn languages(&self) -> Vec<&str> {
        match self {
            Text::Translated(map) => map.keys().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::Plain(s.to_owned())
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Text::Missing => serializer.serialize_str(""),
            Text::Plain(s) => serializer.serialize_str(s),
            Text::Translated(map) => map.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    r#"a string, or a map of language to string such as {"en": "Hello", "zh": "你好"}"#,
                )
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::Plain(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text::Plain(v))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Text, A::Error> {
                let mut map = BTreeMap::new();
                while let Some((lang, text)) = access.next_entry::<String, String>()? {
                    if map.insert(lang.clone(), text).is_some() {
                        return Err(de::Error::custom(format!(
                            "the language `{lang}` is given twice in this text"
                        )));
                    }
                }
                Ok(Text::Translated(map))
            }
        }

        deserializer.deserialize_any(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_the_default_language() {
        let text: Text = ron::from_str(r#"{"en": "Hello", "zh": "你好"}"#).expect("valid text");
        assert_eq!(text.get("zh", "en"), "你好");
        assert_eq!(text.get("ru", "en"), "Hello");
        assert!(!text.has("ru", "en"));
    }

    #[test]
    fn a_plain_string_is_the_default_language() {
        let text: Text = ron::from_str(r#""Hello""#).expect("valid text");
        assert_eq!(text.get("es", "en"), "Hello");
        assert!(text.has("en", "en"));
        assert!(!text.has("es", "en"));
    }

    #[test]
    fn a_number_is_not_a_text() {
        let err = ron::from_str::<Text>("12").expect_err("a number is not text");
        assert!(err.to_string().contains("map of language to string"), "{err}");
    }
}
