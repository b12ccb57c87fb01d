//! The file system: the file as read ([`source`]), which files to lint ([`discover`]), and
//! writing a policy back without touching a byte no edit touched ([`write`]).

pub mod discover;
pub mod git;
pub mod source;
pub mod write;
