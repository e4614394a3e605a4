//! Steps: the registry that binds step text to code, and the placeholder types its
//! patterns use.
//!
//! - [`params`]: placeholder types (`{duration}`, `{name}`, ... and user-added ones):
//!   which text each takes and the [`Value`] it becomes.
//! - [`registry`]: patterns, handlers and lookup, with every ambiguity and near miss
//!   reported (at build time when it can be, else at lookup).
//! - [`reference`](mod@reference): a registry's steps and placeholders, as text or Markdown.
//! - [`world`]: what the runner needs from the state a scenario's steps share.
//!
//! This module is generic over the world a step changes; it knows nothing of Mesos.
//!
//! ```
//! use netsplit::steps::{Attached, LookupError, Registry, StepError, StepKind};
//!
//! #[derive(Default)]
//! struct Counter(i64);
//!
//! let registry = Registry::<Counter>::builder()
//!     .when("the counter is/are increased by {int}", "the counter is increased by 2", |c, args| {
//!         c.0 += args.int(0);
//!         Ok(())
//!     })
//!     .then("the counter is {int}", "the counter is 2", |c, args| {
//!         StepError::check_eq("the counter differs", &args.int(0), &c.0)
//!     })
//!     .build()
//!     .unwrap();
//!
//! let mut counter = Counter::default();
//! let step = registry.find(StepKind::When, "the counter is increased by 5", Attached::Nothing).unwrap();
//! step.run(&mut counter, None, None).unwrap();
//! assert_eq!(counter.0, 5);
//!
//! let error = registry.find(StepKind::Then, "the counter is 5x", Attached::Nothing).unwrap_err();
//! assert!(matches!(error, LookupError::BadArgument { column: 15, .. }));
//! ```

pub mod params;
pub mod reference;
pub mod registry;
pub mod world;

pub use params::{CustomValue, Placeholder, PlaceholderDoc, Shape, Value};
pub use registry::{
    Args, Attached, DocStringUse, Found, Handler, LookupError, Registry, RegistryBuilder,
    RegistryError, StepDef, StepError, StepKind, Table, TableUse,
};
pub use world::World;
