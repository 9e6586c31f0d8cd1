//! xAPI for Suyang's learning record store: the versions served, the syntax of the values
//! statements carry, and the validation of statements against every rule of xAPI 2.0
//! (IEEE 9274.1.1-2023) and 1.0.3, with errors that name the field and the rule.

pub mod multipart;
pub mod sample;
pub mod signature;
pub mod statement;
pub mod syntax;
pub mod validate;

pub use validate::{Invalid, validate_statement};

/// The xAPI version a request speaks (`X-Experience-API-Version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    V1_0_3,
    V2_0_0,
}

impl Version {
    /// Parses the header: `1.0`, `1.0.0`…`1.0.3` speak 1.0.3; `2.0` and `2.0.x` speak 2.0.0.
    pub fn from_header(value: &str) -> Option<Version> {
        let v = value.trim();
        let mut parts = v.split('.');
        let (major, minor, patch) = (parts.next()?, parts.next()?, parts.next());
        if parts.next().is_some()
            || !patch.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        match (major, minor) {
            ("1", "0") => Some(Version::V1_0_3),
            ("2", "0") => Some(Version::V2_0_0),
            _ => None,
        }
    }

    /// The version string the LRS answers with and stamps on statements.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1_0_3 => "1.0.3",
            Version::V2_0_0 => "2.0.0",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_the_header() {
        assert_eq!(Version::from_header("1.0.3"), Some(Version::V1_0_3));
        assert_eq!(Version::from_header("1.0"), Some(Version::V1_0_3));
        assert_eq!(Version::from_header("1.0.0"), Some(Version::V1_0_3));
        assert_eq!(Version::from_header("2.0.0"), Some(Version::V2_0_0));
        assert_eq!(Version::from_header("2.0"), Some(Version::V2_0_0));
        for bad in ["", "0.9", "1.1.0", "3.0.0", "1.0.x", "1.0.", "1", "2.0.0.1"] {
            assert_eq!(Version::from_header(bad), None, "{bad}");
        }
    }
}
