//! The XML of the query protocol's responses: just enough of a writer for
//! flat elements, nested structures and `<member>` lists.

pub(crate) struct Xml {
    out: String,
}

pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            other => escaped.push(other),
        }
    }
    escaped
}

impl Xml {
    pub(crate) fn new() -> Xml {
        Xml { out: String::new() }
    }

    pub(crate) fn open(&mut self, name: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    pub(crate) fn close(&mut self, name: &str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    pub(crate) fn text(&mut self, name: &str, value: &str) -> &mut Self {
        self.open(name);
        self.out.push_str(&escape(value));
        self.close(name)
    }

    pub(crate) fn opt(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.text(name, value);
        }
        self
    }

    pub(crate) fn raw(&mut self, fragment: &str) -> &mut Self {
        self.out.push_str(fragment);
        self
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// ISO 8601 in UTC, as IAM writes `dateType`.
pub(crate) fn date(epoch_secs: i64) -> String {
    chrono::DateTime::from_timestamp(epoch_secs, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

/// IAM returns policy documents URL-encoded (RFC 3986); botocore decodes
/// them with `unquote` and parses the JSON, so `+` must not stand for space.
pub(crate) fn url_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len() * 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_encodes() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(url_encode("{\"A\": \"b c+\"}"), "%7B%22A%22%3A%20%22b%20c%2B%22%7D");
        assert_eq!(date(0), "1970-01-01T00:00:00Z");
    }
}
