//! Retry decisions as a pure function: which outcomes retry, and after how long.
