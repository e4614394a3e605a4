//! The spec harness: every scenario under `specs/` is a test (see `netsplit::runner`).

fn main() -> std::process::ExitCode {
    netsplit::runner::main()
}
