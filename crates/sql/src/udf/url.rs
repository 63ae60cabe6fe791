//! Hive's `parse_url` (java.net.URL's parts) and `decode`/`encode` with a
//! Java charset name, which DataFusion lacks (its `decode` is base64/hex).

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, BinaryArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;

/// The parts of a URL as java.net.URL names them.
struct Url<'a> {
    protocol: &'a str,
    authority: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    reference: Option<&'a str>,
}

/// Splits `protocol://authority/path?query#ref`; `None` when there is no protocol.
fn split(url: &str) -> Option<Url<'_>> {
    let (protocol, rest) = url.split_once(':')?;
    if protocol.is_empty() || !protocol.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
        return None;
    }
    let (rest, reference) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(r) => r.split_at(r.find('/').unwrap_or(r.len())),
        None => ("", rest),
    };
    Some(Url { protocol, authority, path, query, reference })
}

/// One part of one URL, as Hive's `UDFParseUrl` answers it.
fn part(url: &str, what: &str, key: Option<&str>) -> Option<String> {
    let u = split(url)?;
    let userinfo = u.authority.rsplit_once('@').map(|(i, _)| i);
    let host_port = u.authority.rsplit_once('@').map_or(u.authority, |(_, h)| h);
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host_port,
    };
    let s = match what {
        "HOST" => host.to_string(),
        "PATH" => u.path.to_string(),
        "QUERY" => {
            let query = u.query?;
            let Some(key) = key else { return Some(query.to_string()) };
            return query.split('&').find_map(|kv| kv.strip_prefix(key)?.strip_prefix('=').map(str::to_string));
        }
        "REF" => u.reference?.to_string(),
        "PROTOCOL" => u.protocol.to_string(),
        "FILE" => match u.query {
            Some(q) => format!("{}?{q}", u.path),
            None => u.path.to_string(),
        },
        "AUTHORITY" => u.authority.to_string(),
        "USERINFO" => userinfo?.to_string(),
        _ => return None,
    };
    Some(s)
}

fn strings(a: &ArrayRef) -> Result<Vec<Option<String>>> {
    let a = cast(a, &DataType::Utf8)?;
    Ok(a.as_string::<i32>().iter().map(|v| v.map(str::to_string)).collect())
}

pub fn parse_url(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let urls = strings(&args[0])?;
    let parts = strings(&args[1])?;
    let keys = match args.get(2) {
        Some(k) => strings(k)?,
        None => vec![None; rows],
    };
    let out: StringArray = urls
        .iter()
        .zip(parts.iter())
        .zip(keys.iter())
        .map(|((u, p), k)| {
            if args.len() == 3 && k.is_none() {
                return None;
            }
            part(u.as_deref()?, p.as_deref()?, k.as_deref())
        })
        .collect();
    Ok(Arc::new(out))
}

/// `decode(binary, charset)`: bytes as text in a Java charset.
pub fn decode(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let bytes = cast(&args[0], &DataType::Binary)?;
    let charsets = strings(&args[1])?;
    let out: StringArray = bytes
        .as_binary::<i32>()
        .iter()
        .zip(charsets.iter())
        .map(|(b, c)| {
            let b = b?;
            match c.as_deref()?.trim().to_ascii_uppercase().as_str() {
                "UTF-8" | "UTF8" => Some(String::from_utf8_lossy(b).into_owned()),
                "US-ASCII" | "ISO-8859-1" | "LATIN1" => Some(b.iter().map(|&x| char::from(x)).collect()),
                "UTF-16BE" | "UTF-16" => utf16(b, u16::from_be_bytes),
                "UTF-16LE" => utf16(b, u16::from_le_bytes),
                _ => None,
            }
        })
        .collect();
    Ok(Arc::new(out))
}

fn utf16(b: &[u8], f: fn([u8; 2]) -> u16) -> Option<String> {
    let units: Vec<u16> = b.chunks_exact(2).map(|c| f([c[0], c[1]])).collect();
    Some(String::from_utf16_lossy(&units))
}

/// `encode(string, charset)`: text as bytes in a Java charset.
pub fn encode(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let text = strings(&args[0])?;
    let charsets = strings(&args[1])?;
    let out: BinaryArray = text
        .iter()
        .zip(charsets.iter())
        .map(|(t, c)| {
            let t = t.as_deref()?;
            match c.as_deref()?.trim().to_ascii_uppercase().as_str() {
                "UTF-8" | "UTF8" => Some(t.as_bytes().to_vec()),
                "US-ASCII" => Some(t.chars().map(|c| if c.is_ascii() { c as u8 } else { b'?' }).collect()),
                "ISO-8859-1" | "LATIN1" => Some(t.chars().map(|c| u8::try_from(c as u32).unwrap_or(b'?')).collect()),
                "UTF-16BE" => Some(t.encode_utf16().flat_map(u16::to_be_bytes).collect()),
                "UTF-16LE" => Some(t.encode_utf16().flat_map(u16::to_le_bytes).collect()),
                _ => None,
            }
        })
        .collect();
    Ok(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_like_java_url() {
        let u = "http://user@facebook.com:80/path1/p.php?k1=v1&k2=v2#Ref1";
        assert_eq!(part(u, "HOST", None).as_deref(), Some("facebook.com"));
        assert_eq!(part(u, "QUERY", Some("k2")).as_deref(), Some("v2"));
        assert_eq!(part(u, "QUERY", Some("k3")), None);
        assert_eq!(part(u, "FILE", None).as_deref(), Some("/path1/p.php?k1=v1&k2=v2"));
        assert_eq!(part(u, "USERINFO", None).as_deref(), Some("user"));
        assert_eq!(part("no-protocol", "HOST", None), None);
    }
}
