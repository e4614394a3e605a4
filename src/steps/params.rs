//! Placeholder types: how much of a step's text each `{type}` takes, and the value it
//! turns that text into.
//!
//! A placeholder works in two stages, so that a near miss can be explained:
//! first its *shape* decides which part of the text it takes (a quoted name, one word,
//! a number with units), then its *parser* turns that part into a [`Value`]. Text that
//! has the right shape but does not parse (`80 parsecs` for `{duration}`) is reported by
//! the registry as a bad value at its column, not as an unknown step.
//!
//! Invariant: a shape only looks forward from a position and offers a short list of
//! places where the placeholder may end, longest first. Matching therefore needs no
//! regular expressions, and the registry's memoised walk over those ends stays linear
//! in the length of the text for each pattern piece.
//!
//! Everything works on step text whose whitespace is already normalised (runs of
//! whitespace outside quotes are one space, no space at either end).

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use crate::time::Duration;

/// A value taken from a step's text by a placeholder.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `{duration}`: `80s`, `1m 20s`, `2 weeks`.
    Duration(Duration),
    /// `{name}`: the text between the quotes of `"a1"`.
    Name(String),
    /// `{names}`: `"a1", "a2" and "a3"`, or a single quoted name.
    Names(Vec<String>),
    /// `{int}`: a whole number.
    Int(i64),
    /// `{string}`: any quoted text, `\"` and `\\` unescaped.
    Str(String),
    /// `{word}`: one token without spaces, as written.
    Word(String),
    /// A value of a placeholder type a vocabulary registered ([`Placeholder`]).
    Custom(CustomValue),
}

/// The value of a vocabulary's own placeholder type: parsed once, when the step
/// matched, into the type its parser returns; read with
/// [`Args::get`](super::registry::Args::get).
#[derive(Clone)]
pub struct CustomValue {
    type_name: Arc<str>,
    /// The text the placeholder took, without quotes for a quoted shape.
    text: String,
    /// Whether the text stood in quotes in the step.
    quoted: bool,
    value: Arc<dyn Any + Send + Sync>,
}

impl CustomValue {
    /// A value of the placeholder type `type_name`, written as `text`.
    pub fn new<T: Any + Send + Sync>(type_name: &str, text: &str, value: T) -> CustomValue {
        CustomValue {
            type_name: type_name.into(),
            text: text.to_string(),
            quoted: false,
            value: Arc::new(value),
        }
    }

    /// The placeholder type, as written between the braces of a pattern.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The text the placeholder took.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parsed value, if it is a `T`.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.value.downcast_ref()
    }
}

impl fmt::Debug for CustomValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}} {:?}", self.type_name, self.text)
    }
}

/// Two custom values are equal when they are of one type and written alike.
impl PartialEq for CustomValue {
    fn eq(&self, other: &CustomValue) -> bool {
        self.type_name == other.type_name && self.text == other.text
    }
}

impl Value {
    /// The placeholder type that produces this kind of value, as written between the
    /// braces of a pattern (`duration`, `name`, ...; a custom value's own type name).
    pub fn type_name(&self) -> &str {
        match self {
            Value::Duration(_) => "duration",
            Value::Name(_) => "name",
            Value::Names(_) => "names",
            Value::Int(_) => "int",
            Value::Str(_) => "string",
            Value::Word(_) => "word",
            Value::Custom(custom) => custom.type_name(),
        }
    }
}

impl fmt::Display for Value {
    /// The value as it would be written in a step (`"a1"`, `1m20s`, `5`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Duration(d) => write!(f, "{d}"),
            Value::Name(name) => write!(f, "\"{name}\""),
            Value::Names(names) => {
                for (i, name) in names.iter().enumerate() {
                    let separator = match i {
                        0 => "",
                        _ if i + 1 == names.len() => " and ",
                        _ => ", ",
                    };
                    write!(f, "{separator}\"{name}\"")?;
                }
                Ok(())
            }
            Value::Int(n) => write!(f, "{n}"),
            Value::Str(text) => write!(f, "\"{}\"", escape_quoted(text)),
            Value::Word(word) => f.write_str(word),
            Value::Custom(custom) if custom.quoted => {
                write!(f, "\"{}\"", escape_quoted(custom.text()))
            }
            Value::Custom(custom) => f.write_str(custom.text()),
        }
    }
}

