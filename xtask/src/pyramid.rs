//! The test pyramid's pure core: what the tests are, what the limits are, whether the
//! pyramid holds, and how it is drawn.
//!
//! It is tested on inventories made up by hand: an [`Inventory`] (every test with its tier,
//! binary, name, time and ignore reason) and a [`Config`] (the limits in
//! `.config/pyramid.toml`) go into [`check()`], which gives a [`Verdict`](check::Verdict), and
//! into [`draw()`] and [`json()`], which render it.
//!
//! Nothing here builds, lists or runs tests: those that do (`suite`, `run`, `retime`) fill
//! an inventory in, and the tasks (`tasks::pyramid`, `tasks::ci`) hand it here to be
//! checked and drawn. Data flows one way, into this module.

mod check;
pub mod config;
mod draw;
mod inventory;

pub use check::check;
pub use config::Config;
pub use draw::{draw, json};
pub use inventory::{Ignore, Inventory, Isolation, Test, Tier, Time, TimingSource, human};
