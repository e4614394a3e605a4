//! The parser: spec text in, [`ParsedFile`] out (the tree and every diagnostic).
//!
//! Invariants, in the spirit of rust-analyzer's parser:
//! - it never panics, whatever the input (no indexing or slicing that input can break);
//! - it never stops at the first error: after one it recovers at the next line that
//!   makes sense (a misspelt keyword is reported and then read as the keyword it most
//!   likely is) and goes on, so that one run reports every problem of a file;
//! - it is strict where lenient Gherkin parsers silently drop scenarios: text that is
//!   neither a description nor a known line is an error, never ignored.
//!
//! It works line by line with one line of look-ahead (a step takes the table or doc
//! string below it), so it runs in time linear in the size of the file.

use std::mem;

use super::ast::{
    Background, Cell, DataTable, DocString, Examples, Feature, Keyword, ParsedFile, Row, Rule,
    ScenarioDef, Step, StepArgument, StepKind, Tag,
};
use super::check;
use super::diagnostic::{Diagnostic, Span, to_u32};
use super::lexer::{self, Block, Line, Misspelling, Problem, Token};
use super::limits::{
    MAX_LINE_BYTES, MAX_LINES, MAX_NAME_CHARS, MAX_STEPS, MAX_TABLE_CELLS, MAX_TABLE_ROWS, MAX_TAGS,
};

/// Parses a spec file. Accepts a leading byte-order mark and LF or CRLF line endings.
pub fn parse(source: &str) -> ParsedFile {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut long_lines = Vec::new();
    let mut too_many = false;
    let lines = source
        .split('\n')
        .enumerate()
        .map_while(|(i, raw)| {
            if i == MAX_LINES {
                too_many = true;
                return None;
            }
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            if raw.len() <= MAX_LINE_BYTES {
                return Some(Line::new(i, raw));
            }
            // Read as cut at the limit, so that nothing downstream meets the rest.
            long_lines.push((i, raw.len()));
            let mut end = MAX_LINE_BYTES;
            while !raw.is_char_boundary(end) {
                end -= 1;
            }
            Some(Line::new(i, &raw[..end]))
        })
        .collect();
    let mut parser = Parser {
        lines,
        pos: 0,
        diagnostics: Vec::new(),
        feature: None,
        section: Section::Preamble,
        in_rule: false,
        tags: Vec::new(),
        tags_len: 0,
        description: Vec::new(),
        background: None,
        reported_orphan_step: false,
        reported_preamble: false,
        rows: 0,
        cells: 0,
        steps: 0,
        tags_read: 0,
    };
    if too_many {
        parser
            .error(
                Span::new(to_u32(MAX_LINES + 1), 1),
                1,
                format!("more than {MAX_LINES} lines in one file"),
                "one line too many",
            )
            .help("split the file; lines past this one are not read");
    }
    for (i, len) in long_lines {
        parser
            .error(
                Span::new(to_u32(i + 1), 1),
                1,
                format!("line is {len} bytes long, more than {MAX_LINE_BYTES}"),
                "line too long",
            )
            .help("a line holds one keyword, step, tag line or table row: split the text, or check that this is a spec file");
    }
    while let Some(&line) = parser.lines.get(parser.pos) {
        parser.pos += 1;
        parser.line(line, line.token());
    }
    parser.finish()
}

/// Where the parser stands, which decides what a line may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// Before `Feature:`: only comments, a language header and tags.
    Preamble,
    /// After `Feature:`, before its first block: free description text.
    FeatureHead,
    /// After `Rule:`, before its first block: free description text.
    RuleHead,
    Background,
    Scenario,
    /// After an `Examples:` table: more `Examples:` or the next block.
    Examples,
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    /// The next line to read.
    pos: usize,
    diagnostics: Vec<Diagnostic>,
    feature: Option<Feature>,
    section: Section,
    /// Whether blocks go into the last rule rather than the feature.
    in_rule: bool,
    /// Tags waiting for the block they stand before.
    tags: Vec<Tag>,
    /// Chars of the first line of `tags`, to underline them.
    tags_len: usize,
    /// Description lines of the feature or rule being read.
    description: Vec<&'a str>,
    /// The open `Background:` line and how many steps its background had before it.
    background: Option<(Span, usize)>,
    /// A run of steps outside any scenario is one mistake: report its first step only.
    reported_orphan_step: bool,
    /// Text before `Feature:` is reported once.
    reported_preamble: bool,
    /// Table rows, cells, steps and tags read so far (see `limits`).
    rows: usize,
    cells: usize,
    steps: usize,
    tags_read: usize,
}

impl<'a> Parser<'a> {
    /// Records an error; `.help(...)` adds the fix to it.
    fn error(
        &mut self,
        span: Span,
        len: usize,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Reported<'_> {
        self.diagnostics
            .push(Diagnostic::new(span, len, message, label));
        Reported(self.diagnostics.last_mut())
    }

    fn line(&mut self, line: Line<'a>, token: Token<'a>) {
        if !matches!(token, Token::Empty | Token::Comment | Token::Step { .. }) {
            self.reported_orphan_step = false;
        }
        match token {
            Token::Empty => {
                if self.describing() && !self.description.is_empty() {
                    self.description.push("");
                }
            }
            Token::Comment => {
                if self.section == Section::Preamble {
                    self.language(line);
                }
            }
            Token::Tags => self.tag_line(line),
            Token::Other => self.text(line),
            Token::Block {
                block: Block::Feature,
                keyword_len,
                title,
                title_offset,
            } => self.feature_line(line, keyword_len, title, title_offset),
            _ if self.section == Section::Preamble => {
                // A scenario, step or table before any `Feature:`: report it once, then
                // read the rest as if the `Feature:` line had been there.
                self.implicit_feature(line);
                self.line(line, token);
            }
            Token::Block {
                block,
                keyword_len,
                title,
                title_offset,
            } => self.block(line, block, keyword_len, title, title_offset),
            Token::Step {
                keyword,
                keyword_len,
                text,
                text_offset,
            } => self.step(line, keyword, keyword_len, text, text_offset),
            Token::Row => {
                self.untag("a table");
                self.error(
                    start(line),
                    line.len(),
                    "table with no step above it",
                    "not attached to a step",
                )
                .help("a table belongs to the step on the line above it");
                self.pos = self.pos.saturating_sub(1);
                self.table();
            }
            Token::Fence { fence, media_type } => {
                self.untag("a doc string");
                self.error(
                    start(line),
                    fence.len(),
                    "doc string with no step above it",
                    "not attached to a step",
                )
                .help("a doc string belongs to the step on the line above it");
                self.doc_string(line, fence, media_type);
            }
        }
    }

    fn describing(&self) -> bool {
        matches!(self.section, Section::FeatureHead | Section::RuleHead)
    }

