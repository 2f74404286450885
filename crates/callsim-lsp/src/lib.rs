//! stub
pub mod outline;
pub mod position;
