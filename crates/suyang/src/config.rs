//! Settings merged from flags and environment (already combined by clap), the TOML file, and
//! defaults — in that order of precedence.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::cli::{Global, LogFormat, ServeArgs};

/// The optional TOML file. Every key mirrors a flag.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub log_format: Option<LogFormat>,
    pub log: Option<String>,
    pub listen: Option<SocketAddr>,
    pub public_url: Option<String>,
    pub max_connections: Option<u32>,
    pub session_days: Option<i64>,
    pub lrs_rate_limit: Option<u32>,
    pub lrs_default_version: Option<String>,
}

impl FileConfig {
    /// Reads the file named by --config, or ./suyang.toml when it exists.
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<FileConfig> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let default = PathBuf::from("suyang.toml");
                if !default.exists() {
                    return Ok(FileConfig::default());
                }
                default
            }
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read configuration file {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("invalid configuration file {}", path.display()))
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub log_format: LogFormat,
    pub log: String,
    pub listen: SocketAddr,
    pub public_url: String,
    pub max_connections: u32,
    pub session_days: i64,
    pub lrs_rate_limit: u32,
    pub lrs_default_version: suyang_xapi::Version,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite:data/suyang.db";

impl Settings {
    pub fn resolve(
        global: &Global,
        serve: &ServeArgs,
        file: FileConfig,
    ) -> anyhow::Result<Settings> {
        let database_url = global
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let listen = serve
            .listen
            .or(file.listen)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let public_url = serve
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{listen}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            anyhow::bail!("public URL must start with http:// or https://, not {public_url:?}");
        }
        let postgres = database_url.starts_with("postgres");
        if !(postgres || database_url.starts_with("sqlite:")) {
            anyhow::bail!(
                "database URL must start with sqlite: or postgres://, not {database_url:?}"
            );
        }
        let session_days = serve.session_days.or(file.session_days).unwrap_or(14);
        if !(1..=365).contains(&session_days) {
            anyhow::bail!("session days must be between 1 and 365");
        }
        let lrs_default_version = match serve
            .lrs_default_version
            .as_deref()
            .or(file.lrs_default_version.as_deref())
        {
            None => suyang_xapi::Version::V2_0_0,
            Some(v) => match suyang_xapi::Version::from_header(v) {
                Some(version) => version,
                None => anyhow::bail!("LRS default version must be 2.0.0 or 1.0.3, not {v:?}"),
            },
        };
        Ok(Settings {
            lrs_default_version,
            database_url,
            log_format: global
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Text),
            log: global
                .log
                .clone()
                .or(file.log)
                .unwrap_or_else(|| "info".into()),
            listen,
            public_url,
            max_connections: serve
                .max_connections
                .or(file.max_connections)
                .unwrap_or(if postgres { 16 } else { 8 })
                .max(1),
            session_days,
            lrs_rate_limit: serve
                .lrs_rate_limit
                .or(file.lrs_rate_limit)
                .unwrap_or(10_000)
                .max(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_file_beats_defaults() {
        let global = Global {
            database_url: Some("postgres://flag/db".into()),
            ..Default::default()
        };
        let file = FileConfig {
            database_url: Some("sqlite:file.db".into()),
            public_url: Some("https://learn.example".into()),
            ..Default::default()
        };
        let s = Settings::resolve(&global, &ServeArgs::default(), file).unwrap();
        assert_eq!(s.database_url, "postgres://flag/db");
        assert_eq!(s.public_url, "https://learn.example");
        assert_eq!(s.max_connections, 16);
        let d = Settings::resolve(
            &Global::default(),
            &ServeArgs::default(),
            FileConfig::default(),
        )
        .unwrap();
        assert_eq!(d.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(d.public_url, "http://127.0.0.1:8080");
    }

    #[test]
    fn bad_settings_are_refused() {
        let bad = Global {
            database_url: Some("mysql://x".into()),
            ..Default::default()
        };
        assert!(Settings::resolve(&bad, &ServeArgs::default(), FileConfig::default()).is_err());
        assert!(toml::from_str::<FileConfig>("listen = 5").is_err());
        assert!(toml::from_str::<FileConfig>("unknown = 1").is_err());
        let old_clients = FileConfig {
            lrs_default_version: Some("1.0.3".into()),
            ..Default::default()
        };
        let s = Settings::resolve(&Global::default(), &ServeArgs::default(), old_clients).unwrap();
        assert_eq!(s.lrs_default_version, suyang_xapi::Version::V1_0_3);
        let wrong = FileConfig {
            lrs_default_version: Some("3.0".into()),
            ..Default::default()
        };
        let e = Settings::resolve(&Global::default(), &ServeArgs::default(), wrong).unwrap_err();
        assert!(e.to_string().contains("2.0.0 or 1.0.3"), "{e}");
    }
}
