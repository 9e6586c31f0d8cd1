use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use suyang_domain::account::{DisplayName, ElderMode, Login, Role, check_password};
use suyang_domain::case::{self, CaseUris};
use suyang_domain::content::{builtin_framework, builtin_lessons};
use suyang_store::{AuditEntry, NewUser, SaveOutcome, Store};
use suyang_web::{AppState, WebConfig};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::cli::{
    Cli, Command, CredentialsCommand, FrameworkCommand, LogFormat, LrsCommand, ServeArgs,
    UserCommand,
};
use crate::config::{FileConfig, Settings};

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let file = FileConfig::load(cli.global.config.as_deref())?;
    let serve_args = match &cli.command {
        Some(Command::Serve(a)) => a.clone(),
        _ => ServeArgs::default(),
    };
    let settings = Settings::resolve(&cli.global, &serve_args, file)?;
    init_logging(&settings);
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(_) => serve(settings).await,
        Command::Migrate => {
            let store = open(&settings).await?;
            suyang_web::services::load_builtin_content(&store, OffsetDateTime::now_utc()).await?;
            println!("database is up to date; built-in content loaded");
            Ok(ExitCode::SUCCESS)
        }
        Command::User(cmd) => user(&settings, cmd).await,
        Command::Framework(cmd) => framework(&settings, cmd).await,
        Command::Lrs(LrsCommand::Credentials(cmd)) => credentials(&settings, cmd).await,
        Command::Lrs(LrsCommand::Generate { count, batch }) => {
            generate(&settings, count, batch).await
        }
        Command::Backup { file } => backup(&settings, &file).await,
        Command::Check => check(&settings).await,
    }
}

fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_new(&settings.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match settings.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn open(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::connect(&settings.database_url, settings.max_connections)
        .await
        .with_context(|| format!("cannot open database {}", redact(&settings.database_url)))?;
    store.migrate().await.context("database migration failed")?;
    Ok(store)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    let metrics = suyang_web::install_metrics().ok();
    let store = open(&settings).await?;
    let mut config = WebConfig::new(&settings.public_url);
    config.session_days = settings.session_days;
    config.lrs_rate_per_second = settings.lrs_rate_limit;
    config.lrs_default_version = settings.lrs_default_version;
    let state = AppState::init(store.clone(), config, metrics).await?;
    // Statement partitions for the coming months (PostgreSQL), checked daily while serving.
    tokio::spawn(async move {
        let mut daily = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
        loop {
            daily.tick().await;
            if let Err(e) = store
                .ensure_statement_partitions(OffsetDateTime::now_utc())
                .await
            {
                tracing::error!(error = %e, "creating statement partitions failed");
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, database = %redact(&settings.database_url), public_url = %settings.public_url, "serving");
    println!("Suyang is serving on http://{local}");
    suyang_web::serve(state, listener, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C or SIGTERM: stop taking connections, finish what is in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

fn read_password(prompt: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let first = rpassword::prompt_password(prompt)?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            bail!("the passwords do not match");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

async fn cli_audit(
    store: &Store,
    org: Option<Uuid>,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> anyhow::Result<()> {
    store
        .audit(&AuditEntry {
            id: Uuid::now_v7(),
            org_id: org,
            actor_id: None,
            actor: "cli".into(),
            action: action.into(),
            target: Some(target.into()),
            details: Some(details),
            at: OffsetDateTime::now_utc(),
        })
        .await?;
    Ok(())
}

/// Operators read the command line in English.
fn english(message_id: &str) -> String {
    suyang_web::translate(suyang_domain::lang::Locale::En, message_id)
}

fn parse_role(key: &str) -> anyhow::Result<Role> {
    Role::from_key(key).with_context(|| {
        format!("unknown role {key:?}; use learner, facilitator, org-admin or platform-admin")
    })
}

async fn user(settings: &Settings, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let now = OffsetDateTime::now_utc();
    match cmd {
        UserCommand::Add {
            login,
            name,
            admin,
            role,
        } => {
            let login = Login::parse(&login)
                .map_err(|e| anyhow::anyhow!("invalid login: {}", english(e.message_id())))?;
            let name = DisplayName::parse(name.as_deref().unwrap_or(login.as_str()))
                .map_err(|e| anyhow::anyhow!("invalid name: {}", english(e.message_id())))?;
            let role = if admin {
                Role::PlatformAdmin
            } else {
                role.as_deref()
                    .map(parse_role)
                    .transpose()?
                    .unwrap_or(Role::Learner)
            };
            let password = read_password("Password: ")?;
            check_password(&password)
                .map_err(|e| anyhow::anyhow!("password refused: {}", english(e.message_id())))?;
            let hash = suyang_web::services::hash_password(password).await?;
            let org = store
                .ensure_organisation("default", "默认机构", now)
                .await?;
            let user = store
                .create_user(
                    NewUser {
                        org_id: org.id,
                        login: login.as_str().into(),
                        display_name: name.as_str().into(),
                        password_hash: hash,
                        role,
                        locale: None,
                        elder_mode: ElderMode::Off,
                    },
                    now,
                )
                .await
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", login.as_str()))?;
            cli_audit(
                &store,
                Some(org.id),
                "user.add",
                &user.login,
                serde_json::json!({ "role": role.key() }),
            )
            .await?;
            println!("created {} ({}) as {}", user.login, user.id, role.key());
        }
        UserCommand::Grant { login, role } => {
            let role = parse_role(&role)?;
            let key = Login::parse(&login)
                .map(|l| l.as_str().to_string())
                .unwrap_or(login);
            let user = store
                .user_by_login(&key)
                .await?
                .with_context(|| format!("no account {key:?}"))?;
            store.set_role(user.id, role, now).await?;
            cli_audit(
                &store,
                Some(user.org_id),
                "user.grant",
                &user.login,
                serde_json::json!({ "from": user.role.key(), "to": role.key() }),
            )
            .await?;
            println!("{} is now {}", user.login, role.key());
        }
        UserCommand::List { limit } => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{:<36}  {:<24}  {:<16}  name", "id", "login", "role")?;
            for u in store.list_users(None, limit.clamp(1, 100_000), 0).await? {
                writeln!(
                    out,
                    "{:<36}  {:<24}  {:<16}  {}",
                    u.id,
                    u.login,
                    u.role.key(),
                    u.display_name
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn framework(settings: &Settings, cmd: FrameworkCommand) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let now = OffsetDateTime::now_utc();
    suyang_web::services::load_builtin_content(&store, now).await?;
    match cmd {
        FrameworkCommand::Import { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let f = case::import(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let outcome = store.save_framework(&f, false, now).await?;
            cli_audit(
                &store,
                None,
                "framework.import",
                &f.id.to_string(),
                serde_json::json!({ "file": file.display().to_string(), "version": f.version }),
            )
            .await?;
            let what = match outcome {
                SaveOutcome::Created => "imported as a new framework".to_string(),
                SaveOutcome::NewVersion(v) => format!("imported as revision {v}"),
                SaveOutcome::Unchanged => "unchanged (identical to the stored version)".to_string(),
            };
            println!(
                "{} ({}): {what}; {} areas, {} competences",
                f.title.get(suyang_domain::lang::Locale::DEFAULT),
                f.id,
                f.areas.len(),
                f.competence_count()
            );
        }
        FrameworkCommand::Export { id, output } => {
            let all = store.frameworks().await?;
            let wanted = match id.as_deref() {
                Some(id) => {
                    let id = Uuid::parse_str(id).context("the framework id is a UUID")?;
                    all.iter()
                        .find(|f| f.framework.id == id)
                        .with_context(|| format!("no framework {id}"))?
                }
                None => all
                    .iter()
                    .find(|f| f.builtin)
                    .context("no built-in framework stored")?,
            };
            let pkg = case::package(
                &wanted.framework,
                &CaseUris::new(&settings.public_url),
                wanted.updated_at,
            );
            let json = serde_json::to_string_pretty(&pkg)?;
            match output {
                Some(path) => std::fs::write(&path, json)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => println!("{json}"),
            }
        }
        FrameworkCommand::List => {
            for f in store.frameworks().await? {
                println!(
                    "{}  r{}  {}{}  {}",
                    f.framework.id,
                    f.version,
                    f.framework.version,
                    if f.builtin { " (built-in)" } else { "" },
                    f.framework.title.get(suyang_domain::lang::Locale::DEFAULT)
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn credentials(settings: &Settings, cmd: CredentialsCommand) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let now = OffsetDateTime::now_utc();
    match cmd {
        CredentialsCommand::Add { name, scopes } => {
            let scopes = if scopes.is_empty() {
                vec!["all".to_string()]
            } else {
                scopes
            };
            if let Some(bad) = scopes
                .iter()
                .find(|s| !suyang_web::xapi::SCOPES.contains(&s.as_str()))
            {
                bail!(
                    "unknown scope {bad:?}; use one of {}",
                    suyang_web::xapi::SCOPES.join(", ")
                );
            }
            if name.trim().is_empty() {
                bail!("give the credential a name");
            }
            let org = store
                .ensure_organisation("default", "默认机构", now)
                .await?;
            let (credential, secret) =
                suyang_web::xapi::create_credential(&store, org.id, name.trim(), &scopes, now)
                    .await?;
            cli_audit(
                &store,
                Some(org.id),
                "lrs.credential.add",
                &credential.key,
                serde_json::json!({ "name": credential.name, "scopes": scopes }),
            )
            .await?;
            println!(
                "key:    {}\nsecret: {secret}\nscopes: {}\nendpoint: {}/xapi/",
                credential.key,
                scopes.join(" "),
                settings.public_url
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn backup(settings: &Settings, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    if settings.database_url.starts_with("postgres") {
        println!(
            "This instance uses PostgreSQL. Back it up with PostgreSQL's own tools, for example:\n  pg_dump --format=custom --file={} '{}'\nand restore with pg_restore. For point-in-time recovery, archive the WAL (see docs/operations.md).",
            file.display(),
            redact(&settings.database_url)
        );
        return Ok(ExitCode::SUCCESS);
    }
    if file.exists() {
        bail!("{} already exists; choose a new file", file.display());
    }
    let store = open(settings).await?;
    let path = file
        .to_str()
        .context("the backup path must be valid UTF-8")?;
    store
        .backup_to(path)
        .await
        .with_context(|| format!("backup to {} failed", file.display()))?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "backed up {} to {} ({size} bytes)",
        settings.database_url,
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

async fn check(settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut ok = true;
    println!(
        "configuration: ok (database {}, listen {}, public URL {})",
        redact(&settings.database_url),
        settings.listen,
        settings.public_url
    );
    match (builtin_framework(), builtin_lessons()) {
        (Ok(f), Ok(l)) => println!(
            "built-in content: ok ({} competences, {} lessons)",
            f.competence_count(),
            l.len()
        ),
        (Err(e), _) => {
            ok = false;
            println!("built-in content: framework invalid: {e}");
        }
        (_, Err(e)) => {
            ok = false;
            println!("built-in content: lessons invalid: {e}");
        }
    }
    match Store::connect(&settings.database_url, 1).await {
        Ok(store) => {
            store.ping().await?;
            let pending = store.pending_migrations().await?;
            if pending == 0 {
                println!(
                    "database: ok ({}, migrations up to date)",
                    store.backend_name()
                );
            } else {
                println!(
                    "database: reachable ({}), {pending} migration(s) pending: run `suyang migrate`",
                    store.backend_name()
                );
            }
        }
        Err(e) => {
            ok = false;
            println!("database: cannot connect: {e}");
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Stores `count` synthetic statements, `batch` at a time with a few batches in flight (so the
/// writer groups them as it groups concurrent requests), with a progress bar.
async fn generate(settings: &Settings, count: u64, batch: usize) -> anyhow::Result<ExitCode> {
    use suyang_xapi::{Version, sample, statement::prepare};
    if batch == 0 {
        bail!("--batch must be at least 1");
    }
    let store = open(settings).await?;
    let now = OffsetDateTime::now_utc();
    let org = store
        .ensure_organisation("default", "默认机构", now)
        .await?;
    let authority = serde_json::json!({
        "objectType": "Agent",
        "name": "suyang lrs generate",
        "account": { "homePage": settings.public_url, "name": "generator" },
    });
    // Statements happened one a second up to now.
    let start = now - time::Duration::seconds(count as i64);
    let bar =
        indicatif::ProgressBar::new(count).with_style(indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} statements, {per_sec}, {eta} left",
        )?);
    let mut in_flight = tokio::task::JoinSet::new();
    let mut n = 0;
    while n < count {
        let end = (n + batch as u64).min(count);
        let stored = OffsetDateTime::now_utc();
        let rows = (n..end)
            .map(|i| {
                prepare(
                    sample::statement(start, i),
                    None,
                    &authority,
                    stored,
                    Version::V2_0_0,
                )
                .map(suyang_web::record::row_of)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let store = store.clone();
        let org = org.id;
        in_flight.spawn(async move { store.insert_statements(org, &rows, |_, _| true).await });
        if in_flight.len() >= 4
            && let Some(done) = in_flight.join_next().await
        {
            bar.inc(done??.len() as u64);
        }
        n = end;
    }
    while let Some(done) = in_flight.join_next().await {
        bar.inc(done??.len() as u64);
    }
    bar.finish();
    store.refresh_statement_statistics().await?;
    println!("stored {} statements", bar.position());
    Ok(ExitCode::SUCCESS)
}
