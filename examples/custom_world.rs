//! A world of your own: the spec language, the registry and the runner work for any
//! system, not only the Mesos model.
//!
//! Run it with `cargo run --example custom_world`. The world here is a lease that a
//! holder must renew before it expires; `examples/specs/lease.feature` specifies it.

use std::process::ExitCode;

use netsplit::runner::Harness;
use netsplit::steps::{Registry, StepError, World};
use netsplit::time::Duration;

/// A lease held by one client, renewed over a link that can be cut.
#[derive(Default)]
struct Lease {
    length: Duration,
    renew_every: Duration,
    now: Duration,
    expires: Duration,
    cut: bool,
    expired_at: Option<Duration>,
}

impl World for Lease {
    fn new() -> Self {
        Lease::default()
    }

    fn timeline(&self) -> Vec<String> {
        vec![format!(
            "now {}; lease expires at {}; link {}",
            self.now,
            self.expires,
            if self.cut { "cut" } else { "up" }
        )]
    }
}

impl Lease {
    /// Moves time on, renewing while the link is up.
    fn advance(&mut self, by: Duration) {
        let end = self.now + by;
        while self.now < end && self.expired_at.is_none() {
            let next_renewal = self.now + self.renew_every;
            let step_to = next_renewal.min(end).min(self.expires);
            self.now = step_to;
            if self.now >= self.expires {
                self.expired_at = Some(self.expires);
            } else if self.now == next_renewal && !self.cut {
                self.expires = self.now + self.length;
            }
        }
        self.now = end;
    }
}

fn main() -> ExitCode {
    let registry = Registry::<Lease>::builder()
        .given("a lease of {duration}", "a lease of 10s", |lease, args| {
            lease.length = args.duration(0);
            lease.expires = lease.length;
            Ok(())
        })
        .given(
            "the holder renews every {duration}",
            "the holder renews every 3s",
            |lease, args| {
                lease.renew_every = args.duration(0);
                Ok(())
            },
        )
        .when("{duration} pass(es)", "20s pass", |lease, args| {
            lease.advance(args.duration(0));
            Ok(())
        })
        .when(
            "the holder is cut off",
            "the holder is cut off",
            |lease, _| {
                lease.cut = true;
                Ok(())
            },
        )
        .then("the lease is held", "the lease is held", |lease, _| {
            StepError::check_eq("the lease expired", &None, &lease.expired_at)
        })
        .then(
            "the lease expired at {duration}",
            "the lease expired at 16s",
            |lease, args| {
                StepError::check_eq(
                    "the lease expired at another time",
                    &Some(args.duration(0)),
                    &lease.expired_at,
                )
            },
        )
        .build()
        .unwrap_or_else(|errors| panic!("the lease steps are inconsistent: {errors:?}"));
    Harness::new(registry)
        .package_dir(env!("CARGO_MANIFEST_DIR"))
        .specs(["examples/specs/lease.feature"])
        .run()
}
