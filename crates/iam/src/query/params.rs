//! The form-encoded parameters of a query-protocol request.

use std::collections::BTreeMap;

use crate::model::Tag;
use crate::IamError;

pub(crate) struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    pub(crate) fn parse(body: &[u8]) -> Params {
        Params { values: url::form_urlencoded::parse(body).into_owned().collect() }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub(crate) fn required(&self, name: &str) -> Result<&str, IamError> {
        self.get(name).ok_or_else(|| IamError::Validation(format!("The request must contain the parameter {name}")))
    }

    pub(crate) fn integer(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, IamError> {
        let Some(text) = self.get(name) else { return Ok(None) };
        match text.parse::<i64>() {
            Ok(value) if (min..=max).contains(&value) => Ok(Some(value)),
            _ => Err(IamError::Validation(format!(
                "1 validation error detected: Value '{text}' at '{}' failed to satisfy constraint: \
                 Member must have value between {min} and {max}",
                lower_first(name)
            ))),
        }
    }

    /// `Tags.member.N.Key` / `Tags.member.N.Value`, in N order.
    pub(crate) fn tags(&self) -> Result<Vec<Tag>, IamError> {
        let mut tags = Vec::new();
        for n in 1..=50 {
            let key = self.get(&format!("Tags.member.{n}.Key"));
            let value = self.get(&format!("Tags.member.{n}.Value"));
            match (key, value) {
                (None, None) => break,
                (Some(key), value) => tags.push(Tag { key: key.to_string(), value: value.unwrap_or("").to_string() }),
                (None, Some(_)) => {
                    return Err(IamError::Validation(format!("Tags.member.{n}.Key is required with its Value")))
                }
            }
        }
        Ok(tags)
    }
}

/// The member name as the model's validation messages spell it.
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_form_values_and_tags() {
        let params = Params::parse(b"Action=CreateUser&UserName=a%2Bb&Tags.member.1.Key=team&Tags.member.1.Value=x+y");
        assert_eq!(params.get("UserName"), Some("a+b"));
        assert_eq!(params.tags().unwrap(), vec![Tag { key: "team".into(), value: "x y".into() }]);
        assert!(params.required("Missing").is_err());
        let bad = Params::parse(b"MaxItems=0");
        assert!(bad.integer("MaxItems", 1, 1000).is_err());
    }
}
