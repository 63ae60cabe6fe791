//! `sentences(str[, lang[, country]])`: text split into sentences, each an
//! array of words.
//!
//! Hive walks the text with Java's `BreakIterator` sentence instance, then
//! each sentence with the word instance, and keeps the pieces that start with
//! a letter or digit. Those iterators follow the JDK's rule tables (the
//! `SentenceBreakRules` and `WordBreakRules` of `BreakIteratorRules`), which
//! are the same for every locale Hive passes, so `lang` and `country` change
//! nothing here either. This module states those rules directly:
//!
//! - a sentence ends after `!`/`?` (with any further terminators, periods,
//!   closing punctuation and spaces);
//! - after a period only when spaces follow and then something other than a
//!   lowercase letter (`e.g. this` stays one sentence), or when opening
//!   punctuation or symbols and then a letter follow;
//! - and after a period followed by two or more spaces;
//! - a word is a run of letters that may hold single dashes, apostrophes,
//!   quotes or periods between letters (`ill-formed`, `peut-être`), and
//!   numbers are digits with single `.,'"` inside; letters and numbers that
//!   touch make one word.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListBuilder, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::Result;
use regex::Regex;

/// The return type: `array<array<string>>`.
pub fn return_type() -> DataType {
    let words = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
    DataType::List(Arc::new(Field::new("item", words, true)))
}

/// The kernel: NULL text gives NULL; the locale arguments are accepted and, as
/// in the JDK, do not change the rules.
pub fn sentences(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let text = super::utf8(&args[0])?;
    let text = text.as_string::<i32>();
    let mut out = ListBuilder::new(ListBuilder::new(StringBuilder::new()));
    for i in 0..text.len() {
        if text.is_null(i) {
            out.append(false);
            continue;
        }
        for sentence in split_sentences(text.value(i)) {
            for word in words(sentence) {
                out.values().values().append_value(word);
            }
            out.values().append(true);
        }
        out.append(true);
    }
    Ok(Arc::new(out.finish()))
}

// Character classes of the JDK's rule tables, as regex classes.
const KANA_KANJI: &str = r"\x{3005}\x{4e00}-\x{9fa5}\x{f900}-\x{fa2d}\x{30a1}-\x{30fa}\x{30fd}\x{30fe}\x{3041}-\x{3094}\x{309d}\x{309e}\x{3099}-\x{309c}\x{30fb}\x{30fc}";

fn class(set: &str) -> Regex {
    // The sets are fixed strings of this module, tested below.
    Regex::new(&format!(r"\A[{set}]\z")).unwrap_or_else(|e| panic!("bad character class {set}: {e}"))
}

static LOWER: LazyLock<Regex> = LazyLock::new(|| class(r"\p{Ll}"));
static LETTER: LazyLock<Regex> = LazyLock::new(|| class(r"\p{L}"));
static SPACE: LazyLock<Regex> = LazyLock::new(|| class(r"\t\r\x{c}\n\x{2028}\p{Zs}"));
static START_PUNCT: LazyLock<Regex> = LazyLock::new(|| class(r#"\p{Ps}\p{Pi}"'"#));
static END_PUNCT: LazyLock<Regex> = LazyLock::new(|| class(r#"\p{Pe}\p{Pf}"'"#));
static TERM: LazyLock<Regex> = LazyLock::new(|| class(r"!?\x{3002}\x{ff01}\x{ff1f}"));
static PERIOD: LazyLock<Regex> = LazyLock::new(|| class(r".\x{ff0e}"));
static DANDA: LazyLock<Regex> = LazyLock::new(|| class(r"\x{964}\x{965}"));
/// What may open a sentence besides letters: anything not named elsewhere.
static SENT_START: LazyLock<Regex> = LazyLock::new(|| {
    class(
        r#"^\p{L}\t\r\x{c}\n\x{2028}\p{Zs}\p{Ps}\p{Pi}\p{Pe}\p{Pf}"'\p{N}!?\x{3002}\x{ff01}\x{ff1f}.\x{ff0e},\x{2029}\p{Mn}\p{Me}\p{Cf}"#,
    )
});

fn is(re: &Regex, c: char) -> bool {
    let mut buf = [0u8; 4];
    re.is_match(c.encode_utf8(&mut buf))
}

/// The text cut at the sentence breaks.
fn split_sentences(text: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|(_, c)| *c);
    let byte = |i: usize| chars.get(i).map_or(text.len(), |(b, _)| *b);
    let skip = |mut i: usize, re: &[&Regex]| {
        while at(i).is_some_and(|c| re.iter().any(|r| is(r, c))) {
            i += 1;
        }
        i
    };
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = chars.len();
        let mut i = start;
        while let Some(c) = at(i) {
            if c == '\u{2029}' {
                end = i + 1;
                break;
            }
            if is(&DANDA, c) {
                end = skip(i + 1, &[&SPACE]);
                break;
            }
            if is(&TERM, c) {
                let j = skip(skip(i + 1, &[&TERM, &PERIOD, &END_PUNCT]), &[&SPACE]);
                end = if at(j) == Some('\u{2029}') { j + 1 } else { j };
                break;
            }
            if is(&PERIOD, c) {
                let j = skip(i + 1, &[&PERIOD, &END_PUNCT]);
                let k = skip(j, &[&SPACE]);
                let capital_next = k > j && at(k).is_some_and(|n| is(&LETTER, n) && !is(&LOWER, n));
                let m = skip(k, &[&START_PUNCT, &SENT_START]);
                let opener_then_letter = m > k && at(m).is_some_and(|n| is(&LETTER, n));
                // The JDK's iterator also breaks after a period and two or more
                // spaces, whatever follows (its lookahead state for `$space*`
                // accepts there); Hive's ngrams over `text-en.txt` count so.
                let two_spaces = k >= j + 2 && at(k).is_some();
                if capital_next || opener_then_letter || two_spaces {
                    end = k;
                    break;
                }
            }
            i += 1;
        }
        out.push(&text[byte(start)..byte(end)]);
        start = end;
    }
    out
}

const LET: &str = r"[[\p{L}\p{Mc}]&&[^KANA_KANJI]][\p{Mn}\p{Me}]*";
const DGT: &str = r"\p{N}[\p{Mn}\p{Me}]*";
const MID_WORD: &str = r#"[\p{Pd}\p{Pc}\x{ad}\x{2027}"'.]"#;
const MID_NUM: &str = r#"["',\x{66b}.]"#;
const POST_NUM: &str = r"[%&\x{a2}\x{66a}\x{2030}\x{2031}]";

/// Words and numbers that touch, then an optional number suffix.
static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    let word = format!("(?:(?:{LET})+(?:{MID_WORD}(?:{LET})+)*[\\x{{964}}\\x{{965}}]?)");
    let number = format!("(?:(?:{DGT})+(?:{MID_NUM}(?:{DGT})+)*)");
    let tail = format!("(?:{number}{word})*(?:{number}{POST_NUM}?)?");
    // The alternatives start with different characters, so at most one can match.
    let pattern =
        format!(r"\A(?:{word}{tail}|{number}{word}{tail}|{number}{POST_NUM}?|[[\p{{Sc}}#.]&&[^\x{{a2}}]]{tail})");
    // Same for the other runs the word rules keep together.
    let runs = r"|\A[\x{30a1}-\x{30fa}\x{30fd}\x{30fe}\x{3099}-\x{309c}\x{30fb}\x{30fc}]+|\A[\x{3041}-\x{3094}\x{309d}\x{309e}\x{3099}-\x{309c}\x{30fb}\x{30fc}]+|\A[\x{3005}\x{4e00}-\x{9fa5}\x{f900}-\x{fa2d}]+";
    let full = format!("{pattern}{runs}").replace("KANA_KANJI", KANA_KANJI);
    Regex::new(&full).unwrap_or_else(|e| panic!("bad word pattern: {e}"))
});