/// How much of a step's text a user-registered placeholder takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One token without spaces (`red`, `RunTask`, `1/10mins`); the parser gets it as is.
    Word,
    /// One token that starts with a digit (`1.4.0`, `3x`); the parser gets it as is.
    Number,
    /// One double-quoted text (`"dark red"`, `\"` escaping a quote); the parser gets the
    /// text between the quotes, unescaped.
    Quoted,
}

/// A parser of a placeholder type, with the value's type erased.
pub(crate) type ParseFn =
    Box<dyn Fn(&str) -> Result<Arc<dyn Any + Send + Sync>, String> + Send + Sync>;

/// What a placeholder accepts, for `netsplit steps` and for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceholderDoc {
    pub name: String,
    pub accepts: String,
    pub example: String,
}

/// A placeholder type a vocabulary adds to a registry
/// ([`RegistryBuilder::parameter`](super::registry::RegistryBuilder::parameter)):
/// its name between braces, its shape, what it accepts with an example, and the
/// parser that turns the text it took into a `T`, or into a message that says what
/// is wrong and what would be accepted. Handlers read the value with
/// [`Args::get::<T>`](super::registry::Args::get).
///
/// ```
/// use netsplit::steps::{Placeholder, Shape};
///
/// #[derive(Debug, PartialEq)]
/// enum Color { Red, Green }
///
/// let color = Placeholder::new("color", Shape::Word, |text: &str| match text {
///     "red" => Ok(Color::Red),
///     "green" => Ok(Color::Green),
///     _ => Err(format!("`{text}` is not a color (red, green)")),
/// })
/// .accepts("a color", "red");
/// assert_eq!(color.doc().example, "red");
/// ```
pub struct Placeholder {
    doc: PlaceholderDoc,
    shape: Shape,
    rust_type: &'static str,
    parse: ParseFn,
}

impl Placeholder {
    pub fn new<T: Any + Send + Sync>(
        name: &str,
        shape: Shape,
        parse: impl Fn(&str) -> Result<T, String> + Send + Sync + 'static,
    ) -> Placeholder {
        Placeholder {
            doc: PlaceholderDoc {
                name: name.to_string(),
                accepts: String::new(),
                example: String::new(),
            },
            shape,
            rust_type: short_type_name(std::any::type_name::<T>()),
            parse: Box::new(move |text| {
                parse(text).map(|value| Arc::new(value) as Arc<dyn Any + Send + Sync>)
            }),
        }
    }

    /// What the placeholder accepts, in a few words, and an example that it must parse
    /// (checked when the registry is built).
    pub fn accepts(mut self, accepts: &str, example: &str) -> Placeholder {
        self.doc.accepts = accepts.to_string();
        self.doc.example = example.to_string();
        self
    }

    pub fn doc(&self) -> &PlaceholderDoc {
        &self.doc
    }
}

/// `my_crate::Color` as `Color`, for registration snippets.
fn short_type_name(full: &'static str) -> &'static str {
    let base = &full[..full.find('<').unwrap_or(full.len())];
    base.rsplit("::").next().unwrap_or(base)
}

/// The built-in placeholders, in the order the spec language documents them:
/// `(name, accepts, example)`.
const BUILTIN_DOCS: [(&str, &str, &str); 6] = [
    (
        "duration",
        "a number and a unit, units combinable",
        "1m 20s",
    ),
    ("name", "a double-quoted name", "\"a1\""),
    (
        "names",
        "double-quoted names joined by `,` and `and`",
        "\"a1\", \"a2\" and \"a3\"",
    ),
    ("int", "a whole number", "5"),
    (
        "string",
        "any double-quoted text, `\\\"` for a quote inside",
        "\"Agent attempted to re-register after removal\"",
    ),
    ("word", "one token without spaces", "replicated_log"),
];

/// A built-in placeholder type, in the order of [`BUILTIN_DOCS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    Duration,
    Name,
    Names,
    Int,
    String,
    Word,
}

const BUILTINS: [Builtin; 6] = [
    Builtin::Duration,
    Builtin::Name,
    Builtin::Names,
    Builtin::Int,
    Builtin::String,
    Builtin::Word,
];

