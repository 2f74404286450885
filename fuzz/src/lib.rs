//! What the fuzz targets share with the core's property test: the
//! scenario generator and the whole path a file takes through callsim,
//! kept once in `crates/callsim-core/tests/support/generated.rs`.

#[path = "../../crates/callsim-core/tests/support/generated.rs"]
pub mod generated;