    /// `# language: xx`: only English keywords exist.
    fn language(&mut self, line: Line<'a>) {
        if let Some((code, offset)) = lexer::language(line.text) {
            if code != "en" {
                self.error(
                    Span::new(line.number, line.column(offset)),
                    code.chars().count(),
                    format!("unsupported language `{code}`"),
                    "only `en` is supported",
                )
                .help("write the spec with English keywords and remove this line");
            }
        }
    }

    // ---- free text and misspelt keywords -------------------------------------------------

    fn text(&mut self, line: Line<'a>) {
        let found = match self.section {
            // Before `Feature:` nothing but the feature line makes sense, so a first word
            // like `Feature` (no colon) is taken for it, but prose is not read as steps.
            Section::Preamble => lexer::misspelling(line.text, false).or_else(|| {
                lexer::misspelling(line.text, true)
                    .filter(|m| m.meant.block() == Some(Block::Feature))
            }),
            // Description text is free: only what can hardly be prose counts as a keyword.
            Section::FeatureHead | Section::RuleHead => lexer::misspelling(line.text, false)
                .or_else(|| {
                    lexer::keyword_without_colon(line.text).filter(|_| self.next_is_step())
                }),
            Section::Background | Section::Scenario | Section::Examples => {
                lexer::misspelling(line.text, true)
            }
        };
        if let Some(misspelling) = found {
            self.misspelt(line, &misspelling);
            self.line(line, misspelling.meant);
            return;
        }
        let (message, label, help) = match self.section {
            Section::Preamble => {
                if !self.reported_preamble {
                    self.reported_preamble = true;
                    let help = "a spec file starts with `Feature: <title>`; \
                                make this line a `#` comment or move it below";
                    let label = "expected `Feature:` first";
                    self.error(start(line), line.len(), "text before `Feature:`", label)
                        .help(help);
                }
                return;
            }
            Section::FeatureHead | Section::RuleHead => {
                self.untag("description text");
                self.description.push(line.text);
                return;
            }
            Section::Background | Section::Scenario => (
                if self.section == Section::Background {
                    "unexpected text in a background"
                } else {
                    "unexpected text in a scenario"
                },
                "expected a step, a table, a doc string or a keyword",
                "steps start with `Given`, `When`, `Then`, `And`, `But` or `*`; descriptions \
                 are only allowed below `Feature:` and `Rule:`, so make this a `#` comment",
            ),
            Section::Examples => (
                "unexpected text after an examples table",
                "expected `Examples:`, a scenario or a rule",
                "make this a `#` comment, or move it below `Feature:` or `Rule:` as description",
            ),
        };
        self.untag("text");
        self.error(start(line), line.len(), message, label)
            .help(help);
    }

    fn misspelt(&mut self, line: Line<'a>, misspelling: &Misspelling<'a>) {
        let found: String = line.text.chars().take(misspelling.len).collect();
        let (message, label) = match misspelling.problem {
            Problem::Misspelt if squeeze(&found) == squeeze(&misspelling.suggestion) => (
                format!("space before the colon in `{found}`"),
                "remove the space",
            ),
            Problem::Misspelt => (format!("unknown keyword `{found}`"), "not a keyword"),
            Problem::MissingColon => (
                format!("missing `:` after `{found}`"),
                "a keyword ends with a colon",
            ),
            Problem::StepColon => (
                format!("step keyword `{found}` takes no colon"),
                "remove the colon",
            ),
            Problem::MisspeltStep => (
                format!("unknown step keyword `{found}`"),
                "not a step keyword",
            ),
        };
        self.error(start(line), misspelling.len, message, label)
            .help(format!("did you mean `{}`?", misspelling.suggestion));
    }

    /// Whether the next line that is not blank or a comment is a step.
    fn next_is_step(&self) -> bool {
        self.peek()
            .is_some_and(|i| matches!(self.lines[i].token(), Token::Step { .. }))
    }

    /// The index of the next line that is neither blank nor a comment.
    fn peek(&self) -> Option<usize> {
        (self.pos..self.lines.len())
            .find(|&i| !matches!(self.lines[i].token(), Token::Empty | Token::Comment))
    }

    // ---- tags ----------------------------------------------------------------------------

    fn tag_line(&mut self, line: Line<'a>) {
        let first_line = self.tags.is_empty();
        let mut stray: Option<(usize, usize, Vec<&str>)> = None;
        let mut previous: Option<String> = None;
        let mut end = 0;
        for (offset, word) in words(line.text) {
            // A comment may follow the tags on their line.
            if word.starts_with('#') {
                break;
            }
            end = offset + word.chars().count();
            if let Some(name) = word.strip_prefix('@') {
                self.stray_words(line, stray.take(), previous.as_deref());
                let span = Span::new(line.number, line.column(offset));
                self.tags_read += 1;
                if self.tags_read > MAX_TAGS {
                    if self.tags_read == MAX_TAGS + 1 {
                        self.error(
                            span,
                            word.chars().count(),
                            format!("more than {MAX_TAGS} tags in one file"),
                            "one tag too many",
                        )
                        .help("split the file; tags past this one are not read");
                    }
                    continue;
                }
                self.diagnostics.extend(check::tag(name, span));
                self.tags.push(Tag {
                    name: name.to_string(),
                    span,
                });
                previous = Some(name.to_string());
            } else {
                let run = stray.get_or_insert((offset, end, Vec::new()));
                run.1 = end;
                run.2.push(word);
            }
        }
        self.stray_words(line, stray, previous.as_deref());
        if first_line {
            // Underline the tags, not a comment after them.
            self.tags_len = end;
        }
    }

    /// Words without `@` among tags: most likely a tag written with spaces.
    fn stray_words(
        &mut self,
        line: Line<'a>,
        run: Option<(usize, usize, Vec<&str>)>,
        previous: Option<&str>,
    ) {
        let Some((from, to, words)) = run else { return };
        let joined = words.join("-");
        let help = match previous {
            Some("ignore") => format!("give the reason after a colon: `@ignore:{joined}`"),
            Some(tag) if !tag.is_empty() => format!("write `@{tag}-{joined}`, or `@{joined}`"),
            _ => format!("write `@{joined}`"),
        };
        self.error(
            Span::new(line.number, line.column(from)),
            to - from,
            "tag names cannot contain spaces",
            "not a tag: tags start with `@`",
        )
        .help(help);
    }

    /// Reports pending tags that stand before `what`, which cannot be tagged.
    fn untag(&mut self, what: &str) {
        let help = format!(
            "{what} cannot be tagged; move the tags to the line above the block they are for"
        );
        self.untag_with(help);
    }

    fn untag_with(&mut self, help: String) {
        let Some(first) = self.tags.first() else {
            return;
        };
        let span = first.span;
        self.tags.clear();
        let label = "not followed by a `Feature:`, `Rule:`, `Scenario:`, \
                     `Scenario Outline:` or `Examples:` line";
        self.error(span, self.tags_len, "tags apply to nothing", label)
            .help(help);
    }

