//! The syntax tree of a spec file, as written: no outline expanded, no background
//! prepended (that is [`super::expand`]'s job).
//!
//! Every node carries the [`Span`] of the keyword or token that starts it, so that any
//! later stage (expansion, step matching, the runner) can point a diagnostic at the
//! exact place in the file. Text values are stored decoded: table escapes resolved,
//! doc-string indentation removed, surrounding spaces trimmed.

use super::diagnostic::{Diagnostic, Span};

/// How a step line starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    Given,
    When,
    Then,
    And,
    But,
    /// `*`, a bullet that reads as whatever came before.
    Star,
}

impl Keyword {
    /// The keyword as written in a spec file.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Given => "Given",
            Keyword::When => "When",
            Keyword::Then => "Then",
            Keyword::And => "And",
            Keyword::But => "But",
            Keyword::Star => "*",
        }
    }
}

/// What a step does, after `And`/`But`/`*` have taken the kind of the step before them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepKind {
    Given,
    When,
    Then,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub keyword: Keyword,
    pub kind: StepKind,
    /// The text after the keyword, trimmed.
    pub text: String,
    pub argument: Option<StepArgument>,
    /// The keyword.
    pub span: Span,
    /// The first character of the text.
    pub text_span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepArgument {
    Table(DataTable),
    DocString(DocString),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataTable {
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// The opening `|`.
    pub span: Span,
    /// Characters from the opening `|` to the end of the row.
    pub len: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Trimmed, with `\|`, `\\` and `\n` decoded.
    pub value: String,
    /// The first non-space character of the cell (or the place after its `|` if empty).
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocString {
    /// Lines joined with `\n`, indentation up to the opening delimiter's column removed.
    pub content: String,
    /// What follows the opening delimiter, if anything (```` ```json ````).
    pub media_type: Option<String>,
    /// The opening delimiter.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Without the `@`.
    pub name: String,
    /// The `@`.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    pub title: String,
    /// The free text between the `Feature:` line and the first block, lines trimmed.
    pub description: String,
    pub tags: Vec<Tag>,
    pub background: Option<Background>,
    /// The scenarios outside any rule.
    pub scenarios: Vec<ScenarioDef>,
    pub rules: Vec<Rule>,
    /// The `Feature` keyword.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Background {
    pub steps: Vec<Step>,
    /// The `Background` keyword.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub title: String,
    /// The free text between the `Rule:` line and its first block, lines trimmed.
    pub description: String,
    pub tags: Vec<Tag>,
    pub background: Option<Background>,
    pub scenarios: Vec<ScenarioDef>,
    /// The `Rule` keyword.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioDef {
    pub title: String,
    pub tags: Vec<Tag>,
    pub steps: Vec<Step>,
    pub examples: Vec<Examples>,
    /// Written `Scenario Outline:` or `Scenario Template:`.
    pub is_outline: bool,
    /// The keyword as written, without the colon: `Scenario`, `Example`,
    /// `Scenario Outline` or `Scenario Template`.
    pub keyword: String,
    /// The keyword (`Scenario`, `Example`, `Scenario Outline`, ...).
    pub span: Span,
    /// The first character of the title.
    pub title_span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Examples {
    /// The text after `Examples:`, if any.
    pub name: Option<String>,
    pub tags: Vec<Tag>,
    /// The first row of the table: the placeholder names.
    pub header: Option<Row>,
    pub rows: Vec<Row>,
    /// The `Examples` keyword.
    pub span: Span,
}

/// The result of [`super::parse`]: the tree (as much of it as could be recovered) and
/// every problem found. A file is usable only if `diagnostics` is empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedFile {
    pub feature: Option<Feature>,
    pub diagnostics: Vec<Diagnostic>,
}
