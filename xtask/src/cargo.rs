//! Running cargo on the workspace around the current directory, and reading what it reports.
//!
//! xtask works on whatever cargo workspace contains the directory it is started in, so it
//! can check other projects too. It never sets `CARGO_TARGET_DIR` or other build settings:
//! every command inherits the environment and builds where and how a plain `cargo` would.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use serde_json::Value;

/// A `cargo` command: the cargo that runs xtask (`$CARGO`), else the one on the `PATH`.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // Times measure the tests, not the symbolisation of backtraces that tests which
    // expect a panic would otherwise pay for when `RUST_BACKTRACE` is set.
    command.env("RUST_BACKTRACE", "0");
    command
}

/// The command as a person would type it: variables xtask sets, then `cargo` (not the path
/// to it), then the arguments, quoted where they hold spaces.
pub fn shown(command: &Command) -> String {
    let quote = |s: &OsStr| {
        let s = s.to_string_lossy();
        match s.contains([' ', '"', '\'', '|', '(', '[']) {
            true => format!("'{s}'"),
            false => s.into_owned(),
        }
    };
    let mut parts: Vec<String> = command
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), quote(v?))))
        .collect();
    let program = Path::new(command.get_program());
    let name = program.file_name().unwrap_or(program.as_os_str());
    parts.push(match name == "cargo" {
        true => "cargo".to_owned(),
        false => program.to_string_lossy().into_owned(),
    });
    parts.extend(command.get_args().map(quote));
    parts.join(" ")
}

/// The program and its arguments, without the variables set for it.
pub fn shown_args(command: &Command) -> String {
    let mut bare = Command::new(command.get_program());
    bare.args(command.get_args());
    shown(&bare)
}

/// Runs the command with the terminal as its stdin, stdout and stderr; an error if it fails.
pub fn run(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot start `{}`", shown(command)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", shown(command));
    }
    Ok(())
}

/// Runs the command and returns its stdout; stderr goes to the terminal.
pub fn stdout(command: &mut Command) -> Result<String> {
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot start `{}`", shown(command)))?;
    if !output.status.success() {
        bail!("`{}` failed ({})", shown(command), output.status);
    }
    String::from_utf8(output.stdout)
        .with_context(|| format!("`{}` printed text that is not UTF-8", shown(command)))
}

/// A package of the workspace.
#[derive(Clone, Debug, PartialEq)]
pub struct Package {
    pub id: String,
    pub name: String,
    pub version: String,
    /// The directory of its `Cargo.toml`.
    pub dir: PathBuf,
    pub has_lib: bool,
}

/// The cargo workspace around the current directory.
#[derive(Clone, Debug, PartialEq)]
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    pub packages: Vec<Package>,
}

impl Workspace {
    /// Asks `cargo metadata` about the workspace around the current directory.
    pub fn discover() -> Result<Workspace> {
        let text = stdout(cargo().args(["metadata", "--no-deps", "--format-version", "1"]))?;
        parse_metadata(&text)
    }
}

fn parse_metadata(text: &str) -> Result<Workspace> {
    let metadata: Value = serde_json::from_str(text).context("reading `cargo metadata`")?;
    let path = |key: &str| {
        metadata
            .get(key)
            .and_then(Value::as_str)
            .map(PathBuf::from)
            .with_context(|| format!("`cargo metadata` gave no `{key}`"))
    };
    let packages = array(&metadata, "packages")
        .iter()
        .filter_map(|p| {
            let text = |key| p.get(key).and_then(Value::as_str).map(str::to_owned);
            let manifest = PathBuf::from(text("manifest_path")?);
            let has_lib = array(p, "targets").iter().any(|t| {
                array(t, "kind")
                    .iter()
                    .any(|k| matches!(k.as_str(), Some("lib" | "rlib" | "proc-macro")))
            });
            Some(Package {
                id: text("id")?,
                name: text("name")?,
                version: text("version")?,
                dir: manifest.parent()?.to_path_buf(),
                has_lib,
            })
        })
        .collect();
    Ok(Workspace {
        root: path("workspace_root")?,
        target_dir: path("target_directory")?,
        packages,
    })
}

/// The array `key` of an object; empty when it is missing or no array.
fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A test binary cargo built.
#[derive(Clone, Debug, PartialEq)]
pub struct TestBinary {
    /// Named as nextest names it: `pkg` for a library, `pkg::target` for a test in `tests/`,
    /// `pkg::bin/target` for a binary, `pkg::bench/target`, `pkg::example/target`.
    pub id: String,
    pub package: String,
    pub version: String,
    /// The package's directory, where cargo runs its tests.
    pub dir: PathBuf,
    pub path: PathBuf,
    /// A target of `tests/` (or a bench or example): its tests are tiered by name. Tests
    /// of lib and bin targets (`src/`) are always unit tests.
    pub tests_dir: bool,
}

