//! People and what the platform keeps about them: as little as it can (PIPL).

use serde::{Deserialize, Serialize};

use crate::region::RegionCode;

/// What a person may do. Each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Learner,
    /// Teacher, volunteer or guide who helps learners.
    Facilitator,
    OrgAdmin,
    PlatformAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Learner,
        Role::Facilitator,
        Role::OrgAdmin,
        Role::PlatformAdmin,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Facilitator => "facilitator",
            Role::OrgAdmin => "org-admin",
            Role::PlatformAdmin => "platform-admin",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }

    pub fn includes(self, other: Role) -> bool {
        self >= other
    }
}

/// Input that breaks a rule about accounts. Each variant maps to one localized message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("login-required")]
    LoginRequired,
    #[error("login-invalid")]
    LoginInvalid,
    #[error("name-required")]
    NameRequired,
    #[error("name-too-long")]
    NameTooLong,
    #[error("password-too-short")]
    PasswordTooShort,
    #[error("password-too-long")]
    PasswordTooLong,
    #[error("password-mismatch")]
    PasswordMismatch,
    #[error("age-band-invalid")]
    AgeBandInvalid,
    #[error("group-invalid")]
    GroupInvalid,
}

impl AccountError {
    /// The Fluent message id that explains this error to a person.
    pub fn message_id(self) -> &'static str {
        match self {
            AccountError::LoginRequired => "error-login-required",
            AccountError::LoginInvalid => "error-login-invalid",
            AccountError::NameRequired => "error-name-required",
            AccountError::NameTooLong => "error-name-too-long",
            AccountError::PasswordTooShort => "error-password-too-short",
            AccountError::PasswordTooLong => "error-password-too-long",
            AccountError::PasswordMismatch => "error-password-mismatch",
            AccountError::AgeBandInvalid => "error-age-band-invalid",
            AccountError::GroupInvalid => "error-group-invalid",
        }
    }
}

/// How a person signs in: a username, a mainland mobile number or an e-mail address.
/// Stored normalised (lower case, no spaces) so that the same login cannot be registered twice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Login(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LoginKind {
    Username,
    Phone,
    Email,
}

impl Login {
    pub fn parse(input: &str) -> Result<Login, AccountError> {
        let s: String = input
            .trim()
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .collect();
        if s.is_empty() {
            return Err(AccountError::LoginRequired);
        }
        let s = s.to_lowercase();
        let phone = s.strip_prefix("+86").unwrap_or(&s);
        if phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())
        {
            return Ok(Login(phone.to_string()));
        }
        if let Some((local, domain)) = s.split_once('@') {
            let ok = !local.is_empty()
                && local.len() <= 64
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && s.len() <= 254
                && !domain.contains('@')
                && s.chars().all(|c| c.is_ascii_graphic());
            return if ok {
                Ok(Login(s))
            } else {
                Err(AccountError::LoginInvalid)
            };
        }
        let ok = (3..=32).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
        if ok {
            Ok(Login(s))
        } else {
            Err(AccountError::LoginInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> LoginKind {
        if self.0.contains('@') {
            LoginKind::Email
        } else if self.0.bytes().all(|b| b.is_ascii_digit()) {
            LoginKind::Phone
        } else {
            LoginKind::Username
        }
    }
}

impl TryFrom<String> for Login {
    type Error = AccountError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Login::parse(&value)
    }
}

impl From<Login> for String {
    fn from(value: Login) -> Self {
        value.0
    }
}

/// The name shown to others: 1-40 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(input: &str) -> Result<DisplayName, AccountError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(AccountError::NameRequired);
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(AccountError::NameTooLong);
        }
        Ok(DisplayName(s.chars().filter(|c| !c.is_control()).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DisplayName {
    type Error = AccountError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        DisplayName::parse(&value)
    }
}

impl From<DisplayName> for String {
    fn from(value: DisplayName) -> Self {
        value.0
    }
}

/// Password rules: long enough to resist guessing, bounded so hashing stays cheap.
pub fn check_password(password: &str) -> Result<(), AccountError> {
    let n = password.chars().count();
    if n < 8 {
        Err(AccountError::PasswordTooShort)
    } else if password.len() > 256 {
        Err(AccountError::PasswordTooLong)
    } else {
        Ok(())
    }
}

macro_rules! keyed_enum {
    ($(#[$m:meta])* $name:ident, $err:expr, { $($variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $key)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
            pub fn parse(key: &str) -> Result<$name, AccountError> {
                match key { $($key => Ok($name::$variant),)+ _ => Err($err) }
            }
        }
    };
}

keyed_enum!(
    /// Age in bands wide enough not to identify anyone.
    AgeBand, AccountError::AgeBandInvalid, {
    Under18 => "under-18",
    From18To34 => "18-34",
    From35To59 => "35-59",
    From60To69 => "60-69",
    Over70 => "70-plus",
});

keyed_enum!(
    /// The groups the national work plan names.
    Group, AccountError::GroupInvalid, {
    Elder => "elder",
    Farmer => "farmer",
    Worker => "worker",
    Woman => "woman",
    CivilServant => "civil-servant",
    Student => "student",
    Teacher => "teacher",
    Disability => "disability",
    NewOccupation => "new-occupation",
    Other => "other",
});

/// Optional facts a person may share for statistics, only with their consent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatisticsProfile {
    pub region: Option<RegionCode>,
    pub age_band: Option<AgeBand>,
    pub group: Option<Group>,
}