    // ---- blocks --------------------------------------------------------------------------

    fn implicit_feature(&mut self, line: Line<'a>) {
        if !self.reported_preamble {
            self.error(
                start(line),
                line.len(),
                "missing `Feature:`",
                "expected `Feature:` before this line",
            )
            .help("a spec file starts with `Feature: <title>`, followed by its scenarios");
        }
        self.reported_preamble = true;
        self.feature = Some(Feature {
            title: String::new(),
            description: String::new(),
            tags: Vec::new(),
            background: None,
            scenarios: Vec::new(),
            rules: Vec::new(),
            span: start(line),
        });
        self.section = Section::FeatureHead;
    }

    /// A title longer than [`MAX_NAME_CHARS`] is an error: it names tests.
    fn check_title(&mut self, line: Line<'a>, title: &str, title_offset: usize) {
        let chars = title.chars().count();
        if chars > MAX_NAME_CHARS {
            self.error(
                Span::new(line.number, line.column(title_offset)),
                chars,
                format!("title is {chars} characters long, more than {MAX_NAME_CHARS}"),
                "title too long",
            )
            .help("a title names a test: state the behaviour in a sentence, and put details in steps or a description");
        }
    }

    fn feature_line(
        &mut self,
        line: Line<'a>,
        keyword_len: usize,
        title: &str,
        title_offset: usize,
    ) {
        self.check_title(line, title, title_offset);
        let tags = mem::take(&mut self.tags);
        if self.feature.is_some() {
            self.error(
                start(line),
                keyword_len + 1,
                "second `Feature:` in one file",
                "a file has one feature",
            )
            .help("move this feature and its scenarios to a file of their own");
            // Read what follows as more of the first feature, so its errors are reported.
            self.close_block();
            self.close_rule();
        } else {
            self.feature = Some(Feature {
                title: title.to_string(),
                description: String::new(),
                tags,
                background: None,
                scenarios: Vec::new(),
                rules: Vec::new(),
                span: start(line),
            });
        }
        self.section = Section::FeatureHead;
    }

    fn block(
        &mut self,
        line: Line<'a>,
        block: Block,
        keyword_len: usize,
        title: &str,
        title_offset: usize,
    ) {
        if !block.is_taggable() {
            self.untag("a `Background:`");
        }
        let tags = mem::take(&mut self.tags);
        let keyword: String = line.text.chars().take(keyword_len).collect();
        let title_span = Span::new(line.number, line.column(title_offset));
        self.check_title(line, title, title_offset);
        if matches!(block, Block::Rule | Block::Scenario | Block::Outline) && title.is_empty() {
            self.error(
                start(line),
                keyword_len + 1,
                format!("`{keyword}:` has no title"),
                "expected a title after the colon",
            )
            .help("the title is the test's name: state the behaviour it checks");
        }
        if self.feature.is_none() {
            return;
        }
        match block {
            Block::Feature => {}
            Block::Rule => {
                self.close_block();
                self.close_rule();
                if let Some(feature) = self.feature.as_mut() {
                    feature.rules.push(Rule {
                        title: title.to_string(),
                        description: String::new(),
                        tags,
                        background: None,
                        scenarios: Vec::new(),
                        span: start(line),
                    });
                }
                self.in_rule = true;
                self.section = Section::RuleHead;
            }
            Block::Background => {
                self.close_block();
                self.background_line(line, keyword_len);
            }
            Block::Scenario | Block::Outline => {
                self.close_block();
                let in_rule = self.in_rule;
                if let Some(scenarios) =
                    self.feature.as_mut().and_then(|f| scenarios_of(f, in_rule))
                {
                    scenarios.push(ScenarioDef {
                        title: title.to_string(),
                        tags,
                        steps: Vec::new(),
                        examples: Vec::new(),
                        is_outline: block == Block::Outline,
                        keyword,
                        span: start(line),
                        title_span,
                    });
                }
                self.section = Section::Scenario;
            }
            Block::Examples => {
                self.examples(line, keyword, title, tags);
            }
        }
    }

    fn background_line(&mut self, line: Line<'a>, keyword_len: usize) {
        let in_rule = self.in_rule;
        let Some(feature) = self.feature.as_mut() else {
            return;
        };
        let (background, first_scenario) = if in_rule {
            match feature.rules.last_mut() {
                Some(rule) => (&mut rule.background, rule.scenarios.first().map(|s| s.span)),
                None => return,
            }
        } else {
            let first = feature.scenarios.first().map(|s| s.span);
            (&mut feature.background, first)
        };
        let earlier = background.as_ref().map(|b| b.span);
        let steps_before = background.as_ref().map_or(0, |b| b.steps.len());
        // Keep one background: a late or second one's steps are added to it, so that
        // the steps are still parsed and checked.
        background.get_or_insert_with(|| Background {
            steps: Vec::new(),
            span: start(line),
        });
        let span = start(line);
        if let Some(first) = first_scenario {
            self.error(
                span,
                keyword_len + 1,
                "`Background:` after a scenario",
                "comes after the first scenario",
            )
            .help(format!("move it above the scenario at line {}", first.line));
        } else if let Some(earlier) = earlier {
            self.error(
                span,
                keyword_len + 1,
                "second `Background:`",
                "a feature or rule has one background",
            )
            .help(format!(
                "merge its steps into the `Background:` at line {}",
                earlier.line
            ));
        }
        self.background = Some((span, steps_before));
        self.section = Section::Background;
    }

    fn examples(&mut self, line: Line<'a>, keyword: String, name: &str, tags: Vec<Tag>) {
        let span = start(line);
        let mut rows = self.table().into_iter();
        let header = rows.next();
        let rows: Vec<Row> = rows.collect();
        match &header {
            None => self
                .error(
                    span,
                    keyword.chars().count() + 1,
                    format!("`{keyword}:` has no table"),
                    "expected a table below this line",
                )
                .help(
                    "add a header row naming the placeholders, then one row of values per example",
                ),
            Some(header) => {
                if rows.is_empty() {
                    self.error(
                        header.span,
                        to_usize(header.len),
                        "examples table has no rows",
                        "only a header",
                    )
                    .help("add one row of values below the header for each example");
                }
                self.diagnostics.extend(check::header(header));
            }
        }
        let examples = Examples {
            name: (!name.is_empty()).then(|| name.to_string()),
            tags,
            header,
            rows,
            span,
        };
        let in_rule = self.in_rule;
        let outline = match self.section {
            Section::Scenario | Section::Examples => self
                .feature
                .as_mut()
                .and_then(|f| scenarios_of(f, in_rule))
                .and_then(|scenarios| scenarios.last_mut()),
            _ => None,
        };
        let Some(outline) = outline else {
            self.error(
                span,
                keyword.chars().count() + 1,
                format!("`{keyword}:` outside a scenario outline"),
                "not below a `Scenario Outline:`",
            )
            .help("put it below the steps of a `Scenario Outline:`");
            return;
        };
        let plain = (!outline.is_outline).then(|| (outline.keyword.clone(), outline.span));
        outline.examples.push(examples);
        self.section = Section::Examples;
        if let Some((scenario_keyword, scenario)) = plain {
            self.error(
                span,
                keyword.chars().count() + 1,
                format!("`{keyword}:` in a plain `{scenario_keyword}:`"),
                format!("the scenario at line {} is not an outline", scenario.line),
            )
            .help(format!(
                "write `Scenario Outline:` instead of `{scenario_keyword}:` at line {}",
                scenario.line
            ));
        }
    }