impl Builtin {
    pub(crate) fn name(self) -> &'static str {
        BUILTIN_DOCS[self as usize].0
    }

    fn doc(self) -> PlaceholderDoc {
        let (name, accepts, example) = BUILTIN_DOCS[self as usize];
        PlaceholderDoc {
            name: name.to_string(),
            accepts: accepts.to_string(),
            example: example.to_string(),
        }
    }

    /// The accessor of [`Args`](super::registry::Args) that reads this type.
    fn accessor(self) -> &'static str {
        match self {
            Builtin::String => "string",
            other => other.name(),
        }
    }

    fn scan(self) -> Scan {
        match self {
            Builtin::Duration => Scan::Duration,
            Builtin::Name | Builtin::String => Scan::Quoted,
            Builtin::Names => Scan::QuotedList,
            Builtin::Int => Scan::SignedNumber,
            Builtin::Word => Scan::Word,
        }
    }

    fn parse(self, raw: &str) -> Result<Value, String> {
        match self {
            Builtin::Duration => raw
                .parse()
                .map(Value::Duration)
                .map_err(|e: crate::time::ParseDurationError| e.to_string()),
            Builtin::Name => name(raw).map(Value::Name),
            Builtin::Names => quoted_items(raw)
                .into_iter()
                .map(name)
                .collect::<Result<_, _>>()
                .map(Value::Names),
            Builtin::Int => int(raw).map(Value::Int),
            Builtin::String => Ok(Value::Str(unquote(raw))),
            Builtin::Word => Ok(Value::Word(raw.to_string())),
        }
    }
}

fn name(raw: &str) -> Result<String, String> {
    let name = unquote(raw);
    if name.is_empty() {
        Err(format!("{raw} is an empty name; write e.g. `\"a1\"`"))
    } else if name.trim() != name {
        Err(format!(
            "{raw} has spaces around the name; write `\"{}\"`",
            name.trim()
        ))
    } else {
        Ok(name)
    }
}

