//! Finding spec files and naming their scenarios.
//!
//! Spec roots are `specs/` under the package, or the directories listed in
//! `NETSPLIT_SPECS` (separated by `:`). Files are found recursively and visited in
//! path order, so names and order never depend on the file system. A test name is
//! `[<tier>] <feature path>::<rule>::<scenario>` (the tier prefix is xtask's too:
//! [`netsplit_protocol::tier_prefix`]), and [`file_for_name`] maps a name back to its
//! file so that `--exact NAME` loads one file only.

use std::path::{Path, PathBuf};

use netsplit_protocol::{split_tier_prefix, tier_prefix};

/// A directory of spec files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    pub dir: PathBuf,
    /// How the root is shown in messages and the report (as given, relative if it was).
    pub display: String,
}

/// A spec file under a root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecFile {
    pub path: PathBuf,
    /// The display of the root the file was found under.
    pub root: String,
    /// The path as shown in messages: the root's display joined with the relative path.
    pub display: String,
    /// The feature path of test names: the relative path without `.feature`, `/` as `::`.
    pub feature_path: String,
}

/// The spec roots: `NETSPLIT_SPECS` when set, else `<package>/specs`.
pub fn roots(package_dir: &Path, env: Option<&str>) -> Vec<Root> {
    match env {
        Some(list) if !list.trim().is_empty() => list
            .split(':')
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                let p = p.trim();
                let path = Path::new(p);
                Root {
                    dir: if path.is_absolute() {
                        path.to_path_buf()
                    } else {
                        package_dir.join(path)
                    },
                    display: p.trim_end_matches('/').to_string(),
                }
            })
            .collect(),
        _ => vec![Root {
            dir: package_dir.join("specs"),
            display: "specs".to_string(),
        }],
    }
}

/// Every `.feature` file under the root, in path order. A root that is itself a
/// `.feature` file is that one file, named by its file name.
pub fn files(root: &Root) -> std::io::Result<Vec<SpecFile>> {
    if root.dir.is_file() {
        let stem = root
            .dir
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(vec![SpecFile {
            path: root.dir.clone(),
            root: root.display.clone(),
            display: root.display.clone(),
            feature_path: stem,
        }]);
    }
    let mut found = Vec::new();
    walk(&root.dir, &mut found)?;
    found.sort();
    Ok(found
        .into_iter()
        .map(|path| spec_file(root, path))
        .collect())
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "feature") {
            found.push(path);
        }
    }
    Ok(())
}

fn spec_file(root: &Root, path: PathBuf) -> SpecFile {
    let relative = path.strip_prefix(&root.dir).unwrap_or(&path);
    let relative = relative.to_string_lossy().replace('\\', "/");
    let feature_path = relative
        .strip_suffix(".feature")
        .unwrap_or(&relative)
        .replace('/', "::");
    SpecFile {
        root: root.display.clone(),
        display: format!("{}/{relative}", root.display),
        path,
        feature_path,
    }
}

/// The test name of a scenario.
pub fn test_name(tier: &str, feature_path: &str, rule: Option<&str>, title: &str) -> String {
    let prefix = tier_prefix(tier);
    match rule {
        Some(rule) => format!("{prefix}{feature_path}::{rule}::{title}"),
        None => format!("{prefix}{feature_path}::{title}"),
    }
}

/// The test name of a trial that reports a problem rather than a scenario (a file that
/// does not load, a bad `NETSPLIT_TAGS`, no scenarios at all): in the unit tier.
pub fn problem_name(subject: &str) -> String {
    format!("{}{subject}", tier_prefix("unit"))
}

/// The test name of a file that could not be loaded.
pub fn file_test_name(file: &SpecFile) -> String {
    problem_name(&file.display)
}

/// The spec file a test name comes from, if it exists under one of the roots: the
/// longest `::`-separated prefix of the name that is a file (so that
/// `detection::window::X` finds `detection/window.feature` even beside
/// `detection.feature`).
pub fn file_for_name(roots: &[Root], name: &str) -> Option<SpecFile> {
    let (_, rest) = split_tier_prefix(name)?;
    let segments: Vec<&str> = rest.split("::").collect();
    for root in roots {
        if root.dir.is_file() {
            let file = files(root).ok()?.pop()?;
            if rest.starts_with(&format!("{}::", file.feature_path)) || rest == root.display {
                return Some(file);
            }
            continue;
        }
        // A file that failed to load is named by its display path.
        if let Some(relative) = rest.strip_prefix(&format!("{}/", root.display)) {
            let path = root.dir.join(relative);
            if path.is_file() {
                return Some(spec_file(root, path));
            }
        }
        for end in (1..segments.len()).rev() {
            let relative = format!("{}.feature", segments[..end].join("/"));
            let path = root.dir.join(&relative);
            if path.is_file() {
                return Some(spec_file(root, path));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_tree(files: &[&str]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "netsplit-discover-{}-{}",
            std::process::id(),
            files.join("-").replace('/', "_")
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for f in files {
            let path = dir.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "Feature: x\n").unwrap();
        }
        dir
    }

    #[test]
    fn names_join_the_feature_path_the_rule_and_the_title() {
        pretty_assertions::assert_eq!(
            test_name(
                "unit",
                "legacy::reconnect",
                Some("after removal"),
                "Agent is shut down"
            ),
            "[unit] legacy::reconnect::after removal::Agent is shut down"
        );
        pretty_assertions::assert_eq!(
            test_name("integration", "detection", None, "Agent is lost"),
            "[integration] detection::Agent is lost"
        );
    }

    #[test]
    fn the_environment_lists_spec_roots_separated_by_colons() {
        let roots = roots(Path::new("/pkg"), Some("specs:more/specs:/abs"));
        let dirs: Vec<_> = roots.iter().map(|r| r.dir.clone()).collect();
        pretty_assertions::assert_eq!(
            dirs,
            vec![
                PathBuf::from("/pkg/specs"),
                PathBuf::from("/pkg/more/specs"),
                PathBuf::from("/abs")
            ]
        );
    }

    #[test]
    fn files_are_found_recursively_in_path_order_and_named_by_their_path() {
        let dir = temp_tree(&["b.feature", "a/z.feature", "a/notes.txt"]);
        let root = Root {
            dir: dir.clone(),
            display: "specs".to_string(),
        };
        let found: Vec<_> = files(&root)
            .unwrap()
            .into_iter()
            .map(|f| (f.display, f.feature_path))
            .collect();
        pretty_assertions::assert_eq!(
            found,
            vec![
                ("specs/a/z.feature".to_string(), "a::z".to_string()),
                ("specs/b.feature".to_string(), "b".to_string())
            ]
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn an_exact_name_leads_back_to_its_file_only() {
        let dir = temp_tree(&["legacy/reconnect.feature", "legacy.feature"]);
        let roots = vec![Root {
            dir: dir.clone(),
            display: "specs".to_string(),
        }];
        let file = file_for_name(&roots, "[unit] legacy::reconnect::Agent is shut down").unwrap();
        pretty_assertions::assert_eq!(file.display, "specs/legacy/reconnect.feature");
        let file = file_for_name(&roots, "[unit] legacy::Agent is shut down").unwrap();
        pretty_assertions::assert_eq!(file.display, "specs/legacy.feature");
        let file = file_for_name(&roots, "[unit] legacy::rule::Agent is shut down").unwrap();
        pretty_assertions::assert_eq!(file.display, "specs/legacy.feature");
        assert_eq!(file_for_name(&roots, "[unit] missing::x"), None);
        let _ = std::fs::remove_dir_all(dir);
    }
}
