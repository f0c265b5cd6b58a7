//! Runnable examples of the Ansdev SDK; each program is a binary of this crate
//! (`cargo run -p examples --bin NAME`).