fn int(raw: &str) -> Result<i64, String> {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{raw}` is not a whole number; write e.g. `5`"));
    }
    raw.parse()
        .map_err(|_| format!("`{raw}` is too large for a whole number"))
}

/// A placeholder type as a pattern refers to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamId {
    Builtin(Builtin),
    /// Index into [`ParamTypes`]'s custom types.
    Custom(usize),
}

/// Every placeholder type a registry knows: the built-in ones and those its user added.
#[derive(Default)]
pub(crate) struct ParamTypes {
    custom: Vec<Placeholder>,
}

impl ParamTypes {
    /// Adds a placeholder type; its name must be new and fit between braces, and its
    /// example, if it has one, must parse.
    pub(crate) fn add(&mut self, placeholder: Placeholder) -> Result<(), String> {
        let name = placeholder.doc.name.clone();
        if name.is_empty()
            || name
                .chars()
                .any(|c| c.is_whitespace() || "{}()/\\\"".contains(c))
        {
            return Err(format!(
                "`{name}` cannot name a placeholder type: use letters, digits, `_` or `-`"
            ));
        }
        if BUILTINS.iter().any(|b| b.name() == name) {
            return Err(format!(
                "`{{{name}}}` is a built-in placeholder type and cannot be redefined"
            ));
        }
        if self.custom.iter().any(|c| c.doc.name == name) {
            return Err(format!(
                "the placeholder type `{{{name}}}` is registered twice"
            ));
        }
        let example = placeholder.doc.example.clone();
        self.custom.push(placeholder);
        if !example.is_empty() {
            let id = ParamId::Custom(self.custom.len() - 1);
            let mut ends = Vec::new();
            self.scan(id).ends(&example, 0, &mut ends);
            let whole = ends.first() == Some(&example.len());
            if let Err(message) = self.parse(id, &example).and_then(|v| match whole {
                true => Ok(v),
                false => Err(format!("its shape does not take all of `{example}`")),
            }) {
                self.custom.pop();
                return Err(format!(
                    "the example `{example}` of `{{{name}}}` does not parse: {message}"
                ));
            }
        }
        Ok(())
    }

    /// The type named between the braces of a pattern, or a message naming the
    /// closest known type.
    pub(crate) fn lookup(&self, name: &str) -> Result<ParamId, String> {
        if let Some(b) = BUILTINS.iter().find(|b| b.name() == name) {
            return Ok(ParamId::Builtin(*b));
        }
        if let Some(i) = self.custom.iter().position(|c| c.doc.name == name) {
            return Ok(ParamId::Custom(i));
        }
        let known: Vec<&str> = self.names().collect();
        let mut message = format!("unknown placeholder type `{{{name}}}`");
        if let Some(best) = crate::suggest::closest(name, known.iter().copied(), 1).first() {
            message += &format!("; did you mean `{{{best}}}`?");
        }
        let known: Vec<String> = known.iter().map(|k| format!("{{{k}}}")).collect();
        message += &format!(" (known: {})", known.join(", "));
        Err(message)
    }

    /// Every type name: the built-in ones, then the custom ones in registration order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        BUILTINS
            .iter()
            .map(|b| b.name())
            .chain(self.custom.iter().map(|c| c.doc.name.as_str()))
    }

    /// What every type accepts: the built-in ones, then the custom ones.
    pub(crate) fn docs(&self) -> Vec<PlaceholderDoc> {
        BUILTINS
            .iter()
            .map(|b| b.doc())
            .chain(self.custom.iter().map(|c| c.doc.clone()))
            .collect()
    }

    pub(crate) fn name(&self, id: ParamId) -> &str {
        match id {
            ParamId::Builtin(b) => b.name(),
            ParamId::Custom(i) => &self.custom[i].doc.name,
        }
    }

    pub(crate) fn scan(&self, id: ParamId) -> Scan {
        match id {
            ParamId::Builtin(b) => b.scan(),
            ParamId::Custom(i) => match self.custom[i].shape {
                Shape::Word => Scan::Word,
                Shape::Number => Scan::Number,
                Shape::Quoted => Scan::Quoted,
            },
        }
    }

    /// The value of the text `raw` that the type's shape took.
    pub(crate) fn parse(&self, id: ParamId, raw: &str) -> Result<Value, String> {
        match id {
            ParamId::Builtin(b) => b.parse(raw),
            ParamId::Custom(i) => {
                let custom = &self.custom[i];
                let (text, quoted) = match custom.shape {
                    Shape::Word | Shape::Number => (raw.to_string(), false),
                    Shape::Quoted => (unquote(raw), true),
                };
                let value = (custom.parse)(&text)?;
                Ok(Value::Custom(CustomValue {
                    type_name: Arc::from(custom.doc.name.as_str()),
                    text,
                    quoted,
                    value,
                }))
            }
        }
    }

    /// A pattern for a step nobody has registered yet: its values replaced by the
    /// placeholders they look like (quoted text by `{name}` or `{string}`, a quoted
    /// list by `{names}`, `80s` by `{duration}`, `5` by `{int}`, a token that one of
    /// the registered types parses by that type), the rest escaped as literal text.
    /// Returns the pattern and, per placeholder, its name and the code that reads it.
    pub(crate) fn infer_pattern(&self, text: &str) -> (String, Vec<(String, String)>) {
        let bytes = text.as_bytes();
        let mut pattern = String::new();
        let mut types = Vec::new();
        let mut ends = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let at_token_start = pos == 0 || bytes[pos - 1] == b' ';
            ends.clear();
            let mut taken: Option<(usize, ParamId)> = None;
            if bytes[pos] == b'"' {
                Scan::QuotedList.ends(text, pos, &mut ends);
                if let Some(&end) = ends.first() {
                    let raw = &text[pos..end];
                    taken = Some(if quoted_items(raw).len() > 1 {
                        (end, ParamId::Builtin(Builtin::Names))
                    } else if name(raw).is_ok() && !raw.contains(' ') {
                        (end, ParamId::Builtin(Builtin::Name))
                    } else {
                        (end, ParamId::Builtin(Builtin::String))
                    });
                }
            } else if at_token_start {
                Scan::Duration.ends(text, pos, &mut ends);
                let duration = ends.iter().copied().find(|&end| {
                    text[pos..end].bytes().any(|b| b.is_ascii_alphabetic())
                        && text[pos..end].parse::<Duration>().is_ok()
                });
                let token = &text[pos..word_end(bytes, pos)];
                taken = if let Some(end) = duration {
                    Some((end, ParamId::Builtin(Builtin::Duration)))
                } else if int(token).is_ok() {
                    Some((pos + token.len(), ParamId::Builtin(Builtin::Int)))
                } else {
                    (0..self.custom.len())
                        .map(ParamId::Custom)
                        .filter(|&id| self.scan(id) != Scan::Quoted)
                        .find(|&id| {
                            ends.clear();
                            self.scan(id).ends(text, pos, &mut ends);
                            ends.first() == Some(&(pos + token.len()))
                                && self.parse(id, token).is_ok()
                        })
                        .map(|id| (pos + token.len(), id))
                };
            }
            match taken {
                Some((end, id)) => {
                    let type_name = self.name(id);
                    pattern.push('{');
                    pattern.push_str(type_name);
                    pattern.push('}');
                    let read = match id {
                        ParamId::Builtin(b) => format!("args.{}({})", b.accessor(), types.len()),
                        ParamId::Custom(i) => {
                            format!("args.get::<{}>({})", self.custom[i].rust_type, types.len())
                        }
                    };
                    types.push((type_name.to_string(), read));
                    pos = end;
                }
                None => {
                    // Copy up to the next space (or the next quote), keeping the space.
                    let mut end = pos + 1;
                    while end < bytes.len() && bytes[end - 1] != b' ' && bytes[end] != b'"' {
                        end += 1;
                    }
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    pattern.push_str(&escape_literal(&text[pos..end]));
                    pos = end;
                }
            }
        }
        (pattern, types)
    }
}

/// The shape of a placeholder: where in the text it may end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// One token without spaces.
    Word,
    /// A token that starts with a digit (`1.4.0`).
    Number,
    /// A token that starts with a digit or `-` and a digit (`-5`).
    SignedNumber,
    /// `"..."`, with `\"` inside.
    Quoted,
    /// `"a", "b" and "c"`: may end after any of the names.
    QuotedList,
    /// `<number>[ ]<unit>` parts, optionally space separated: may end after any part,
    /// or after a bare number (so that `80 pass` reaches the parser, which explains the
    /// missing unit).
    Duration,
}