/// 长辈模式: larger text and targets, simpler navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElderMode {
    #[default]
    Off,
    /// Body text 20 px, targets 60 px.
    On,
    /// Body text 30 px.
    Large,
}

impl ElderMode {
    pub fn key(self) -> &'static str {
        match self {
            ElderMode::Off => "off",
            ElderMode::On => "on",
            ElderMode::Large => "large",
        }
    }
    pub fn from_key(key: &str) -> Option<ElderMode> {
        [ElderMode::Off, ElderMode::On, ElderMode::Large]
            .into_iter()
            .find(|m| m.key() == key)
    }
    pub fn is_on(self) -> bool {
        self != ElderMode::Off
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_normalise() {
        assert_eq!(Login::parse(" Wang.Li ").unwrap().as_str(), "wang.li");
        assert_eq!(
            Login::parse("+86 138-0013-8000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            Login::parse("13800138000").unwrap().kind(),
            LoginKind::Phone
        );
        assert_eq!(
            Login::parse("A@Example.CN").unwrap().as_str(),
            "a@example.cn"
        );
        assert_eq!(Login::parse(""), Err(AccountError::LoginRequired));
        assert_eq!(Login::parse("ab"), Err(AccountError::LoginInvalid));
        assert_eq!(Login::parse("a@b"), Err(AccountError::LoginInvalid));
        assert_eq!(Login::parse("王小明"), Err(AccountError::LoginInvalid));
    }

    #[test]
    fn names_and_passwords() {
        assert_eq!(DisplayName::parse(" 王阿姨 ").unwrap().as_str(), "王阿姨");
        assert_eq!(DisplayName::parse("  "), Err(AccountError::NameRequired));
        assert_eq!(
            DisplayName::parse(&"长".repeat(41)),
            Err(AccountError::NameTooLong)
        );
        assert_eq!(
            check_password("1234567"),
            Err(AccountError::PasswordTooShort)
        );
        assert!(check_password("correct horse").is_ok());
    }

    #[test]
    fn roles_nest() {
        assert!(Role::PlatformAdmin.includes(Role::OrgAdmin));
        assert!(!Role::Learner.includes(Role::Facilitator));
        for r in Role::ALL {
            assert_eq!(Role::from_key(r.key()), Some(r));
        }
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,80}") {
            let _ = Login::parse(&s);
            let _ = DisplayName::parse(&s);
            let _ = check_password(&s);
        }

        #[test]
        fn a_parsed_login_parses_to_itself(s in "\\PC{0,40}") {
            if let Ok(l) = Login::parse(&s) {
                proptest::prop_assert_eq!(Login::parse(l.as_str()), Ok(l.clone()));
            }
        }
    }
}
