//! Hand-written matchers for the model's regular expressions.
//!
//! The crate may not depend on a regex engine, so each pattern the model
//! states is re-implemented here as a whole-string matcher with the same
//! language as the Java regex (Java semantics: `.` excludes line terminators,
//! `\s` is ASCII whitespace, `\w` is `[a-zA-Z0-9_]`). Each function documents
//! the pattern it stands for; the tests in `validate/tests.rs` pin the edges.

/// Java's `\s`.
pub(crate) fn is_java_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r')
}

/// Characters Java's `.` does not match.
fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `[class]+` over the whole string.
fn plus(s: &str, class: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(class)
}

fn alnum_or(extra: &'static str) -> impl Fn(char) -> bool {
    move |c| c.is_ascii_alphanumeric() || extra.contains(c)
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `[A-Za-z0-9._/#-]+`
pub(crate) fn application_name(s: &str) -> bool {
    plus(s, alnum_or("._/#-"))
}

/// `[A-Za-z0-9._/-]+`
pub(crate) fn release_label(s: &str) -> bool {
    plus(s, alnum_or("._/-"))
}

/// `[A-Za-z0-9._-]+`
pub(crate) fn client_token(s: &str) -> bool {
    plus(s, alnum_or("._-"))
}

/// `[0-9a-z]+` (ApplicationId, JobRunId, SessionId)
pub(crate) fn resource_id(s: &str) -> bool {
    plus(s, |c| c.is_ascii_digit() || c.is_ascii_lowercase())
}

/// `[A-Za-z0-9_=-]+`
pub(crate) fn next_token(s: &str) -> bool {
    plus(s, alnum_or("_=-"))
}

/// `[A-Za-z0-9 /_.:=+@-]+`
pub(crate) fn tag_key(s: &str) -> bool {
    plus(s, alnum_or(" /_.:=+@-"))
}

/// `[A-Za-z0-9 /_.:=+@-]*`
pub(crate) fn tag_value(s: &str) -> bool {
    s.chars().all(alnum_or(" /_.:=+@-"))
}

/// `[\.\-_/#A-Za-z0-9]+`
pub(crate) fn log_group_name(s: &str) -> bool {
    plus(s, alnum_or(".-_/#"))
}

/// `[^:*]*`
pub(crate) fn log_stream_name_prefix(s: &str) -> bool {
    s.chars().all(|c| c != ':' && c != '*')
}

/// `[a-zA-Z]+[-_]*[a-zA-Z]+` (WorkerTypeString, LogTypeString): letters,
/// at most one run of `-`/`_` strictly inside, at least two letters.
pub(crate) fn worker_type(s: &str) -> bool {
    let is_sep = |c: char| c == '-' || c == '_';
    let lead = s.chars().take_while(char::is_ascii_alphabetic).count();
    if lead == 0 {
        return false;
    }
    let rest = &s[lead..];
    if rest.is_empty() {
        return lead >= 2;
    }
    let trail = rest.trim_start_matches(is_sep);
    plus(trail, |c| c.is_ascii_alphabetic())
}

/// `.*\S.*`: contains a non-whitespace character. Line breaks are accepted
/// anywhere (queries and spark-submit parameters are often multi-line).
pub(crate) fn non_blank(s: &str) -> bool {
    s.chars().any(|c| !is_java_space(c))
}

/// `[-0-9a-zA-Z]+.*` (SubnetString, SecurityGroupString)
pub(crate) fn subnet_or_group(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() || c == '-' => chars.all(|c| !is_line_terminator(c)),
        _ => false,
    }
}

/// `[1-9][0-9]*(\s)?(unit alternatives)` with the unit optional or not.
fn size_with_unit(s: &str, units: &[&str], unit_required: bool) -> bool {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || s.starts_with('0') {
        return false;
    }
    let mut rest = &s[n..];
    if let Some(c) = rest.chars().next().filter(|c| is_java_space(*c)) {
        rest = &rest[c.len_utf8()..];
    }
    if rest.is_empty() {
        return !unit_required;
    }
    units.contains(&rest)
}

pub(crate) const CPU_UNITS: &[&str] = &["vCPU", "vcpu", "VCPU"];
pub(crate) const GB_UNITS: &[&str] = &["GB", "gb", "gB", "Gb"];

/// `[1-9][0-9]*(\s)?(vCPU|vcpu|VCPU)?`
pub(crate) fn cpu_size(s: &str) -> bool {
    size_with_unit(s, CPU_UNITS, false)
}

/// `[1-9][0-9]*(\s)?(GB|gb|gB|Gb)?`
pub(crate) fn memory_size(s: &str) -> bool {
    size_with_unit(s, GB_UNITS, false)
}

