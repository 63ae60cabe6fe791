//! Constraint bookkeeping: the model's string shapes as data, and a
//! collector that words violations the way AWS (Coral) does, e.g.
//! `Value 'x' at 'name' failed to satisfy constraint: Member must ...`.

use super::patterns as p;
use crate::error::ApiError;
use std::fmt::Write as _;

/// A model pattern: its text (quoted in messages) and its matcher.
#[derive(Clone, Copy)]
pub(crate) struct Pattern {
    pub text: &'static str,
    pub matches: fn(&str) -> bool,
}

/// A string shape's constraints. `sensitive` shapes never echo their value.
#[derive(Clone, Copy)]
pub(crate) struct StrRule {
    pub min: usize,
    pub max: Option<usize>,
    pub pattern: Option<Pattern>,
    pub sensitive: bool,
}

const fn rule(min: usize, max: usize, text: &'static str, matches: fn(&str) -> bool) -> StrRule {
    StrRule { min, max: Some(max), pattern: Some(Pattern { text, matches }), sensitive: false }
}

const fn secret(min: usize, max: Option<usize>, pattern: Option<Pattern>) -> StrRule {
    StrRule { min, max, pattern, sensitive: true }
}

const fn length_only(min: usize, max: usize) -> StrRule {
    StrRule { min, max: Some(max), pattern: None, sensitive: false }
}

const NON_BLANK: Pattern = Pattern { text: r".*\S.*", matches: p::non_blank };

pub(crate) const RESOURCE_ID: StrRule = rule(1, 64, "[0-9a-z]+", p::resource_id);
/// `SessionId`: the same shape as other resource ids.
pub(crate) const SESSION_ID: StrRule = RESOURCE_ID;
pub(crate) const APPLICATION_NAME: StrRule = rule(1, 64, "[A-Za-z0-9._/#-]+", p::application_name);
pub(crate) const RELEASE_LABEL: StrRule = rule(1, 64, "[A-Za-z0-9._/-]+", p::release_label);
pub(crate) const ENGINE_TYPE: StrRule = length_only(1, 64);
pub(crate) const CLIENT_TOKEN: StrRule = rule(1, 64, "[A-Za-z0-9._-]+", p::client_token);
pub(crate) const NEXT_TOKEN: StrRule = rule(1, 1024, "[A-Za-z0-9_=-]+", p::next_token);
pub(crate) const RESOURCE_ARN: StrRule = rule(
    60,
    1024,
    r"arn:(aws[a-zA-Z0-9-]*):emr-serverless:.+:(\d{12}):\/applications\/[0-9a-zA-Z]+(\/jobruns\/[0-9a-zA-Z]+|\/sessions\/[0-9a-zA-Z]+)?",
    p::resource_arn,
);
pub(crate) const TAG_KEY: StrRule = rule(1, 128, "[A-Za-z0-9 /_.:=+@-]+", p::tag_key);
pub(crate) const TAG_VALUE: StrRule = rule(0, 256, "[A-Za-z0-9 /_.:=+@-]*", p::tag_value);
pub(crate) const WORKER_TYPE: StrRule = rule(1, 50, "[a-zA-Z]+[-_]*[a-zA-Z]+", p::worker_type);
pub(crate) const CPU_SIZE: StrRule = rule(1, 15, r"[1-9][0-9]*(\s)?(vCPU|vcpu|VCPU)?", p::cpu_size);
pub(crate) const MEMORY_SIZE: StrRule = rule(1, 15, r"[1-9][0-9]*(\s)?(GB|gb|gB|Gb)?", p::memory_size);
pub(crate) const DISK_SIZE: StrRule = rule(1, 15, r"[1-9][0-9]*(\s)?(GB|gb|gB|Gb)", p::disk_size);
pub(crate) const DISK_TYPE: StrRule = StrRule {
    min: 0,
    max: None,
    pattern: Some(Pattern {
        text: "(SHUFFLE_OPTIMIZED|[Ss]huffle_[Oo]ptimized|STANDARD|[Ss]tandard)",
        matches: p::disk_type,
    }),
    sensitive: false,
};
pub(crate) const SUBNET: StrRule = rule(1, 32, "[-0-9a-zA-Z]+.*", p::subnet_or_group);
pub(crate) const SECURITY_GROUP: StrRule = SUBNET;
pub(crate) const IMAGE_URI: StrRule = rule(
    1,
    1024,
    r"([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+).([a-z0-9._-]+)\/((?:[a-z0-9]+(?:[-._][a-z0-9]+)*/)*[a-z0-9]+(?:[-._][a-z0-9]+)*)(?::([a-zA-Z0-9_]+[a-zA-Z0-9-._]*)|@(sha256:[0-9a-f]{64}))",
    p::image_uri,
);
pub(crate) const STRING256: StrRule = rule(1, 256, r".*\S.*", p::non_blank);
pub(crate) const STRING1024: StrRule = rule(1, 1024, r".*\S.*", p::non_blank);
// Keys and values of SensitivePropertiesMap are sensitive through the map.
pub(crate) const PROPERTY_KEY: StrRule = secret(1, Some(1024), Some(NON_BLANK));
pub(crate) const PROPERTY_VALUE: StrRule = secret(0, Some(1024), Some(NON_BLANK));
pub(crate) const URI_STRING: StrRule =
    rule(1, 10280, r".*[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\r\n\t]*.*", p::uri_string);