impl TestBinary {
    /// A command that runs this binary as `cargo test` would: in the package's directory,
    /// with the package's `CARGO_*` variables.
    pub fn command(&self, runner: Option<&[&str]>) -> Command {
        let mut command = match runner {
            Some([program, args @ ..]) => {
                let mut c = Command::new(program);
                c.args(args).arg(&self.path);
                c
            }
            _ => Command::new(&self.path),
        };
        command
            .current_dir(&self.dir)
            .env("RUST_BACKTRACE", "0")
            .env("CARGO_MANIFEST_DIR", &self.dir)
            .env("CARGO_PKG_NAME", &self.package)
            .env("CARGO_PKG_VERSION", &self.version);
        command
    }
}

/// Builds every test binary of the workspace (`cargo test --workspace --no-run`) and
/// returns them. Compiler messages go to the terminal as usual.
pub fn build_tests(workspace: &Workspace) -> Result<Vec<TestBinary>> {
    let text = stdout(cargo().args([
        "test",
        "--workspace",
        "--no-run",
        "--message-format=json-render-diagnostics",
    ]))?;
    parse_artifacts(workspace, &text)
}

/// The test binaries among cargo's JSON messages, one message a line.
fn parse_artifacts(workspace: &Workspace, text: &str) -> Result<Vec<TestBinary>> {
    let mut binaries = Vec::new();
    for line in text.lines().filter(|l| l.starts_with('{')) {
        let message: Value = serde_json::from_str(line).context("reading cargo's JSON messages")?;
        let field = |path: &[&str]| path.iter().try_fold(&message, |v, key| v.get(key));
        let is_test = field(&["profile", "test"]).and_then(Value::as_bool) == Some(true);
        let executable = field(&["executable"]).and_then(Value::as_str);
        let (true, Some(executable), Some("compiler-artifact")) = (
            is_test,
            executable,
            field(&["reason"]).and_then(Value::as_str),
        ) else {
            continue;
        };
        let package_id = field(&["package_id"])
            .and_then(Value::as_str)
            .unwrap_or_default();
        let package = workspace
            .packages
            .iter()
            .find(|p| p.id == package_id)
            .with_context(|| {
                format!(
                    "cargo built a test binary for `{package_id}`, which is not a workspace member"
                )
            })?;
        let target = field(&["target", "name"])
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = field(&["target", "kind"])
            .and_then(Value::as_array)
            .and_then(|k| k.first())
            .and_then(Value::as_str);
        let (id, tests_dir) = match kind.unwrap_or("lib") {
            "test" => (format!("{}::{target}", package.name), true),
            kind @ ("bench" | "example") => (format!("{}::{kind}/{target}", package.name), true),
            "bin" => (format!("{}::bin/{target}", package.name), false),
            _ => (package.name.clone(), false),
        };
        binaries.push(TestBinary {
            id,
            package: package.name.clone(),
            version: package.version.clone(),
            dir: package.dir.clone(),
            path: PathBuf::from(executable),
            tests_dir,
        });
    }
    binaries.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(binaries)
}

/// Runs cargo with `args` (a build: `build --release --bin netsplit`, `test --test specs
/// --no-run`) and returns the executable it built for the target `name`: its test binary
/// when `test`, else the program itself. Compiler messages go to the terminal as usual.
pub fn build_executable(args: &[&str], name: &str, test: bool) -> Result<PathBuf> {
    let mut command = cargo();
    command
        .args(args)
        .arg("--message-format=json-render-diagnostics");
    let text = stdout(&mut command)?;
    executable_in(&text, name, test)?.with_context(|| {
        format!(
            "`{}` built no executable for the target `{name}`",
            shown(&command)
        )
    })
}

