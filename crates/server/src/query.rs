//! Query-string parsing that keeps repeated keys (`states=A&states=B`), which
//! the list operations and UntagResource use.

use percent_encoding::percent_decode_str;

#[derive(Debug, Default)]
pub struct RawQuery {
    pairs: Vec<(String, String)>,
}

impl RawQuery {
    pub fn parse(raw: Option<&str>) -> RawQuery {
        let pairs = raw
            .unwrap_or_default()
            .split('&')
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (key, value) = part.split_once('=').unwrap_or((part, ""));
                (decode(key), decode(value))
            })
            .collect();
        RawQuery { pairs }
    }

    pub fn first(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    }

    /// An integer parameter, or a validation error naming it.
    pub fn integer(&self, key: &str) -> Result<Option<i64>, sparkplane_api::ApiError> {
        self.first(key)
            .map(|value| {
                value.parse::<i64>().map_err(|_| {
                    sparkplane_api::ApiError::validation(format!(
                        "1 validation error detected: Value '{value}' at '{key}' failed to satisfy constraint: Member must be an integer"
                    ))
                })
            })
            .transpose()
    }

    /// The `attempt` member of GetJobRun and GetDashboardForJobRun, checked
    /// against the model's AttemptNumber range.
    pub fn attempt(&self) -> Result<Option<u32>, sparkplane_api::ApiError> {
        match self.integer("attempt")? {
            Some(n) => {
                sparkplane_api::validate_attempt(n)?;
                Ok(Some(u32::try_from(n).unwrap_or(u32::MAX)))
            }
            None => Ok(None),
        }
    }
}

fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_repeated_keys_and_decodes() {
        let query = RawQuery::parse(Some("states=RUNNING&states=SUCCESS&maxResults=2&x=a%20b+c"));
        assert_eq!(query.all("states"), ["RUNNING", "SUCCESS"]);
        assert_eq!(query.integer("maxResults").unwrap(), Some(2));
        assert_eq!(query.first("x"), Some("a b c"));
        assert!(RawQuery::parse(Some("maxResults=abc")).integer("maxResults").is_err());
        assert_eq!(RawQuery::parse(None).first("x"), None);
    }
}