/// `[1-9][0-9]*(\s)?(GB|gb|gB|Gb)`
pub(crate) fn disk_size(s: &str) -> bool {
    size_with_unit(s, GB_UNITS, true)
}

/// `(SHUFFLE_OPTIMIZED|[Ss]huffle_[Oo]ptimized|STANDARD|[Ss]tandard)`
pub(crate) fn disk_type(s: &str) -> bool {
    matches!(
        s,
        "SHUFFLE_OPTIMIZED"
            | "Shuffle_Optimized"
            | "Shuffle_optimized"
            | "shuffle_Optimized"
            | "shuffle_optimized"
            | "STANDARD"
            | "Standard"
            | "standard"
    )
}

/// Splits `arn:(aws[a-zA-Z0-9-]*)` off the front: (partition, rest).
pub(crate) fn split_partition(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix("arn:")?;
    if !rest.starts_with("aws") {
        return None;
    }
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(rest.len());
    Some(rest.split_at(end))
}

/// `arn:(aws[a-zA-Z0-9-]*):iam::([0-9]{12}):(role((\u002F)|(\u002F[\u0021-\u007F]+\u002F))[\w+=,.@-]+)`
pub(crate) fn iam_role_arn(s: &str) -> bool {
    let check = || -> Option<bool> {
        let (_, rest) = split_partition(s)?;
        let rest = rest.strip_prefix(":iam::")?;
        let (account, rest) = rest.split_at_checked(12)?;
        let role = rest.strip_prefix(":role/")?;
        // The role name cannot contain '/', so the last '/' ends the path.
        let name_ok = |n: &str| plus(n, |c| is_word(c) || "+=,.@-".contains(c));
        Some(
            digits(account, 12)
                && match role.rfind('/') {
                    None => name_ok(role),
                    Some(i) => {
                        i > 0
                            && role[..i].chars().all(|c| ('\u{21}'..='\u{7F}').contains(&c))
                            && name_ok(&role[i + 1..])
                    }
                },
        )
    };
    check().unwrap_or(false)
}

/// `arn:(aws[a-zA-Z0-9-]*):kms:[a-zA-Z0-9\-]*:([0-9]{12}):key\/[a-zA-Z0-9-]+`
pub(crate) fn encryption_key_arn(s: &str) -> bool {
    let check = || -> Option<bool> {
        let (_, rest) = split_partition(s)?;
        let rest = rest.strip_prefix(":kms:")?;
        let (region, rest) = rest.split_once(':')?;
        let (account, rest) = rest.split_at_checked(12)?;
        let key = rest.strip_prefix(":key/")?;
        Some(region.chars().all(alnum_or("-")) && digits(account, 12) && plus(key, alnum_or("-")))
    };
    check().unwrap_or(false)
}

/// `arn:(aws[a-zA-Z0-9-]*):sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}`
pub(crate) fn identity_center_instance_arn(s: &str) -> bool {
    let check = || -> Option<bool> {
        let (_, rest) = split_partition(s)?;
        let tail = rest.strip_prefix(":sso:::instance/")?;
        let tail = match tail.strip_prefix("sso") {
            Some(t) if t.starts_with("ins-") => t,
            _ => tail,
        };
        let id = tail.strip_prefix("ins-")?;
        Some(id.chars().count() == 16 && id.chars().all(alnum_or("-.")))
    };
    check().unwrap_or(false)
}

/// `arn:(aws[a-zA-Z0-9-]*):emr-serverless:.+:(\d{12}):\/applications\/[0-9a-zA-Z]+(\/jobruns\/[0-9a-zA-Z]+|\/sessions\/[0-9a-zA-Z]+)?`
pub(crate) fn resource_arn(s: &str) -> bool {
    crate::arn::split_resource_arn(s).is_some()
}

/// `([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+).([a-z0-9._-]+)\/(repository path)(:tag|@sha256:digest)`
pub(crate) fn image_uri(s: &str) -> bool {
    let Some((account, rest)) = s.split_at_checked(12) else {
        return false;
    };
    let Some(host) = rest.strip_prefix(".dkr.ecr.") else {
        return false;
    };
    if !digits(account, 12) {
        return false;
    }
    let region_class = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    let domain_class = |c: char| region_class(c) || c == '.' || c == '_';
    let region_max = host.find(|c| !region_class(c)).unwrap_or(host.len());
    // The region and the domain share characters; try every split point.
    (1..=region_max).any(|i| {
        let after = &host[i..];
        let Some(sep) = after.chars().next().filter(|c| !is_line_terminator(*c)) else {
            return false;
        };
        let domain_and_path = &after[sep.len_utf8()..];
        let Some(slash) = domain_and_path.find('/') else {
            return false;
        };
        plus(&domain_and_path[..slash], domain_class) && image_repository_and_reference(&domain_and_path[slash + 1..])
    })
}