pub(crate) const ENCRYPTION_KEY_ARN: StrRule =
    rule(20, 2048, r"arn:(aws[a-zA-Z0-9-]*):kms:[a-zA-Z0-9\-]*:([0-9]{12}):key\/[a-zA-Z0-9-]+", p::encryption_key_arn);
pub(crate) const LOG_GROUP_NAME: StrRule = rule(1, 512, r"[\.\-_/#A-Za-z0-9]+", p::log_group_name);
pub(crate) const LOG_STREAM_NAME_PREFIX: StrRule = rule(1, 512, "[^:*]*", p::log_stream_name_prefix);
pub(crate) const LOG_TYPE: StrRule = rule(1, 50, "[a-zA-Z]+[-_]*[a-zA-Z]+", p::worker_type);
pub(crate) const PROMETHEUS_URL: StrRule = rule(
    1,
    10280,
    "https://aps-workspaces.([a-z]{2}-[a-z-]{1,20}-[1-9]).amazonaws(.[0-9A-Za-z]{2,4})+/workspaces/[-_.0-9A-Za-z]{1,100}/api/v1/remote_write",
    p::prometheus_url,
);
pub(crate) const ENCRYPTION_CONTEXT_KEY: StrRule = length_only(1, 128);
pub(crate) const ENCRYPTION_CONTEXT_VALUE: StrRule = length_only(1, 384);
pub(crate) const IDENTITY_CENTER_INSTANCE_ARN: StrRule = rule(
    10,
    1024,
    r"arn:(aws[a-zA-Z0-9-]*):sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}",
    p::identity_center_instance_arn,
);
pub(crate) const IAM_ROLE_ARN: StrRule = rule(
    20,
    2048,
    r"arn:(aws[a-zA-Z0-9-]*):iam::([0-9]{12}):(role((\u002F)|(\u002F[\u0021-\u007F]+\u002F))[\w+=,.@-]+)",
    p::iam_role_arn,
);
pub(crate) const POLICY_DOCUMENT: StrRule = rule(1, 2048, r"([\u0009\u000A\u000D\u0020-\u00FF]+)", p::policy_document);
pub(crate) const ARN: StrRule = rule(
    20,
    2048,
    r"([\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+)",
    p::arn_text,
);
pub(crate) const ENTRY_POINT_PATH: StrRule = secret(1, Some(4096), Some(NON_BLANK));
pub(crate) const ENTRY_POINT_ARGUMENT: StrRule = secret(0, None, None);
pub(crate) const SPARK_SUBMIT_PARAMETERS: StrRule = secret(1, Some(102_400), Some(NON_BLANK));
pub(crate) const HIVE_CLI_PARAMETERS: StrRule = secret(1, Some(102_400), Some(NON_BLANK));
pub(crate) const QUERY: StrRule = secret(1, Some(10_280), Some(NON_BLANK));
pub(crate) const INIT_SCRIPT_PATH: StrRule = secret(1, Some(256), Some(NON_BLANK));

/// Longest value echoed in a message; longer ones are cut (messages are
/// capped at 1024 characters by the model's exception shapes).
const ECHO_LIMIT: usize = 128;

/// `a.b`, or just `b` at the top level.
pub(crate) fn join(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_owned()
    } else {
        format!("{base}.{name}")
    }
}

/// Path of the i-th (0-based) element of a list, in Coral's 1-based form.
pub(crate) fn member(base: &str, index: usize) -> String {
    format!("{base}.{}.member", index + 1)
}

fn echo(value: &str) -> String {
    if value.chars().count() <= ECHO_LIMIT {
        value.to_owned()
    } else {
        let cut: String = value.chars().take(ECHO_LIMIT).collect();
        format!("{cut}...")
    }
}

/// The constraint clauses `value` breaks under `rule`, in a fixed order.
pub(crate) fn string_clauses(value: &str, rule: &StrRule) -> Vec<String> {
    let mut out = Vec::new();
    let len = value.chars().count();
    if len < rule.min {
        out.push(format!("Member must have length greater than or equal to {}", rule.min));
    }
    if let Some(max) = rule.max.filter(|max| len > *max) {
        out.push(format!("Member must have length less than or equal to {max}"));
    }
    if let Some(pattern) = rule.pattern.filter(|pt| !(pt.matches)(value)) {
        out.push(format!("Member must satisfy regular expression pattern: {}", pattern.text));
    }
    out
}