/// The executable of target `name` (its test binary when `test`) among cargo's JSON messages.
fn executable_in(text: &str, name: &str, test: bool) -> Result<Option<PathBuf>> {
    for line in text.lines().filter(|l| l.starts_with('{')) {
        let message: Value = serde_json::from_str(line).context("reading cargo's JSON messages")?;
        let field = |path: &[&str]| path.iter().try_fold(&message, |v, key| v.get(key));
        if field(&["reason"]).and_then(Value::as_str) == Some("compiler-artifact")
            && field(&["target", "name"]).and_then(Value::as_str) == Some(name)
            && field(&["profile", "test"]).and_then(Value::as_bool) == Some(test)
            && let Some(executable) = field(&["executable"]).and_then(Value::as_str)
        {
            return Ok(Some(PathBuf::from(executable)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn workspace() -> Workspace {
        let metadata = r#"{"packages":[
            {"name":"xtask","version":"0.0.0","id":"path+file:///w/xtask#0.0.0","manifest_path":"/w/xtask/Cargo.toml",
             "targets":[{"kind":["bin"],"name":"xtask"}]},
            {"name":"netsplit","version":"0.1.0","id":"path+file:///w#netsplit@0.1.0","manifest_path":"/w/Cargo.toml",
             "targets":[{"kind":["lib"],"name":"netsplit"},{"kind":["test"],"name":"specs"}]}],
            "workspace_root":"/w","target_directory":"/w/target","version":1}"#;
        parse_metadata(metadata).unwrap()
    }

    #[test]
    fn metadata_gives_the_root_the_target_dir_and_the_members() {
        let ws = workspace();
        assert_eq!(ws.root, PathBuf::from("/w"));
        assert_eq!(ws.target_dir, PathBuf::from("/w/target"));
        let names: Vec<_> = ws
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.dir.to_str().unwrap(), p.has_lib))
            .collect();
        assert_eq!(
            names,
            [("xtask", "/w/xtask", false), ("netsplit", "/w", true)]
        );
    }

    #[test]
    fn test_binaries_are_named_as_nextest_names_them() {
        let artifact = |kind: &str, name: &str, id: &str, test: bool, exe: &str| {
            format!(
                r#"{{"reason":"compiler-artifact","package_id":"{id}","target":{{"kind":["{kind}"],"name":"{name}"}},"profile":{{"test":{test}}},"executable":{exe}}}"#
            )
        };
        let messages = [
            artifact(
                "lib",
                "netsplit",
                "path+file:///w#netsplit@0.1.0",
                false,
                "null",
            ),
            artifact(
                "lib",
                "netsplit",
                "path+file:///w#netsplit@0.1.0",
                true,
                "\"/t/netsplit-1\"",
            ),
            artifact(
                "test",
                "specs",
                "path+file:///w#netsplit@0.1.0",
                true,
                "\"/t/specs-2\"",
            ),
            artifact(
                "bin",
                "netsplit",
                "path+file:///w#netsplit@0.1.0",
                true,
                "\"/t/netsplit-3\"",
            ),
            artifact(
                "bin",
                "netsplit",
                "path+file:///w#netsplit@0.1.0",
                false,
                "\"/t/netsplit\"",
            ),
            artifact(
                "bin",
                "xtask",
                "path+file:///w/xtask#0.0.0",
                true,
                "\"/t/xtask-4\"",
            ),
            r#"{"reason":"build-finished","success":true}"#.to_owned(),
        ];
        let binaries = parse_artifacts(&workspace(), &messages.join("\n")).unwrap();
        let found: Vec<_> = binaries
            .iter()
            .map(|b| (b.id.as_str(), b.path.to_str().unwrap(), b.tests_dir))
            .collect();
        assert_eq!(
            found,
            [
                ("netsplit", "/t/netsplit-1", false),
                ("netsplit::bin/netsplit", "/t/netsplit-3", false),
                ("netsplit::specs", "/t/specs-2", true),
                ("xtask::bin/xtask", "/t/xtask-4", false),
            ]
        );
        assert_eq!(binaries[2].dir, PathBuf::from("/w"));
    }

    #[test]
    fn the_executable_of_a_named_target_is_told_apart_from_its_test_binary() {
        let messages = [
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"netsplit"},"profile":{"test":false},"executable":null}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["test"],"name":"specs"},"profile":{"test":true},"executable":"/t/specs-2"}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"netsplit"},"profile":{"test":false},"executable":"/t/release/netsplit"}"#,
            r#"{"reason":"build-finished","success":true}"#,
        ]
        .join("\n");
        let found = |name, test| executable_in(&messages, name, test).unwrap();
        assert_eq!(
            found("netsplit", false),
            Some(PathBuf::from("/t/release/netsplit"))
        );
        assert_eq!(found("specs", true), Some(PathBuf::from("/t/specs-2")));
        assert_eq!(found("netsplit", true), None);
    }

    #[test]
    fn commands_show_as_typed_with_the_variables_xtask_sets() {
        let mut command = Command::new("/home/u/.rustup/toolchains/stable/bin/cargo");
        command.env("RUSTDOCFLAGS", "-D warnings").args([
            "doc",
            "--no-deps",
            "-E",
            "kind(lib) | test(/x/)",
        ]);
        assert_eq!(
            shown(&command),
            "RUSTDOCFLAGS='-D warnings' cargo doc --no-deps -E 'kind(lib) | test(/x/)'"
        );
    }
}
