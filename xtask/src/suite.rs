//! The inventory of the workspace's tests, from the test binaries' own `--list` output.
//!
//! The contract with the rest of the project:
//! - Every test of a lib or bin target (`src/`) is a unit test.
//! - A test of a `tests/` target whose name starts with `[unit] `, `[integration] ` or
//!   `[e2e] ` (the spec harness names its scenarios so) is in that tier; any other test of a
//!   `tests/` target is in `tests_dir_tier` (e2e unless the config says otherwise).
//! - Ignored tests come from `<binary> --list --ignored`. With `NETSPLIT_LIST_IGNORE_REASONS=1`
//!   the spec harness ends each such line with a TAB and the reason (empty for none). libtest
//!   cannot list reasons, so a test listed without a TAB is looked up in the workspace's
//!   sources: a bare `#[ignore]` on its function means it has no reason.
//!
//! The prefixes, the variable and the listing's format are defined once, for the harness and
//! for xtask, in `netsplit_protocol`.
//!
//! Listing reads names only; reading sources happens only when a libtest test is ignored.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use netsplit_protocol::{LIST_IGNORE_REASONS_VAR, Listed, parse_listing};

use crate::cargo::{TestBinary, Workspace};
use crate::pyramid::{Config, Ignore, Inventory, Isolation, Test, Tier, TimingSource};

/// The tier of the test `name` of a binary.
pub fn tier_of(tests_dir: bool, name: &str, tests_dir_tier: Tier) -> Tier {
    match tests_dir {
        false => Tier::Unit,
        true => Tier::of_prefixed(name).unwrap_or(tests_dir_tier),
    }
}

/// Where an `#[ignore]` attribute was found in the sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoreSite {
    pub package: String,
    /// `path:line`, the path relative to the workspace root.
    pub site: String,
    /// The function the attribute is on.
    pub function: String,
    /// `None` for a bare `#[ignore]`.
    pub reason: Option<String>,
}

/// The `#[ignore]` attributes in a Rust source text: `(line, function, reason)`. An attribute
/// counts only at the start of a line (after indentation), so one quoted in a string or a
/// comment does not; the function is the first `fn NAME` after it.
pub fn scan_ignores(text: &str) -> Vec<(usize, String, Option<String>)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix("#[ignore") else {
            continue;
        };
        let rest = rest.trim_start();
        let (reason, after) = if let Some(after) = rest.strip_prefix(']') {
            (None, after)
        } else if let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            let Some(body) = value.strip_prefix('"') else {
                continue;
            };
            let Some(end) = body.find("\"]") else {
                continue;
            };
            (Some(body[..end].to_owned()), &body[end + 2..])
        } else {
            continue; // `#[ignored_thing]` or something else
        };
        let following =
            std::iter::once(after).chain(lines.iter().skip(index + 1).take(40).copied());
        if let Some(function) = following.into_iter().find_map(function_name) {
            found.push((index + 1, function, reason));
        }
    }
    found
}

/// The NAME of the first `fn NAME` in a line.
fn function_name(line: &str) -> Option<String> {
    let line = line.split("//").next().unwrap_or_default();
    let mut words = line
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty());
    while let Some(word) = words.next() {
        if word == "fn" {
            return words.next().map(str::to_owned);
        }
    }
    None
}

/// Every `#[ignore]` in the `.rs` files of the workspace's packages (skipping `target` and
/// hidden directories), each assigned to the innermost package that holds it.
pub fn scan_workspace(workspace: &Workspace) -> Vec<IgnoreSite> {
    let mut files = Vec::new();
    for package in &workspace.packages {
        collect_files(&package.dir, "rs", &mut files);
    }
    files.sort();
    files.dedup();
    let mut sites = Vec::new();
    for file in files {
        let Some(package) = workspace
            .packages
            .iter()
            .filter(|p| file.starts_with(&p.dir))
            .max_by_key(|p| p.dir.components().count())
        else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let shown = file
            .strip_prefix(&workspace.root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (line, function, reason) in scan_ignores(&text) {
            sites.push(IgnoreSite {
                package: package.name.clone(),
                site: format!("{shown}:{line}"),
                function,
                reason,
            });
        }
    }
    sites
}

/// Every file under `dir` whose name ends in `.<extension>`, skipping hidden
/// directories and `target`; symbolic links are not followed, so a link loop ends.
pub fn collect_files(dir: &Path, extension: &str, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect_files(&path, extension, files),
            Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == extension) => {
                files.push(path)
            }
            _ => {}
        }
    }
}

