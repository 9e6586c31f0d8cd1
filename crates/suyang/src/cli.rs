use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Suyang (素养): a lifelong digital-literacy learning platform.
///
/// Settings come from flags, then `SUYANG_…` environment variables, then the TOML file given by
/// --config (default: ./suyang.toml if it exists), then built-in defaults.
#[derive(Parser, Debug)]
#[command(name = "suyang", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// TOML configuration file.
    #[arg(long, global = true, env = "SUYANG_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database: `sqlite:PATH` (default `sqlite:data/suyang.db`) or `postgres://user@host/db`.
    #[arg(long, global = true, env = "SUYANG_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// Log format.
    #[arg(long, global = true, env = "SUYANG_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Log filter, e.g. `info` or `suyang_web=debug` (default: info).
    #[arg(long, global = true, env = "SUYANG_LOG", value_name = "FILTER")]
    pub log: Option<String>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the platform (the default when no command is given).
    Serve(ServeArgs),
    /// Apply database migrations and load the built-in content, then exit.
    Migrate,
    /// Manage people and their roles.
    #[command(subcommand)]
    User(UserCommand),
    /// Import or export competence frameworks as 1EdTech CASE 1.1 JSON.
    #[command(subcommand)]
    Framework(FrameworkCommand),
    /// Manage the learning record store.
    #[command(subcommand)]
    Lrs(LrsCommand),
    /// Write a consistent copy of the SQLite database to FILE while it runs.
    Backup {
        /// Where to write the copy (must not exist).
        file: PathBuf,
    },
    /// Check the configuration, the database and the built-in content.
    Check,
}

#[derive(Args, Debug, Default, Clone)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "SUYANG_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// The URL people reach the platform at (default http://LISTEN); https makes cookies Secure.
    #[arg(long, env = "SUYANG_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Database connections in the pool (default 8 on SQLite, 16 on PostgreSQL).
    #[arg(long, env = "SUYANG_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<u32>,
    /// Requests per second each LRS credential may make, bursts up to twice that (default 10000).
    #[arg(long, env = "SUYANG_LRS_RATE_LIMIT", value_name = "N")]
    pub lrs_rate_limit: Option<u32>,
    /// The xAPI version to answer requests that name none (About, errors): 2.0.0 (default) or
    /// 1.0.3, for a deployment whose clients all speak 1.0.3.
    #[arg(long, env = "SUYANG_LRS_DEFAULT_VERSION", value_name = "VERSION")]
    pub lrs_default_version: Option<String>,
    /// How long a sign-in lasts, in days (default 14).
    #[arg(long, env = "SUYANG_SESSION_DAYS", value_name = "DAYS")]
    pub session_days: Option<i64>,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input (never from a flag).
    Add {
        /// Username, mobile number or e-mail address.
        login: String,
        /// Display name (default: the login).
        #[arg(long)]
        name: Option<String>,
        /// Make the account a platform administrator.
        #[arg(long)]
        admin: bool,
        /// Role: learner, facilitator, org-admin or platform-admin.
        #[arg(long, conflicts_with = "admin")]
        role: Option<String>,
    },
    /// Give an account a role: learner, facilitator, org-admin or platform-admin.
    Grant { login: String, role: String },
    /// List accounts.
    List {
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum FrameworkCommand {
    /// Import a CASE 1.1 package (JSON) as a framework or a new version of one.
    Import { file: PathBuf },
    /// Export a framework (default: the built-in one) as a CASE 1.1 package.
    Export {
        /// Framework identifier (UUID).
        id: Option<String>,
        /// Write to FILE instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// List stored frameworks.
    List,
}

#[derive(Subcommand, Debug)]
pub enum LrsCommand {
    /// Manage the key/secret pairs xAPI clients authenticate with.
    #[command(subcommand)]
    Credentials(CredentialsCommand),
    /// Load synthetic statements (learners answering assessment items, with result and
    /// context) into the default organisation: for load tests and benchmarks.
    Generate {
        /// How many statements.
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        /// Statements per stored batch.
        #[arg(long, default_value_t = 500)]
        batch: usize,
    },
}

#[derive(Subcommand, Debug)]
pub enum CredentialsCommand {
    /// Create a credential; prints its key and secret (the secret is shown only once).
    Add {
        /// What the credential is for, e.g. "H5P in the county school".
        #[arg(long)]
        name: String,
        /// xAPI scope: statements/write, statements/read, statements/read/mine, state, define,
        /// profile, all/read or all (repeat for several; default: all).
        #[arg(long = "scope")]
        scopes: Vec<String>,
    },
}
