//! The step registry: step patterns with typed placeholders, the handlers bound to
//! them, and the lookup that finds the one pattern a step's text matches.
//!
//! Pattern syntax (Cucumber-Expressions-like, no regular expressions):
//! - literal text, matched case-sensitively; runs of whitespace in the pattern and
//!   in the step (outside quotes) count as one space;
//! - `(text)`: optional text, attached to a word (`task(s)`, `pass(es)`) or standing
//!   before one (`(an )agent`);
//! - `a/an`, `is/are`: alternative single words;
//! - `{type}`: a placeholder, built in (`{duration}`, `{name}`, `{names}`, `{int}`,
//!   `{string}`, `{word}`)
//!   or a type added with [`RegistryBuilder::parameter`];
//! - `\(`, `\)`, `\{`, `\}`, `\/`, `\\`: those characters as literal text.
//!
//! What it promises:
//! - every problem with the registered steps is found when the registry is built,
//!   all at once: a pattern that does not parse, an example that does not match its
//!   own pattern, two patterns of one kind that both match an example;
//! - a lookup finds exactly one pattern or says why not: no pattern (with the three
//!   closest known steps and a snippet that registers the step), several patterns,
//!   the right pattern with a value that does not parse (at its column), a pattern of
//!   another kind (`Given` text after `When`), a missing or unexpected table;
//! - a lookup only tries the patterns whose rarest literal word the step contains
//!   (or, for patterns without a whole literal word, that can start like the step),
//!   and for each it tries, a memoised walk bounds the work by pattern pieces times
//!   text positions: it never backtracks exponentially.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::panic::Location;

use super::params::{ParamId, ParamTypes, Placeholder, PlaceholderDoc, Value, classify};
use crate::suggest::edit_distance;
use crate::time::Duration;

/// The keyword a step is written with; `And`, `But` and `*` take the kind of the step
/// above them before a lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StepKind {
    Given,
    When,
    Then,
}

impl StepKind {
    pub const ALL: [StepKind; 3] = [StepKind::Given, StepKind::When, StepKind::Then];

    /// The Gherkin keyword: `Given`, `When`, `Then`.
    pub const fn keyword(self) -> &'static str {
        match self {
            StepKind::Given => "Given",
            StepKind::When => "When",
            StepKind::Then => "Then",
        }
    }

    /// The [`RegistryBuilder`] method that registers a step of this kind.
    const fn method(self) -> &'static str {
        match self {
            StepKind::Given => "given",
            StepKind::When => "when",
            StepKind::Then => "then",
        }
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// A data table attached to a step; the first row is the header when the step wants one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(rows: Vec<Vec<String>>) -> Table {
        Table { rows }
    }

    /// The first row.
    pub fn header(&self) -> Option<&[String]> {
        self.rows.first().map(Vec::as_slice)
    }

    /// Every row after the header.
    pub fn body(&self) -> &[Vec<String>] {
        self.rows.get(1..).unwrap_or_default()
    }
}

/// Whether a step takes a data table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableUse {
    None,
    Optional,
    /// The step needs a table; the header is a hint for messages and `netsplit steps`
    /// (the step itself decides which headers it accepts).
    Required(&'static [&'static str]),
}

/// What a step carries beside its text. A Gherkin step has at most one of a data
/// table and a doc string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attached {
    Nothing,
    Table,
    DocString,
}

/// Whether a step takes a doc string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocStringUse {
    None,
    Optional,
    Required,
}

/// What a step's handler returns when the step fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepError {
    /// A check failed: the runner shows `expected` against `observed` as a diff.
    Mismatch {
        message: String,
        expected: String,
        observed: String,
    },
    /// Any other failure, with a message a person can act on.
    Failed(String),
}

impl StepError {
    pub fn failed(message: impl Into<String>) -> StepError {
        StepError::Failed(message.into())
    }

    pub fn mismatch(
        message: impl Into<String>,
        expected: impl Into<String>,
        observed: impl Into<String>,
    ) -> StepError {
        StepError::Mismatch {
            message: message.into(),
            expected: expected.into(),
            observed: observed.into(),
        }
    }

    /// `Ok` when `observed == expected`, else a [`StepError::Mismatch`] showing both
    /// pretty-printed, so a Then step can compare structured values in one line.
    pub fn check_eq<T: PartialEq + fmt::Debug>(
        message: impl Into<String>,
        expected: &T,
        observed: &T,
    ) -> Result<(), StepError> {
        if expected == observed {
            Ok(())
        } else {
            Err(StepError::mismatch(
                message,
                format!("{expected:#?}"),
                format!("{observed:#?}"),
            ))
        }
    }
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepError::Mismatch {
                message,
                expected,
                observed,
            } => write!(f, "{message}\nexpected: {expected}\nobserved: {observed}"),
            StepError::Failed(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for StepError {}

impl From<String> for StepError {
    fn from(message: String) -> StepError {
        StepError::Failed(message)
    }
}

/// The code bound to a step pattern.
pub type Handler<W> = Box<dyn Fn(&mut W, &Args) -> Result<(), StepError> + Send + Sync>;

/// What a handler gets: the placeholder values in pattern order, the table or doc
/// string attached to the step, and the step's text.
///
/// The typed accessors panic only on a programming error (an index or type that does
/// not fit the pattern), with a message naming the pattern.
pub struct Args<'a> {
    pattern: &'a str,
    text: &'a str,
    values: &'a [Value],
    table: Option<&'a Table>,
    doc_string: Option<&'a str>,
}

macro_rules! accessor {
    ($(#[$doc:meta])* $method:ident -> $ty:ty, $variant:ident, $wanted:literal, |$v:ident| $convert:expr) => {
        $(#[$doc])*
        pub fn $method(&self, i: usize) -> $ty {
            match self.value(i) {
                Value::$variant($v) => $convert,
                other => self.wrong_type(i, $wanted, other),
            }
        }
    };
}

impl<'a> Args<'a> {
    /// Arguments for calling a handler directly, e.g. in a test of the handler.
    pub fn new(
        pattern: &'a str,
        text: &'a str,
        values: &'a [Value],
        table: Option<&'a Table>,
        doc_string: Option<&'a str>,
    ) -> Args<'a> {
        Args {
            pattern,
            text,
            values,
            table,
            doc_string,
        }
    }

    /// The value of placeholder `i` (counting from 0 in the pattern).
    pub fn value(&self, i: usize) -> &Value {
        self.values.get(i).unwrap_or_else(|| {
            panic!(
                "step pattern `{}` has no placeholder {i}: it has {}",
                self.pattern,
                self.values.len()
            )
        })
    }

    /// Every placeholder value, in pattern order.
    pub fn values(&self) -> &[Value] {
        self.values
    }

    fn wrong_type(&self, i: usize, wanted: &str, found: &Value) -> ! {
        panic!(
            "placeholder {i} of step pattern `{}` is a `{{{}}}`, not a `{{{wanted}}}`",
            self.pattern,
            found.type_name()
        )
    }

    accessor!(duration -> Duration, Duration, "duration", |d| *d);
    accessor!(name -> &str, Name, "name", |n| n);
    accessor!(names -> &[String], Names, "names", |n| n);
    accessor!(int -> i64, Int, "int", |n| *n);
    accessor!(string -> &str, Str, "string", |s| s);
    accessor!(word -> &str, Word, "word", |w| w);

    /// The value of placeholder `i` of a type a vocabulary registered
    /// ([`Placeholder`]), as the `T` its parser returned: parsed once, when the step
    /// matched.
    pub fn get<T: std::any::Any>(&self, i: usize) -> &T {
        match self.value(i) {
            Value::Custom(custom) => custom.get::<T>().unwrap_or_else(|| {
                panic!(
                    "placeholder {i} of step pattern `{}` is a `{{{}}}`, whose parser does not return a `{}`",
                    self.pattern,
                    custom.type_name(),
                    std::any::type_name::<T>()
                )
            }),
            other => self.wrong_type(i, std::any::type_name::<T>(), other),
        }
    }

    pub fn table(&self) -> Option<&Table> {
        self.table
    }

    pub fn doc_string(&self) -> Option<&str> {
        self.doc_string
    }

    /// The step's text, without its keyword, as written.
    pub fn text(&self) -> &str {
        self.text
    }

    /// The pattern the step matched.
    pub fn pattern(&self) -> &str {
        self.pattern
    }
}

/// One registered step.
pub struct StepDef<W> {
    pub kind: StepKind,
    pub pattern: String,
    /// A step text that matches the pattern (without keyword), shown by
    /// `netsplit steps` and in suggestions; checked when the registry is built.
    pub example: String,
    pub table: TableUse,
    pub doc_string: DocStringUse,
    /// Where the step was registered, for build errors and `netsplit steps`.
    pub defined_at: &'static Location<'static>,
    handler: Handler<W>,
    compiled: Compiled,
}

impl<W> StepDef<W> {
    /// Runs the handler on `args`.
    pub fn call(&self, world: &mut W, args: &Args) -> Result<(), StepError> {
        (self.handler)(world, args)
    }
}

impl<W> fmt::Debug for StepDef<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StepDef")
            .field("kind", &self.kind)
            .field("pattern", &self.pattern)
            .field("example", &self.example)
            .field("table", &self.table)
            .field("doc_string", &self.doc_string)
            .field("defined_at", &self.defined_at)
            .finish_non_exhaustive()
    }
}

