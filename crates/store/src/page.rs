//! Keyset pagination shared by the backends.
//!
//! Lists are ordered by (created_at, id) and a token names the last row
//! returned, so pages stay stable while rows are inserted. Tokens are hex so
//! they fit the model's `NextToken` pattern `[A-Za-z0-9_=-]+`.

use crate::StoreError;

#[derive(Debug, Clone)]
pub struct PageRequest {
    pub max_results: u32,
    pub next_token: Option<String>,
}

impl PageRequest {
    pub fn first(max_results: u32) -> Self {
        PageRequest { max_results, next_token: None }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// The position after which a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub created_at: i64,
    pub id: String,
}

impl Cursor {
    pub(crate) fn encode(&self) -> String {
        let raw = format!("{}:{}", self.created_at, self.id);
        raw.bytes().map(|b| format!("{b:02x}")).collect()
    }

    pub(crate) fn decode(token: &str) -> Result<Cursor, StoreError> {
        if !token.len().is_multiple_of(2) || token.len() > 1024 {
            return Err(StoreError::InvalidPageToken);
        }
        let bytes = (0..token.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(token.get(i..i + 2).unwrap_or("zz"), 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| StoreError::InvalidPageToken)?;
        let raw = String::from_utf8(bytes).map_err(|_| StoreError::InvalidPageToken)?;
        let (created_at, id) = raw.split_once(':').ok_or(StoreError::InvalidPageToken)?;
        let created_at = created_at.parse().map_err(|_| StoreError::InvalidPageToken)?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(StoreError::InvalidPageToken);
        }
        Ok(Cursor { created_at, id: id.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let cursor = Cursor { created_at: 1_763_683_200_123, id: "00abc".into() };
        let token = cursor.encode();
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(Cursor::decode(&token).unwrap(), cursor);
        for bad in ["", "zz", "abc", "3a", "313a"] {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }
}
