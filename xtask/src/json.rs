//! A small JSON reader and writer, enough for cargo's messages and the pyramid report.
//!
//! xtask reads `cargo metadata` and `cargo test --message-format=json` and writes
//! `cargo xtask pyramid --format json`; that is all the JSON it handles, so it carries this
//! reader (about a hundred lines) instead of `serde` and `serde_json`, which would more than
//! triple the time the first `cargo xtask` spends building xtask itself.
//!
//! Invariant: [`parse`] accepts exactly RFC 8259 documents (no trailing commas, no
//! comments) and never panics; `Display` writes compact JSON that [`parse`] reads back.

use std::fmt;

/// A JSON value. Objects keep their keys in document order.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object; `None` for a missing key or a value that is no object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> &[Value] {
        match self {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    /// An object built from `(key, value)` pairs, for writing.
    pub fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
        Value::Object(
            members
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    /// The value indented by two spaces per level, for people and diffs.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write_pretty(&mut out, 0);
        out
    }

    fn write_pretty(&self, out: &mut String, depth: usize) {
        let indent = |out: &mut String, depth: usize| out.extend((0..depth).map(|_| "  "));
        match self {
            Value::Array(items) if !items.is_empty() => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    indent(out, depth + 1);
                    item.write_pretty(out, depth + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                indent(out, depth);
                out.push(']');
            }
            Value::Object(members) if !members.is_empty() => {
                out.push_str("{\n");
                for (i, (key, value)) in members.iter().enumerate() {
                    indent(out, depth + 1);
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push_str(": ");
                    value.write_pretty(out, depth + 1);
                    out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
                }
                indent(out, depth);
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Number(n)
    }
}

impl From<usize> for Value {
    fn from(n: usize) -> Value {
        Value::Number(n as f64)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            // Rust prints finite floats without an exponent, which is valid JSON.
            Value::Number(n) if n.is_finite() => write!(f, "{n}"),
            Value::Number(_) => f.write_str("null"),
            Value::String(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\r' => f.write_str("\\r")?,
                        '\t' => f.write_str("\\t")?,
                        c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"")
            }
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Value::Object(members) => {
                f.write_str("{")?;
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}:{value}", Value::String(key.clone()))?;
                }
                f.write_str("}")
            }
        }
    }
}

