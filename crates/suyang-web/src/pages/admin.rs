use askama::Template;
use axum::response::Response;
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
}

/// People and the audit log, for organisation admins. Every visit is itself audited.
pub async fn show(ctx: Ctx) -> Result<Response, PageError> {
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
    html(&AdminPage {
        page: ctx.page(tr.t("admin-title")),
        users,
        audit,
    })
}
