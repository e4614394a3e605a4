//! What tags mean to the runner: tiers, ignoring, and `NETSPLIT_TAGS` filters.
//!
//! Tier tags (`@unit`, `@integration`, `@e2e`) pick the tiers a scenario runs in;
//! `@ignore` and `@ignore:<reason-words>` skip it; any other tag only serves
//! filters such as `@reconciliation and not (@slow or @flaky)`.

use std::fmt;

use netsplit_protocol::TIERS;

/// The tiers a scenario runs in (each once), in pyramid order ([`TIERS`]); `unit` by
/// default.
pub fn tiers(tags: &[&str]) -> Vec<&'static str> {
    let chosen: Vec<&'static str> = TIERS
        .into_iter()
        .filter(|tier| tags.contains(tier))
        .collect();
    if chosen.is_empty() {
        vec!["unit"]
    } else {
        chosen
    }
}

/// `Some(reason)` when the scenario is ignored; the reason is empty for a bare
/// `@ignore`. Dashes in the reason read as spaces.
pub fn ignore_reason(tags: &[&str]) -> Option<String> {
    tags.iter().find_map(|tag| {
        if *tag == "ignore" {
            Some(String::new())
        } else {
            tag.strip_prefix("ignore:")
                .map(|r| r.replace(['-', '_'], " "))
        }
    })
}

/// A parsed `NETSPLIT_TAGS` expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagExpr {
    Tag(String),
    Not(Box<TagExpr>),
    And(Box<TagExpr>, Box<TagExpr>),
    Or(Box<TagExpr>, Box<TagExpr>),
}

impl TagExpr {
    /// Whether a scenario with these tags (without `@`) matches.
    pub fn matches(&self, tags: &[&str]) -> bool {
        match self {
            TagExpr::Tag(t) => tags.contains(&t.as_str()),
            TagExpr::Not(e) => !e.matches(tags),
            TagExpr::And(a, b) => a.matches(tags) && b.matches(tags),
            TagExpr::Or(a, b) => a.matches(tags) || b.matches(tags),
        }
    }
}

/// Why a tag expression did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagExprError {
    pub expression: String,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for TagExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`NETSPLIT_TAGS` is not a tag expression: {} at column {}\n  {}\n  {}^\nwrite e.g. `@reconciliation and not (@slow or @flaky)`",
            self.message,
            self.column + 1,
            self.expression,
            " ".repeat(self.column)
        )
    }
}

impl std::error::Error for TagExprError {}

/// Parses `@a and not (@b or @c)`; `and` binds tighter than `or`.
pub fn parse_expr(text: &str) -> Result<TagExpr, TagExprError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        text,
        tokens,
        at: 0,
    };
    let expr = parser.or()?;
    if let Some((column, token)) = parser.tokens.get(parser.at) {
        return Err(parser.error(*column, format!("unexpected `{token}`")));
    }
    Ok(expr)
}

fn tokenize(text: &str) -> Result<Vec<(usize, String)>, TagExprError> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' || c == ')' {
            tokens.push((i, c.to_string()));
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '(' && chars[i] != ')'
            {
                i += 1;
            }
            tokens.push((start, chars[start..i].iter().collect()));
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<(usize, String)>,
    at: usize,
}

impl Parser<'_> {
    fn error(&self, column: usize, message: String) -> TagExprError {
        TagExprError {
            expression: self.text.to_string(),
            column,
            message,
        }
    }

    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(|(_, t)| t.as_str())
    }

    fn or(&mut self) -> Result<TagExpr, TagExprError> {
        let mut left = self.and()?;
        while self.peek() == Some("or") {
            self.at += 1;
            let right = self.and()?;
            left = TagExpr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<TagExpr, TagExprError> {
        let mut left = self.not()?;
        while self.peek() == Some("and") {
            self.at += 1;
            let right = self.not()?;
            left = TagExpr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<TagExpr, TagExprError> {
        if self.peek() == Some("not") {
            self.at += 1;
            return Ok(TagExpr::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<TagExpr, TagExprError> {
        let end = self.text.chars().count();
        let Some((column, token)) = self.tokens.get(self.at).cloned() else {
            return Err(self.error(end, "expected a tag such as `@slow`".to_string()));
        };
        self.at += 1;
        if token == "(" {
            let inner = self.or()?;
            if self.peek() != Some(")") {
                let column = self.tokens.get(self.at).map_or(end, |(c, _)| *c);
                return Err(self.error(column, "expected `)`".to_string()));
            }
            self.at += 1;
            return Ok(inner);
        }
        match token.strip_prefix('@') {
            Some(tag) if !tag.is_empty() => Ok(TagExpr::Tag(tag.to_string())),
            _ => Err(self.error(
                column,
                format!("expected a tag such as `@slow`, found `{token}` (tags start with `@`)"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_case::test_case;

    #[test_case(&[] => vec!["unit"] ; "unit by default")]
    #[test_case(&["integration"] => vec!["integration"] ; "one tier")]
    #[test_case(&["e2e", "unit", "slow"] => vec!["unit", "e2e"] ; "several tiers in pyramid order")]
    fn tier_tags_pick_the_tiers_a_scenario_runs_in(tags: &[&str]) -> Vec<&'static str> {
        tiers(tags)
    }

    #[test_case(&["ignore"] => Some(String::new()) ; "a bare ignore has no reason")]
    #[test_case(&["ignore:ISSUE-8887-not-modelled"] => Some("ISSUE 8887 not modelled".to_string()) ; "dashes read as spaces")]
    #[test_case(&["slow"] => None ; "other tags do not ignore")]
    fn ignore_tags_carry_their_reason(tags: &[&str]) -> Option<String> {
        ignore_reason(tags)
    }

    #[test_case("@a and not @b", &["a"] => true ; "and not")]
    #[test_case("@a and not @b", &["a", "b"] => false ; "and not excluded")]
    #[test_case("@a or @b and @c", &["a"] => true ; "and binds tighter than or")]
    #[test_case("(@a or @b) and @c", &["a"] => false ; "parentheses group")]
    #[test_case("not not @a", &["a"] => true ; "double negation")]
    fn tag_expressions_select_scenarios(expr: &str, tags: &[&str]) -> bool {
        parse_expr(expr).unwrap().matches(tags)
    }

    #[test_case("@a and" => 6 ; "a missing operand")]
    #[test_case("a" => 0 ; "a tag without at sign")]
    #[test_case("(@a or @b" => 9 ; "an unclosed parenthesis")]
    #[test_case("@a @b" => 3 ; "two tags without operator")]
    fn malformed_tag_expressions_point_at_the_problem(expr: &str) -> usize {
        let error = parse_expr(expr).unwrap_err();
        assert!(error.to_string().contains("write e.g."), "{error}");
        error.column
    }
}
