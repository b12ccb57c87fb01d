//! The expressions that find e-mail addresses in text. build.rs reads this file too and
//! builds their DFAs along with the built-in packs' patterns, so a run does not compile them.

/// An e-mail address.
pub const EMAIL: &str =
    r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}";

/// An address written to escape harvesters: `security [at] example [dot] com`.
pub const OBFUSCATED_EMAIL: &str = r"(?ix-u)
      \b[a-z0-9][a-z0-9._+-]*[\ \t]*(?:\[at\]|\(at\)|\bat\b)[\ \t]*[a-z0-9-]+
      (?:[\ \t]*(?:\[dot\]|\(dot\)|\bdot\b|\.)[\ \t]*[a-z0-9-]+)*?
      [\ \t]*(?:\[dot\]|\(dot\)|\bdot\b|\.)[\ \t]*(?:com|org|net|io|dev|edu|gov|info|me|co|uk|de|fr|eu)\b";

/// Every expression of this file, for build.rs.
#[cfg_attr(not(test), allow(dead_code, reason = "build.rs reads it"))]
pub const ALL: &[&str] = &[EMAIL, OBFUSCATED_EMAIL];
