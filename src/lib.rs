//! netsplit: specify and test how an Apache Mesos cluster behaves when its network fails.

pub mod model;
pub mod runner;
pub mod spec;
pub mod steps;
pub mod suggest;