impl Scan {
    /// Whether the text this shape takes always starts with a double quote.
    pub(crate) fn starts_with_quote(self) -> bool {
        matches!(self, Scan::Quoted | Scan::QuotedList)
    }

    /// Whether the text this shape takes always starts like a number (see [`classify`]).
    pub(crate) fn starts_with_number(self) -> bool {
        matches!(self, Scan::Number | Scan::SignedNumber | Scan::Duration)
    }

    /// Whether the shape may offer more than one end, so a match may need to try them.
    pub(crate) fn may_end_in_several_places(self) -> bool {
        matches!(self, Scan::QuotedList | Scan::Duration)
    }

    /// Pushes onto `ends` every byte offset where a placeholder of this shape that
    /// starts at `pos` may end, longest first. Pushes nothing if it cannot start there.
    pub(crate) fn ends(self, text: &str, pos: usize, ends: &mut Vec<usize>) {
        let bytes = text.as_bytes();
        match self {
            Scan::Word => {
                let end = word_end(bytes, pos);
                if end > pos {
                    ends.push(end);
                }
            }
            Scan::Number | Scan::SignedNumber => {
                let digit_at = if self == Scan::SignedNumber && bytes.get(pos) == Some(&b'-') {
                    pos + 1
                } else {
                    pos
                };
                if bytes.get(digit_at).is_some_and(u8::is_ascii_digit) {
                    ends.push(word_end(bytes, pos));
                }
            }
            Scan::Quoted => ends.extend(quoted_end(bytes, pos)),
            Scan::QuotedList => {
                let first = ends.len();
                let mut at = pos;
                while let Some(end) = quoted_end(bytes, at) {
                    ends.push(end);
                    match list_separator(bytes, end) {
                        Some(next) => at = next,
                        None => break,
                    }
                }
                ends[first..].reverse();
            }
            Scan::Duration => {
                let first = ends.len();
                let mut i = pos;
                loop {
                    let number_start = i;
                    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                        i += 1;
                    }
                    if !bytes[number_start..i].iter().any(u8::is_ascii_digit) {
                        break;
                    }
                    if i == bytes.len() || bytes[i] == b' ' {
                        ends.push(i);
                    }
                    let mut unit = i;
                    if bytes.get(unit) == Some(&b' ') {
                        unit += 1;
                    }
                    let unit_start = unit;
                    while unit < bytes.len() && bytes[unit].is_ascii_alphabetic() {
                        unit += 1;
                    }
                    if unit == unit_start {
                        break;
                    }
                    ends.push(unit);
                    i = unit;
                    // Parts may follow at once (`1m20s`) or after one space (`1m 20s`).
                    if bytes.get(i) == Some(&b' ')
                        && bytes
                            .get(i + 1)
                            .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
                    {
                        i += 1;
                    }
                }
                ends[first..].reverse();
            }
        }
    }
}

