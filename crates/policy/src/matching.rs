//! Wildcard matching as the IAM policy language does it: `*` matches any run of
//! characters (including none and including `/` and `:`), `?` matches exactly one.
//!
//! Matching works on tokens rather than on the raw pattern string because a policy
//! variable's value, and the `${*}`/`${?}` escapes, must match literally even when
//! they contain `*` or `?`: the template resolver produces `Tok::Char` for those.

/// One element of a resolved pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Char(char),
    /// `*`: any run of characters.
    Any,
    /// `?`: exactly one character.
    One,
}

/// Whether `pattern` (with `*` and `?`) matches `value`; `case_insensitive` for actions.
///
/// Resources and ARNs are matched case-sensitively, actions case-insensitively, as AWS does.
/// Every request evaluates every statement's actions, so this allocates nothing when both
/// strings are ASCII, which actions and ARNs are.
pub fn wildcard_match(pattern: &str, value: &str, case_insensitive: bool) -> bool {
    let tok = |c: char| match c {
        '*' => Tok::Any,
        '?' => Tok::One,
        c => Tok::Char(c),
    };
    if pattern.is_ascii() {
        let bytes = pattern.as_bytes();
        return with_value(value, |len, at| {
            glob(bytes.len(), |i| tok(char::from(bytes[i])), len, at, case_insensitive)
        });
    }
    let toks: Vec<Tok> = pattern.chars().map(tok).collect();
    match_tokens(&toks, value, case_insensitive)
}

/// Matches resolved tokens against `value`.
pub(crate) fn match_tokens(toks: &[Tok], value: &str, case_insensitive: bool) -> bool {
    with_value(value, |len, at| glob(toks.len(), |i| toks[i], len, at, case_insensitive))
}

/// Calls `f` with the value's length in characters and an accessor, indexing
/// bytes directly when the value is ASCII.
fn with_value(value: &str, f: impl FnOnce(usize, &dyn Fn(usize) -> char) -> bool) -> bool {
    if value.is_ascii() {
        let bytes = value.as_bytes();
        f(bytes.len(), &|i| char::from(bytes[i]))
    } else {
        let chars: Vec<char> = value.chars().collect();
        f(chars.len(), &|i| chars[i])
    }
}

fn same_char(pattern: char, value: char, case_insensitive: bool) -> bool {
    if pattern == value {
        return true;
    }
    if !case_insensitive {
        return false;
    }
    if pattern.is_ascii() && value.is_ascii() {
        return pattern.eq_ignore_ascii_case(&value);
    }
    pattern.to_lowercase().eq(value.to_lowercase())
}

/// The classic greedy-star algorithm with a single backtrack point: linear in practice and
/// O(n·m) at worst, so a hostile pattern such as `*a*a*a*b` cannot blow up exponentially.
fn glob(
    tok_len: usize,
    tok_at: impl Fn(usize) -> Tok,
    value_len: usize,
    value_at: &dyn Fn(usize) -> char,
    case_insensitive: bool,
) -> bool {
    let (mut t, mut v) = (0usize, 0usize);
    // Position of the last `*` seen and the value position it is currently assumed to cover up to.
    let mut star: Option<(usize, usize)> = None;
    while v < value_len {
        let step = if t < tok_len {
            match tok_at(t) {
                Tok::Any => {
                    star = Some((t, v));
                    t += 1;
                    continue;
                }
                Tok::One => true,
                Tok::Char(c) => same_char(c, value_at(v), case_insensitive),
            }
        } else {
            false
        };
        if step {
            t += 1;
            v += 1;
            continue;
        }
        match star {
            // Let the last star swallow one more character and retry from just after it.
            Some((st, sv)) => {
                star = Some((st, sv + 1));
                t = st + 1;
                v = sv + 1;
            }
            None => return false,
        }
    }
    (t..tok_len).all(|i| tok_at(i) == Tok::Any)
}

/// Renders tokens back into a plain string (wildcards as their characters), for operators
/// such as `StringEquals` where `*` carries no special meaning.
pub(crate) fn tokens_to_string(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Char(c) => *c,
            Tok::Any => '*',
            Tok::One => '?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        let cases: &[(&str, &str, bool, bool)] = &[
            ("*", "", false, true),
            ("*", "anything/at:all", false, true),
            ("", "", false, true),
            ("", "a", false, false),
            ("a?c", "abc", false, true),
            ("a?c", "ac", false, false),
            ("arn:aws:s3:::*.elasticmapreduce/*", "arn:aws:s3:::us-east-1.elasticmapreduce/x/y", false, true),
            ("arn:aws:s3:::*.elasticmapreduce", "arn:aws:s3:::us-east-1.elasticmapreduce/x", false, false),
            ("s3:Get*", "s3:getobject", true, true),
            ("s3:Get*", "s3:getobject", false, false),
            ("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false),
            ("*a*b", "xxaxxbxxb", false, true),
            ("a**b", "ab", false, true),
        ];
        for (p, v, ci, want) in cases {
            assert_eq!(wildcard_match(p, v, *ci), *want, "{p} vs {v}");
        }
    }

    #[test]
    fn literal_tokens_do_not_act_as_wildcards() {
        let toks = [Tok::Char('a'), Tok::Char('*')];
        assert!(match_tokens(&toks, "a*", false));
        assert!(!match_tokens(&toks, "ab", false));
    }
}
