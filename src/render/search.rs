//! The search index, made at build time: one entry per action, priority area, plan,
//! inspection or visit, report and page, each with its title, address, kind and a short
//! plain text. It is written as a script that assigns JSON, because browsers refuse to
//! fetch a JSON file from a page opened from disk (file://), and search must work there too.

use serde::Serialize;

use crate::model::addresses::{
    action_url, area_url, inspection_url, page_url, plan_url, report_url,
};
use crate::model::{Html, Site};
use crate::plain_text::{char_start, collapse, first_lines, one_line, shorten};
use crate::routes::Links;

pub const INDEX_PATH: &str = "search-index.js";

/// How much text an entry keeps: enough to find a page by its main words, small enough
/// that the whole index stays a light download.
const TEXT_CHARS: usize = 400;

/// The index as the script reads it: kinds once, then one row per page.
#[derive(Serialize)]
pub struct Index {
    pub kinds: Vec<String>,
    /// `[title, url, kind (index into kinds), text]`
    pub pages: Vec<(String, String, usize, String)>,
}

/// The kinds of entry: the site's kinds of inspection and visit between the plans' and
/// the writing's, so a declared kind is labelled as the site labels it.
fn kinds(site: &Site) -> Vec<String> {
    let s = &site.config.strings;
    let before = ["action", "priority_area", "action_plan"];
    let after = ["progress_report", "page"];
    let words = |keys: [&'static str; 3]| keys.into_iter().map(|k| s.get(k).to_string());
    words(before)
        .chain(site.config.kinds.iter().map(|k| k.label.clone()))
        .chain(after.into_iter().map(|k| s.get(k).to_string()))
        .collect()
}

fn kind(kinds: &[String], name: &str) -> usize {
    kinds
        .iter()
        .position(|k| k == name)
        .unwrap_or(kinds.len().saturating_sub(1))
}

/// Joins the parts that have words into one short text.
fn text(parts: &[&str]) -> String {
    let joined = parts
        .iter()
        .map(|p| collapse(p))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    shorten(&joined, TEXT_CHARS)
}

fn html(h: &Html) -> String {
    one_line(h)
}

/// A long body as one line, read only as far as an entry needs: its first lines are
/// exactly those of the whole, so when they hold more than TEXT_CHARS characters, [`text`]
/// keeps the same words as from the whole body. Only for the last part given to `text`.
fn opening(h: &Html) -> String {
    let start = first_lines(h, 2 * TEXT_CHARS).replace('\n', " ");
    if char_start(&start, TEXT_CHARS).is_some() {
        start
    } else {
        one_line(h)
    }
}

pub fn index(site: &Site, links: Links) -> Index {
    let kinds = kinds(site);
    let s = &site.config.strings;
    let mut pages = Vec::new();
    let mut add = |title: String, url: String, k: &str, body: String| {
        let url = match links {
            Links::Relative if url.is_empty() || url.ends_with('/') => format!("{url}index.html"),
            _ => url,
        };
        pages.push((title, url, kind(&kinds, k), body));
    };
    for plan in &site.plans {
        let intro = html(&plan.introduction);
        add(
            plan.title.clone(),
            plan_url(plan),
            s.get("action_plan"),
            text(&[plan.summary.as_deref().unwrap_or(""), &intro]),
        );
        for area in &plan.areas {
            let outcomes: Vec<String> = area.outcomes.iter().map(|o| html(&o.text)).collect();
            let mut parts = vec![area.summary.as_deref().unwrap_or("")];
            parts.extend(outcomes.iter().map(String::as_str));
            add(
                s.say(
                    "priority_area_title",
                    &[("number", &area.number.to_string()), ("title", &area.title)],
                ),
                area_url(plan, area),
                s.get("priority_area"),
                text(&parts),
            );
            for a in area.actions() {
                let what = html(&a.text);
                add(
                    s.say(
                        "search_action_title",
                        &[("id", &a.id), ("text", &shorten(&what, 90))],
                    ),
                    action_url(plan, a),
                    s.get("action"),
                    text(&[
                        &what,
                        a.responsible.as_deref().unwrap_or(""),
                        &html(&a.progress),
                        &html(&a.impact),
                    ]),
                );
            }
        }
    }
    for i in &site.inspections {
        add(
            i.title.clone(),
            inspection_url(i),
            i.kind.label(),
            text(&[
                i.summary.as_deref().unwrap_or(""),
                i.framework.as_deref().unwrap_or(""),
                &html(&i.headline),
                &html(&i.areas_covered),
                &opening(&i.body),
            ]),
        );
    }
    for r in &site.reports {
        add(
            r.title.clone(),
            report_url(r),
            s.get("progress_report"),
            text(&[
                r.summary.as_deref().unwrap_or(""),
                r.meeting.as_deref().unwrap_or(""),
                &opening(&r.body),
            ]),
        );
    }
    for p in &site.pages {
        add(
            p.title.clone(),
            page_url(p),
            s.get("page"),
            text(&[p.summary.as_deref().unwrap_or(""), &opening(&p.body)]),
        );
    }
    Index { kinds, pages }
}

/// The index as a script. `<` is escaped so no text in it can close a script element.
pub fn script(index: &Index) -> anyhow::Result<String> {
    let json = serde_json::to_string(index)?.replace('<', "\\u003c");
    Ok(format!("window.waymarkSearchIndex={json};\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_cannot_close_its_element() {
        let index = Index {
            kinds: vec!["Action".into()],
            pages: vec![("</script>".into(), "x/".into(), 0, "a < b".into())],
        };
        let js = script(&index).unwrap();
        assert!(!js.contains('<'));
        assert!(js.starts_with("window.waymarkSearchIndex={"));
    }

    proptest::proptest! {
        #[test]
        fn a_long_body_read_in_part_gives_the_same_text(
            body in "(<p>(word |&amp; |é |xxxxxxxxxxxxxx |<em>em</em>|  |\n){1,60}</p>\n|<ul>\n<li>a b</li>\n<li></li>\n</ul>\n|<p>-</p>\n|<br>|<table><tr><td>c</td><th>d</th></tr></table>\n){0,30}",
            summary in "(s |  ){0,5}",
        ) {
            let body = Html(std::sync::Arc::new(body));
            proptest::prop_assert_eq!(
                text(&[&summary, "", &opening(&body)]),
                text(&[&summary, "", &one_line(&body)])
            );
        }
    }
}
