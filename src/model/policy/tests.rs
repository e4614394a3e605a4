//! The built-in policies and the driver, on small clusters.
