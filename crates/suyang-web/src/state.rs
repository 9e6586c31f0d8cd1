use std::sync::{Arc, RwLock};
use std::time::Duration;

use suyang_domain::content;
use suyang_domain::event::Iris;
use suyang_domain::framework::Framework;
use suyang_domain::lesson::Lesson;
use suyang_domain::region::Regions;
use suyang_store::{LrsCredential, Store, StoreError, StoredFramework};
use time::OffsetDateTime;
use uuid::Uuid;

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The URL people reach the platform at; used for IRIs, CASE URIs and cookie security.
    pub public_url: String,
    /// Mark cookies `Secure` (on whenever the public URL is https).
    pub secure_cookies: bool,
    pub session_days: i64,
    pub max_body_bytes: usize,
    /// Argon2 memory cost in KiB (OWASP minimum 19 MiB).
    pub argon2_memory_kib: u32,
    /// Requests per second one LRS credential may make (bursts up to twice that).
    pub lrs_rate_per_second: u32,
    /// The xAPI version requests that name none are answered in (2.0.0 unless a deployment
    /// serves only 1.0.3 clients).
    pub lrs_default_version: suyang_xapi::Version,
}

impl WebConfig {
    pub fn new(public_url: &str) -> WebConfig {
        WebConfig {
            public_url: public_url.trim_end_matches('/').to_string(),
            secure_cookies: public_url.starts_with("https://"),
            session_days: 14,
            max_body_bytes: 2 * 1024 * 1024,
            argon2_memory_kib: 19 * 1024,
            lrs_rate_per_second: 10_000,
            lrs_default_version: suyang_xapi::Version::V2_0_0,
        }
    }
}

/// Frameworks and lessons held in memory: read on every page, changed rarely.
#[derive(Debug, Default)]
pub struct Catalog {
    pub frameworks: Vec<StoredFramework>,
    pub lessons: Vec<Lesson>,
    pub revision: i64,
    /// Rendered HTML fragments that depend only on this catalogue and a locale (the framework
    /// browser's body). Dropped with the catalogue when it is refreshed.
    pub fragments:
        std::sync::Mutex<std::collections::HashMap<(Uuid, suyang_domain::lang::Locale), Arc<str>>>,
}

impl Catalog {
    /// The framework learners assess against: the built-in one, else the first.
    pub fn primary(&self) -> Option<&StoredFramework> {
        self.frameworks
            .iter()
            .find(|f| f.builtin)
            .or(self.frameworks.first())
    }

    pub fn framework(&self, id: Uuid) -> Option<&StoredFramework> {
        self.frameworks.iter().find(|f| f.framework.id == id)
    }

    pub fn lesson(&self, slug: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.slug == slug)
    }

    pub fn primary_framework(&self) -> Option<&Framework> {
        self.primary().map(|f| &f.framework)
    }
}

pub struct Inner {
    pub store: Store,
    pub config: WebConfig,
    pub catalog: RwLock<Arc<Catalog>>,
    pub regions: Regions,
    pub secret: Vec<u8>,
    pub default_org: Uuid,
    pub iris: Iris,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// Token buckets of LRS credentials: key → (tokens, last refill).
    pub lrs_buckets: std::sync::Mutex<std::collections::HashMap<String, (f64, std::time::Instant)>>,
    /// LRS credentials recently looked up: key → (credential, when read). Saves a query on
    /// every xAPI request; revocation here clears it, elsewhere takes effect within
    /// [`CREDENTIAL_TTL`].
    pub lrs_credentials:
        std::sync::Mutex<std::collections::HashMap<String, (LrsCredential, std::time::Instant)>>,
}

/// How long a looked-up LRS credential is trusted without reading it again.
pub const CREDENTIAL_TTL: Duration = Duration::from_secs(5);

/// Shared application state.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Prepares a migrated store for serving: built-in content loaded (idempotently), the
    /// default organisation and the shared secret in place, the catalogue cached.
    pub async fn init(
        store: Store,
        config: WebConfig,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    ) -> anyhow::Result<AppState> {
        let now = OffsetDateTime::now_utc();
        crate::services::load_builtin_content(&store, now).await?;
        let org = store
            .ensure_organisation("default", "默认机构", now)
            .await?;
        let fresh = crate::security::random_token();
        let secret = store.setting_or_insert("csrf_secret", &fresh).await?;
        tokio::task::spawn_blocking(|| {
            crate::security::decoy_hash();
        })
        .await?;
        let (p, c, a) = content::region_tables()?;
        let state = AppState(Arc::new(Inner {
            store,
            iris: Iris::new(&config.public_url),
            config,
            catalog: RwLock::new(Arc::new(Catalog::default())),
            regions: Regions::from_csv(&p, &c, &a),
            secret: secret.into_bytes(),
            default_org: org.id,
            metrics,
            lrs_buckets: Default::default(),
            lrs_credentials: Default::default(),
        }));
        state.refresh_catalog().await?;
        Ok(state)
    }

    /// The LRS credential with this key, from the cache when it was read recently.
    pub async fn lrs_credential(&self, key: &str) -> Result<Option<LrsCredential>, StoreError> {
        let now = std::time::Instant::now();
        if let Ok(cache) = self.lrs_credentials.lock()
            && let Some((credential, read)) = cache.get(key)
            && now.duration_since(*read) < CREDENTIAL_TTL
        {
            return Ok(Some(credential.clone()));
        }
        let found = self.store.lrs_credential_by_key(key).await?;
        if let (Some(c), Ok(mut cache)) = (&found, self.lrs_credentials.lock()) {
            // Unknown keys are not cached, so guessing cannot fill the cache.
            if cache.len() > 10_000 {
                cache.clear();
            }
            cache.insert(key.to_string(), (c.clone(), now));
        }
        Ok(found)
    }

    /// Forgets cached LRS credentials (after one was revoked).
    pub fn forget_lrs_credentials(&self) {
        if let Ok(mut cache) = self.lrs_credentials.lock() {
            cache.clear();
        }
    }

    /// Takes one request from a credential's token bucket; false when it is empty.
    pub fn lrs_allow(&self, key: &str) -> bool {
        let rate = f64::from(self.config.lrs_rate_per_second.max(1));
        let burst = rate * 2.0;
        let now = std::time::Instant::now();
        let Ok(mut buckets) = self.lrs_buckets.lock() else {
            return true;
        };
        let (tokens, last) = buckets.entry(key.to_string()).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog
            .read()
            .map(|c| Arc::clone(&c))
            .unwrap_or_default()
    }

    /// Reloads frameworks and lessons from the database.
    pub async fn refresh_catalog(&self) -> Result<(), suyang_store::StoreError> {
        let revision = self.store.frameworks_revision().await?;
        let frameworks = self.store.frameworks().await?;
        let lessons = self.store.lessons().await?;
        if let Ok(mut slot) = self.catalog.write() {
            *slot = Arc::new(Catalog {
                frameworks,
                lessons,
                revision,
                fragments: Default::default(),
            });
        }
        Ok(())
    }

    /// Keeps the cache in step with imports made by other servers sharing the database.
    pub(crate) fn spawn_refresher(&self) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            for round in 0u64.. {
                tick.tick().await;
                if round % 120 == 0 {
                    let now = OffsetDateTime::now_utc();
                    let _ = state.store.prune(now, now - time::Duration::days(1)).await;
                }
                if let Ok(rev) = state.store.frameworks_revision().await
                    && rev != state.catalog().revision
                    && let Err(e) = state.refresh_catalog().await
                {
                    tracing::warn!(error = %e, "catalogue refresh failed");
                }
            }
        })
    }
}