fn word_end(bytes: &[u8], pos: usize) -> usize {
    bytes[pos..]
        .iter()
        .position(|b| *b == b' ')
        .map_or(bytes.len(), |n| pos + n)
}

/// The end (after the closing quote) of a quoted text starting at `pos`.
fn quoted_end(bytes: &[u8], pos: usize) -> Option<usize> {
    if bytes.get(pos) != Some(&b'"') {
        return None;
    }
    let mut i = pos + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Where the next name of a list starts after a name ending at `pos`: after `, `,
/// `, and `, `,` or ` and `, if a quote follows.
fn list_separator(bytes: &[u8], pos: usize) -> Option<usize> {
    let rest = &bytes[pos..];
    let skip = if rest.starts_with(b", and ") {
        6
    } else if rest.starts_with(b", ") {
        2
    } else if rest.starts_with(b",") {
        1
    } else if rest.starts_with(b" and ") {
        5
    } else {
        return None;
    };
    (bytes.get(pos + skip) == Some(&b'"')).then_some(pos + skip)
}

/// The quoted items of a list that [`Scan::QuotedList`] took, quotes included.
fn quoted_items(raw: &str) -> Vec<&str> {
    let bytes = raw.as_bytes();
    let mut items = Vec::new();
    let mut at = 0;
    while let Some(end) = quoted_end(bytes, at) {
        items.push(&raw[at..end]);
        match list_separator(bytes, end) {
            Some(next) => at = next,
            None => break,
        }
    }
    items
}

/// The text between the quotes of `raw`, with `\"` and `\\` unescaped; other
/// backslashes are kept, so Windows paths and regexes need no doubling.
pub(crate) fn unquote(raw: &str) -> String {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(next @ ('"' | '\\')) => out.push(next),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn escape_quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The class of a step's first token, by which the registry indexes its patterns:
/// a quoted text and anything that starts like a number each form one class (as a
/// placeholder may stand there), any other token is its own class.
pub(crate) fn classify(token: &str) -> &str {
    let bytes = token.as_bytes();
    let numeric = |b: Option<&u8>| b.is_some_and(u8::is_ascii_digit);
    match bytes.first() {
        Some(b'"') => "\"",
        Some(b'-' | b'.') if numeric(bytes.get(1)) => "0",
        first if numeric(first) => "0",
        _ => token,
    }
}

/// Escapes the characters that have a meaning in a pattern, so that `text` matches
/// itself literally.
pub(crate) fn escape_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "(){}/\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_case::test_case;

    #[derive(Debug, PartialEq)]
    enum Color {
        Red,
        Green,
    }

    /// The built-in types, and `{color}` (a word) and `{release}` (a number) as a
    /// vocabulary would add them.
    fn types() -> ParamTypes {
        let mut types = ParamTypes::default();
        types
            .add(
                Placeholder::new("color", Shape::Word, |text| match text {
                    "red" => Ok(Color::Red),
                    "green" => Ok(Color::Green),
                    _ => Err(format!("`{text}` is not a color (red, green)")),
                })
                .accepts("a color", "red"),
            )
            .unwrap();
        types
            .add(Placeholder::new("release", Shape::Number, |text| {
                text.parse::<f64>()
                    .map_err(|_| format!("`{text}` is not a release"))
            }))
            .unwrap();
        types
    }

    /// Takes the whole of `text` with the placeholder type `ty`: the shape must take
    /// all of it (else the error says how much it took), then the parser decides.
    fn check(ty: &str, text: &str) -> Result<Value, String> {
        let types = types();
        let id = types.lookup(ty)?;
        let mut ends = Vec::new();
        types.scan(id).ends(text, 0, &mut ends);
        match ends.first() {
            Some(&end) if end == text.len() => types.parse(id, text),
            Some(&end) => Err(format!("shape takes only `{}`", &text[..end])),
            None => Err("shape takes nothing".to_string()),
        }
    }

    fn ok(ty: &str, text: &str) -> Value {
        check(ty, text).unwrap_or_else(|e| panic!("`{text}` as `{{{ty}}}`: {e}"))
    }

    fn err(ty: &str, text: &str) -> String {
        match check(ty, text) {
            Ok(value) => panic!("`{text}` as `{{{ty}}}` gave {value:?}"),
            Err(e) => e,
        }
    }

    #[test_case("80s" => 80_000 ; "seconds")]
    #[test_case("1m20s" => 80_000 ; "combined units")]
    #[test_case("1m 20s" => 80_000 ; "combined units with a space")]
    #[test_case("2 weeks" => 1_209_600_000 ; "a space before the unit")]
    #[test_case("500ms" => 500 ; "milliseconds")]
    #[test_case("1.5s" => 1_500 ; "a decimal fraction")]
    fn a_duration_placeholder_accepts_combined_units(text: &str) -> u64 {
        match ok("duration", text) {
            Value::Duration(d) => d.as_millis(),
            other => panic!("{other:?}"),
        }
    }

    #[test_case("80 parsecs", "`parsecs` is not a unit" ; "an unknown unit")]
    #[test_case("80", "`80` has no unit" ; "a bare number")]
    fn a_duration_placeholder_explains_a_bad_unit(text: &str, expected: &str) {
        let error = err("duration", text);
        assert!(error.contains(expected), "{error}");
    }

    #[test_case("name", "\"a1\"" => Value::Name("a1".into()) ; "a name loses its quotes")]
    #[test_case("names", "\"a1\", \"a2\" and \"a3\"" => Value::Names(vec!["a1".into(), "a2".into(), "a3".into()]) ; "names joined by commas and and")]
    #[test_case("names", "\"a1\", \"a2\", and \"a3\"" => Value::Names(vec!["a1".into(), "a2".into(), "a3".into()]) ; "names with a serial comma")]
    #[test_case("names", "\"a1\"" => Value::Names(vec!["a1".into()]) ; "a single name is a list")]
    #[test_case("int", "5" => Value::Int(5) ; "a whole number")]
    #[test_case("int", "-3" => Value::Int(-3) ; "a negative number")]
    #[test_case("string", r#""say \"hi\" \d""# => Value::Str(r#"say "hi" \d"#.into()) ; "a string unescapes quotes only")]
    #[test_case("word", "master/slave_removals" => Value::Word("master/slave_removals".into()) ; "a word with a slash")]
    #[test_case("word", "1/10mins" => Value::Word("1/10mins".into()) ; "a word that starts with a digit")]
    #[test_case("color", "red" => Value::Custom(CustomValue::new("color", "red", Color::Red)) ; "a custom type")]
    #[test_case("release", "1.4" => Value::Custom(CustomValue::new("release", "1.4", 1.4)) ; "a custom number")]
    fn each_placeholder_type_parses_what_the_spec_language_promises(ty: &str, text: &str) -> Value {
        ok(ty, text)
    }

    #[test_case("name", "\"\"", "is an empty name" ; "an empty name")]
    #[test_case("name", "a1", "shape takes nothing" ; "a name without quotes")]
    #[test_case("names", "\"a1\" or \"a2\"", "shape takes only `\"a1\"`" ; "names joined by or")]
    #[test_case("int", "5x", "`5x` is not a whole number" ; "a number with a suffix")]
    #[test_case("int", "five", "shape takes nothing" ; "a number in words")]
    #[test_case("int", "99999999999999999999", "too large" ; "a number too large")]
    #[test_case("string", "\"unclosed", "shape takes nothing" ; "an unclosed string")]
    #[test_case("release", "v2", "shape takes nothing" ; "a number shape needs a digit first")]
    #[test_case("word", "two words", "shape takes only `two`" ; "a word stops at a space")]
    #[test_case("color", "blue", "`blue` is not a color (red, green)" ; "a custom type rejects a value")]
    #[test_case("colour", "red", "did you mean `{color}`?" ; "an unknown type suggests a known one")]
    fn each_placeholder_type_rejects_bad_values_with_a_reason(
        ty: &str,
        text: &str,
        expected: &str,
    ) {
        let error = err(ty, text);
        assert!(error.contains(expected), "{error}");
    }

    #[test]
    fn a_duration_may_end_after_any_of_its_parts_longest_first() {
        let text = "1m 20 pass";
        let mut ends = Vec::new();
        Scan::Duration.ends(text, 0, &mut ends);
        let taken: Vec<&str> = ends.iter().map(|&end| &text[..end]).collect();
        pretty_assertions::assert_eq!(taken, ["1m 20 pass", "1m 20", "1m"]);
    }

    #[test_case("red" ; "a name already registered")]
    #[test_case("word" ; "taken by a built-in")]
    #[test_case("two words" ; "containing a space")]
    fn a_custom_type_needs_a_new_plain_name(name: &str) {
        let mut types = ParamTypes::default();
        let word = |name: &str| Placeholder::new(name, Shape::Word, |t| Ok(t.to_string()));
        types.add(word("red")).unwrap();
        assert!(types.add(word(name)).is_err());
    }

    #[test]
    fn a_custom_type_whose_example_does_not_parse_is_refused() {
        let mut types = ParamTypes::default();
        let error = types
            .add(
                Placeholder::new("color", Shape::Word, |t: &str| match t {
                    "red" => Ok(Color::Red),
                    _ => Err(format!("`{t}` is not a color")),
                })
                .accepts("a color", "blue"),
            )
            .unwrap_err();
        pretty_assertions::assert_eq!(
            error,
            "the example `blue` of `{color}` does not parse: `blue` is not a color"
        );
        assert!(
            types.lookup("color").is_err(),
            "a refused type is not added"
        );
    }

    #[test]
    fn a_custom_value_is_read_back_as_its_own_type_only() {
        let Ok(Value::Custom(value)) = check("color", "green") else {
            panic!("green is a color")
        };
        pretty_assertions::assert_eq!(value.get::<Color>(), Some(&Color::Green));
        pretty_assertions::assert_eq!(value.get::<String>(), None);
        pretty_assertions::assert_eq!((value.type_name(), value.text()), ("color", "green"));
    }

    #[test_case(r#"agent "a1" is partioned from the master"# => "agent {name} is partioned from the master" ; "a quoted name")]
    #[test_case(r#"agents "a1", "a2" and "a3" leave"# => "agents {names} leave" ; "a quoted list")]
    #[test_case(r#"agent "a1" is told "go away now""# => "agent {name} is told {string}" ; "quoted text with spaces")]
    #[test_case("80s pass after 2 weeks" => "{duration} pass after {duration}" ; "durations")]
    #[test_case("5 agents run 1.4" => "{int} agents run {release}" ; "numbers and registered numbers")]
    #[test_case("paint it red not blue" => "paint it {color} not blue" ; "values of registered types")]
    #[test_case("the metric master/uptime (secs)" => r"the metric master\/uptime \(secs\)" ; "pattern syntax is escaped")]
    fn an_unknown_step_suggests_a_pattern_with_inferred_placeholders(text: &str) -> String {
        types().infer_pattern(text).0
    }

    #[test]
    fn an_inferred_pattern_says_how_to_read_each_value() {
        let (_, reads) = types().infer_pattern("\"a1\" turns red after 5s");
        pretty_assertions::assert_eq!(
            reads,
            [
                ("name".to_string(), "args.name(0)".to_string()),
                ("color".to_string(), "args.get::<Color>(1)".to_string()),
                ("duration".to_string(), "args.duration(2)".to_string()),
            ]
        );
    }

    #[test]
    fn values_print_as_they_are_written_in_steps() {
        let names = Value::Names(vec!["a1".into(), "a2".into(), "a3".into()]);
        pretty_assertions::assert_eq!(names.to_string(), "\"a1\", \"a2\" and \"a3\"");
        let string = Value::Str("say \"hi\"".into());
        pretty_assertions::assert_eq!(string.to_string(), r#""say \"hi\"""#);
        let Ok(quoted) = types().parse(ParamId::Builtin(Builtin::Name), "\"a1\"") else {
            panic!("a name")
        };
        pretty_assertions::assert_eq!(quoted.to_string(), "\"a1\"");
    }
}