/// Parses one JSON document; the error names the byte offset where reading stopped.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let value = parser.value()?;
    parser.whitespace();
    if parser.at != parser.bytes.len() {
        return Err(parser.error("trailing characters after the document"));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        format!("invalid JSON at byte {}: {what}", self.at)
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.whitespace();
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn keyword(&mut self, word: &str, value: Value) -> Result<Value, String> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("unknown keyword"))
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.whitespace();
        match self.bytes.get(self.at) {
            None => Err(self.error("unexpected end")),
            Some(b'n') => self.keyword("null", Value::Null),
            Some(b't') => self.keyword("true", Value::Bool(true)),
            Some(b'f') => self.keyword("false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'[' | b'{') if self.depth >= MAX_DEPTH => Err(self.error("nested too deeply")),
            Some(b'[') => {
                self.at += 1;
                self.depth += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value()?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.error("expected `,` or `]`"));
                        }
                    }
                }
                self.depth -= 1;
                Ok(Value::Array(items))
            }
            Some(b'{') => {
                self.at += 1;
                self.depth += 1;
                let mut members = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.whitespace();
                        if self.bytes.get(self.at) != Some(&b'"') {
                            return Err(self.error("expected a string key"));
                        }
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return Err(self.error("expected `:`"));
                        }
                        members.push((key, self.value()?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.error("expected `,` or `}`"));
                        }
                    }
                }
                self.depth -= 1;
                Ok(Value::Object(members))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
        }
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.at;
        let digits = |p: &mut Self| {
            let from = p.at;
            while p.bytes.get(p.at).is_some_and(u8::is_ascii_digit) {
                p.at += 1;
            }
            p.at > from
        };
        if self.bytes[self.at] == b'-' {
            self.at += 1;
        }
        let leading_zero = self.bytes.get(self.at) == Some(&b'0')
            && self.bytes.get(self.at + 1).is_some_and(u8::is_ascii_digit);
        if leading_zero || !digits(self) {
            return Err(self.error("malformed number"));
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !digits(self) {
                return Err(self.error("malformed number"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.error("malformed number"));
            }
        }
        // The slice holds only ASCII digits, signs, `.` and `e`, so it is valid UTF-8.
        let text = std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or_default();
        text.parse()
            .map(Value::Number)
            .map_err(|_| self.error("malformed number"))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let hex = self
            .bytes
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.error("short `\\u` escape"))?;
        let hex = std::str::from_utf8(hex).map_err(|_| self.error("bad `\\u` escape"))?;
        let code = u32::from_str_radix(hex, 16).map_err(|_| self.error("bad `\\u` escape"))?;
        self.at += 4;
        Ok(code)
    }

    fn string(&mut self) -> Result<String, String> {
        self.at += 1; // the opening quote
        let mut out = Vec::new();
        loop {
            let Some(&byte) = self.bytes.get(self.at) else {
                return Err(self.error("unterminated string"));
            };
            self.at += 1;
            match byte {
                b'"' => break,
                b'\\' => {
                    let Some(&escape) = self.bytes.get(self.at) else {
                        return Err(self.error("unterminated string"));
                    };
                    self.at += 1;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut code = self.hex4()?;
                            if (0xD800..0xDC00).contains(&code)
                                && self.bytes[self.at..].starts_with(b"\\u")
                            {
                                self.at += 2;
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(self.error("unpaired surrogate"));
                                }
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                            }
                            char::from_u32(code).ok_or_else(|| self.error("unpaired surrogate"))?
                        }
                        _ => return Err(self.error("unknown escape")),
                    };
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                0..0x20 => return Err(self.error("control character in string")),
                _ => out.push(byte),
            }
        }
        // Input came from a `&str` and escapes were encoded as UTF-8, so this cannot fail.
        String::from_utf8(out).map_err(|_| self.error("invalid UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use test_case::test_case;

    #[test]
    fn a_cargo_artifact_message_reads_into_its_fields() {
        let line = r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"netsplit","test":true},"profile":{"test":true},"executable":"/t/debug/deps/netsplit-1a2b","fresh":false}"#;
        let value = parse(line).unwrap();
        assert_eq!(
            value.get("reason").and_then(Value::as_str),
            Some("compiler-artifact")
        );
        let kinds: Vec<_> = value
            .get("target")
            .unwrap()
            .get("kind")
            .unwrap()
            .as_array()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(kinds, ["lib"]);
        assert_eq!(
            value
                .get("profile")
                .and_then(|p| p.get("test"))
                .and_then(Value::as_bool),
            Some(true)
        );
        assert_eq!(value.get("missing"), None);
    }

    #[test_case(r#""a\"b\\c\/d\n""#, "a\"b\\c/d\n" ; "simple escapes")]
    #[test_case(r#""caf\u00e9""#, "café" ; "a unicode escape")]
    #[test_case(r#""\ud83d\ude00""#, "😀" ; "a surrogate pair")]
    #[test_case(r#""tiers ▲ ok""#, "tiers ▲ ok" ; "raw utf8 passes through")]
    fn strings_unescape(json: &str, expected: &str) {
        assert_eq!(parse(json), Ok(Value::String(expected.to_owned())));
    }

    #[test_case("0", 0.0 ; "zero")]
    #[test_case("-12.5e2", -1250.0 ; "sign fraction and exponent")]
    fn numbers_read(json: &str, expected: f64) {
        assert_eq!(parse(json), Ok(Value::Number(expected)));
    }

    #[test_case("" ; "nothing")]
    #[test_case("[1,]" ; "a trailing comma")]
    #[test_case("{\"a\" 1}" ; "a missing colon")]
    #[test_case("01" ; "a leading zero")]
    #[test_case("\"abc" ; "an unterminated string")]
    #[test_case("\"\\ud800\"" ; "a lone surrogate")]
    #[test_case("tru" ; "a cut keyword")]
    #[test_case("{} {}" ; "two documents")]
    fn malformed_documents_are_refused_without_panicking(json: &str) {
        assert!(parse(json).is_err(), "{json:?} parsed");
    }

    #[test]
    fn deep_nesting_is_refused_instead_of_overflowing_the_stack() {
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).unwrap_err().contains("nested too deeply"));
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let value = Value::object([
            ("name", "[unit] a \"quoted\"\ttitle\u{1}".into()),
            ("ms", 12.5.into()),
            ("count", 3usize.into()),
            ("ok", true.into()),
            ("none", Value::Null),
            (
                "list",
                Value::Array(vec![Value::Array(vec![]), Value::Object(vec![])]),
            ),
        ]);
        assert_eq!(parse(&value.to_string()), Ok(value.clone()));
        assert_eq!(parse(&value.pretty()), Ok(value));
    }

    #[test]
    fn pretty_output_indents_two_spaces_per_level() {
        let value = Value::object([(
            "tiers",
            Value::Array(vec![Value::object([("tests", 3usize.into())])]),
        )]);
        assert_eq!(
            value.pretty(),
            "{\n  \"tiers\": [\n    {\n      \"tests\": 3\n    }\n  ]\n}"
        );
    }
}