/// Why the libtest test `name` of `package` is ignored, from the `#[ignore]`s in the sources:
/// the site on a function named by one of the name's `::` segments (the function itself, or
/// the module rstest and test-case make of it), preferring a file whose module path the
/// name starts with.
pub fn ignore_from_sources(package: &str, name: &str, sites: &[IgnoreSite]) -> Ignore {
    let segments: Vec<&str> = name.split("::").collect();
    let candidates: Vec<&IgnoreSite> = sites
        .iter()
        .filter(|s| s.package == package && segments.contains(&s.function.as_str()))
        .collect();
    let in_module = candidates.iter().find(|s| {
        let module = module_path(s.site.rsplit_once(':').map_or(&s.site, |(path, _)| path));
        !module.is_empty() && name.starts_with(&format!("{module}::"))
    });
    match in_module.or(candidates.first()) {
        Some(IgnoreSite {
            reason: None, site, ..
        }) => Ignore::NoReason {
            site: Some(site.clone()),
        },
        Some(IgnoreSite {
            reason: Some(reason),
            ..
        }) => Ignore::Reason(reason.clone()),
        None => Ignore::ReasonNotListed,
    }
}

/// The module path of a source file: `src/model/time.rs` -> `model::time`.
fn module_path(file: &str) -> String {
    let inner = file.rsplit_once("src/").map_or(file, |(_, inner)| inner);
    let inner = inner.strip_suffix(".rs").unwrap_or(inner);
    let inner = inner.strip_suffix("/mod").unwrap_or(inner);
    match inner {
        "lib" | "main" => String::new(),
        _ => inner.replace('/', "::"),
    }
}

/// Lists every test of every binary, tiered, with its ignore reason. Times are filled in
/// later, by running the tests.
pub fn inventory(
    workspace: &Workspace,
    binaries: &[TestBinary],
    config: &Config,
) -> Result<Inventory> {
    let mut tests = Vec::new();
    let mut sites: Option<Vec<IgnoreSite>> = None;
    for binary in binaries {
        let all = parse_listing(&list(binary, false)?);
        let ignored = parse_listing(&list(binary, true)?);
        for test in all {
            let ignore = match ignored.iter().find(|i| i.name == test.name) {
                None => None,
                Some(Listed {
                    reason: Some(reason),
                    ..
                }) if reason.is_empty() => Some(Ignore::NoReason { site: None }),
                Some(Listed {
                    reason: Some(reason),
                    ..
                }) => Some(Ignore::Reason(reason.clone())),
                Some(Listed { reason: None, .. }) => {
                    let sites = sites.get_or_insert_with(|| scan_workspace(workspace));
                    Some(ignore_from_sources(&binary.package, &test.name, sites))
                }
            };
            let tier = tier_of(binary.tests_dir, &test.name, config.tests_dir_tier);
            tests.push(Test {
                tier,
                binary: binary.id.clone(),
                name: test.name,
                time: None,
                ignore,
            });
        }
    }
    Ok(Inventory {
        tests,
        timing: TimingSource::NotMeasured,
        isolation: Isolation::NotRun,
    })
}

