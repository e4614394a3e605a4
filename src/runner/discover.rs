//! Finding spec files and naming their scenarios.
//!
//! Spec roots are `specs/` under the package, or the directories listed in
//! `NETSPLIT_SPECS` (separated by `:`). A root listed twice, or inside another
//! (through `..` or links too), is an error and its files run once, under the root
//! that holds them ([`distinct`]). Files are found recursively and visited in path
//! order, so names and order never depend on the file system. Links to directories
//! are followed when they lead out of the root, once per target; a directory that
//! cannot be read is listed, so that reading it fails with the system's reason
//! while the other files run. A test name is
//! `[<tier>] <feature path>::<rule>::<scenario>` (the tier prefix is xtask's too:
//! [`netsplit_protocol::tier_prefix`]), and [`file_for_name`] maps a name back to its
//! file so that `--exact NAME` loads one file only.

use std::collections::BTreeSet;
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

/// The roots without those that name files another root already holds: a root
/// listed twice (also as `specs/../specs`, or through a link), or one inside
/// another. Each dropped root comes with why, to be reported as an error.
pub fn distinct(roots: Vec<Root>) -> (Vec<Root>, Vec<(Root, String)>) {
    let real: Vec<Option<PathBuf>> = roots.iter().map(|r| r.dir.canonicalize().ok()).collect();
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for (i, root) in roots.iter().enumerate() {
        let Some(path) = &real[i] else {
            // A root that does not exist is reported when its files are listed.
            kept.push(root.clone());
            continue;
        };
        let same = (0..i).find(|&j| real[j].as_ref() == Some(path));
        let inside = (0..roots.len()).find(|&j| {
            real[j]
                .as_ref()
                .is_some_and(|outer| outer != path && outer.is_dir() && path.starts_with(outer))
        });
        let why = match (same, inside) {
            (Some(j), _) if roots[j].display == root.display => format!(
                "`{}` is listed twice (in `NETSPLIT_SPECS` or on the command line): its scenarios would run twice; list it once",
                root.display
            ),
            (Some(j), _) => format!(
                "`{}` is the same {} as `{}`, listed before it (in `NETSPLIT_SPECS` or on the command line): its scenarios would run twice; list it once",
                root.display,
                if path.is_dir() { "directory" } else { "file" },
                roots[j].display
            ),
            (None, Some(j)) => format!(
                "`{}` lies inside `{}`, which is listed too (in `NETSPLIT_SPECS` or on the command line): its scenarios run once, from `{}`; list one of them",
                root.display, roots[j].display, roots[j].display
            ),
            (None, None) => {
                kept.push(root.clone());
                continue;
            }
        };
        dropped.push((root.clone(), why));
    }
    (kept, dropped)
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

/// The `.feature` files under `root`, depth first in name order. A link to a
/// directory is followed when it leads out of the root, and only to a directory
/// not walked yet: a link back into the root (a loop included) leads to files found
/// under their own path. A subdirectory that cannot be read is listed itself, so
/// that reading it reports the system's reason. Only an unreadable root is an error.
fn walk(root: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let real_root = root.canonicalize()?;
    let mut walked = BTreeSet::from([real_root.clone()]);
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let listed = std::fs::read_dir(&dir).and_then(|entries| {
            let mut entries = entries
                .map(|e| e.and_then(|e| Ok((e.path(), e.file_type()?))))
                .collect::<std::io::Result<Vec<_>>>()?;
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(entries)
        });
        let entries = match listed {
            Ok(entries) => entries,
            Err(error) if dir == root => return Err(error),
            Err(_) => {
                found.push(dir);
                continue;
            }
        };
        let mut subdirectories = Vec::new();
        for (path, kind) in entries {
            if kind.is_dir() {
                subdirectories.push(path);
            } else if kind.is_symlink() && path.is_dir() {
                match path.canonicalize() {
                    Ok(real) if real.starts_with(&real_root) => {}
                    Ok(real) => {
                        if !walked.iter().any(|w| real.starts_with(w)) {
                            walked.insert(real);
                            subdirectories.push(path);
                        }
                    }
                    Err(_) => found.push(path),
                }
            } else if path.extension().is_some_and(|e| e == "feature") {
                found.push(path);
            }
        }
        // Depth first, in name order: the stack pops the first name first.
        pending.extend(subdirectories.into_iter().rev());
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
/// does not load, a bad `NETSPLIT_TAGS`, no scenarios at all): in the unit tier. A
/// subject longer than 1,000 characters (a path given in `NETSPLIT_SPECS`, say) is
/// cut, with `…`: libtest pads names to the longest, and cannot past 65,535.
pub fn problem_name(subject: &str) -> String {
    const MAX: usize = 1_000;
    match subject.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}{}…", tier_prefix("unit"), &subject[..cut]),
        None => format!("{}{subject}", tier_prefix("unit")),
    }
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

    fn root(dir: &Path, display: &str) -> Root {
        Root {
            dir: dir.to_path_buf(),
            display: display.to_string(),
        }
    }

    fn displays(found: &[SpecFile]) -> Vec<&str> {
        found.iter().map(|f| f.display.as_str()).collect()
    }

    #[test]
    fn a_root_listed_twice_even_through_dot_dot_is_reported_and_kept_once() {
        let dir = temp_tree(&["twice/a.feature", "twice/sub/b.feature"]);
        let specs = dir.join("twice");
        let roots = vec![
            root(&specs, "twice"),
            root(&specs, "twice"),
            root(&specs.join("sub/.."), "twice/sub/.."),
        ];
        let (kept, dropped) = distinct(roots);
        assert_eq!(kept, vec![root(&specs, "twice")]);
        let why: Vec<&str> = dropped.iter().map(|(_, why)| why.as_str()).collect();
        assert_eq!(why.len(), 2, "{why:?}");
        assert!(why[0].starts_with("`twice` is listed twice"), "{why:?}");
        assert!(
            why[1].starts_with("`twice/sub/..` is the same directory as `twice`"),
            "{why:?}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_root_inside_another_is_reported_and_its_files_run_from_the_outer_one() {
        let dir = temp_tree(&["outer/a.feature", "outer/sub/b.feature"]);
        let outer = dir.join("outer");
        let roots = vec![
            root(&outer.join("sub"), "outer/sub"),
            root(&outer.join("a.feature"), "outer/a.feature"),
            root(&outer, "outer"),
        ];
        let (kept, dropped) = distinct(roots);
        assert_eq!(kept, vec![root(&outer, "outer")]);
        let why: Vec<&str> = dropped.iter().map(|(_, why)| why.as_str()).collect();
        assert!(
            why[0].starts_with("`outer/sub` lies inside `outer`"),
            "{why:?}"
        );
        assert!(
            why[1].starts_with("`outer/a.feature` lies inside `outer`"),
            "{why:?}"
        );
        assert_eq!(
            displays(&files(&kept[0]).unwrap()),
            ["outer/a.feature", "outer/sub/b.feature"]
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn links_back_into_the_root_are_not_followed_so_a_link_loop_ends() {
        let dir = temp_tree(&["loop/a.feature", "loop/sub/b.feature"]);
        let specs = dir.join("loop");
        std::os::unix::fs::symlink(".", specs.join("self")).unwrap();
        std::os::unix::fs::symlink("..", specs.join("sub/up")).unwrap();
        let found = files(&root(&specs, "loop")).unwrap();
        assert_eq!(displays(&found), ["loop/a.feature", "loop/sub/b.feature"]);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_link_to_a_directory_outside_the_root_is_followed_once() {
        let dir = temp_tree(&["linked/specs/a.feature", "linked/shared/s.feature"]);
        let specs = dir.join("linked/specs");
        std::os::unix::fs::symlink("../shared", specs.join("common")).unwrap();
        std::os::unix::fs::symlink("../shared", specs.join("again")).unwrap();
        let found = files(&root(&specs, "specs")).unwrap();
        // `again` sorts first, so the shared files are named through it, once.
        assert_eq!(
            displays(&found),
            ["specs/a.feature", "specs/again/s.feature"]
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_spec_file_that_is_a_link_to_itself_is_listed_and_fails_when_read() {
        let dir = temp_tree(&["selfish/a.feature"]);
        let specs = dir.join("selfish");
        std::os::unix::fs::symlink("x.feature", specs.join("x.feature")).unwrap();
        let found = files(&root(&specs, "selfish")).unwrap();
        assert_eq!(displays(&found), ["selfish/a.feature", "selfish/x.feature"]);
        let error = crate::runner::source::read(&found[1].path, &found[1].display).unwrap_err();
        assert!(
            error.starts_with("cannot read `selfish/x.feature`: Too many levels of symbolic links"),
            "{error}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_problem_named_by_a_huge_subject_is_cut_to_a_name_libtest_can_print() {
        let name = problem_name(&"x".repeat(70_000));
        assert_eq!(name.chars().count(), "[unit] ".len() + 1_000 + 1);
        assert!(name.ends_with("x…"), "{name}");
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