/// A problem with the registered steps, found when the registry is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryError {
    /// The pattern does not parse; `column` counts chars from the pattern's start.
    BadPattern {
        kind: StepKind,
        pattern: String,
        column: usize,
        message: String,
        defined_at: &'static Location<'static>,
    },
    /// The example does not match its own pattern.
    ExampleMismatch {
        kind: StepKind,
        pattern: String,
        example: String,
        reason: String,
        defined_at: &'static Location<'static>,
    },
    /// Two patterns of one kind both match `example` (the example of the first).
    Ambiguous {
        kind: StepKind,
        patterns: [String; 2],
        example: String,
        defined_at: [&'static Location<'static>; 2],
    },
    /// A placeholder type could not be added.
    BadParameter { name: String, message: String },
    /// The builder was used out of order.
    Misuse { message: String },
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::BadPattern {
                kind,
                pattern,
                column,
                message,
                defined_at,
            } => write!(
                f,
                "the pattern `{kind} {pattern}` (registered at {defined_at}) does not parse at column {column}: {message}"
            ),
            RegistryError::ExampleMismatch {
                kind,
                pattern,
                example,
                reason,
                defined_at,
            } => write!(
                f,
                "the example `{kind} {example}` does not match its own pattern `{kind} {pattern}`: {reason} (registered at {defined_at})"
            ),
            RegistryError::Ambiguous {
                kind,
                patterns: [first, second],
                example,
                defined_at: [first_at, second_at],
            } => write!(
                f,
                "the patterns `{kind} {first}` (registered at {first_at}) and `{kind} {second}` (registered at {second_at}) both match `{kind} {example}`; make one of them more specific"
            ),
            RegistryError::BadParameter { message, .. } => f.write_str(message),
            RegistryError::Misuse { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for RegistryError {}

/// Why a step's text found no single pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupError {
    /// No pattern matches.
    Unknown {
        kind: StepKind,
        text: String,
        /// Up to 3 closest known steps, nearest first, each as its pattern and example.
        suggestions: Vec<String>,
        /// Rust code that registers the step, with the placeholders its values suggest.
        snippet: String,
    },
    /// Several patterns of the step's kind match.
    Ambiguous {
        kind: StepKind,
        text: String,
        patterns: Vec<String>,
    },
    /// The step has the shape of `pattern` but the text `{placeholder}` took (chars
    /// `column..column + len` of `text`) is not a valid value.
    BadArgument {
        kind: StepKind,
        text: String,
        pattern: String,
        placeholder: String,
        column: usize,
        len: usize,
        message: String,
    },
    /// The step matches a pattern of another kind only.
    WrongKind {
        text: String,
        expected: StepKind,
        found: StepKind,
        pattern: String,
    },
    TableMissing {
        kind: StepKind,
        text: String,
        pattern: String,
        /// The header hint of [`TableUse::Required`].
        header: Vec<String>,
    },
    TableUnexpected {
        kind: StepKind,
        text: String,
        pattern: String,
    },
    DocStringMissing {
        kind: StepKind,
        text: String,
        pattern: String,
    },
    DocStringUnexpected {
        kind: StepKind,
        text: String,
        pattern: String,
    },
}

impl LookupError {
    /// The step text looked up.
    pub fn text(&self) -> &str {
        match self {
            LookupError::Unknown { text, .. }
            | LookupError::Ambiguous { text, .. }
            | LookupError::BadArgument { text, .. }
            | LookupError::WrongKind { text, .. }
            | LookupError::TableMissing { text, .. }
            | LookupError::TableUnexpected { text, .. }
            | LookupError::DocStringMissing { text, .. }
            | LookupError::DocStringUnexpected { text, .. } => text,
        }
    }

    /// The chars of the text the error is about, if it is about a part of it.
    pub fn span(&self) -> Option<Range<usize>> {
        match self {
            LookupError::BadArgument { column, len, .. } => Some(*column..column + len),
            _ => None,
        }
    }
}

impl LookupError {
    fn bad_value_message(&self) -> &str {
        match self {
            LookupError::BadArgument { message, .. } => message,
            _ => "",
        }
    }
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::Unknown {
                kind,
                text,
                suggestions,
                snippet,
            } => {
                write!(f, "unknown step `{kind} {text}`")?;
                if !suggestions.is_empty() {
                    f.write_str("\ndid you mean:")?;
                    for suggestion in suggestions {
                        write!(f, "\n  {suggestion}")?;
                    }
                }
                f.write_str("\nor register it:")?;
                for line in snippet.lines() {
                    write!(f, "\n  {line}")?;
                }
                Ok(())
            }
            LookupError::Ambiguous {
                kind,
                text,
                patterns,
            } => {
                write!(
                    f,
                    "the step `{kind} {text}` matches {} patterns:",
                    patterns.len()
                )?;
                for pattern in patterns {
                    write!(f, "\n  `{kind} {pattern}`")?;
                }
                f.write_str("\nmake one of them more specific")
            }
            LookupError::BadArgument {
                kind,
                text,
                pattern,
                placeholder,
                column,
                ..
            } => write!(
                f,
                "{}\n  in `{{{placeholder}}}` at column {} of the step `{kind} {text}`, which has the shape of `{kind} {pattern}`",
                self.bad_value_message(),
                // 1-based, in the quoted step, keyword included.
                kind.keyword().chars().count() + 1 + column + 1
            ),
            LookupError::WrongKind {
                text,
                expected,
                found,
                pattern,
            } => write!(
                f,
                "the step `{expected} {text}` is a {found} step (`{found} {pattern}`), not a {expected} step; start it with `{found}` (`And` and `But` take the keyword of the step above them)"
            ),
            LookupError::TableMissing {
                kind,
                text,
                pattern,
                header,
            } => {
                write!(
                    f,
                    "the step `{kind} {text}` needs a data table (pattern `{kind} {pattern}`)"
                )?;
                if !header.is_empty() {
                    write!(f, "; add one under it, e.g. `| {} |`", header.join(" | "))?;
                }
                Ok(())
            }
            LookupError::TableUnexpected {
                kind,
                text,
                pattern,
            } => write!(
                f,
                "the step `{kind} {text}` takes no data table (pattern `{kind} {pattern}`); remove the table or indent it less if it belongs elsewhere"
            ),
            LookupError::DocStringMissing {
                kind,
                text,
                pattern,
            } => write!(
                f,
                "the step `{kind} {text}` needs a doc string between `\"\"\"` lines (pattern `{kind} {pattern}`)"
            ),
            LookupError::DocStringUnexpected {
                kind,
                text,
                pattern,
            } => write!(
                f,
                "the step `{kind} {text}` takes no doc string (pattern `{kind} {pattern}`)"
            ),
        }
    }
}

impl std::error::Error for LookupError {}

/// The pattern a step's text matched, with the values of its placeholders.
pub struct Found<'r, W> {
    pub def: &'r StepDef<W>,
    pub values: Vec<Value>,
    /// The chars of the step's text each placeholder took, in pattern order.
    pub spans: Vec<Range<usize>>,
    text: String,
}

impl<W> Found<'_, W> {
    /// Runs the step's handler on `world`.
    pub fn run(
        &self,
        world: &mut W,
        table: Option<Table>,
        doc_string: Option<String>,
    ) -> Result<(), StepError> {
        let args = Args::new(
            &self.def.pattern,
            &self.text,
            &self.values,
            table.as_ref(),
            doc_string.as_deref(),
        );
        self.def.call(world, &args)
    }

    /// The step's text, as looked up.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl<W> fmt::Debug for Found<'_, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Found")
            .field("pattern", &self.def.pattern)
            .field("values", &self.values)
            .field("spans", &self.spans)
            .field("text", &self.text)
            .finish()
    }
}

/// Collects steps and placeholder types; [`build`](RegistryBuilder::build) checks them
/// all and reports every problem at once.
pub struct RegistryBuilder<W> {
    defs: Vec<StepDef<W>>,
    types: ParamTypes,
    errors: Vec<RegistryError>,
}

impl<W> Default for RegistryBuilder<W> {
    fn default() -> Self {
        RegistryBuilder {
            defs: Vec::new(),
            types: ParamTypes::default(),
            errors: Vec::new(),
        }
    }
}

