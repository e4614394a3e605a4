//! The spec harness: every scenario under `specs/` is a test (see `netsplit::main`).

fn main() -> std::process::ExitCode {
    netsplit::main()
}