/// `<binary> --list --format terse [--ignored]`, in the package's directory.
fn list(binary: &TestBinary, ignored: bool) -> Result<String> {
    let mut command = binary.command(None);
    command.args(["--list", "--format", "terse"]);
    if ignored {
        command.arg("--ignored").env(LIST_IGNORE_REASONS_VAR, "1");
    }
    let output = command
        .output()
        .with_context(|| format!("cannot start test binary `{}`", binary.path.display()))?;
    if !output.status.success() {
        bail!(
            "test binary `{}` could not list its tests ({}): run `{} --list` to see why\n{}",
            binary.id,
            output.status,
            binary.path.display(),
            String::from_utf8_lossy(&output.stderr).trim_end()
        );
    }
    String::from_utf8(output.stdout).with_context(|| {
        format!(
            "test binary `{}` listed names that are not UTF-8",
            binary.id
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn tests_are_tiered_by_target_and_prefix() {
        assert_eq!(
            tier_of(false, "[e2e] looks tiered but is in src", Tier::E2e),
            Tier::Unit
        );
        assert_eq!(tier_of(true, "[unit] detection::x", Tier::E2e), Tier::Unit);
        assert_eq!(
            tier_of(true, "[integration] detection::x", Tier::E2e),
            Tier::Integration
        );
        assert_eq!(tier_of(true, "[e2e] cli::x", Tier::Unit), Tier::E2e);
        assert_eq!(tier_of(true, "cli_prints_help", Tier::E2e), Tier::E2e);
        assert_eq!(
            tier_of(true, "cli_prints_help", Tier::Integration),
            Tier::Integration
        );
    }

    #[test]
    fn bare_and_reasoned_ignores_are_found_on_their_functions() {
        let source = "#[test]\n#[ignore]\nfn slow_by_design() {}\n\n    #[test]\n    #[ignore = \"needs a real Mesos\"]\n    fn against_mesos() {}\n#[rstest]\n#[ignore] // flaky\n#[case(1)]\nfn cases(#[case] n: u8) {}\n";
        assert_eq!(
            scan_ignores(source),
            [
                (2, "slow_by_design".to_owned(), None),
                (
                    6,
                    "against_mesos".to_owned(),
                    Some("needs a real Mesos".to_owned())
                ),
                (9, "cases".to_owned(), None),
            ]
        );
    }

    #[test]
    fn ignores_quoted_in_strings_or_other_attributes_are_not_counted() {
        let source = "let s = \"#[ignore]\";\n// #[ignore]\n#[ignored_helper]\nfn helper() {}\n";
        assert_eq!(scan_ignores(source), []);
    }

    fn site(package: &str, site: &str, function: &str, reason: Option<&str>) -> IgnoreSite {
        IgnoreSite {
            package: package.into(),
            site: site.into(),
            function: function.into(),
            reason: reason.map(Into::into),
        }
    }

    #[test]
    fn a_libtest_ignore_is_matched_to_its_source_site() {
        let sites = [
            site("netsplit", "src/model/time.rs:40", "slow", None),
            site(
                "netsplit",
                "src/model/status.rs:12",
                "slow",
                Some("waits for the runtime"),
            ),
            site("netsplit", "src/suggest.rs:50", "cases", None),
            site("xtask", "xtask/src/ci.rs:9", "other", None),
        ];
        assert_eq!(
            ignore_from_sources("netsplit", "model::time::tests::slow", &sites),
            Ignore::NoReason {
                site: Some("src/model/time.rs:40".into())
            }
        );
        assert_eq!(
            ignore_from_sources("netsplit", "model::status::tests::slow", &sites),
            Ignore::Reason("waits for the runtime".into())
        );
        assert_eq!(
            ignore_from_sources("netsplit", "suggest::tests::cases::case_1", &sites),
            Ignore::NoReason {
                site: Some("src/suggest.rs:50".into())
            }
        );
        assert_eq!(
            ignore_from_sources("netsplit", "tests::other", &sites),
            Ignore::ReasonNotListed
        );
    }

    #[test]
    fn module_paths_follow_the_file_layout() {
        assert_eq!(module_path("src/model/time.rs"), "model::time");
        assert_eq!(module_path("src/model/mod.rs"), "model");
        assert_eq!(module_path("xtask/src/main.rs"), "");
        assert_eq!(module_path("tests/cli.rs"), "tests::cli");
    }
}
