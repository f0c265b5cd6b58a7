//! Reference server implementing the Ansdev API contract, for tests and the demo.

pub use sdk_core as core;