    /// Ends the block being read (feature or rule description, background, scenario)
    /// and checks what can only be checked once it is complete.
    fn close_block(&mut self) {
        let in_rule = self.in_rule;
        match self.section {
            Section::Preamble => {}
            Section::FeatureHead | Section::RuleHead => {
                while self.description.last() == Some(&"") {
                    self.description.pop();
                }
                let description = mem::take(&mut self.description).join("\n");
                let Some(feature) = self.feature.as_mut() else {
                    return;
                };
                let target = match self.section {
                    Section::RuleHead => feature.rules.last_mut().map(|r| &mut r.description),
                    _ => Some(&mut feature.description),
                };
                if let Some(target) = target.filter(|t| t.is_empty()) {
                    *target = description;
                }
            }
            Section::Background => {
                let Some((span, before)) = self.background.take() else {
                    return;
                };
                let Some(feature) = self.feature.as_ref() else {
                    return;
                };
                let background = if in_rule {
                    feature.rules.last().and_then(|r| r.background.as_ref())
                } else {
                    feature.background.as_ref()
                };
                if background.is_none_or(|b| b.steps.len() == before) {
                    self.error(
                        span,
                        "Background".len() + 1,
                        "`Background:` has no steps",
                        "expected steps below it",
                    )
                    .help("add the `Given` steps every scenario starts with, or remove it");
                }
            }
            Section::Scenario | Section::Examples => {
                let scenario = self.feature.as_ref().and_then(|f| {
                    if in_rule {
                        f.rules.last().and_then(|r| r.scenarios.last())
                    } else {
                        f.scenarios.last()
                    }
                });
                let diagnostics = scenario.map(check::scenario).unwrap_or_default();
                self.diagnostics.extend(diagnostics);
            }
        }
    }

    fn close_rule(&mut self) {
        if !mem::replace(&mut self.in_rule, false) {
            return;
        }
        let Some(rule) = self.feature.as_ref().and_then(|f| f.rules.last()) else {
            return;
        };
        if rule.scenarios.is_empty() {
            let span = rule.span;
            self.error(
                span,
                "Rule".len() + 1,
                "rule has no scenarios",
                "no `Scenario:` in this rule",
            )
            .help("add a `Scenario:` below it, or remove the `Rule:` line");
        }
    }

    fn finish(mut self) -> ParsedFile {
        let end = self.lines.len().saturating_sub(1);
        self.untag_with("remove them, or add the block they are for below them".to_string());
        self.close_block();
        self.close_rule();
        match &self.feature {
            None => {
                let line = self.lines.get(end).map_or(1, |l| l.number);
                self.error(
                    Span::new(line, 1),
                    1,
                    "missing `Feature:`",
                    "expected `Feature:`",
                )
                .help("a spec file starts with `Feature: <title>`, followed by its scenarios");
            }
            Some(feature) if feature.scenarios.is_empty() && feature.rules.is_empty() => {
                let span = feature.span;
                self.error(
                    span,
                    "Feature".len() + 1,
                    "feature has no scenarios",
                    "no `Scenario:` in this feature",
                )
                .help("add a `Scenario:` with its steps");
            }
            Some(_) => {}
        }
        self.diagnostics.sort_by_key(|d| d.span);
        ParsedFile {
            feature: self.feature,
            diagnostics: self.diagnostics,
        }
    }

    // ---- steps and their arguments -------------------------------------------------------

    fn step(
        &mut self,
        line: Line<'a>,
        keyword: Keyword,
        keyword_len: usize,
        text: &str,
        text_offset: usize,
    ) {
        self.untag("a step");
        let span = start(line);
        if text.is_empty() {
            self.error(
                span,
                keyword_len,
                "step has no text",
                format!("expected text after `{}`", keyword.as_str()),
            )
            .help("a step is a keyword followed by a sentence, such as `Given a client \"c1\"`");
        }
        let argument = self.step_argument();
        self.steps += 1;
        if self.steps > MAX_STEPS {
            if self.steps == MAX_STEPS + 1 {
                self.error(
                    span,
                    keyword_len,
                    format!("more than {MAX_STEPS} steps in one file"),
                    "one step too many",
                )
                .help("split the file; steps past this one are not read");
            }
            return;
        }
        let in_rule = self.in_rule;
        let steps = match self.section {
            Section::Background => self.feature.as_mut().and_then(|f| {
                if in_rule {
                    f.rules.last_mut().and_then(|r| r.background.as_mut())
                } else {
                    f.background.as_mut()
                }
                .map(|b| &mut b.steps)
            }),
            Section::Scenario => self
                .feature
                .as_mut()
                .and_then(|f| scenarios_of(f, in_rule))
                .and_then(|s| s.last_mut())
                .map(|s| &mut s.steps),
            Section::Examples => {
                self.error(
                    span,
                    keyword_len,
                    "step after `Examples:`",
                    "steps come before the examples",
                )
                .help("move it above the first `Examples:` of its outline");
                return;
            }
            Section::Preamble | Section::FeatureHead | Section::RuleHead => {
                if !self.reported_orphan_step {
                    self.reported_orphan_step = true;
                    let label = "not inside a `Scenario:` or `Background:`";
                    let help = format!(
                        "add a `Scenario: <title>` line above it; \
                         a description line cannot start with `{}`",
                        keyword.as_str()
                    );
                    self.error(span, keyword_len, "step outside a scenario", label)
                        .help(help);
                }
                return;
            }
        };
        let Some(steps) = steps else { return };
        let previous = steps.last().map(|s| s.kind);
        let kind = match keyword {
            Keyword::Given => StepKind::Given,
            Keyword::When => StepKind::When,
            Keyword::Then => StepKind::Then,
            Keyword::And | Keyword::But | Keyword::Star => previous.unwrap_or(StepKind::Given),
        };
        steps.push(Step {
            keyword,
            kind,
            text: text.to_string(),
            argument,
            span,
            text_span: Span::new(line.number, line.column(text_offset)),
        });
    }

