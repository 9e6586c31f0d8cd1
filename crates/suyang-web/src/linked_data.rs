//! What search engines and OER aggregators read: schema.org `LearningResource` JSON-LD for
//! lesson pages (LRMI), `sitemap.xml` and `robots.txt`.

use serde_json::{Value, json};
use suyang_domain::framework::Level;
use suyang_domain::lang::Locale;
use suyang_domain::lesson::Lesson;

use crate::state::AppState;

/// The canonical URL of a licence by its SPDX identifier, where we know it.
fn licence_url(spdx: &str) -> Option<&'static str> {
    match spdx {
        "CC-BY-4.0" => Some("https://creativecommons.org/licenses/by/4.0/"),
        "CC-BY-SA-4.0" => Some("https://creativecommons.org/licenses/by-sa/4.0/"),
        "CC0-1.0" => Some("https://creativecommons.org/publicdomain/zero/1.0/"),
        _ => None,
    }
}

/// schema.org `LearningResource` for a lesson, in the page's language.
pub fn lesson(state: &AppState, lesson: &Lesson, locale: Locale) -> Value {
    let url = format!("{}/lessons/{}", state.config.public_url, lesson.slug);
    let catalog = state.catalog();
    let competence = catalog
        .primary_framework()
        .and_then(|f| f.competence_by_code(&lesson.competence))
        .map(|(_, c)| c.name.get(locale).to_string())
        .unwrap_or_else(|| lesson.competence.clone());
    let level = match lesson.level {
        Level::Basic => "basic",
        Level::Intermediate => "intermediate",
        Level::Advanced => "advanced",
    };
    json!({
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "@id": url,
        "url": url,
        "name": lesson.title.get(locale),
        "description": lesson.summary.get(locale),
        "inLanguage": lesson.body.0.keys().collect::<Vec<_>>(),
        "learningResourceType": "lesson",
        "educationalLevel": level,
        "timeRequired": format!("PT{}M", lesson.minutes),
        "teaches": {
            "@type": "DefinedTerm",
            "termCode": lesson.competence,
            "name": competence,
        },
        "audience": lesson.audiences.iter().map(|a| json!({
            "@type": "EducationalAudience",
            "audienceType": a,
        })).collect::<Vec<_>>(),
        "license": licence_url(&lesson.licence).unwrap_or(&lesson.licence),
        "isAccessibleForFree": true,
        "accessMode": ["textual"],
        "accessModeSufficient": [{"@type": "ItemList", "itemListElement": ["textual"]}],
        "accessibilityFeature": ["structuralNavigation", "readingOrder", "largePrint"],
        "accessibilityHazard": ["none"],
        "publisher": {"@type": "Organization", "name": "Suyang", "url": state.config.public_url},
    })
}

/// JSON for inside a `<script>` element: `<`, `>` and `&` escaped so that no text in it can
/// close the element.
pub fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The public pages: home, the framework and every lesson (sitemaps.org protocol).
pub fn sitemap(state: &AppState) -> String {
    let base = &state.config.public_url;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut add = |path: &str| {
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            xml_escape(&format!("{base}{path}"))
        ));
    };
    add("/");
    add("/framework");
    for lesson in &state.catalog().lessons {
        add(&format!("/lessons/{}", lesson.slug));
    }
    add("/accessibility");
    add("/privacy");
    xml.push_str("</urlset>\n");
    xml
}

/// Crawlers may read the public pages, not people's own.
pub fn robots(state: &AppState) -> String {
    format!(
        "User-agent: *\nDisallow: /me\nDisallow: /admin\nDisallow: /xapi/\nDisallow: /signin\nDisallow: /signup\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        state.config.public_url
    )
}

pub fn routes() -> axum::Router<AppState> {
    use axum::extract::State;
    use axum::http::header;
    use axum::response::IntoResponse;
    use axum::routing::get;
    /// A route answering `render(state)` as `content_type`.
    fn text(
        content_type: &'static str,
        render: fn(&AppState) -> String,
    ) -> axum::routing::MethodRouter<AppState> {
        get(async move |State(state): State<AppState>| {
            ([(header::CONTENT_TYPE, content_type)], render(&state)).into_response()
        })
    }
    axum::Router::new()
        .route(
            "/sitemap.xml",
            text("application/xml; charset=utf-8", sitemap),
        )
        .route("/robots.txt", text("text/plain; charset=utf-8", robots))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v = json!({"name": "</script><script>alert(1)</script> & more"});
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }

    #[test]
    fn xml_is_escaped() {
        assert_eq!(xml_escape("a&b<c>\"'"), "a&amp;b&lt;c&gt;&quot;&apos;");
    }
}
