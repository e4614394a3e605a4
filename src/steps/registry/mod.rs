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
//!
//! The parts, a file each:
//! - `args`: what a step is and gets: its kind, its table or doc string, the
//!   [`Args`] its handler reads and the [`StepError`] it returns;
//! - `errors`: [`RegistryError`] and [`LookupError`], and their messages;
//! - `pattern`: parsing a pattern into pieces;
//! - `index`: which patterns a lookup tries;
//! - `walk`: the memoised walk that matches one pattern against a text;
//! - `text`: step text normalised for matching, and the way back to its columns;
//! - `suggest`: the closest known steps and a registration snippet for an unknown one.
//!
//! This file holds the registered steps ([`StepDef`]), the [`RegistryBuilder`] and
//! the checks of [`build`](RegistryBuilder::build), and [`Registry::find`]: an
//! attempt at each candidate pattern, and the one match or the reason there is none.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::panic::Location;

use super::params::{ParamTypes, Placeholder, PlaceholderDoc, Value};

mod args;
mod errors;
mod index;
mod pattern;
mod suggest;
#[cfg(test)]
mod tests;
mod text;
mod walk;

pub use args::{Args, Attached, DocStringUse, Handler, StepError, StepKind, Table, TableUse};
pub use errors::{LookupError, RegistryError};
use index::Index;
use pattern::{Compiled, compile};
use suggest::snippet;
use text::{char_offsets, normalize};
use walk::{Scratch, Walk};

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

/// The pattern a step's text matched, with the values of its placeholders.
pub struct Found<'r, W> {
    pub def: &'r StepDef<W>,
    pub values: Vec<Value>,
    /// The chars of the step's text each placeholder took, in pattern order.
    pub spans: Vec<Range<usize>>,
    text: &'r str,
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
            self.text,
            &self.values,
            table.as_ref(),
            doc_string.as_deref(),
        );
        self.def.call(world, &args)
    }

    /// The step's text, as looked up.
    pub fn text(&self) -> &str {
        self.text
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
    ///
    /// A lookup of normalised ASCII text (the usual step) allocates only the values and
    /// spans it returns: its buffers are kept per thread, from one lookup to the next.
    pub fn find<'r>(
        &'r self,
        kind: StepKind,
        text: &'r str,
        attached: Attached,
    ) -> Result<Found<'r, W>, LookupError> {
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
        }
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.find_with(kind, text, attached, &mut scratch),
            // A lookup from inside a lookup (a placeholder's parser that looks up a
            // step): buffers of its own.
            Err(_) => self.find_with(kind, text, attached, &mut Scratch::default()),
        })
    }

    fn find_with<'r>(
        &'r self,
        kind: StepKind,
        text: &'r str,
        attached: Attached,
        scratch: &mut Scratch,
    ) -> Result<Found<'r, W>, LookupError> {
        let normal = normalize(text);
        let mut candidates = std::mem::take(&mut scratch.candidates);
        self.index[kind as usize].candidates_into(&normal, &mut candidates);
        let mut matched: Option<(usize, Vec<Value>, Vec<Range<usize>>)> = None;
        let mut ambiguous = Vec::new();
        let mut bad_value = None;
        for &i in &candidates {
            match self.attempt(i, &normal, scratch) {
                Attempt::Matched(values, spans) => match &matched {
                    None => matched = Some((i, values, spans)),
                    Some(_) => ambiguous.push(i),
                },
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
        scratch.candidates = candidates;
        if let Some((first, ..)) = matched.as_ref().filter(|_| !ambiguous.is_empty()) {
            return Err(LookupError::Ambiguous {
                kind,
                text: text.to_string(),
                patterns: std::iter::once(first)
                    .chain(&ambiguous)
                    .map(|i| self.defs[*i].pattern.clone())
                    .collect(),
            });
        }
        if let Some((i, values, spans)) = matched {
            let def = &self.defs[i];
            check_attachments(def, kind, text, attached)?;
            let spans = match &normal {
                // Normal ASCII text is its own normalised form: bytes are chars.
                std::borrow::Cow::Borrowed(_) => spans,
                std::borrow::Cow::Owned(_) => {
                    let chars = char_offsets(text);
                    spans.into_iter().map(|s| chars.range(s)).collect()
                }
            };
            return Ok(Found {
                def,
                values,
                spans,
                text,
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
                if !matches!(self.attempt(i, &normal, scratch), Attempt::NoMatch) {
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
        let spans = walk.scratch.spans.clone();
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
            let spans = strict.scratch.spans.clone();
            let values = std::mem::take(&mut strict.scratch.values);
            return Attempt::Matched(values, spans);
        }
        Attempt::BadValue {
            placeholder: self.types.name(id).to_string(),
            span,
            message,
        }
    }
}

fn check_attachments<W>(
    def: &StepDef<W>,
    kind: StepKind,
    text: &str,
    attached: Attached,
) -> Result<(), LookupError> {
    let (text, pattern) = (|| text.to_string(), || def.pattern.clone());
    let has_table = attached == Attached::Table;
    let has_doc_string = attached == Attached::DocString;
    match (def.table, has_table) {
        (TableUse::Required(header), false) => {
            return Err(LookupError::TableMissing {
                kind,
                text: text(),
                pattern: pattern(),
                header: header.iter().map(|h| h.to_string()).collect(),
            });
        }
        (TableUse::None, true) => {
            return Err(LookupError::TableUnexpected {
                kind,
                text: text(),
                pattern: pattern(),
            });
        }
        _ => {}
    }
    match (def.doc_string, has_doc_string) {
        (DocStringUse::Required, false) => Err(LookupError::DocStringMissing {
            kind,
            text: text(),
            pattern: pattern(),
        }),
        (DocStringUse::None, true) => Err(LookupError::DocStringUnexpected {
            kind,
            text: text(),
            pattern: pattern(),
        }),
        _ => Ok(()),
    }
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
