//! Running the `netsplit` binary on fixture specs, reading its output, and comparing
//! text with the golden files under `tests/expected/`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A run of the binary that takes longer than this has hung: it is killed and the
/// test fails (the binary answers in milliseconds).
const TIMEOUT: Duration = Duration::from_secs(60);

/// Variables that change what the binary does; a run starts without any of them, so
/// that the environment of `cargo test` or `cargo nextest` (which sets `NEXTEST`)
/// never leaks into what a test sees.
const CLEARED: &[&str] = &[
    "NETSPLIT_SPECS",
    "NETSPLIT_TAGS",
    "NETSPLIT_TIMINGS",
    "NETSPLIT_LIST_IGNORE_REASONS",
    "NEXTEST",
    "NO_COLOR",
    "CLICOLOR_FORCE",
    "RUST_TEST_THREADS",
    "CARGO_MANIFEST_DIR",
];

/// The fixture specs; runs start in this directory, so that paths in messages are
/// relative and the same on every machine.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected")
}

/// A scratch directory of its own for a test, emptied first.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// What one run of the binary did.
pub struct Run {
    pub command: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `netsplit ARGS` in the fixtures directory with these variables set.
pub fn netsplit(args: &[&str], env: &[(&str, &str)]) -> Run {
    netsplit_in(&fixtures(), args, env)
}

/// Runs `netsplit run PATH -- --color never LIBTEST...` in the fixtures directory:
/// the spec files under `path`, with plain output and these libtest arguments.
pub fn run_specs(path: &str, libtest: &[&str], env: &[(&str, &str)]) -> Run {
    let mut args = vec!["run", path, "--", "--color", "never"];
    args.extend_from_slice(libtest);
    netsplit(&args, env)
}

/// Runs `netsplit ARGS` in `dir` with these variables set (and no other netsplit ones).
pub fn netsplit_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_netsplit"));
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in CLEARED {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let shown = format!(
        "{}netsplit {}",
        env.iter()
            .map(|(k, v)| format!("{k}={} ", quote(v)))
            .collect::<String>(),
        args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ")
    );
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{shown}`: {e}"));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for netsplit") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`{shown}` did not finish within {TIMEOUT:?}: it hangs");
        }
        thread::sleep(Duration::from_millis(2));
    };
    Run {
        command: shown,
        code: status.code(),
        stdout: stdout.join().expect("read stdout"),
        stderr: stderr.join().expect("read stderr"),
    }
}

fn quote(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=@:".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

impl Run {
    /// Everything about the run, for assertion messages.
    pub fn describe(&self) -> String {
        format!(
            "`{}` exited with {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command, self.code, self.stdout, self.stderr
        )
    }

    pub fn assert_exit(&self, code: i32) {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n{}",
            self.describe()
        );
    }

    pub fn assert_stdout_contains(&self, text: &str) {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}\n{}",
            self.describe()
        );
    }

    pub fn assert_stderr_contains(&self, text: &str) {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\n{}",
            self.describe()
        );
    }

    /// The `test <name> ... <outcome>` lines of libtest's pretty output, in order.
    pub fn tests(&self) -> Vec<(String, String)> {
        self.stdout
            .lines()
            .filter_map(|line| line.strip_prefix("test "))
            .filter_map(|line| line.rsplit_once(" ... "))
            .map(|(name, outcome)| (name.trim_end().to_string(), outcome.to_string()))
            .collect()
    }

    /// The names of the tests that ran with this outcome (`ok`, `FAILED`, `ignored`),
    /// in name order: trials on several threads print as they finish.
    pub fn tests_with(&self, outcome: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .tests()
            .into_iter()
            .filter(|(_, o)| o == outcome)
            .map(|(name, _)| name)
            .collect();
        names.sort();
        names
    }

    /// libtest's `test result: ...` line, without the time it took.
    pub fn result_line(&self) -> String {
        let line = self
            .stdout
            .lines()
            .find(|l| l.starts_with("test result: "))
            .unwrap_or_else(|| panic!("no `test result:` line\n{}", self.describe()));
        line.split("; finished in")
            .next()
            .unwrap_or(line)
            .to_string()
    }

    /// The message libtest printed for the failed test `name`.
    pub fn failure(&self, name: &str) -> String {
        let marker = format!("---- {name} ----\n");
        let start = self
            .stdout
            .find(&marker)
            .unwrap_or_else(|| panic!("no failure message for `{name}`\n{}", self.describe()))
            + marker.len();
        let rest = &self.stdout[start..];
        let end = ["\n\n---- ", "\nfailures:\n"]
            .iter()
            .filter_map(|m| rest.find(m))
            .min()
            .unwrap_or(rest.len());
        rest[..end].trim_end().to_string()
    }

    /// The readable specification report printed after libtest's output, if any.
    pub fn report(&self) -> Option<&str> {
        self.stdout
            .find("\nSpecification\n")
            .map(|at| &self.stdout[at + 1..])
    }

    /// The report; the test fails if there is none.
    pub fn expect_report(&self) -> &str {
        self.report()
            .unwrap_or_else(|| panic!("no specification report\n{}", self.describe()))
    }
}

/// Whether golden files are being rewritten (`NETSPLIT_BLESS=1`).
fn blessing() -> bool {
    std::env::var_os("NETSPLIT_BLESS").is_some_and(|v| v == "1")
}

/// Compares `actual`, normalised, with `tests/expected/<name>.txt`; with
/// `NETSPLIT_BLESS=1` writes it there instead.
pub fn check_golden(name: &str, actual: &str) {
    let path = expected_dir().join(format!("{name}.txt"));
    let mut actual = normalise(actual);
    actual.truncate(actual.trim_end().len());
    actual.push('\n');
    if blessing() {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create tests/expected");
        std::fs::write(&path, &actual).expect("write a golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| {
            panic!(
                "cannot read the golden file `{}` ({e}); create it with `NETSPLIT_BLESS=1 cargo test --test cli`\n--- actual ---\n{actual}",
                path.display()
            )
        })
        .replace("\r\n", "\n");
    if expected != actual {
        panic!(
            "the output differs from the golden file `{}` (if the change is intended, rerun with `NETSPLIT_BLESS=1`)\n{}",
            path.display(),
            difference(&expected, &actual)
        );
    }
}

/// The first differing line, then the whole actual text.
fn difference(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let at = (0..e.len().max(a.len()))
        .find(|&i| e.get(i) != a.get(i))
        .unwrap_or(0);
    format!(
        "first difference at line {}:\n  expected: {:?}\n  actual:   {:?}\n--- actual ---\n{actual}",
        at + 1,
        e.get(at).copied().unwrap_or("<end of text>"),
        a.get(at).copied().unwrap_or("<end of text>"),
    )
}

/// Masks what varies from run to run and machine to machine: wall times such as
/// `(1.2 ms)`, `in 3.4 ms` and `finished in 0.00s`, the fixtures' absolute path, and
/// the command a rerun line starts with (only its `-- --exact '<name>'` part is
/// compared).
pub fn normalise(text: &str) -> String {
    let fixtures = fixtures();
    let text = text.replace(&*fixtures.to_string_lossy(), "<fixtures>");
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let line = match line.strip_prefix("rerun: ") {
            Some(rest) => match rest.find(" -- --exact ") {
                Some(at) => format!("rerun: <command>{}", &rest[at..]),
                None => line.to_string(),
            },
            None => line.to_string(),
        };
        out.push_str(&mask_times(&line));
    }
    out
}

/// Replaces a wall time that follows `(` or `in ` with `<time>`.
fn mask_times(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while let Some(c) = line[i..].chars().next() {
        if out.ends_with('(') || out.ends_with("in ") {
            if let Some(n) = wall_time_len(&line[i..]) {
                out.push_str("<time>");
                i += n;
                continue;
            }
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The length of a wall time at the start of `text`: `12 µs`, `1.5 ms`, `2.01 s`, `0.00s`.
fn wall_time_len(text: &str) -> Option<usize> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let mut n = digits;
    if let Some(after) = text[n..].strip_prefix('.') {
        let fraction = after.bytes().take_while(u8::is_ascii_digit).count();
        if fraction == 0 {
            return None;
        }
        n += 1 + fraction;
    }
    // libtest's `0.00s` has no space; a virtual duration such as `90s` has no fraction.
    let units: &[&str] = if n > digits {
        &[" µs", " ms", " s", "s"]
    } else {
        &[" µs", " ms", " s"]
    };
    units.iter().find_map(|unit| {
        let after = text[n..].strip_prefix(unit)?;
        after
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
            .then_some(n + unit.len())
    })
}
