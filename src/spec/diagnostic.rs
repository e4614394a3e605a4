//! Where things are in a spec file ([`Span`]) and what is wrong with them ([`Diagnostic`]).
//!
//! A diagnostic is plain data: the parser collects them and never stops at the first.
//! [`Diagnostic::render`] draws one the way rustc does (through `annotate-snippets`),
//! given the file's path and text; it never panics, even if the span lies outside
//! the text it is given.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// A position in a spec file: 1-based line, 1-based column counted in `char`s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: u32,
    pub column: u32,
}

impl Span {
    pub fn new(line: u32, column: u32) -> Span {
        Span { line, column }
    }

    /// The span `chars` characters further along the same line.
    pub fn offset(self, chars: usize) -> Span {
        Span {
            line: self.line,
            column: self.column.saturating_add(to_u32(chars)),
        }
    }
}

/// An error in a spec file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    /// How many characters to underline, at least 1.
    pub len: u32,
    /// What is wrong: lowercase start, no trailing period.
    pub message: String,
    /// Shown next to the underline: what was expected or found there.
    pub label: String,
    /// How to fix it, when known.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error underlining `len` characters from `span` (at least one is underlined).
    pub fn new(
        span: Span,
        len: usize,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            span,
            len: to_u32(len).max(1),
            message: message.into(),
            label: label.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Renders the diagnostic like rustc:
    ///
    /// ```text
    /// error: unknown keyword `Scenaro:`
    ///  --> specs/a.feature:3:3
    ///   |
    /// 3 |   Scenaro: agent is lost
    ///   |   ^^^^^^^^ not a keyword
    ///   |
    ///   = help: did you mean `Scenario:`?
    /// ```
    ///
    /// `source` is the whole file the span refers to; `color` adds ANSI styles.
    pub fn render(&self, path: &str, source: &str, color: bool) -> String {
        let line_index = self.span.line.saturating_sub(1) as usize;
        let text = source_line(source, line_index);
        let start = byte_at(text, self.span.column.saturating_sub(1) as usize);
        let end = byte_at(
            text,
            (self.span.column.saturating_sub(1) + self.len) as usize,
        );
        let mut group = Level::ERROR.primary_title(self.message.as_str()).element(
            Snippet::source(text)
                .line_start(line_index + 1)
                .path(path)
                .annotation(
                    AnnotationKind::Primary
                        .span(start..end)
                        .label(self.label.as_str()),
                ),
        );
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let report: [Group<'_>; 1] = [group];
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report)
    }
}

/// Saturating conversion for positions and lengths: a spec file longer than `u32::MAX`
/// characters gets wrong positions, not a panic.
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Line `index` (0-based) of `source`, split the way the parser splits it.
fn source_line(source: &str, index: usize) -> &str {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let line = source.split('\n').nth(index).unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line)
}

/// The byte offset of char `chars` in `text`, or its length if the line is shorter.
fn byte_at(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

impl Diagnostic {
    /// One line, `line:column: message (help)`, for compact test expectations.
    #[cfg(test)]
    pub(crate) fn summary(&self) -> String {
        let help = self
            .help
            .as_ref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        format!(
            "{}:{}: {}{help}",
            self.span.line, self.span.column, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    const SOURCE: &str = "Feature: f\n\n  Scenaro: client is lost\n";

    #[test]
    fn a_diagnostic_renders_like_rustc() {
        let diagnostic = Diagnostic::new(
            Span::new(3, 3),
            8,
            "unknown keyword `Scenaro:`",
            "not a keyword",
        )
        .with_help("did you mean `Scenario:`?");
        let expected = "\
error: unknown keyword `Scenaro:`
 --> specs/a.feature:3:3
  |
3 |   Scenaro: client is lost
  |   ^^^^^^^^ not a keyword
  |
  = help: did you mean `Scenario:`?";
        assert_eq!(
            diagnostic.render("specs/a.feature", SOURCE, false),
            expected
        );
    }

    #[test]
    fn a_diagnostic_without_help_has_no_help_line() {
        let diagnostic = Diagnostic::new(Span::new(3, 12), 4, "duplicate name", "here");
        let expected = "\
error: duplicate name
 --> a:3:12
  |
3 |   Scenaro: client is lost
  |            ^^^^ here";
        assert_eq!(diagnostic.render("a", SOURCE, false), expected);
    }

    #[test]
    fn columns_count_characters_and_the_byte_order_mark_is_not_one() {
        let source = "\u{feff}Feature: é\r\n  Scénario: x\r\n";
        let diagnostic = Diagnostic::new(Span::new(2, 3), 9, "m", "l");
        let rendered = diagnostic.render("a", source, false);
        assert!(
            rendered.contains("2 |   Scénario: x\n  |   ^^^^^^^^^ l"),
            "{rendered}"
        );
    }

    #[test]
    fn color_is_added_only_when_asked_for() {
        let diagnostic = Diagnostic::new(Span::new(1, 1), 1, "m", "l");
        assert!(diagnostic.render("a", SOURCE, true).contains('\u{1b}'));
        assert!(!diagnostic.render("a", SOURCE, false).contains('\u{1b}'));
    }

    #[test]
    fn a_span_outside_the_source_still_renders() {
        for span in [
            Span::new(0, 0),
            Span::new(2, 40),
            Span::new(99, 3),
            Span::new(u32::MAX, u32::MAX),
        ] {
            let rendered = Diagnostic::new(span, 0, "m", "l").render("a", SOURCE, false);
            assert!(rendered.starts_with("error: m\n"), "{rendered}");
        }
    }
}
