//! The request context: condition-key values of one request, which conditions and policy
//! variables read. Kept separate so callers can build it without touching documents.

use std::collections::HashMap;

/// Condition-key values of one request. Keys are case-insensitive (AWS condition key names
/// are case-insensitive; values are not). Multi-valued keys (aws:TagKeys) hold several values.
#[derive(Debug, Clone, Default)]
pub struct Context {
    // Keys are stored lower-cased so lookups need not care how the policy spelled them.
    values: HashMap<String, Vec<String>>,
}

impl Context {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a single-valued key, replacing any previous value(s).
    pub fn insert(&mut self, key: &str, value: impl Into<String>) {
        self.values.insert(key.to_lowercase(), vec![value.into()]);
    }

    /// Sets a multi-valued key such as `aws:TagKeys`, replacing any previous value(s).
    pub fn insert_multi(&mut self, key: &str, values: Vec<String>) {
        self.values.insert(key.to_lowercase(), values);
    }

    /// The values of `key`, looked up case-insensitively.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.values.get(&key.to_lowercase()).map(Vec::as_slice)
    }

    /// The single value of `key`, for policy variables: absent and multi-valued keys give
    /// `None` because AWS does not substitute multi-valued keys into a string.
    pub(crate) fn single(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some([one]) => Some(one.as_str()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_values_are_not() {
        let mut ctx = Context::new();
        ctx.insert("aws:UserName", "Alice");
        assert_eq!(ctx.get("AWS:username"), Some(&["Alice".to_string()][..]));
        ctx.insert("aws:username", "bob");
        assert_eq!(ctx.single("aws:USERNAME"), Some("bob"));
        ctx.insert_multi("aws:TagKeys", vec!["a".into(), "b".into()]);
        assert_eq!(ctx.get("aws:tagkeys").map(<[String]>::len), Some(2));
        assert_eq!(ctx.single("aws:tagkeys"), None);
        assert_eq!(ctx.get("missing"), None);
    }
}