impl<W> RegistryBuilder<W> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a Given step. `example` is a step text (without keyword) that
    /// matches `pattern`; a leading `Given ` is dropped.
    #[track_caller]
    pub fn given(
        self,
        pattern: &str,
        example: &str,
        handler: impl Fn(&mut W, &Args) -> Result<(), StepError> + Send + Sync + 'static,
    ) -> Self {
        self.step(StepKind::Given, pattern, example, handler)
    }

    /// Registers a When step; see [`given`](Self::given).
    #[track_caller]
    pub fn when(
        self,
        pattern: &str,
        example: &str,
        handler: impl Fn(&mut W, &Args) -> Result<(), StepError> + Send + Sync + 'static,
    ) -> Self {
        self.step(StepKind::When, pattern, example, handler)
    }

    /// Registers a Then step; see [`given`](Self::given).
    #[track_caller]
    pub fn then(
        self,
        pattern: &str,
        example: &str,
        handler: impl Fn(&mut W, &Args) -> Result<(), StepError> + Send + Sync + 'static,
    ) -> Self {
        self.step(StepKind::Then, pattern, example, handler)
    }

    /// Registers a step of `kind`; see [`given`](Self::given).
    #[track_caller]
    pub fn step(
        mut self,
        kind: StepKind,
        pattern: &str,
        example: &str,
        handler: impl Fn(&mut W, &Args) -> Result<(), StepError> + Send + Sync + 'static,
    ) -> Self {
        let example = example.trim();
        let example = example
            .strip_prefix(kind.keyword())
            .filter(|rest| rest.starts_with(char::is_whitespace))
            .unwrap_or(example)
            .trim_start();
        self.defs.push(StepDef {
            kind,
            pattern: pattern.to_string(),
            example: example.to_string(),
            table: TableUse::None,
            doc_string: DocStringUse::None,
            defined_at: Location::caller(),
            handler: Box::new(handler),
            compiled: Compiled::default(),
        });
        self
    }

    /// Sets whether the step registered last takes a data table.
    pub fn table(mut self, table: TableUse) -> Self {
        match self.defs.last_mut() {
            Some(def) => def.table = table,
            None => self.misuse("`table` was called before any step was registered"),
        }
        self
    }

    /// Sets whether the step registered last takes a doc string.
    pub fn doc_string(mut self, doc_string: DocStringUse) -> Self {
        match self.defs.last_mut() {
            Some(def) => def.doc_string = doc_string,
            None => self.misuse("`doc_string` was called before any step was registered"),
        }
        self
    }

    fn misuse(&mut self, message: &str) {
        self.errors.push(RegistryError::Misuse {
            message: message.to_string(),
        });
    }

    /// Adds a placeholder type. Patterns may use it whether registered before or
    /// after it; handlers read its values with [`Args::get`].
    pub fn parameter(mut self, placeholder: Placeholder) -> Self {
        let name = placeholder.doc().name.clone();
        if let Err(message) = self.types.add(placeholder) {
            self.errors
                .push(RegistryError::BadParameter { name, message });
        }
        self
    }

    /// Checks every step and builds the lookup index.
    pub fn build(self) -> Result<Registry<W>, Vec<RegistryError>> {
        let RegistryBuilder {
            mut defs,
            types,
            mut errors,
        } = self;
        let mut compiled_ok = vec![false; defs.len()];
        for (def, ok) in defs.iter_mut().zip(&mut compiled_ok) {
            match compile(&def.pattern, &types) {
                Ok(compiled) => {
                    def.compiled = compiled;
                    *ok = true;
                }
                Err((column, message)) => errors.push(RegistryError::BadPattern {
                    kind: def.kind,
                    pattern: def.pattern.clone(),
                    column,
                    message,
                    defined_at: def.defined_at,
                }),
            }
        }
        let index = StepKind::ALL.map(|kind| {
            let patterns: Vec<(usize, &Compiled)> = defs
                .iter()
                .enumerate()
                .filter(|(i, def)| compiled_ok[*i] && def.kind == kind)
                .map(|(i, def)| (i, &def.compiled))
                .collect();
            Index::new(&patterns, &types)
        });
        let registry = Registry { defs, types, index };

        let mut reported = HashSet::new();
        for (i, def) in registry.defs.iter().enumerate() {
            if !compiled_ok[i] {
                continue;
            }
            let example = normalize(&def.example);
            let mut scratch = Scratch::default();
            match registry.attempt(i, &example, &mut scratch) {
                Attempt::Matched(..) => {}
                outcome => errors.push(RegistryError::ExampleMismatch {
                    kind: def.kind,
                    pattern: def.pattern.clone(),
                    example: def.example.clone(),
                    reason: match outcome {
                        Attempt::BadValue { message, .. } => message,
                        _ => "it does not have the pattern's shape".to_string(),
                    },
                    defined_at: def.defined_at,
                }),
            }
            for j in registry.candidates(def.kind, &example) {
                if j == i
                    || !matches!(
                        registry.attempt(j, &example, &mut scratch),
                        Attempt::Matched(..)
                    )
                {
                    continue;
                }
                if reported.insert((i.min(j), i.max(j))) {
                    let other = &registry.defs[j];
                    errors.push(RegistryError::Ambiguous {
                        kind: def.kind,
                        patterns: [def.pattern.clone(), other.pattern.clone()],
                        example: def.example.clone(),
                        defined_at: [def.defined_at, other.defined_at],
                    });
                }
            }
        }
        if errors.is_empty() {
            Ok(registry)
        } else {
            Err(errors)
        }
    }
}

/// Registered steps, checked and indexed for lookup.
pub struct Registry<W> {
    defs: Vec<StepDef<W>>,
    types: ParamTypes,
    /// One index per kind, in [`StepKind::ALL`] order.
    index: [Index; 3],
}

impl<W> Registry<W> {
    pub fn builder() -> RegistryBuilder<W> {
        RegistryBuilder::new()
    }

    /// Every step, in registration order.
    pub fn steps(&self) -> &[StepDef<W>] {
        &self.defs
    }

    /// What each placeholder type accepts: the built-in ones, then those the
    /// vocabulary added, in registration order.
    pub fn placeholders(&self) -> Vec<PlaceholderDoc> {
        self.types.docs()
    }

    /// A builder holding every step and placeholder type of this registry, so that a
    /// user can add steps for their own world to a built-in vocabulary.
    pub fn extend(self) -> RegistryBuilder<W> {
        RegistryBuilder {
            defs: self.defs,
            types: self.types,
            errors: Vec::new(),
        }
    }

    /// The one step of `kind` that `text` (without keyword) matches, or why there is
    /// not exactly one.
    pub fn find(
        &self,
        kind: StepKind,
        text: &str,
        attached: Attached,
    ) -> Result<Found<'_, W>, LookupError> {
        let normal = normalize(text);
        let mut scratch = Scratch::default();
        let mut matched: Vec<(usize, Vec<Value>, Vec<Range<usize>>)> = Vec::new();
        let mut bad_value = None;
        for i in self.candidates(kind, &normal) {
            match self.attempt(i, &normal, &mut scratch) {
                Attempt::Matched(values, spans) => matched.push((i, values, spans)),
                Attempt::BadValue {
                    placeholder,
                    span,
                    message,
                } => {
                    bad_value.get_or_insert((i, placeholder, span, message));
                }
                Attempt::NoMatch => {}
            }
        }
        if matched.len() > 1 {
            return Err(LookupError::Ambiguous {
                kind,
                text: text.to_string(),
                patterns: matched
                    .iter()
                    .map(|(i, ..)| self.defs[*i].pattern.clone())
                    .collect(),
            });
        }
        if let Some((i, values, spans)) = matched.pop() {
            let def = &self.defs[i];
            check_attachments(def, kind, text, attached)?;
            let chars = char_offsets(text);
            return Ok(Found {
                def,
                values,
                spans: spans.into_iter().map(|s| chars.range(s)).collect(),
                text: text.to_string(),
            });
        }
        if let Some((i, placeholder, span, message)) = bad_value {
            let span = char_offsets(text).range(span);
            return Err(LookupError::BadArgument {
                kind,
                text: text.to_string(),
                pattern: self.defs[i].pattern.clone(),
                placeholder,
                column: span.start,
                len: span.len(),
                message,
            });
        }
        for other in StepKind::ALL.into_iter().filter(|k| *k != kind) {
            for i in self.candidates(other, &normal) {
                if !matches!(self.attempt(i, &normal, &mut scratch), Attempt::NoMatch) {
                    return Err(LookupError::WrongKind {
                        text: text.to_string(),
                        expected: kind,
                        found: other,
                        pattern: self.defs[i].pattern.clone(),
                    });
                }
            }
        }
        Err(LookupError::Unknown {
            kind,
            text: text.to_string(),
            suggestions: self.suggestions(kind, &normal),
            snippet: snippet(&self.types, kind, &normal),
        })
    }

    /// The patterns of `kind` that may match normalised `text`, in registration order.
    fn candidates(&self, kind: StepKind, text: &str) -> Vec<usize> {
        self.index[kind as usize].candidates(text)
    }

    /// Matches pattern `i` against normalised `text`: by shape first, without parsing
    /// (most attempts fail on a literal); then the values of the shape's match; only if
    /// one does not parse, again parsing on the way, as another split of the text
    /// might parse.
    fn attempt(&self, i: usize, text: &str, scratch: &mut Scratch) -> Attempt {
        let compiled = &self.defs[i].compiled;
        let mut walk = Walk::new(&compiled.pieces, &self.types, text, scratch, false);
        walk.memoise = compiled.branches;
        if !walk.run() {
            return Attempt::NoMatch;
        }
        let spans = std::mem::take(&mut walk.scratch.spans);
        let mut values = Vec::with_capacity(spans.len());
        let mut first_error = None;
        for (id, span) in compiled.params.iter().zip(&spans) {
            match self.types.parse(*id, &text[span.clone()]) {
                Ok(value) => values.push(value),
                Err(message) => {
                    first_error = Some((*id, span.clone(), message));
                    break;
                }
            }
        }
        let Some((id, span, message)) = first_error else {
            return Attempt::Matched(values, spans);
        };
        let mut strict = Walk::new(&compiled.pieces, &self.types, text, scratch, true);
        strict.memoise = compiled.branches;
        if strict.run() {
            let spans = std::mem::take(&mut strict.scratch.spans);
            let values = std::mem::take(&mut strict.scratch.values);
            return Attempt::Matched(values, spans);
        }
        Attempt::BadValue {
            placeholder: self.types.name(id).to_string(),
            span,
            message,
        }
    }

    /// Up to three known steps nearest to `text`, by edit distance to their examples
    /// and, with the text's values replaced by placeholders, to their patterns.
    fn suggestions(&self, kind: StepKind, text: &str) -> Vec<String> {
        let step = format!("{kind} {text}");
        let inferred = format!("{kind} {}", self.types.infer_pattern(text).0);
        let limit = (step.chars().count() / 2).max(2);
        let mut scored: Vec<(usize, usize)> = self
            .defs
            .iter()
            .enumerate()
            .map(|(i, def)| {
                let example = edit_distance(&step, &format!("{} {}", def.kind, def.example));
                let pattern = edit_distance(&inferred, &format!("{} {}", def.kind, def.pattern));
                (example.min(pattern), i)
            })
            .filter(|(distance, _)| *distance <= limit)
            .collect();
        scored.sort();
        scored
            .into_iter()
            .take(3)
            .map(|(_, i)| {
                let def = &self.defs[i];
                format!(
                    "`{kind} {}`, e.g. `{kind} {}`",
                    def.pattern,
                    def.example,
                    kind = def.kind
                )
            })
            .collect()
    }
}