    /// The table or doc string below a step, if any; a second one is an error.
    fn step_argument(&mut self) -> Option<StepArgument> {
        let mut argument = None;
        while let Some(next) = self.peek() {
            let line = self.lines[next];
            let found = match line.token() {
                Token::Row => {
                    self.pos = next;
                    StepArgument::Table(DataTable { rows: self.table() })
                }
                Token::Fence { fence, media_type } => {
                    self.pos = next + 1;
                    StepArgument::DocString(self.doc_string(line, fence, media_type))
                }
                _ => break,
            };
            if argument.is_some() {
                self.error(
                    start(line),
                    line.len().min(3),
                    "step has more than one argument",
                    "second argument",
                )
                .help("a step takes one table or one doc string");
            } else {
                argument = Some(found);
            }
        }
        argument
    }

    /// Reads consecutive table rows (blank and comment lines between them allowed) and
    /// checks that they all have as many cells as the first.
    fn table(&mut self) -> Vec<Row> {
        let mut rows = Vec::new();
        while let Some(next) = self.peek() {
            let line = self.lines[next];
            if line.token() != Token::Row {
                break;
            }
            self.pos = next + 1;
            self.rows += 1;
            if self.rows > MAX_TABLE_ROWS {
                if self.rows == MAX_TABLE_ROWS + 1 {
                    self.error(
                        start(line),
                        line.len(),
                        format!("more than {MAX_TABLE_ROWS} table rows in one file"),
                        "one row too many",
                    )
                    .help("split the table or the file; rows past this one are not read");
                }
                continue;
            }
            if self.cells > MAX_TABLE_CELLS {
                continue;
            }
            let row = self.row(line);
            let before = self.cells;
            self.cells += row.cells.len();
            if self.cells > MAX_TABLE_CELLS {
                if before <= MAX_TABLE_CELLS {
                    self.error(
                        start(line),
                        line.len(),
                        format!("more than {MAX_TABLE_CELLS} table cells in one file"),
                        "the limit is passed in this row",
                    )
                    .help("split the table or the file; rows past this one are not read");
                }
                continue;
            }
            rows.push(row);
        }
        if let Some((first, rest)) = rows.split_first() {
            let expected = first.cells.len();
            for row in rest.iter().filter(|r| r.cells.len() != expected) {
                let found = row.cells.len();
                let help = if found > expected {
                    "a `|` inside a cell is written `\\|`"
                } else {
                    "every row needs as many cells as the first one"
                };
                self.error(
                    row.span,
                    to_usize(row.len),
                    format!(
                        "table row has {found} {}, expected {expected}",
                        cells(found)
                    ),
                    format!(
                        "expected {expected} {}, like the row at line {}",
                        cells(expected),
                        first.span.line
                    ),
                )
                .help(help);
            }
        }
        rows
    }

    /// One `| a | b |` row: cells trimmed, `\|`, `\\` and `\n` decoded.
    fn row(&mut self, line: Line<'a>) -> Row {
        // (char, escaped, offset): escaped chars are content even if they are spaces.
        let mut cells = Vec::new();
        let mut current: Vec<(char, bool, usize)> = Vec::new();
        let mut chars = line.text.chars().enumerate().skip(1).peekable();
        let mut cell_start = 1;
        let mut closed = true;
        while let Some((offset, c)) = chars.next() {
            match c {
                '|' => {
                    cells.push(cell(line, mem::take(&mut current), cell_start));
                    cell_start = offset + 1;
                    closed = true;
                    continue;
                }
                '\\' => match chars.peek().map(|&(_, next)| next) {
                    Some(next @ ('|' | '\\')) => {
                        chars.next();
                        current.push((next, true, offset));
                    }
                    Some('n') => {
                        chars.next();
                        current.push(('\n', true, offset));
                    }
                    _ => current.push((c, false, offset)),
                },
                _ => current.push((c, false, offset)),
            }
            closed = false;
        }
        if !closed {
            let end = line.len();
            self.error(
                Span::new(line.number, line.column(end)),
                1,
                "table row does not end with `|`",
                "expected `|`",
            )
            .help("close the row with `|`; a `|` inside a cell is written `\\|`");
            cells.push(cell(line, current, cell_start));
        }
        Row {
            cells,
            span: start(line),
            len: to_u32(line.len()),
        }
    }

    /// Reads a doc string whose opening delimiter is `open` (already consumed).
    fn doc_string(&mut self, open: Line<'a>, fence: &'static str, media_type: &str) -> DocString {
        let span = start(open);
        let close = (self.pos..self.lines.len()).find(|&i| self.lines[i].text == fence);
        let (end, resume) = match close {
            Some(i) => (i, i + 1),
            None => {
                self.error(
                    span,
                    fence.len(),
                    "unclosed doc string",
                    "this doc string is never closed",
                )
                .help(format!(
                    "close it with {} on a line of its own, indented like the opening one",
                    if fence == "```" {
                        "```".to_string()
                    } else {
                        format!("`{fence}`")
                    }
                ));
                // Take the doc string to end before the next block, so that the rest of
                // the file is still parsed and checked.
                let next_block = (self.pos..self.lines.len())
                    .find(|&i| matches!(self.lines[i].token(), Token::Block { .. }))
                    .unwrap_or(self.lines.len());
                (next_block, next_block)
            }
        };
        let escaped = fence.chars().flat_map(|c| ['\\', c]).collect::<String>();
        let content = self.lines[self.pos.min(end)..end]
            .iter()
            .map(|line| dedent(line.raw, open.indent).replace(&escaped, fence))
            .collect::<Vec<_>>()
            .join("\n");
        self.pos = resume;
        DocString {
            content,
            media_type: (!media_type.is_empty()).then(|| media_type.to_string()),
            span,
        }
    }
}

/// `text` without whitespace.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect()
}

/// A diagnostic just recorded, to add its help to.
struct Reported<'p>(Option<&'p mut Diagnostic>);

impl Reported<'_> {
    fn help(self, help: impl Into<String>) {
        if let Some(diagnostic) = self.0 {
            diagnostic.help = Some(help.into());
        }
    }
}

/// The words of `text` with their offsets in chars.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    let mut rest = text;
    std::iter::from_fn(move || {
        let trimmed = rest.trim_start();
        offset += rest[..rest.len() - trimmed.len()].chars().count();
        let word = trimmed
            .split(char::is_whitespace)
            .next()
            .filter(|w| !w.is_empty())?;
        let found = (offset, word);
        offset += word.chars().count();
        rest = &trimmed[word.len()..];
        Some(found)
    })
}

fn start(line: Line<'_>) -> Span {
    Span::new(line.number, line.column(0))
}

fn to_usize(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn cells(n: usize) -> &'static str {
    if n == 1 { "cell" } else { "cells" }
}