/// The words of one sentence: the word-break pieces starting with a letter or digit.
fn words(sentence: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(c) = sentence[pos..].chars().next() {
        let len = match TOKEN.find(&sentence[pos..]) {
            Some(m) if !m.is_empty() => m.end(),
            // Anything else is a piece of one character (with its marks).
            _ => c.len_utf8(),
        };
        let piece = &sentence[pos..pos + len];
        if c.is_alphanumeric() {
            out.push(piece);
        }
        pos += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::StringArray;

    fn split(text: &str) -> Vec<Vec<&str>> {
        split_sentences(text).into_iter().map(words).collect()
    }

    #[test]
    fn hive_documented_example() {
        assert_eq!(split("Hello there! I am a UDF."), vec![vec!["Hello", "there"], vec!["I", "am", "a", "UDF"]]);
    }

    #[test]
    fn udf_sentences_qtest_text() {
        let text =
            "Hive is an excellent tool for data querying; and perhaps more versatile than machine translation!! \
                    Multiple, ill-formed sentences...confounding punctuation--and yet this UDF still works!!!!";
        let s = split(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].last(), Some(&"translation"));
        assert_eq!(
            s[1],
            vec![
                "Multiple",
                "ill-formed",
                "sentences",
                "confounding",
                "punctuation",
                "and",
                "yet",
                "this",
                "UDF",
                "still",
                "works"
            ]
        );
    }

    #[test]
    fn periods_break_only_before_capitals() {
        assert_eq!(split("see e.g. this one. Next"), vec![vec!["see", "e.g", "this", "one"], vec!["Next"]]);
        assert_eq!(split("Sätze ... Verwechselung"), vec![vec!["Sätze"], vec!["Verwechselung"]]);
        assert_eq!(split("phrases ... confusion"), vec![vec!["phrases", "confusion"]]);
        // Two spaces after a period end the sentence even before a lowercase word.
        assert_eq!(split("he thought.  it was"), vec![vec!["he", "thought"], vec!["it", "was"]]);
        assert_eq!(split("he thought. it was"), vec![vec!["he", "thought", "it", "was"]]);
        // Numbers keep their inner punctuation; a currency amount is not a word.
        assert_eq!(split("pi is 3.14, not $3"), vec![vec!["pi", "is", "3.14", "not"]]);
        assert_eq!(split(""), Vec::<Vec<&str>>::new());
    }

    #[test]
    fn kernel_builds_nested_lists() {
        let input: ArrayRef = Arc::new(StringArray::from(vec![Some("A b. C d!"), None]));
        let out = sentences(&[input], 2).unwrap();
        assert_eq!(out.data_type(), &return_type());
        let list = out.as_list::<i32>();
        assert!(list.is_null(1));
        assert_eq!(list.value(0).len(), 2);
    }
}
