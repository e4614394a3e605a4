//! The performance benchmark's parts: the workloads it generates, how one run of a process
//! is measured, and the table of results.
//!
//! `tasks::bench` builds the binaries, runs the workloads and prints the table; the parts
//! here are what it puts together:
//!
//! - [`workload`]: the spec files of each workload, generated from its sizes, with the
//!   Then steps that check the model gave the right results (pure text).
//! - [`measure`]: one run of a process: wall time, peak resident memory (from `wait4`), exit
//!   status and output.
//! - [`table`]: medians, ratios to the targets, and the table (pure).

pub mod measure;
pub mod table;
pub mod workload;
