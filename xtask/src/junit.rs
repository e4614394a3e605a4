//! Reads the `<testcase>` elements of a JUnit XML report, as `cargo nextest` writes it.
//!
//! Only what the pyramid needs: each test case's `name`, `classname` (nextest puts the
//! binary id there) and `time`, and whether it failed or was skipped. The XML is read by
//! quick-xml's pull reader, which handles entities, character references, comments and CDATA.
//!
//! Invariant: never panics on any input. A report that is not well-formed XML (cut off while
//! nextest was writing it, say) gives the test cases that were complete before the fault,
//! and the fault with its line and column, for the caller to report.

use std::fmt;
use std::time::Duration;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

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

/// What a report holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Every complete `<testcase>`, in document order.
    pub cases: Vec<Case>,
    /// Where and why the reader stopped early, for a report that is not well-formed.
    pub malformed: Option<Malformed>,
}

/// The fault of a report that is not well-formed XML.
#[derive(Clone, Debug, PartialEq)]
pub struct Malformed {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not well-formed XML at line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// A `<testcase>` whose end tag has not been read yet.
struct Open {
    case: Case,
    /// Elements open inside it; its outcome comes from its direct children only.
    depth: usize,
}

/// Reads every `<testcase>` of `xml`, in document order.
pub fn parse(xml: &str) -> Report {
    let mut reader = Reader::from_str(xml);
    let mut cases = Vec::new();
    let mut open: Option<Open> = None;
    let mut depth = 0usize;
    let malformed = loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => break Some(fault(xml, reader.error_position(), error.to_string())),
        };
        match event {
            Event::Start(tag) => {
                depth += 1;
                match &mut open {
                    Some(testcase) => {
                        testcase.depth += 1;
                        if testcase.depth == 1 {
                            mark(&mut testcase.case, tag.name().as_ref());
                        }
                    }
                    None if tag.name().as_ref() == b"testcase" => match read_case(&tag) {
                        Ok(case) => open = Some(Open { case, depth: 0 }),
                        Err(message) => break Some(fault(xml, reader.buffer_position(), message)),
                    },
                    None => {}
                }
            }
            Event::Empty(tag) => match &mut open {
                Some(testcase) if testcase.depth == 0 => {
                    mark(&mut testcase.case, tag.name().as_ref())
                }
                Some(_) => {}
                None if tag.name().as_ref() == b"testcase" => match read_case(&tag) {
                    Ok(case) => cases.push(case),
                    Err(message) => break Some(fault(xml, reader.buffer_position(), message)),
                },
                None => {}
            },
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some(testcase) = &mut open {
                    match testcase.depth.checked_sub(1) {
                        Some(inner) => testcase.depth = inner,
                        None => cases.extend(open.take().map(|t| t.case)),
                    }
                }
            }
            Event::Eof if depth > 0 => {
                break Some(fault(
                    xml,
                    reader.buffer_position(),
                    format!("the report ends with {depth} element(s) still open"),
                ));
            }
            Event::Eof => break None,
            _ => {}
        }
    };
    Report { cases, malformed }
}

/// A test case from the attributes of its start tag: `name`, `classname` and `time` (in
/// seconds; a missing or negative time reads as zero).
fn read_case(tag: &BytesStart<'_>) -> Result<Case, String> {
    let mut case = Case {
        classname: String::new(),
        name: String::new(),
        time: Duration::ZERO,
        outcome: Outcome::Passed,
    };
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?;
        match attribute.key.as_ref() {
            b"name" => case.name = value.into_owned(),
            b"classname" => case.classname = value.into_owned(),
            b"time" => {
                case.time = value
                    .parse::<f64>()
                    .ok()
                    .filter(|t| t.is_finite() && *t >= 0.0)
                    .map(Duration::from_secs_f64)
                    .unwrap_or_default()
            }
            _ => {}
        }
    }
    Ok(case)
}

/// The fault at byte `position` of `xml`, with its line and column.
fn fault(xml: &str, position: u64, message: String) -> Malformed {
    let at = usize::try_from(position)
        .unwrap_or(usize::MAX)
        .min(xml.len());
    let before = xml.get(..at).unwrap_or(xml);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Malformed {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        message,
    }
}

/// Records the outcome a direct child of a `<testcase>` gives it. Only these exact element
/// names count: nextest's `<flakyFailure>` and `<rerunFailure>` record retries, not the final
/// outcome, and a failure outweighs a skip.
fn mark(case: &mut Case, child: &[u8]) {
    match child {
        b"failure" | b"error" => case.outcome = Outcome::Failed,
        b"skipped" if case.outcome == Outcome::Passed => case.outcome = Outcome::Skipped,
        _ => {}
    }
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
            <system-out>&lt;testcase in output&gt;<![CDATA[<failure/>]]></system-out>
        </testcase>
    </testsuite>
    <testsuite name="netsplit::specs" tests="2">
        <!-- <testcase name="commented out"/> -->
        <testcase name="[unit] detection::Agent &quot;a1&quot; is cut &amp; marked &#8594; &#x41;" classname="netsplit::specs" time="0.003">
            <flakyFailure message="first try failed"><stackTrace><failure/></stackTrace></flakyFailure>
        </testcase>
        <testcase name="[e2e] cli::help" classname="netsplit::specs" time="0"><skipped/></testcase>
    </testsuite>
</testsuites>"#;
        assert_eq!(
            parse(xml),
            Report {
                cases: vec![
                    case(
                        "netsplit",
                        "model::time::tests::durations_add",
                        10,
                        Outcome::Passed
                    ),
                    case("netsplit", "slow", 250, Outcome::Failed),
                    case(
                        "netsplit::specs",
                        "[unit] detection::Agent \"a1\" is cut & marked → A",
                        3,
                        Outcome::Passed
                    ),
                    case("netsplit::specs", "[e2e] cli::help", 0, Outcome::Skipped),
                ],
                malformed: None,
            }
        );
    }

    #[test]
    fn a_report_cut_off_mid_tag_gives_the_cases_before_it_and_where_it_broke() {
        let xml = "<testsuites>\n<testcase name=\"a\" classname=\"x\" time=\"0.001\"/>\n<testcase name=\"b\" clas";
        let report = parse(xml);
        assert_eq!(report.cases, vec![case("x", "a", 1, Outcome::Passed)]);
        let malformed = report.malformed.expect("a cut report is malformed");
        assert_eq!((malformed.line, malformed.column), (3, 1), "{malformed}");
    }

    #[test]
    fn a_report_cut_off_inside_a_test_case_leaves_that_case_out_and_says_so() {
        let xml = "<testsuites><testcase name=\"a\" time=\"1\"><failure/>";
        let report = parse(xml);
        assert_eq!(report.cases, []);
        assert!(
            report
                .malformed
                .is_some_and(|m| m.message.contains("still open"))
        );
    }

    #[test]
    fn an_unknown_entity_is_a_fault_not_a_silently_kept_name() {
        let xml = "<testsuites><testcase name=\"a &nope; b\"/></testsuites>";
        let report = parse(xml);
        assert_eq!(report.cases, []);
        assert!(report.malformed.is_some());
    }

    #[test]
    fn a_negative_or_missing_time_reads_as_zero() {
        let xml = r#"<testsuites><testcase name="a" time="-1"/><testcase name="b"/></testsuites>"#;
        let times: Vec<_> = parse(xml).cases.iter().map(|c| c.time).collect();
        assert_eq!(times, [Duration::ZERO, Duration::ZERO]);
    }
}
