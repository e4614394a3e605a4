//! The tasks `cargo xtask` runs, one module each: the entry points, which put together the
//! building, listing and running (`cargo`, `suite`, `run`, `retime`) and the pyramid's core
//! (`pyramid`). Nothing outside this module uses it but `main`.

pub mod bench;
pub mod ci;
pub mod fuzz;
pub mod pyramid;
pub mod test;
