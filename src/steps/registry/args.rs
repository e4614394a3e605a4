//! What a step is and what its handler deals with: the [`StepKind`], the table or
//! doc string a step carries ([`Table`], [`TableUse`], [`Attached`],
//! [`DocStringUse`]), the [`Args`] a [`Handler`] reads and the [`StepError`] it
//! returns.
//!
//! Promises: an accessor of [`Args`] panics only on a programming error (an index or
//! a type that does not fit the pattern), with a message naming the pattern.

use std::fmt;

use crate::steps::params::Value;
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

    /// The [`RegistryBuilder`](super::RegistryBuilder) method that registers a step of this kind.
    pub(super) const fn method(self) -> &'static str {
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
    /// ([`Placeholder`](crate::steps::Placeholder)), as the `T` its parser returned: parsed once, when the step
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
