//! The baseline of `cargo xtask bench`: a bare libtest-mimic runner whose trials do nothing.
//!
//! It runs `NETSPLIT_BASELINE_TRIALS` trials (default 10,000) the way the spec harness runs
//! its scenarios (libtest-mimic, the same command line, every core), so that the harness's
//! time over this one's is the cost of the scenarios themselves: parsing, matching steps and
//! running the model. Each trial is named as a spec scenario is (`[unit] file::name`).

use std::process::ExitCode;

use libtest_mimic::{Arguments, Trial};

/// The variable that sets the number of trials.
const TRIALS_VAR: &str = "NETSPLIT_BASELINE_TRIALS";

fn main() -> ExitCode {
    let trials = match std::env::var(TRIALS_VAR) {
        Err(_) => 10_000,
        Ok(text) => match text.trim().parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                eprintln!(
                    "error: {TRIALS_VAR}={text:?} is not a number of trials: give a whole number such as 10000"
                );
                return ExitCode::from(2);
            }
        },
    };
    let args = Arguments::from_args();
    let trials = (1..=trials)
        .map(|i| Trial::test(format!("[unit] baseline::trivial trial {i}"), || Ok(())))
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}
