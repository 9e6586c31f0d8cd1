//! Markdown to safe HTML: rendered with pulldown-cmark, then sanitised with ammonia so that no
//! script, event handler or foreign embed survives, whatever the source.

use pulldown_cmark::{Options, Parser, html};

pub fn render(source: &str) -> String {
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut out = String::with_capacity(source.len() * 2);
    html::push_html(&mut out, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["https", "http", "mailto", "tel"].into_iter().collect())
        .clean(&out)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_sanitises() {
        assert!(render("## 怎么做\n\n1. 打开**设置**").contains("<h2>怎么做</h2>"));
        let dirty = render("<script>alert(1)</script><a href=\"javascript:x\" onclick=\"y\">z</a>");
        assert!(
            !dirty.contains("<script")
                && !dirty.contains("javascript:")
                && !dirty.contains("onclick")
        );
    }

    proptest::proptest! {
        #[test]
        fn never_emits_script(s in "\\PC{0,300}") {
            let out = render(&s);
            proptest::prop_assert!(!out.to_lowercase().contains("<script"));
        }
    }
}
