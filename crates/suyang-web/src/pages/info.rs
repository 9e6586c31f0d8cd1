use askama::Template;
use axum::response::Response;

use crate::ctx::{Ctx, PageCtx};
use crate::errors::PageError;
use crate::pages::html;

#[derive(Template)]
#[template(path = "info.html")]
struct InfoPage {
    page: PageCtx,
    sections: Vec<(String, String)>,
}

fn info(ctx: &Ctx, title: &str, prefix: &str, count: usize) -> Result<Response, PageError> {
    let tr = ctx.tr();
    let sections = (1..=count)
        .map(|i| {
            (
                tr.t(&format!("{prefix}-{i}-title")),
                tr.t(&format!("{prefix}-{i}-text")),
            )
        })
        .collect();
    html(&InfoPage {
        page: ctx.page(tr.t(title)),
        sections,
    })
}

pub async fn accessibility(ctx: Ctx) -> Result<Response, PageError> {
    info(&ctx, "nav-accessibility", "a11y", 4)
}

pub async fn privacy(ctx: Ctx) -> Result<Response, PageError> {
    info(&ctx, "nav-privacy", "privacy", 5)
}