/// Collects violations in the order they are found.
#[derive(Default)]
pub(crate) struct Violations {
    items: Vec<String>,
}

/// How a value is shown in a message.
pub(crate) enum Shown<'a> {
    Null,
    Text(&'a str),
    Hidden,
}

impl Violations {
    pub fn push(&mut self, shown: Shown<'_>, path: &str, constraint: &str) {
        let mut line = String::from("Value");
        match shown {
            Shown::Null => line.push_str(" null"),
            Shown::Text(v) => {
                let _ = write!(line, " '{}'", echo(v));
            }
            Shown::Hidden => {}
        }
        let _ = write!(line, " at '{path}' failed to satisfy constraint: {constraint}");
        self.items.push(line);
    }

    /// A violation already worded in full.
    pub fn push_line(&mut self, line: String) {
        self.items.push(line);
    }

    pub fn null(&mut self, path: &str) {
        self.push(Shown::Null, path, "Member must not be null");
    }

    pub fn string(&mut self, path: &str, value: &str, rule: &StrRule) {
        for clause in string_clauses(value, rule) {
            let shown = if rule.sensitive { Shown::Hidden } else { Shown::Text(value) };
            self.push(shown, path, &clause);
        }
    }

    pub fn opt_string(&mut self, path: &str, value: Option<&String>, rule: &StrRule) {
        if let Some(v) = value {
            self.string(path, v, rule);
        }
    }

    pub fn required_string(&mut self, path: &str, value: Option<&String>, rule: &StrRule) {
        match value {
            Some(v) => self.string(path, v, rule),
            None => self.null(path),
        }
    }

    /// Checks a string list element by element (`path.N.member`).
    pub fn string_list(&mut self, path: &str, values: &[String], rule: &StrRule) {
        for (i, v) in values.iter().enumerate() {
            self.string(&member(path, i), v, rule);
        }
    }

    /// A map key that breaks its shape, reported against the map itself.
    pub fn map_key(&mut self, path: &str, key: &str, rule: &StrRule) {
        let clauses = string_clauses(key, rule);
        if !clauses.is_empty() {
            let shown = if rule.sensitive { Shown::Hidden } else { Shown::Text(key) };
            let constraint = format!("Map keys must satisfy constraint: [{}]", clauses.join(", "));
            self.push(shown, path, &constraint);
        }
    }

    pub fn int(&mut self, path: &str, value: i64, min: Option<i64>, max: Option<i64>) {
        let shown = value.to_string();
        if let Some(min) = min.filter(|m| value < *m) {
            let c = format!("Member must have value greater than or equal to {min}");
            self.push(Shown::Text(&shown), path, &c);
        }
        if let Some(max) = max.filter(|m| value > *m) {
            let c = format!("Member must have value less than or equal to {max}");
            self.push(Shown::Text(&shown), path, &c);
        }
    }

    pub fn opt_int(&mut self, path: &str, value: Option<i64>, min: Option<i64>, max: Option<i64>) {
        if let Some(v) = value {
            self.int(path, v, min, max);
        }
    }

    /// Size bounds of a list or map; `render` shows the collection only
    /// when it is actually reported.
    pub fn size(
        &mut self,
        path: &str,
        len: usize,
        min: usize,
        max: Option<usize>,
        render: impl Fn() -> Option<String>,
    ) {
        let mut clauses = Vec::new();
        if len < min {
            clauses.push(format!("Member must have length greater than or equal to {min}"));
        }
        if let Some(max) = max.filter(|m| len > *m) {
            clauses.push(format!("Member must have length less than or equal to {max}"));
        }
        for clause in clauses {
            match render() {
                Some(text) => self.push(Shown::Text(&text), path, &clause),
                None => self.push(Shown::Hidden, path, &clause),
            }
        }
    }

    /// `Ok` if nothing was found, else one ValidationException listing
    /// every violation, as AWS does.
    pub fn finish(self) -> Result<(), ApiError> {
        match self.items.len() {
            0 => Ok(()),
            1 => Err(ApiError::validation(format!("1 validation error detected: {}", self.items[0]))),
            n => Err(ApiError::validation(format!("{n} validation errors detected: {}", self.items.join("; ")))),
        }
    }
}

/// Java-style rendering of a string list, as Coral echoes it.
pub(crate) fn render_list(values: &[String]) -> String {
    format!("[{}]", values.join(", "))
}

/// Java-style rendering of a string map.
pub(crate) fn render_map<'a>(entries: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    let parts: Vec<String> = entries.map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", parts.join(", "))
}