fn check_attachments<W>(
    def: &StepDef<W>,
    kind: StepKind,
    text: &str,
    attached: Attached,
) -> Result<(), LookupError> {
    let (text, pattern) = (text.to_string(), def.pattern.clone());
    let has_table = attached == Attached::Table;
    let has_doc_string = attached == Attached::DocString;
    match (def.table, has_table) {
        (TableUse::Required(header), false) => {
            return Err(LookupError::TableMissing {
                kind,
                text,
                pattern,
                header: header.iter().map(|h| h.to_string()).collect(),
            });
        }
        (TableUse::None, true) => {
            return Err(LookupError::TableUnexpected {
                kind,
                text,
                pattern,
            });
        }
        _ => {}
    }
    match (def.doc_string, has_doc_string) {
        (DocStringUse::Required, false) => Err(LookupError::DocStringMissing {
            kind,
            text,
            pattern,
        }),
        (DocStringUse::None, true) => Err(LookupError::DocStringUnexpected {
            kind,
            text,
            pattern,
        }),
        _ => Ok(()),
    }
}

/// Rust code that registers a step for `text` (normalised).
fn snippet(types: &ParamTypes, kind: StepKind, text: &str) -> String {
    let (pattern, reads) = types.infer_pattern(text);
    let mut code = format!(
        "builder.{}({pattern:?}, {text:?}, |world, args| {{\n",
        kind.method()
    );
    for (i, (ty, read)) in reads.iter().enumerate() {
        let ty = ty.replace('-', "_");
        let same = |t: &&(String, String)| t.0.replace('-', "_") == ty;
        let variable = if reads.iter().filter(same).count() > 1 {
            let nth = reads[..=i].iter().filter(same).count();
            format!("{ty}_{nth}")
        } else {
            ty.clone()
        };
        code += &format!("    let {variable} = {read};\n");
    }
    code += "    // change `world` as the step says\n    Ok(())\n})";
    code
}

/// Pattern indices of one kind, so that a lookup tries only the few patterns that
/// can match. A pattern is filed under its *anchor*: of the words that every text it
/// matches contains as a whole token, the one fewest patterns need. A pattern without
/// such a word is filed under the classes of the first tokens it may start with, and
/// one that may start with anything under `anywhere`.
#[derive(Default)]
struct Index {
    by_anchor: WordMap,
    by_first: WordMap,
    anywhere: Vec<usize>,
}

/// Pattern indices by word. Hashed with [`WordHasher`]: the keys are a registry's own
/// words, so the DoS resistance of the default hasher buys nothing, and every token
/// of every step is hashed.
type WordMap = HashMap<String, Vec<usize>, std::hash::BuildHasherDefault<WordHasher>>;

/// The multiply-rotate hash of rustc's `FxHasher`: fast on short keys.
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.write_u64(u64::from(byte));
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Index {
    fn new(patterns: &[(usize, &Compiled)], types: &ParamTypes) -> Index {
        let words: Vec<Vec<&str>> = patterns
            .iter()
            .map(|(_, compiled)| required_words(&compiled.pieces))
            .collect();
        let mut needed_by: HashMap<&str, usize> = HashMap::new();
        for pattern_words in &words {
            for (n, word) in pattern_words.iter().enumerate() {
                if !pattern_words[..n].contains(word) {
                    *needed_by.entry(word).or_default() += 1;
                }
            }
        }
        let mut index = Index::default();
        for ((i, compiled), pattern_words) in patterns.iter().zip(&words) {
            if let Some(anchor) = pattern_words.iter().min_by_key(|w| needed_by[**w]) {
                index
                    .by_anchor
                    .entry(anchor.to_string())
                    .or_default()
                    .push(*i);
                continue;
            }
            match first_keys(&compiled.pieces, types) {
                Some(keys) => {
                    for key in keys {
                        index.by_first.entry(key).or_default().push(*i);
                    }
                }
                None => index.anywhere.push(*i),
            }
        }
        index
    }

    fn candidates(&self, text: &str) -> Vec<usize> {
        let mut found = Vec::new();
        for token in text.split(' ') {
            if let Some(patterns) = self.by_anchor.get(token) {
                found.extend_from_slice(patterns);
            }
        }
        let first = text.split(' ').next().unwrap_or_default();
        if let Some(patterns) = self.by_first.get(classify(first)) {
            found.extend_from_slice(patterns);
        }
        found.extend_from_slice(&self.anywhere);
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// The words of a pattern that every text it matches contains as whole tokens: the
/// literal words with a space or the pattern's start or end on both sides (a word
/// touching optional text or a placeholder may be glued to it in the text).
fn required_words(pieces: &[Piece]) -> Vec<&str> {
    let mut words = Vec::new();
    for (n, piece) in pieces.iter().enumerate() {
        let Piece::Text(text) = piece else { continue };
        let tokens: Vec<&str> = text.split(' ').collect();
        let last = tokens.len() - 1;
        for (k, token) in tokens.iter().enumerate() {
            let starts_free = k > 0 || n == 0;
            let ends_free = k < last || n + 1 == pieces.len();
            if !token.is_empty() && starts_free && ends_free {
                words.push(*token);
            }
        }
    }
    words
}

/// The outcome of matching one pattern against one text.
enum Attempt {
    Matched(Vec<Value>, Vec<Range<usize>>),
    /// The text has the pattern's shape, but the placeholder's text at `span` (bytes of
    /// the normalised text) does not parse.
    BadValue {
        placeholder: String,
        span: Range<usize>,
        message: String,
    },
    NoMatch,
}

/// A compiled pattern.
#[derive(Clone, Debug, Default, PartialEq)]
struct Compiled {
    pieces: Vec<Piece>,
    /// The placeholder types, in order.
    params: Vec<ParamId>,
    /// Whether matching may have to try more than one way (optional text,
    /// alternatives, placeholders with several possible ends); only then is the walk
    /// memoised.
    branches: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    /// Literal text, whitespace normalised; may start or end with a space.
    Text(String),
    Optional(String),
    Alternatives(Vec<String>),
    Param(ParamId),
}

/// Parses a pattern; an error carries the char column where the problem is.
fn compile(pattern: &str, types: &ParamTypes) -> Result<Compiled, (usize, String)> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pieces = Vec::new();
    let mut text = String::new();
    // Where the current word starts in `text`, and whether it is plain text so far
    // (`/` may only separate plain words).
    let mut word_start = 0;
    let mut word_plain = true;
    let mut i = 0;
    let flush = |text: &mut String, pieces: &mut Vec<Piece>| {
        if !text.is_empty() {
            pieces.push(Piece::Text(std::mem::take(text)));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => {
                while i < chars.len() && chars[i].is_whitespace() {
                    i += 1;
                }
                if i < chars.len() && !(text.is_empty() && pieces.is_empty()) {
                    text.push(' ');
                }
                word_start = text.len();
                word_plain = true;
                continue;
            }
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    return Err((i, "a `\\` at the end escapes nothing".into()));
                };
                text.push(next);
                i += 2;
                continue;
            }
            '(' => {
                let (content, end) = group(&chars, i, ')', "optional text")?;
                if content.trim().is_empty() {
                    return Err((i, "`()` is empty; put optional text inside".into()));
                }
                flush(&mut text, &mut pieces);
                pieces.push(Piece::Optional(collapse_spaces(&content)));
                word_plain = false;
                i = end;
            }
            '{' => {
                let (name, end) = group(&chars, i, '}', "a placeholder")?;
                let id = types.lookup(name.trim()).map_err(|m| (i + 1, m))?;
                if text.is_empty() && matches!(pieces.last(), Some(Piece::Param(_))) {
                    return Err((
                        i,
                        "two placeholders need text between them to tell where one ends".into(),
                    ));
                }
                flush(&mut text, &mut pieces);
                pieces.push(Piece::Param(id));
                word_plain = false;
                i = end;
            }
            ')' | '}' => {
                return Err((
                    i,
                    format!("unbalanced `{c}`; write `\\{c}` for the character"),
                ));
            }
            '/' => {
                if !word_plain || text.len() == word_start {
                    return Err((
                        i,
                        "`/` separates alternative plain words (`is/are`); write `\\/` for the character".into(),
                    ));
                }
                let mut alternatives = vec![text.split_off(word_start)];
                while i < chars.len() && chars[i] == '/' {
                    let start = i + 1;
                    let mut word = String::new();
                    i = start;
                    while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '/' {
                        match chars[i] {
                            '\\' if i + 1 < chars.len() => {
                                word.push(chars[i + 1]);
                                i += 2;
                                continue;
                            }
                            '(' | ')' | '{' | '}' | '\\' => {
                                return Err((
                                    i,
                                    "alternatives are plain words: no optional text or placeholders in them".into(),
                                ));
                            }
                            other => word.push(other),
                        }
                        i += 1;
                    }
                    if word.is_empty() {
                        return Err((start, "an alternative after `/` is empty".into()));
                    }
                    alternatives.push(word);
                }
                flush(&mut text, &mut pieces);
                pieces.push(Piece::Alternatives(alternatives));
                word_plain = false;
                continue;
            }
            other => {
                text.push(other);
                i += 1;
                continue;
            }
        }
    }
    flush(&mut text, &mut pieces);
    if !pieces
        .iter()
        .any(|p| matches!(p, Piece::Text(_) | Piece::Alternatives(_) | Piece::Param(_)))
    {
        return Err((0, "the pattern is empty".into()));
    }
    let params: Vec<ParamId> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Param(id) => Some(*id),
            _ => None,
        })
        .collect();
    let branches = pieces.iter().any(|p| match p {
        Piece::Optional(_) | Piece::Alternatives(_) => true,
        Piece::Param(id) => types.scan(*id).may_end_in_several_places(),
        Piece::Text(_) => false,
    });
    Ok(Compiled {
        pieces,
        params,
        branches,
    })
}

