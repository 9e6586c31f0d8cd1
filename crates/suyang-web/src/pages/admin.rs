use askama::Template;
use axum::response::{IntoResponse, Response};
use suyang_domain::account::Role;

use crate::ctx::{Ctx, PageCtx};
use crate::errors::PageError;
use crate::pages::html;
use crate::services;

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    page: PageCtx,
    users: Vec<(String, String, String, String)>,
    audit: Vec<(String, String, String, String)>,
    endpoint: String,
    /// (name, key, scopes, revoked)
    credentials: Vec<(String, String, String, bool)>,
    scopes: &'static [&'static str],
    /// (key, secret) of a credential just created: shown once.
    created: Option<(String, String)>,
}

/// People, LRS credentials and the audit log, for organisation admins. Every visit is audited.
pub async fn show(ctx: Ctx) -> Result<Response, PageError> {
    render(&ctx, None).await
}

async fn render(ctx: &Ctx, created: Option<(String, String)>) -> Result<Response, PageError> {
    let admin = ctx.require_role(Role::OrgAdmin)?;
    let scope = if admin.role == Role::PlatformAdmin {
        None
    } else {
        Some(admin.org_id)
    };
    services::audit(
        &ctx.state,
        Some(admin),
        "admin.view",
        Some("users,audit".into()),
        None,
        ctx.now,
    )
    .await?;
    let tr = ctx.tr();
    let users = ctx
        .state
        .store
        .list_users(scope, 200, 0)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.login,
                u.display_name,
                tr.t(&format!("role-{}", u.role.key())),
                u.created_at.date().to_string(),
            )
        })
        .collect();
    let audit = ctx
        .state
        .store
        .audit_log(100, 0)
        .await?
        .into_iter()
        .filter(|e| scope.is_none() || e.org_id == scope)
        .map(|e| {
            (
                e.at.date().to_string()
                    + " "
                    + &e.at.time().to_string()[..8.min(e.at.time().to_string().len())],
                e.actor,
                e.action,
                e.target.unwrap_or_default(),
            )
        })
        .collect();
    let credentials = ctx
        .state
        .store
        .lrs_credentials(scope)
        .await?
        .into_iter()
        .map(|c| (c.name, c.key, c.scopes.join(" "), c.revoked_at.is_some()))
        .collect();
    html(&AdminPage {
        page: ctx.page(tr.t("admin-title")),
        users,
        audit,
        endpoint: format!("{}/xapi/", ctx.state.config.public_url),
        credentials,
        scopes: &crate::xapi::SCOPES,
        created,
    })
}

/// Creates an LRS credential for the admin's organisation; the secret is shown once.
pub async fn create_credential(
    ctx: Ctx,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
    ctx.check_csrf(get("csrf"))?;
    let admin = ctx.require_role(Role::OrgAdmin)?;
    let name = get("name").unwrap_or("").trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(PageError::BadRequest("error-name-required"));
    }
    let scopes: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "scope")
        .map(|(_, v)| v.clone())
        .collect();
    if scopes.is_empty()
        || scopes
            .iter()
            .any(|s| !crate::xapi::SCOPES.contains(&s.as_str()))
    {
        return Err(PageError::BadRequest("error-scope-invalid"));
    }
    let (credential, secret) =
        crate::xapi::create_credential(&ctx.state.store, admin.org_id, name, &scopes, ctx.now)
            .await?;
    services::audit(
        &ctx.state,
        Some(admin),
        "lrs.credential.add",
        Some(credential.key.clone()),
        Some(serde_json::json!({ "scopes": scopes })),
        ctx.now,
    )
    .await?;
    render(&ctx, Some((credential.key, secret))).await
}

/// Revokes a credential of the admin's organisation.
pub async fn revoke_credential(
    ctx: Ctx,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
    ctx.check_csrf(get("csrf"))?;
    let admin = ctx.require_role(Role::OrgAdmin)?;
    let scope = if admin.role == Role::PlatformAdmin {
        None
    } else {
        Some(admin.org_id)
    };
    let key = get("key").unwrap_or("");
    if !ctx
        .state
        .store
        .revoke_lrs_credential(scope, key, ctx.now)
        .await?
    {
        return Err(PageError::NotFound);
    }
    ctx.state.forget_lrs_credentials();
    services::audit(
        &ctx.state,
        Some(admin),
        "lrs.credential.revoke",
        Some(key.to_string()),
        None,
        ctx.now,
    )
    .await?;
    Ok(axum::response::Redirect::to("/admin").into_response())
}