/// The scenarios of the feature, or of its last rule.
fn scenarios_of(feature: &mut Feature, in_rule: bool) -> Option<&mut Vec<ScenarioDef>> {
    if in_rule {
        feature.rules.last_mut().map(|r| &mut r.scenarios)
    } else {
        Some(&mut feature.scenarios)
    }
}

/// A cell from its raw chars, trimmed of unescaped whitespace.
fn cell(line: Line<'_>, chars: Vec<(char, bool, usize)>, start: usize) -> Cell {
    let blank = |&(c, escaped, _): &(char, bool, usize)| !escaped && c.is_whitespace();
    let first = chars.iter().position(|c| !blank(c));
    let last = chars.iter().rposition(|c| !blank(c));
    let (value, offset) = match (first, last) {
        (Some(first), Some(last)) => (
            chars[first..=last].iter().map(|&(c, _, _)| c).collect(),
            chars[first].2,
        ),
        _ => (String::new(), start),
    };
    Cell {
        value,
        span: Span::new(line.number, line.column(offset)),
    }
}

/// Removes up to `indent` leading whitespace chars: doc string content is indented
/// relative to its opening delimiter.
fn dedent(raw: &str, indent: usize) -> &str {
    let cut = raw
        .char_indices()
        .take(indent)
        .find(|&(_, c)| !c.is_whitespace())
        .map_or_else(
            || raw.char_indices().nth(indent).map_or(raw.len(), |(i, _)| i),
            |(i, _)| i,
        );
    &raw[cut..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use test_case::test_case;

    fn summary(d: &Diagnostic) -> String {
        d.summary()
    }

    fn check_errors(source: &str, expected: &[&str]) {
        let found: Vec<String> = parse(source).diagnostics.iter().map(summary).collect();
        assert_eq!(found, expected);
    }

    /// The feature of a file that must parse without diagnostics.
    fn check_clean(source: &str) -> Feature {
        let parsed = parse(source);
        let found: Vec<String> = parsed.diagnostics.iter().map(summary).collect();
        assert_eq!(found, Vec::<String>::new());
        parsed.feature.expect("a clean file has a feature")
    }

    const FEATURE: &str = "Feature: f\n";

    #[test_case("Scenaro: x\n  Given a\n", "2:1: unknown keyword `Scenaro:` (did you mean `Scenario:`?)" ; "a misspelt scenario keyword is an error with a suggestion")]
    #[test_case("scenario: x\n  Given a\n", "2:1: unknown keyword `scenario:` (did you mean `Scenario:`?)" ; "a keyword in the wrong case is an error")]
    #[test_case("Backgrund:\n  Given a\nScenario: x\n  Given b\n", "2:1: unknown keyword `Backgrund:` (did you mean `Background:`?)" ; "a misspelt background is an error")]
    #[test_case("Background\n  Given a\nScenario: x\n  Given b\n", "2:1: missing `:` after `Background` (did you mean `Background:`?)" ; "a keyword alone without its colon is an error")]
    #[test_case("Scenario Client is lost\n  Given a\n", "2:1: missing `:` after `Scenario` (did you mean `Scenario:`?)" ; "a scenario without colon before a step is an error")]
    #[test_case("Scenario: x\n  Given: a\n", "3:3: step keyword `Given:` takes no colon (did you mean `Given`?)" ; "a step keyword with a colon is an error")]
    #[test_case("Scenario: x\n  Gven a\n", "3:3: unknown step keyword `Gven` (did you mean `Given`?)" ; "a misspelt step keyword is an error")]
    #[test_case("Scenario: x\n  Given a\n  Thne b\n", "4:3: unknown step keyword `Thne` (did you mean `Then`?)" ; "a misspelt then is an error")]
    #[test_case("Scenario : x\n  Given a\n", "2:1: space before the colon in `Scenario :` (did you mean `Scenario:`?)" ; "a space before the colon is an error")]
    #[test_case("Rul: r\n  Scenario: x\n    Given a\n", "2:1: unknown keyword `Rul:` (did you mean `Rule:`?)" ; "a misspelt rule is an error")]
    fn a_line_that_looks_like_a_misspelt_keyword_is_an_error(body: &str, expected: &str) {
        check_errors(&format!("{FEATURE}{body}"), &[expected]);
    }

    #[test]
    fn a_misspelt_outline_and_examples_are_read_as_what_they_meant() {
        check_errors(
            "Feature: f\n  Scenario Outlin: x <a>\n    Given <a>\n    Exmples:\n      | a |\n      | 1 |\n",
            &[
                "2:3: unknown keyword `Scenario Outlin:` (did you mean `Scenario Outline:`?)",
                "4:5: unknown keyword `Exmples:` (did you mean `Examples:`?)",
            ],
        );
    }

    #[test]
    fn a_feature_without_colon_is_an_error_and_read_as_the_feature() {
        check_errors(
            "Feature Client expiry\n  Scenario: x\n    Given a\n",
            &["1:1: missing `:` after `Feature` (did you mean `Feature:`?)"],
        );
    }

    #[test]
    fn description_text_is_free_unless_it_can_only_be_a_keyword() {
        let feature = check_clean(
            "Feature: f\n  Note: pings are answered.\n  Feature flags are read once.\n\n  The server: decides.\n  Scenario: x\n    Given a\n",
        );
        assert_eq!(
            feature.description,
            "Note: pings are answered.\nFeature flags are read once.\n\nThe server: decides."
        );
    }

    #[test]
    fn a_step_outside_a_scenario_is_an_error_once_per_run_of_steps() {
        check_errors(
            "Feature: f\n  Given a\n  And b\n  Rule: r\n  When c\n  Scenario: x\n    Given d\n",
            &[
                "2:3: step outside a scenario (add a `Scenario: <title>` line above it; a description line cannot start with `Given`)",
                "5:3: step outside a scenario (add a `Scenario: <title>` line above it; a description line cannot start with `When`)",
            ],
        );
    }

    #[test_case("  | a | b |\n  | 1 |\n", "5:3: table row has 1 cell, expected 2 (every row needs as many cells as the first one)" ; "too few cells")]
    #[test_case("  | a |\n  | 1 | 2 |\n", "5:3: table row has 2 cells, expected 1 (a `|` inside a cell is written `\\|`)" ; "too many cells")]
    #[test_case("  | a | b\n", "4:10: table row does not end with `|` (close the row with `|`; a `|` inside a cell is written `\\|`)" ; "a row without its closing pipe")]
    fn a_table_row_with_the_wrong_cells_is_an_error(table: &str, expected: &str) {
        check_errors(
            &format!("Feature: f\nScenario: x\n  Given a\n{table}"),
            &[expected],
        );
    }

    #[test]
    fn a_table_or_doc_string_with_no_step_above_it_is_an_error() {
        check_errors(
            "Feature: f\n  | a |\n  | b |\n  Scenario: x\n    \"\"\"\n    text\n    \"\"\"\n    Given a\n",
            &[
                "2:3: table with no step above it (a table belongs to the step on the line above it)",
                "5:5: doc string with no step above it (a doc string belongs to the step on the line above it)",
            ],
        );
    }

    #[test]
    fn a_step_with_two_arguments_is_an_error() {
        check_errors(
            "Feature: f\nScenario: x\n  Given a\n    | a |\n    \"\"\"\n    t\n    \"\"\"\n",
            &["5:5: step has more than one argument (a step takes one table or one doc string)"],
        );
    }

    #[test]
    fn an_unclosed_doc_string_is_an_error_at_its_opening_and_parsing_goes_on() {
        check_errors(
            "Feature: f\nScenario: x\n  Given a\n    ```\n    text\nScenario: y\n  Gven b\n",
            &[
                "4:5: unclosed doc string (close it with ``` on a line of its own, indented like the opening one)",
                "7:3: unknown step keyword `Gven` (did you mean `Given`?)",
            ],
        );
    }

    #[test]
    fn examples_in_a_plain_scenario_or_outside_a_scenario_are_an_error() {
        check_errors(
            "Feature: f\nExamples:\n  | a |\n  | 1 |\nExample: x\n  Given a\n  Scenarios:\n    | a |\n    | 1 |\n",
            &[
                "2:1: `Examples:` outside a scenario outline (put it below the steps of a `Scenario Outline:`)",
                "7:3: `Scenarios:` in a plain `Example:` (write `Scenario Outline:` instead of `Example:` at line 5)",
            ],
        );
    }

    #[test]
    fn empty_features_rules_scenarios_and_backgrounds_are_errors() {
        check_errors(
            "Feature: f\n  Background:\n  Scenario: x\n  Rule: r\n  Rule: s\n    Scenario: y\n      Given a\n",
            &[
                "2:3: `Background:` has no steps (add the `Given` steps every scenario starts with, or remove it)",
                "3:3: `Scenario:` has no steps (add `Given`, `When` and `Then` steps below it)",
                "4:3: rule has no scenarios (add a `Scenario:` below it, or remove the `Rule:` line)",
            ],
        );
        check_errors(
            "# only a comment\nFeature: f\n  text\n",
            &["2:1: feature has no scenarios (add a `Scenario:` with its steps)"],
        );
    }

    #[test]
    fn scenarios_and_rules_need_titles_and_steps_need_text() {
        check_errors(
            "Feature: f\nRule:\n  Scenario:\n    Given\n",
            &[
                "2:1: `Rule:` has no title (the title is the test's name: state the behaviour it checks)",
                "3:3: `Scenario:` has no title (the title is the test's name: state the behaviour it checks)",
                "4:5: step has no text (a step is a keyword followed by a sentence, such as `Given a client \"c1\"`)",
            ],
        );
    }

    #[test_case("" ; "an empty file")]
    #[test_case("# just a comment\n\n" ; "only comments")]
    fn a_file_without_a_feature_is_an_error(source: &str) {
        let line = source.split('\n').count();
        check_errors(
            source,
            &[&format!(
                "{line}:1: missing `Feature:` (a spec file starts with `Feature: <title>`, followed by its scenarios)"
            )],
        );
    }

    #[test]
    fn content_before_the_feature_is_an_error_reported_once() {
        check_errors(
            "This file is about\nclients.\nFeature: f\nScenario: x\n  Given a\n",
            &[
                "1:1: text before `Feature:` (a spec file starts with `Feature: <title>`; make this line a `#` comment or move it below)",
            ],
        );
        check_errors(
            "Scenario: x\n  Given a\n",
            &[
                "1:1: missing `Feature:` (a spec file starts with `Feature: <title>`, followed by its scenarios)",
            ],
        );
    }

    #[test]
    fn a_second_feature_is_an_error() {
        check_errors(
            "Feature: f\nScenario: x\n  Given a\nFeature: g\nScenario: y\n  Given b\n",
            &[
                "4:1: second `Feature:` in one file (move this feature and its scenarios to a file of their own)",
            ],
        );
    }

    #[test]
    fn a_background_after_scenarios_or_a_second_background_is_an_error() {
        check_errors(
            "Feature: f\nBackground:\n  Given a\nBackground:\n  Given b\nScenario: x\n  Given c\nBackground:\n  Given d\nRule: r\n  Scenario: y\n    Given e\n  Background:\n    Given f\n",
            &[
                "4:1: second `Background:` (merge its steps into the `Background:` at line 2)",
                "8:1: `Background:` after a scenario (move it above the scenario at line 6)",
                "13:3: `Background:` after a scenario (move it above the scenario at line 11)",
            ],
        );
    }

    #[test]
    fn a_parse_error_renders_with_its_line_underlined() {
        let source = "Feature: f\n  @slow @e2e # why\n  Background:\n    Given a\n  Scenario: x\n    Given b\n";
        let rendered: Vec<String> = parse(source)
            .diagnostics
            .iter()
            .map(|d| d.render("specs/f.feature", source, false))
            .collect();
        let expected = "\
error: tags apply to nothing
 --> specs/f.feature:2:3
  |
2 |   @slow @e2e # why
  |   ^^^^^^^^^^ not followed by a `Feature:`, `Rule:`, `Scenario:`, `Scenario Outline:` or `Examples:` line
  |
  = help: a `Background:` cannot be tagged; move the tags to the line above the block they are for";
        assert_eq!(rendered, [expected]);
    }

    #[test_case("@a\nBackground:\n  Given a\nScenario: x\n  Given b\n", "2:1: tags apply to nothing (a `Background:` cannot be tagged; move the tags to the line above the block they are for)" ; "before a background")]
    #[test_case("Scenario: x\n  @a @b\n  Given a\n", "3:3: tags apply to nothing (a step cannot be tagged; move the tags to the line above the block they are for)" ; "before a step")]
    #[test_case("  @a\n  some text\nScenario: x\n  Given a\n", "2:3: tags apply to nothing (description text cannot be tagged; move the tags to the line above the block they are for)" ; "before description text")]
    #[test_case("Scenario: x\n  Given a\n@a\n", "4:1: tags apply to nothing (remove them, or add the block they are for below them)" ; "at the end of the file")]
    fn tags_before_nothing_taggable_are_an_error(body: &str, expected: &str) {
        check_errors(&format!("{FEATURE}{body}"), &[expected]);
    }

    #[test]
    fn tags_attach_to_the_block_below_them() {
        let feature = check_clean(
            "@unit @e2e # tiers\nFeature: f\n@ignore:LEASE-8887-not-modelled\nRule: r\n  @slow\n  @integration\n  Scenario Outline: x\n    Given <a>\n    @fast\n    Examples:\n      | a |\n      | 1 |\n",
        );
        let names = |tags: &[Tag]| tags.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
        let rule = &feature.rules[0];
        assert_eq!(names(&feature.tags), ["unit", "e2e"]);
        assert_eq!(names(&rule.tags), ["ignore:LEASE-8887-not-modelled"]);
        assert_eq!(names(&rule.scenarios[0].tags), ["slow", "integration"]);
        assert_eq!(names(&rule.scenarios[0].examples[0].tags), ["fast"]);
        assert_eq!(rule.scenarios[0].tags[1].span, Span::new(6, 3));
    }

    #[test_case("# language: fr\n", &["1:13: unsupported language `fr` (write the spec with English keywords and remove this line)"] ; "another language is an error")]
    #[test_case("# language: en\n", &[] ; "english is accepted")]
    fn only_english_is_supported(header: &str, expected: &[&str]) {
        check_errors(
            &format!("{header}Feature: f\nScenario: x\n  Given a\n"),
            expected,
        );
    }

    #[test]
    fn text_among_steps_or_after_examples_is_an_error() {
        check_errors(
            "Feature: f\nScenario Outline: x\n  Given <a>\n  this line is not a step\n  Examples:\n    | a |\n    | 1 |\n  more text\n",
            &[
                "4:3: unexpected text in a scenario (steps start with `Given`, `When`, `Then`, `And`, `But` or `*`; descriptions are only allowed below `Feature:` and `Rule:`, so make this a `#` comment)",
                "8:3: unexpected text after an examples table (make this a `#` comment, or move it below `Feature:` or `Rule:` as description)",
            ],
        );
    }

    #[test]
    fn a_step_after_examples_is_an_error() {
        check_errors(
            "Feature: f\nScenario Outline: x\n  Given <a>\n  Examples:\n    | a |\n    | 1 |\n  Then b\n",
            &["7:3: step after `Examples:` (move it above the first `Examples:` of its outline)"],
        );
    }

    #[test]
    fn every_error_of_a_file_is_reported_in_order() {
        let source = "Featur: f\n  Scenaro: a\n    Gven x\n    | 1 | 2 |\n    | 1 |\n  Scenario Outline: b\n    Given <y>\n  Scenario: c\n    Given: z\n  @integraton\n  Scenario: d\n    Given w\n";
        let lines: Vec<u32> = parse(source)
            .diagnostics
            .iter()
            .map(|d| d.span.line)
            .collect();
        assert_eq!(lines, [1, 2, 3, 5, 6, 9, 10]);
    }

    #[test]
    fn steps_take_the_kind_of_the_step_before_them() {
        let feature = check_clean(
            "Feature: f\nBackground:\n  * a\n  But b\nScenario: x\n  And c\n  When d\n  And e\n  Then f\n  * g\n  But h\n",
        );
        let kinds = |steps: &[Step]| {
            steps
                .iter()
                .map(|s| (s.keyword, s.kind))
                .collect::<Vec<_>>()
        };
        let background = feature.background.as_ref().map(|b| kinds(&b.steps));
        assert_eq!(
            background,
            Some(vec![
                (Keyword::Star, StepKind::Given),
                (Keyword::But, StepKind::Given)
            ])
        );
        assert_eq!(
            kinds(&feature.scenarios[0].steps),
            [
                (Keyword::And, StepKind::Given),
                (Keyword::When, StepKind::When),
                (Keyword::And, StepKind::When),
                (Keyword::Then, StepKind::Then),
                (Keyword::Star, StepKind::Then),
                (Keyword::But, StepKind::Then),
            ]
        );
    }

    #[test]
    fn table_cells_are_trimmed_and_unescaped() {
        let feature = check_clean(
            "Feature: f\nScenario: x\n  Given a\n    |  a \\| b | \\\\ |\\n|  é |\n    # a comment between rows\n\n    || x | y | z |\n",
        );
        let Some(StepArgument::Table(table)) = &feature.scenarios[0].steps[0].argument else {
            panic!("expected a table");
        };
        let values: Vec<Vec<&str>> = table
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.value.as_str()).collect())
            .collect();
        assert_eq!(
            values,
            [vec!["a | b", "\\", "\n", "é"], vec!["", "x", "y", "z"]]
        );
        let columns: Vec<u32> = table.rows[0].cells.iter().map(|c| c.span.column).collect();
        assert_eq!(columns, [8, 17, 21, 26]);
        assert_eq!(table.rows[1].cells[0].span, Span::new(7, 6));
    }

    #[test]
    fn doc_strings_lose_the_indentation_of_their_opening_delimiter() {
        let feature = check_clean(
            "Feature: f\nScenario: x\n  Given a\n    \"\"\"\n    {\n      \"a\": 1\n   }\n    \\\"\\\"\\\"\n    \"\"\"\n  Then b\n    ```json\n    x\n\n    ```\n",
        );
        let steps = &feature.scenarios[0].steps;
        let doc = |i: usize| match &steps[i].argument {
            Some(StepArgument::DocString(doc)) => {
                (doc.content.clone(), doc.media_type.clone(), doc.span)
            }
            _ => panic!("expected a doc string"),
        };
        assert_eq!(
            doc(0),
            (
                "{\n  \"a\": 1\n}\n\"\"\"".to_string(),
                None,
                Span::new(4, 5)
            )
        );
        assert_eq!(
            doc(1),
            (
                "x\n".to_string(),
                Some("json".to_string()),
                Span::new(11, 5)
            )
        );
    }

    #[test]
    fn spans_count_characters_not_bytes() {
        let feature = check_clean("Feature: é\n  Scenario: ünïcode title\n    Given ça va\n");
        let scenario = &feature.scenarios[0];
        assert_eq!(
            (scenario.span, scenario.title_span),
            (Span::new(2, 3), Span::new(2, 13))
        );
        assert_eq!(
            (scenario.steps[0].span, scenario.steps[0].text_span),
            (Span::new(3, 5), Span::new(3, 11))
        );
    }

    #[test]
    fn crlf_line_endings_and_a_byte_order_mark_parse_like_lf() {
        let lf = "Feature: f\n  d\nScenario: x\n  Given a\n    | a |\n  Then b\n    \"\"\"\n    b\n    \"\"\"\n";
        let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
        let feature = check_clean(&crlf);
        assert_eq!(Some(feature), parse(lf).feature);
    }

    #[test]
    fn rules_have_titles_descriptions_and_backgrounds() {
        let feature = check_clean(
            "Feature: f\nRule: clients are lost\n  after 75s\n\n  Background:\n    Given a\n  Example: x\n    Given b\n",
        );
        let rule = &feature.rules[0];
        assert_eq!(
            (rule.title.as_str(), rule.description.as_str()),
            ("clients are lost", "after 75s")
        );
        assert_eq!(rule.background.as_ref().map(|b| b.steps.len()), Some(1));
        assert_eq!(rule.scenarios[0].keyword, "Example");
    }
}