/// The text of a `(...)` or `{...}` group opening at `open`, and the index after it.
fn group(
    chars: &[char],
    open: usize,
    close: char,
    what: &str,
) -> Result<(String, usize), (usize, String)> {
    let mut content = String::new();
    let mut i = open + 1;
    while i < chars.len() {
        match chars[i] {
            c if c == close => return Ok((content, i + 1)),
            '\\' if i + 1 < chars.len() && close == ')' => {
                content.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '(' | '{' | '/' | ')' | '}' => {
                return Err((i, format!("`{}` cannot stand inside {what}", chars[i])));
            }
            c => content.push(c),
        }
        i += 1;
    }
    Err((
        open,
        format!(
            "unbalanced `{}`: {what} is not closed with `{close}`",
            chars[open]
        ),
    ))
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// The classes (see [`classify`]) of every first token a text matching `pieces` may
/// start with, or `None` if it may start with anything (or there are too many ways).
fn first_keys(pieces: &[Piece], types: &ParamTypes) -> Option<Vec<String>> {
    fn walk(
        pieces: &[Piece],
        types: &ParamTypes,
        prefix: &str,
        keys: &mut Vec<String>,
    ) -> Option<()> {
        if keys.len() > 16 {
            return None;
        }
        let Some((piece, rest)) = pieces.split_first() else {
            // The whole pattern is one token (or nothing, which compile rejects).
            keys.push(classify(prefix).to_string());
            return (!prefix.is_empty()).then_some(());
        };
        let options: Vec<&str> = match piece {
            Piece::Text(text) => vec![text],
            Piece::Optional(text) => vec![text, ""],
            Piece::Alternatives(words) => words.iter().map(String::as_str).collect(),
            Piece::Param(id) => {
                let scan = types.scan(*id);
                if !prefix.is_empty() {
                    // Glued to literal text (`#{int}`): the token mixes both.
                    return None;
                }
                keys.push(
                    if scan.starts_with_quote() {
                        "\""
                    } else if scan.starts_with_number() {
                        "0"
                    } else {
                        return None;
                    }
                    .to_string(),
                );
                return Some(());
            }
        };
        for option in options {
            let joined = format!("{prefix}{option}");
            let joined = joined.trim_start();
            match joined.split_once(' ') {
                Some((token, _)) => keys.push(classify(token).to_string()),
                None => walk(rest, types, joined, keys)?,
            }
        }
        Some(())
    }
    let mut keys = Vec::new();
    walk(pieces, types, "", &mut keys)?;
    keys.sort();
    keys.dedup();
    (keys.len() <= 16).then_some(keys)
}

/// Buffers reused across the attempts of one lookup.
#[derive(Default)]
struct Scratch {
    /// `failed[piece * (len + 1) + pos]`: no match from this piece at this position.
    failed: Vec<bool>,
    /// A stack of candidate ends of the placeholders being tried.
    ends: Vec<usize>,
    spans: Vec<Range<usize>>,
    values: Vec<Value>,
}

/// A depth-first walk of a pattern's pieces over a text. With memoisation each
/// (piece, position) fails at most once, so the walk is polynomial however the
/// optional parts and placeholder ends combine.
struct Walk<'a> {
    pieces: &'a [Piece],
    types: &'a ParamTypes,
    text: &'a str,
    scratch: &'a mut Scratch,
    /// Parse each value on the way, so that only a split where every value parses
    /// matches.
    strict: bool,
    memoise: bool,
}

impl<'a> Walk<'a> {
    fn new(
        pieces: &'a [Piece],
        types: &'a ParamTypes,
        text: &'a str,
        scratch: &'a mut Scratch,
        strict: bool,
    ) -> Walk<'a> {
        scratch.spans.clear();
        scratch.values.clear();
        scratch.ends.clear();
        Walk {
            pieces,
            types,
            text,
            scratch,
            strict,
            memoise: false,
        }
    }

    fn run(&mut self) -> bool {
        if self.memoise {
            let size = (self.pieces.len() + 1) * (self.text.len() + 1);
            self.scratch.failed.clear();
            self.scratch.failed.resize(size, false);
        }
        self.from(0, 0)
    }

    fn from(&mut self, piece: usize, pos: usize) -> bool {
        let pieces = self.pieces;
        let Some(current) = pieces.get(piece) else {
            return pos == self.text.len();
        };
        let slot = piece * (self.text.len() + 1) + pos;
        if self.memoise && self.scratch.failed[slot] {
            return false;
        }
        let text = self.text;
        let matched = match current {
            Piece::Text(literal) => {
                match_literal(text, pos, literal).is_some_and(|end| self.from(piece + 1, end))
            }
            Piece::Optional(literal) => {
                match_literal(text, pos, literal).is_some_and(|end| self.from(piece + 1, end))
                    || self.from(piece + 1, pos)
            }
            Piece::Alternatives(words) => words.iter().any(|word| {
                match_literal(text, pos, word).is_some_and(|end| self.from(piece + 1, end))
            }),
            Piece::Param(id) => self.param(*id, piece, pos),
        };
        if !matched && self.memoise {
            self.scratch.failed[slot] = true;
        }
        matched
    }

    fn param(&mut self, id: ParamId, piece: usize, pos: usize) -> bool {
        let base = self.scratch.ends.len();
        self.types
            .scan(id)
            .ends(self.text, pos, &mut self.scratch.ends);
        let mut matched = false;
        for k in base..self.scratch.ends.len() {
            let end = self.scratch.ends[k];
            if self.strict {
                match self.types.parse(id, &self.text[pos..end]) {
                    Ok(value) => self.scratch.values.push(value),
                    Err(_) => continue,
                }
            }
            self.scratch.spans.push(pos..end);
            if self.from(piece + 1, end) {
                matched = true;
                break;
            }
            self.scratch.spans.pop();
            if self.strict {
                self.scratch.values.pop();
            }
        }
        self.scratch.ends.truncate(base);
        matched
    }
}

/// Matches `literal` at `pos` of normalised `text`, returning where it ends. A space
/// in the literal also matches nothing where the text is already at a word boundary,
/// so that leaving out optional text (`the (big) dog`) never needs two spaces.
fn match_literal(text: &str, pos: usize, literal: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut p = pos;
    for &c in literal.as_bytes() {
        if c == b' ' {
            if bytes.get(p) == Some(&b' ') {
                p += 1;
            } else if !(p == 0 || p == bytes.len() || bytes[p - 1] == b' ') {
                return None;
            }
        } else if bytes.get(p) == Some(&c) {
            p += 1;
        } else {
            return None;
        }
    }
    Some(p)
}

/// Step text with runs of whitespace outside double quotes as one space, and none at
/// either end. Text inside quotes is kept as written.
fn normalize(text: &str) -> Cow<'_, str> {
    if is_normal_ascii(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(normalize_with(text, |_, _| {}))
    }
}

/// Whether `text` is ASCII and already normalised: the usual case, checked byte by
/// byte without building a copy.
fn is_normal_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && bytes
            .iter()
            .all(|b| b.is_ascii() && (*b == b' ' || !b.is_ascii_whitespace()))
        && !bytes.windows(2).any(|pair| pair == b"  ")
}

/// [`normalize`], calling `kept(byte_in_output, char_in_input)` for each char kept.
fn normalize_with(text: &str, mut kept: impl FnMut(usize, usize)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut escaped = false;
    let mut pending_space = None;
    for (n, c) in text.chars().enumerate() {
        if !quoted && c.is_whitespace() {
            if !out.is_empty() {
                pending_space.get_or_insert(n);
            }
            continue;
        }
        if let Some(at) = pending_space.take() {
            kept(out.len(), at);
            out.push(' ');
        }
        kept(out.len(), n);
        out.push(c);
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        }
    }
    out
}

/// Maps byte offsets of the normalised text back to char offsets of the original.
struct CharOffsets {
    /// Per byte of the normalised text, the char of the original it came from; one
    /// more entry for the end.
    of_byte: Vec<usize>,
}

