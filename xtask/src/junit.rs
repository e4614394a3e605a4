//! Reads the `<testcase>` elements of a JUnit XML report, as `cargo nextest` writes it.
//!
//! Only what the pyramid needs: each test case's `name`, `classname` (nextest puts the
//! binary id there) and `time`, and whether it failed or was skipped. A hand-written
//! attribute reader instead of an XML crate: nextest's reports are machine-written and
//! regular, and xtask stays quick to build.
//!
//! Invariant: never panics on any input; text it does not understand is skipped.

use std::time::Duration;

/// One `<testcase>` of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub classname: String,
    pub name: String,
    pub time: Duration,
    pub outcome: Outcome,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// A `<failure>` or `<error>` child: the test failed (after any retries).
    Failed,
    /// A `<skipped>` child.
    Skipped,
}

/// Every `<testcase>` element of `xml`, in document order.
pub fn parse(xml: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<testcase") {
        rest = &rest[start + "<testcase".len()..];
        if !rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>') {
            continue; // another element whose name begins with "testcase"
        }
        let Some((attributes, self_closing, after)) = read_tag(rest) else {
            break;
        };
        rest = after;
        let outcome = if self_closing {
            Outcome::Passed
        } else {
            let end = rest.find("</testcase>").unwrap_or(rest.len());
            let body = &rest[..end];
            rest = &rest[end..];
            // Only these exact element names count: nextest's `<flakyFailure>` and
            // `<rerunFailure>` record retries, not the final outcome.
            if has_element(body, "failure") || has_element(body, "error") {
                Outcome::Failed
            } else if has_element(body, "skipped") {
                Outcome::Skipped
            } else {
                Outcome::Passed
            }
        };
        let attribute = |key: &str| {
            attributes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let time = attribute("time")
            .parse::<f64>()
            .ok()
            .filter(|t| t.is_finite() && *t >= 0.0);
        cases.push(Case {
            classname: attribute("classname"),
            name: attribute("name"),
            time: time.map(Duration::from_secs_f64).unwrap_or_default(),
            outcome,
        });
    }
    cases
}

fn has_element(body: &str, name: &str) -> bool {
    body.match_indices('<').any(|(i, _)| {
        let tag = &body[i + 1..];
        tag.starts_with(name)
            && tag[name.len()..]
                .starts_with(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
    })
}

/// An element's attributes, in document order, unescaped.
type Attributes = Vec<(String, String)>;

/// Reads attributes up to the end of the start tag; returns them, whether the tag closed
/// itself (`/>`), and the text after the tag. `None` when the tag never ends.
fn read_tag(mut rest: &str) -> Option<(Attributes, bool, &str)> {
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            return Some((attributes, true, after));
        }
        if let Some(after) = rest.strip_prefix('>') {
            return Some((attributes, false, after));
        }
        let eq = rest.find('=')?;
        let key = rest[..eq].trim().to_owned();
        rest = rest[eq + 1..].trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let close = rest[1..].find(quote)? + 1;
        attributes.push((key, unescape(&rest[1..close])));
        rest = &rest[close + 1..];
    }
}

/// Replaces XML's five named entities and numeric character references.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let c = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn case(classname: &str, name: &str, ms: u64, outcome: Outcome) -> Case {
        let time = Duration::from_millis(ms);
        Case {
            classname: classname.into(),
            name: name.into(),
            time,
            outcome,
        }
    }

    #[test]
    fn a_nextest_report_reads_into_its_cases_with_their_outcomes() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nextest-run" tests="4" failures="1" errors="0" time="1.2">
    <testsuite name="netsplit" tests="2">
        <testcase name="model::time::tests::durations_add" classname="netsplit" timestamp="2026-11-25T13:49:50+00:00" time="0.010"/>
        <testcase name="slow" classname="netsplit" time="0.250">
            <failure message="test failed with exit code 101" type="test failure">thread &apos;slow&apos; panicked</failure>
            <system-out>&lt;testcase in output&gt;</system-out>
        </testcase>
    </testsuite>
    <testsuite name="netsplit::specs" tests="2">
        <testcase name="[unit] detection::Agent &quot;a1&quot; is cut &amp; marked" classname="netsplit::specs" time="0.003">
            <flakyFailure message="first try failed"/>
        </testcase>
        <testcase name="[e2e] cli::help" classname="netsplit::specs" time="0"><skipped/></testcase>
    </testsuite>
</testsuites>"#;
        assert_eq!(
            parse(xml),
            vec![
                case(
                    "netsplit",
                    "model::time::tests::durations_add",
                    10,
                    Outcome::Passed
                ),
                case("netsplit", "slow", 250, Outcome::Failed),
                case(
                    "netsplit::specs",
                    "[unit] detection::Agent \"a1\" is cut & marked",
                    3,
                    Outcome::Passed
                ),
                case("netsplit::specs", "[e2e] cli::help", 0, Outcome::Skipped),
            ]
        );
    }

    #[test]
    fn numeric_references_and_unknown_entities_unescape_sensibly() {
        assert_eq!(unescape("a&#65;&#x42;&nope;&"), "aAB&nope;&");
    }

    #[test]
    fn a_report_cut_off_mid_tag_gives_the_cases_before_it() {
        let xml = r#"<testcase name="a" classname="x" time="0.001"/><testcase name="b" clas"#;
        assert_eq!(parse(xml), vec![case("x", "a", 1, Outcome::Passed)]);
    }
}
