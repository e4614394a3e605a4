//! What goes wrong, in the words people read: [`RegistryError`], a problem with the
//! registered steps found when the registry is built, and [`LookupError`], why a
//! step's text found no single pattern.
//!
//! Promises: a message quotes the step or pattern it is about with its keyword; a
//! build error says where each pattern it names was registered; and where the fix
//! is plain, the message says it (start it with `When`, make one of them more
//! specific, add a table under it).

use std::fmt;
use std::ops::Range;
use std::panic::Location;

use super::StepKind;

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
        /// The header hint of [`TableUse::Required`](super::TableUse::Required).
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

#[cfg(test)]
mod tests {
    use crate::steps::registry::StepKind::Then;
    use crate::steps::registry::tests::check;

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
}