fn char_offsets(text: &str) -> CharOffsets {
    if is_normal_ascii(text) {
        return CharOffsets {
            of_byte: (0..=text.len()).collect(),
        };
    }
    let mut of_byte: Vec<usize> = Vec::with_capacity(text.len() + 1);
    let normal = normalize_with(text, |byte, char| {
        // The bytes between two kept chars belong to the first (a multi-byte char).
        let previous = of_byte.last().copied().unwrap_or(0);
        of_byte.resize(byte, previous);
        of_byte.push(char);
    });
    let last = of_byte.last().copied();
    of_byte.resize(normal.len(), last.unwrap_or(0));
    of_byte.push(last.map_or(0, |last| last + 1));
    CharOffsets { of_byte }
}

impl CharOffsets {
    fn range(&self, bytes: Range<usize>) -> Range<usize> {
        let start = self.of_byte[bytes.start];
        let end = if bytes.is_empty() {
            start
        } else {
            self.of_byte[bytes.end - 1] + 1
        };
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::{CustomValue, Shape};
    use test_case::test_case;

    /// A word-shaped placeholder type that takes any token starting with `prefix`.
    fn prefixed(name: &'static str, prefix: &'static str) -> Placeholder {
        Placeholder::new(name, Shape::Word, move |t: &str| {
            match t.starts_with(prefix) {
                true => Ok(t.to_string()),
                false => Err(format!("`{t}` does not start with `{prefix}`")),
            }
        })
    }

    /// The toy world: a counter and a log of the steps that ran.
    #[derive(Debug, Default, PartialEq)]
    struct Toy {
        count: i64,
        log: Vec<String>,
    }

    fn log(world: &mut Toy, args: &Args) -> Result<(), StepError> {
        let values: Vec<String> = args.values().iter().map(Value::to_string).collect();
        world
            .log
            .push(format!("{} [{}]", args.pattern(), values.join(", ")));
        Ok(())
    }

    fn toy() -> RegistryBuilder<Toy> {
        Registry::<Toy>::builder()
            .parameter(Placeholder::new("state", Shape::Word, |t: &str| {
                const STATES: [&str; 2] = ["TASK_LOST", "TASK_RUNNING"];
                match STATES.contains(&t) {
                    true => Ok(t.to_string()),
                    false => Err(format!(
                        "`{t}` is not a task state; did you mean `{}`?",
                        crate::suggest::closest(t, STATES, 1).first().unwrap_or(&"TASK_LOST")
                    )),
                }
            }))
            .parameter(prefixed("reason", "REASON_"))
            .parameter(prefixed("source", "SOURCE_"))
            .parameter(Placeholder::new("version", Shape::Number, |t: &str| {
                match t.starts_with("1.") {
                    true => Ok(t.to_string()),
                    false => Err(format!("`{t}` is no such release")),
                }
            }))
            .given("a counter at {int}", "a counter at 5", |world, args| {
                world.count = args.int(0);
                Ok(())
            })
            .given("(an )agent {name}", r#"an agent "a1""#, log)
            .given("agents {names}", r#"agents "a1", "a2" and "a3""#, log)
            .given("the master runs build {version}", "the master runs build 1.4", log)
            .given(
                "the master flag {word} is {word}",
                "Given the master flag registry is in_memory",
                log,
            )
            .given("the master flags:", "the master flags:", log)
            .table(TableUse::Required(&["flag", "value"]))
            .when("{duration} pass(es)", "80s pass", log)
            .when("the counter is/are increased by {int}", "the counter is increased by 2", |world, args| {
                world.count += args.int(0);
                Ok(())
            })
            .when("agent {name} is partitioned from the master", r#"agent "a1" is partitioned from the master"#, log)
            .when(
                "agent {name} is partitioned from the master for {duration}",
                r#"agent "a1" is partitioned from the master for 80s"#,
                log,
            )
            .when("agents {names} are partitioned from the master", r#"agents "a1" and "a2" are partitioned from the master"#, log)
            .when("the partition of agent {name} heals", r#"the partition of agent "a1" heals"#, log)
            .when("the network heals", "the network heals", log)
            .then("the counter is {int}", "the counter is 7", |world, args| {
                StepError::check_eq("the counter differs", &args.int(0), &world.count)
            })
            .then("{name} receives {state} for task {name}", r#""spark" receives TASK_LOST for task "t1""#, log)
            .then(
                "{name} receives {state} for task {name} with reason {reason} from {source}",
                r#""spark" receives TASK_LOST for task "t1" with reason REASON_SLAVE_REMOVED from SOURCE_MASTER"#,
                log,
            )
            .then(
                "agent {name} is told to shut down with {string}",
                r#"agent "a1" is told to shut down with "Agent attempted to re-register after removal""#,
                log,
            )
            .then("the description is:", "the description is:", log)
            .doc_string(DocStringUse::Required)
    }

    fn registry() -> Registry<Toy> {
        toy().build().unwrap_or_else(|errors| panic!("{errors:#?}"))
    }

    /// Looks `text` up as a step of `kind` in the toy registry: the pattern it found
    /// and the values it took, or the lookup error.
    fn check(kind: StepKind, text: &str) -> Result<(String, Vec<Value>), LookupError> {
        registry()
            .find(kind, text, Attached::Nothing)
            .map(|found| (found.def.pattern.clone(), found.values))
    }

    /// The errors of a registry built from the toy steps and `extra`, as messages.
    fn build_errors(
        extra: impl FnOnce(RegistryBuilder<Toy>) -> RegistryBuilder<Toy>,
    ) -> Vec<String> {
        match extra(toy()).build() {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        }
    }

    use StepKind::{Given, Then, When};

    #[test_case(Given, r#"an agent "a1""# => "(an )agent {name}" ; "optional text present")]
    #[test_case(Given, r#"agent "a1""# => "(an )agent {name}" ; "optional text left out")]
    #[test_case(When, "2 weeks pass" => "{duration} pass(es)" ; "a duration with a space")]
    #[test_case(When, "1m 20s passes" => "{duration} pass(es)" ; "an optional word ending")]
    #[test_case(When, "the counter are increased by 2" => "the counter is/are increased by {int}" ; "the second alternative")]
    #[test_case(When, "  agent   \"a1\"\tis partitioned from  the master " => "agent {name} is partitioned from the master" ; "runs of whitespace are one space")]
    #[test_case(When, r#"agent "a1" is partitioned from the master for 1m 20s"# => "agent {name} is partitioned from the master for {duration}" ; "the longer of two similar patterns")]
    #[test_case(Given, "the master flag agent_removal_rate_limit is 1/10mins" => "the master flag {word} is {word}" ; "words with digits and slashes")]
    #[test_case(Then, r#""spark" receives TASK_LOST for task "t1""# => "{name} receives {state} for task {name}" ; "a pattern that starts with a placeholder")]
    fn a_step_finds_the_one_pattern_it_matches(kind: StepKind, text: &str) -> String {
        check(kind, text).unwrap().0
    }

    #[test]
    fn values_come_in_pattern_order_with_their_types() {
        let text = r#""spark" receives TASK_LOST for task "t1" with reason REASON_SLAVE_REMOVED from SOURCE_MASTER"#;
        pretty_assertions::assert_eq!(
            check(Then, text).unwrap().1,
            vec![
                Value::Name("spark".into()),
                Value::Custom(CustomValue::new("state", "TASK_LOST", ())),
                Value::Name("t1".into()),
                Value::Custom(CustomValue::new("reason", "REASON_SLAVE_REMOVED", ())),
                Value::Custom(CustomValue::new("source", "SOURCE_MASTER", ())),
            ]
        );
    }

    #[test_case(r#"agents "a1""# => vec!["a1"] ; "a single name")]
    #[test_case(r#"agents "a1" and "a2""# => vec!["a1", "a2"] ; "two names joined by and")]
    #[test_case(r#"agents "a1", "a2" and "a3""# => vec!["a1", "a2", "a3"] ; "a list with commas")]
    fn a_names_placeholder_takes_a_list_of_one_or_more(text: &str) -> Vec<String> {
        match check(Given, text).unwrap().1.as_slice() {
            [Value::Names(names)] => names.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn whitespace_inside_quotes_is_kept() {
        let text = r#"agent   "a1" is told to shut down with "two  spaces""#;
        pretty_assertions::assert_eq!(
            check(Then, text).unwrap().1,
            vec![Value::Name("a1".into()), Value::Str("two  spaces".into())]
        );
    }

    #[test_case(When, r#"Agent "a1" is partitioned from the master"# ; "literals are case sensitive")]
    #[test_case(When, r#"agent "a1" is partitioned from the masters"# ; "the whole text must match")]
    #[test_case(When, r#"agent"a1" is partitioned from the master"# ; "a space is needed between words")]
    #[test_case(Given, "a counter at five" ; "a number in words is not a number")]
    fn a_near_miss_is_an_unknown_step(kind: StepKind, text: &str) {
        let error = check(kind, text).unwrap_err();
        assert!(matches!(error, LookupError::Unknown { .. }), "{error:?}");
    }

    #[test_case(When, "80 parsecs pass" => ("duration".to_string(), 0, 10) ; "a duration with an unknown unit")]
    #[test_case(When, "  80   parsecs pass" => ("duration".to_string(), 2, 12) ; "columns count in the text as written")]
    #[test_case(When, "the counter is increased by 5x" => ("int".to_string(), 28, 2) ; "a number with a suffix")]
    #[test_case(Then, r#""spark" receives TASK_LOSTT for task "t1""# => ("state".to_string(), 17, 10) ; "a misspelt state")]
    #[test_case(Given, "the master runs build 2.0" => ("version".to_string(), 22, 3) ; "a version that does not exist")]
    #[test_case(Given, r#"agent """# => ("name".to_string(), 6, 2) ; "an empty name")]
    fn a_value_that_does_not_parse_is_reported_at_its_column(
        kind: StepKind,
        text: &str,
    ) -> (String, usize, usize) {
        match check(kind, text).unwrap_err() {
            LookupError::BadArgument {
                placeholder,
                column,
                len,
                ..
            } => (placeholder, column, len),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn a_bad_argument_message_explains_the_value_and_names_the_pattern() {
        let error = check(Then, r#""spark" receives TASK_LOSTT for task "t1""#).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("`TASK_LOSTT` is not a task state; did you mean `TASK_LOST`?"),
            "{message}"
        );
        // 1-based, in the quoted step `Then "spark" receives TASK_LOSTT ...`.
        assert!(message.contains("in `{state}` at column 23"), "{message}");
        assert!(
            message.contains("`Then {name} receives {state} for task {name}`"),
            "{message}"
        );
        pretty_assertions::assert_eq!(error.span(), Some(17..27));
    }

    #[test]
    fn a_step_of_another_kind_says_which_keyword_to_use() {
        let error = check(Given, r#"agent "a1" is partitioned from the master"#).unwrap_err();
        pretty_assertions::assert_eq!(
            error,
            LookupError::WrongKind {
                text: r#"agent "a1" is partitioned from the master"#.into(),
                expected: Given,
                found: When,
                pattern: "agent {name} is partitioned from the master".into(),
            }
        );
        assert!(
            error.to_string().contains("start it with `When`"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_step_suggests_the_three_closest_steps_and_a_snippet() {
        let error = check(When, r#"agent "a1" is partioned from the master"#).unwrap_err();
        let LookupError::Unknown {
            suggestions,
            snippet,
            ..
        } = &error
        else {
            panic!("{error:?}");
        };
        pretty_assertions::assert_eq!(
            suggestions,
            &[
                r#"`When agent {name} is partitioned from the master`, e.g. `When agent "a1" is partitioned from the master`"#,
                r#"`When agents {names} are partitioned from the master`, e.g. `When agents "a1" and "a2" are partitioned from the master`"#,
                r#"`When agent {name} is partitioned from the master for {duration}`, e.g. `When agent "a1" is partitioned from the master for 80s`"#,
            ]
        );
        pretty_assertions::assert_eq!(
            snippet,
            r#"builder.when("agent {name} is partioned from the master", "agent \"a1\" is partioned from the master", |world, args| {
    let name = args.name(0);
    // change `world` as the step says
    Ok(())
})"#
        );
        let message = error.to_string();
        assert!(message.starts_with("unknown step `When agent \"a1\" is partioned from the master`\ndid you mean:\n  `When agent {name}"), "{message}");
    }

    #[test]
    fn a_snippet_numbers_placeholders_of_the_same_type() {
        let error = check(Then, r#""spark" kills task "t1" after 80s"#).unwrap_err();
        let LookupError::Unknown { snippet, .. } = error else {
            panic!("{error:?}");
        };
        pretty_assertions::assert_eq!(
            snippet,
            r#"builder.then("{name} kills task {name} after {duration}", "\"spark\" kills task \"t1\" after 80s", |world, args| {
    let name_1 = args.name(0);
    let name_2 = args.name(1);
    let duration = args.duration(2);
    // change `world` as the step says
    Ok(())
})"#
        );
    }

    #[test]
    fn a_step_far_from_every_known_step_gets_no_suggestions() {
        let error = check(Then, "zzz").unwrap_err();
        assert!(
            matches!(&error, LookupError::Unknown { suggestions, .. } if suggestions.is_empty()),
            "{error:?}"
        );
    }

    #[test]
    fn two_patterns_matching_one_example_are_an_error_when_the_registry_is_built() {
        let errors = build_errors(|b| {
            b.when(
                "agent {name} is partitioned from the {word}",
                r#"agent "a1" is partitioned from the network"#,
                log,
            )
        });
        pretty_assertions::assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].starts_with(
                "the patterns `When agent {name} is partitioned from the master` (registered at src/steps/registry.rs:"
            ),
            "{}",
            errors[0]
        );
        assert!(
            errors[0].contains(
                "and `When agent {name} is partitioned from the {word}` (registered at src/steps/registry.rs:"
            ),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn the_same_pattern_of_different_kinds_is_not_ambiguous() {
        assert!(build_errors(|b| b.then("the network heals", "the network heals", log)).is_empty());
    }

    #[test]
    fn a_step_matching_two_patterns_at_lookup_lists_both() {
        let registry = Registry::<Toy>::builder()
            .then("{word} is red", "paint is red", log)
            .then("sky is {word}", "sky is blue", log)
            .build()
            .unwrap();
        let error = registry
            .find(Then, "sky is red", Attached::Nothing)
            .unwrap_err();
        pretty_assertions::assert_eq!(
            error.to_string(),
            "the step `Then sky is red` matches 2 patterns:\n  `Then {word} is red`\n  `Then sky is {word}`\nmake one of them more specific"
        );
    }

    #[test_case("a gauge at {int}", "a gauge at 5x", "`5x` is not a whole number" ; "a value that does not parse")]
    #[test_case("a gauge at {int}", "a gauge at", "it does not have the pattern's shape" ; "a missing value")]
    #[test_case("a gauge is/are {int}", "gauges are 5", "it does not have the pattern's shape" ; "different words")]
    fn an_example_that_does_not_match_its_pattern_is_an_error(
        pattern: &str,
        example: &str,
        reason: &str,
    ) {
        let errors = build_errors(|b| b.given(pattern, example, log));
        pretty_assertions::assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].starts_with(&format!("the example `Given {example}` does not match its own pattern `Given {pattern}`: {reason}")), "{}", errors[0]);
    }

    #[test_case("the {colour} sky", "unknown placeholder type `{colour}`; did you mean `{color}`?", 5 ; "an unknown placeholder type")]
    #[test_case("the (big sky", "unbalanced `(`: optional text is not closed with `)`", 4 ; "an unclosed optional")]
    #[test_case("the big) sky", "unbalanced `)`", 7 ; "a stray closing parenthesis")]
    #[test_case("the {int sky", "unbalanced `{`: a placeholder is not closed with `}`", 4 ; "an unclosed placeholder")]
    #[test_case("the (big {int}) sky", "`{` cannot stand inside optional text", 9 ; "a placeholder inside optional text")]
    #[test_case("the {int}{word} sky", "two placeholders need text between them", 9 ; "adjacent placeholders")]
    #[test_case("the big/ sky", "an alternative after `/` is empty", 8 ; "an empty alternative")]
    #[test_case("the /big sky", "`/` separates alternative plain words", 4 ; "an alternative without a first word")]
    #[test_case("the bi(g)/small sky", "`/` separates alternative plain words", 9 ; "an alternative with optional text")]
    #[test_case("(the)", "the pattern is empty", 0 ; "only optional text")]
    fn a_pattern_that_does_not_parse_is_an_error(pattern: &str, message: &str, column: usize) {
        let result = Registry::<Toy>::builder()
            .parameter(prefixed("color", ""))
            .then(pattern, "the sky", log)
            .build();
        let errors = result.err().expect("the pattern should not parse");
        match errors.as_slice() {
            [
                RegistryError::BadPattern {
                    message: m,
                    column: c,
                    ..
                },
            ] => {
                assert!(m.starts_with(message), "{m}");
                pretty_assertions::assert_eq!(*c, column, "{m}");
            }
            other => panic!("{other:#?}"),
        }
    }

    #[test]
    fn every_build_error_is_reported_at_once() {
        let errors = build_errors(|b| {
            b.given("the {colour} sky", "the blue sky", log)
                .given("a counter at {int}", "a counter at x", log)
                .parameter(prefixed("int", ""))
        });
        pretty_assertions::assert_eq!(errors.len(), 4, "{errors:#?}");
        let bad_pattern = errors.iter().find(|e| e.contains("{colour}")).unwrap();
        assert!(
            bad_pattern.starts_with("the pattern `Given the {colour} sky` (registered at src/steps/registry.rs:")
                && bad_pattern.contains("does not parse at column 5: unknown placeholder type `{colour}` (known: {duration}, {name},"),
            "{bad_pattern}"
        );
    }

    #[test]
    fn escaped_characters_match_literally() {
        let registry = Registry::<Toy>::builder()
            .then(
                r"the metric master\/uptime \(secs\) is {int}",
                "the metric master/uptime (secs) is 5",
                log,
            )
            .build()
            .unwrap();
        let found = registry
            .find(
                Then,
                "the metric master/uptime (secs) is 7",
                Attached::Nothing,
            )
            .unwrap();
        pretty_assertions::assert_eq!(found.values, vec![Value::Int(7)]);
    }

    fn colors() -> RegistryBuilder<Toy> {
        Registry::<Toy>::builder()
            .parameter(Placeholder::new(
                "color",
                Shape::Word,
                |text: &str| match text {
                    "red" | "green" => Ok(text.to_uppercase()),
                    _ => Err(format!("`{text}` is not a color; use `red` or `green`")),
                },
            ))
            .parameter(Placeholder::new("path", Shape::Quoted, |text: &str| {
                if text.starts_with('/') {
                    Ok(std::path::PathBuf::from(text))
                } else {
                    Err(format!("`{text}` is not an absolute path"))
                }
            }))
            .given("the sky is {color}", "the sky is red", |world, args| {
                world.log.push(format!("sky {}", args.get::<String>(0)));
                Ok(())
            })
            .given(
                "a file at {path}",
                r#"a file at "/tmp/x y""#,
                |world, args| {
                    let path = args.get::<std::path::PathBuf>(0);
                    world.log.push(format!("file {}", path.display()));
                    Ok(())
                },
            )
    }

    #[test_case("the sky is green" => "sky GREEN" ; "a word-shaped type")]
    #[test_case(r#"a file at "/var/log/my file""# => "file /var/log/my file" ; "a quoted type gets the text inside the quotes")]
    fn a_custom_placeholder_type_gives_its_value_to_the_handler(text: &str) -> String {
        let registry = colors().build().unwrap();
        let mut world = Toy::default();
        let found = registry.find(Given, text, Attached::Nothing).unwrap();
        found.run(&mut world, None, None).unwrap();
        world.log.join("; ")
    }

    #[test_case("the sky is blue", "`blue` is not a color; use `red` or `green`", 11 ; "a word-shaped type")]
    #[test_case(r#"a file at "tmp""#, "`tmp` is not an absolute path", 10 ; "a quoted type")]
    fn a_custom_placeholder_type_rejects_values_with_its_own_message(
        text: &str,
        message: &str,
        column: usize,
    ) {
        let registry = colors().build().unwrap();
        match registry.find(Given, text, Attached::Nothing).unwrap_err() {
            LookupError::BadArgument {
                message: m,
                column: c,
                ..
            } => {
                pretty_assertions::assert_eq!((m.as_str(), c), (message, column));
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn extend_adds_steps_to_a_built_registry() {
        let registry = registry()
            .extend()
            .parameter(Placeholder::new("parity", Shape::Word, |t: &str| match t {
                "odd" => Ok(true),
                "even" => Ok(false),
                _ => Err(format!("`{t}` is not `odd` or `even`")),
            }))
            .then(
                "the counter is {parity}",
                "the counter is odd",
                |world, args| {
                    let odd = world.count % 2 != 0;
                    let expected = *args.get::<bool>(0);
                    StepError::check_eq("the counter's parity differs", &expected, &odd)
                },
            )
            .build()
            .unwrap();
        let mut world = Toy::default();
        for (kind, text) in [
            (Given, "a counter at 3"),
            (When, "the counter is increased by 2"),
            (Then, "the counter is odd"),
            (Then, "the counter is 5"),
        ] {
            registry
                .find(kind, text, Attached::Nothing)
                .unwrap()
                .run(&mut world, None, None)
                .unwrap();
        }
        pretty_assertions::assert_eq!(
            registry.steps().len(),
            toy().build().unwrap().steps().len() + 1
        );
    }

    #[test]
    fn extend_reports_a_step_that_clashes_with_the_vocabulary() {
        let errors = registry()
            .extend()
            .when("the {word} heals", "the wound heals", log)
            .build()
            .err()
            .unwrap();
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            matches!(&errors[..], [RegistryError::Ambiguous { patterns, .. }] if patterns == &["the network heals", "the {word} heals"]),
            "{messages:#?}"
        );
    }

    #[test_case(Given, "the master flags:", Attached::Nothing => "the step `Given the master flags:` needs a data table (pattern `Given the master flags:`); add one under it, e.g. `| flag | value |`" ; "a table missing")]
    #[test_case(Given, "a counter at 5", Attached::Table => "the step `Given a counter at 5` takes no data table (pattern `Given a counter at {int}`); remove the table or indent it less if it belongs elsewhere" ; "a table unexpected")]
    #[test_case(Then, "the description is:", Attached::Nothing => "the step `Then the description is:` needs a doc string between `\"\"\"` lines (pattern `Then the description is:`)" ; "a doc string missing")]
    #[test_case(Then, "the counter is 1", Attached::DocString => "the step `Then the counter is 1` takes no doc string (pattern `Then the counter is {int}`)" ; "a doc string unexpected")]
    fn tables_and_doc_strings_must_fit_the_step(
        kind: StepKind,
        text: &str,
        attached: Attached,
    ) -> String {
        registry()
            .find(kind, text, attached)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_handler_gets_its_table_and_changes_the_world() {
        let registry = registry();
        let mut world = Toy::default();
        let table = Table::new(vec![
            vec!["flag".into(), "value".into()],
            vec!["registry".into(), "in_memory".into()],
        ]);
        let found = registry
            .find(Given, "the master flags:", Attached::Table)
            .unwrap();
        found.run(&mut world, Some(table.clone()), None).unwrap();
        registry
            .find(Given, "a counter at 4", Attached::Nothing)
            .unwrap()
            .run(&mut world, None, None)
            .unwrap();
        pretty_assertions::assert_eq!(
            world,
            Toy {
                count: 4,
                log: vec!["the master flags: []".into()]
            }
        );
        pretty_assertions::assert_eq!(
            table.header(),
            Some(&["flag".to_string(), "value".to_string()][..])
        );
        pretty_assertions::assert_eq!(table.body().len(), 1);
    }

    #[test]
    fn a_failed_check_returns_a_mismatch_for_the_runner_to_show_as_a_diff() {
        let registry = registry();
        let mut world = Toy {
            count: 3,
            ..Toy::default()
        };
        let error = registry
            .find(Then, "the counter is 4", Attached::Nothing)
            .unwrap()
            .run(&mut world, None, None)
            .unwrap_err();
        pretty_assertions::assert_eq!(error, StepError::mismatch("the counter differs", "4", "3"));
        pretty_assertions::assert_eq!(
            error.to_string(),
            "the counter differs\nexpected: 4\nobserved: 3"
        );
    }

    #[test]
    fn found_spans_point_at_the_values_in_the_text_as_written() {
        let text = r#"agent  "a1"   is partitioned from the master for 1m  20s"#;
        let registry = registry();
        let found = registry.find(When, text, Attached::Nothing).unwrap();
        let taken: Vec<String> = found
            .spans
            .iter()
            .map(|s| text.chars().skip(s.start).take(s.len()).collect())
            .collect();
        pretty_assertions::assert_eq!(taken, [r#""a1""#, "1m  20s"]);
    }

    #[test]
    #[should_panic(
        expected = "placeholder 0 of step pattern `a counter at {int}` is a `{int}`, not a `{name}`"
    )]
    fn an_accessor_of_the_wrong_type_panics_naming_the_pattern() {
        let values = [Value::Int(5)];
        Args::new("a counter at {int}", "a counter at 5", &values, None, None).name(0);
    }

    #[test]
    #[should_panic(expected = "step pattern `the network heals` has no placeholder 0: it has 0")]
    fn an_accessor_past_the_last_placeholder_panics_naming_the_pattern() {
        Args::new("the network heals", "the network heals", &[], None, None).int(0);
    }

    #[test]
    fn an_example_may_start_with_its_keyword() {
        let registry = registry();
        let def = registry
            .steps()
            .iter()
            .find(|d| d.pattern == "the master flag {word} is {word}")
            .unwrap();
        pretty_assertions::assert_eq!(def.example, "the master flag registry is in_memory");
    }

    #[test]
    fn a_lookup_only_tries_patterns_whose_anchor_word_it_contains() {
        let registry = registry();
        let tried = |kind, text: &str| -> Vec<&str> {
            registry
                .candidates(kind, text)
                .into_iter()
                .map(|i| registry.defs[i].pattern.as_str())
                .collect()
        };
        pretty_assertions::assert_eq!(
            tried(When, r#"agent "a1" is partitioned from the master"#),
            ["agent {name} is partitioned from the master"]
        );
        pretty_assertions::assert_eq!(
            tried(When, r#"agent "a1" is partitioned from the master for 80s"#),
            [
                "agent {name} is partitioned from the master",
                "agent {name} is partitioned from the master for {duration}"
            ]
        );
        pretty_assertions::assert_eq!(tried(When, "80s pass"), ["{duration} pass(es)"]);
        pretty_assertions::assert_eq!(tried(Given, "an agent"), ["(an )agent {name}"]);
        pretty_assertions::assert_eq!(tried(Given, "agent"), ["(an )agent {name}"]);
        pretty_assertions::assert_eq!(
            tried(
                Then,
                r#""spark" receives TASK_LOST for task "t1" with reason REASON_SLAVE_REMOVED from SOURCE_MASTER"#
            ),
            [
                "{name} receives {state} for task {name}",
                "{name} receives {state} for task {name} with reason {reason} from {source}"
            ]
        );
    }

    #[test]
    fn a_pattern_without_a_whole_literal_word_is_tried_for_every_step() {
        let registry = Registry::<Toy>::builder()
            .then("{word} {word}", "apples pears", log)
            .then("sky is {word}", "sky is blue", log)
            .then("paint is {word}", "paint is red", log)
            .build()
            .unwrap();
        pretty_assertions::assert_eq!(registry.candidates(Then, "sky is red"), [0, 1]);
    }

    #[test]
    fn matching_never_backtracks_exponentially() {
        // Without memoisation, 40 optional words that all fail at the end would take
        // 2^40 tries; with it, each (piece, position) fails once.
        let pattern = format!("{}end", "(x )".repeat(40));
        let registry = Registry::<Toy>::builder()
            .then(&pattern, "end", log)
            .build()
            .unwrap();
        let text = format!("{}fin", "x ".repeat(40));
        assert!(registry.find(Then, &text, Attached::Nothing).is_err());
        assert!(
            registry
                .find(Then, &format!("{}end", "x ".repeat(40)), Attached::Nothing)
                .is_ok()
        );
    }
}