fn image_repository_and_reference(s: &str) -> bool {
    let Some(at) = s.find([':', '@']) else {
        return false;
    };
    let (path, reference) = s.split_at(at);
    let component_ok = |c: &str| {
        let bytes = c.as_bytes();
        let is_sep = |b: u8| matches!(b, b'-' | b'.' | b'_');
        let is_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        !bytes.is_empty()
            && bytes.iter().all(|&b| is_alnum(b) || is_sep(b))
            && is_alnum(bytes[0])
            && is_alnum(bytes[bytes.len() - 1])
            && !bytes.windows(2).any(|w| is_sep(w[0]) && is_sep(w[1]))
    };
    let path_ok = path.split('/').all(component_ok);
    let reference_ok = if let Some(tag) = reference.strip_prefix(':') {
        let mut chars = tag.chars();
        chars.next().is_some_and(is_word) && chars.all(alnum_or("-._"))
    } else if let Some(digest) = reference.strip_prefix("@sha256:") {
        digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    } else {
        false
    };
    path_ok && reference_ok
}

/// `https://aps-workspaces.([a-z]{2}-[a-z-]{1,20}-[1-9]).amazonaws(.[0-9A-Za-z]{2,4})+/workspaces/[-_.0-9A-Za-z]{1,100}/api/v1/remote_write`
/// (unescaped dots match any character, as in the model).
pub(crate) fn prometheus_url(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    let lit = |at: &[char], text: &str| at.len() >= text.len() && text.chars().zip(at).all(|(a, b)| a == *b);
    let prefix = "https://aps-workspaces";
    if !lit(&c, prefix) {
        return false;
    }
    let after = &c[prefix.len()..];
    match after.first() {
        Some(ch) if !is_line_terminator(*ch) => {}
        _ => return false,
    }
    let rest = &after[1..];
    (2..rest.len()).any(|k| {
        lit(&rest[k..], "amazonaws")
            && !is_line_terminator(rest[k - 1])
            && prometheus_region(&rest[..k - 1])
            && prometheus_tail(&rest[k + "amazonaws".len()..])
    })
}

fn prometheus_region(r: &[char]) -> bool {
    let n = r.len();
    n >= 6
        && r[0].is_ascii_lowercase()
        && r[1].is_ascii_lowercase()
        && r[2] == '-'
        && r[n - 2] == '-'
        && ('1'..='9').contains(&r[n - 1])
        && (1..=20).contains(&(n - 5))
        && r[3..n - 2].iter().all(|c| c.is_ascii_lowercase() || *c == '-')
}

fn prometheus_tail(t: &[char]) -> bool {
    let suffix: Vec<char> = "/api/v1/remote_write".chars().collect();
    let marker: Vec<char> = "/workspaces".chars().collect();
    let Some(body) = t.strip_suffix(suffix.as_slice()) else {
        return false;
    };
    let Some(slash) = body.iter().rposition(|c| *c == '/') else {
        return false;
    };
    let workspace = &body[slash + 1..];
    let Some(domain) = body[..slash].strip_suffix(marker.as_slice()) else {
        return false;
    };
    if !(1..=100).contains(&workspace.len())
        || !workspace.iter().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
    {
        return false;
    }
    // (.[0-9A-Za-z]{2,4})+ : reachability over positions.
    let mut reach = vec![false; domain.len() + 1];
    reach[0] = true;
    for i in 0..domain.len() {
        if !reach[i] || is_line_terminator(domain[i]) {
            continue;
        }
        for len in 2..=4 {
            let end = i + 1 + len;
            if end <= domain.len() && domain[i + 1..end].iter().all(char::is_ascii_alphanumeric) {
                reach[end] = true;
            }
        }
    }
    !domain.is_empty() && reach[domain.len()]
}

/// `.*[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\r\n\t]*.*`:
/// a line-terminator-free prefix and suffix around a middle made only of
/// the class. Taking the longest prefix and suffix leaves the smallest
/// middle, so checking that one middle decides the match.
pub(crate) fn uri_string(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    let Some(first) = c.iter().position(|c| is_line_terminator(*c)) else {
        return true;
    };
    let last = c.iter().rposition(|c| is_line_terminator(*c)).unwrap_or(first);
    c[first..=last].iter().all(|&ch| matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}'))
}

/// `([\u0009\u000A\u000D\u0020-\u00FF]+)`
pub(crate) fn policy_document(s: &str) -> bool {
    plus(s, |c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}'))
}

/// `([\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+)`
pub(crate) fn arn_text(s: &str) -> bool {
    plus(s, |c| {
        matches!(c,
            '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
    })
}
