//! Where each part of the site is published: page paths below the site's root, and full
//! addresses when the base URL has a host.

use super::{Action, Inspection, Milestone, Page, Plan, PriorityArea, Report, Site};
use crate::routes::slugify;

pub fn plan_url(plan: &Plan) -> String {
    format!("plans/{}/", plan.slug)
}

/// The plan printed whole for a committee: a page Waymark makes beside the plan's own.
pub fn committee_pack_url(plan: &Plan) -> String {
    format!("plans/{}/committee-pack/", plan.slug)
}

pub fn area_url(plan: &Plan, area: &PriorityArea) -> String {
    format!("plans/{}/{}/", plan.slug, area.slug)
}

pub fn action_url(plan: &Plan, action: &Action) -> String {
    format!("plans/{}/actions/{}/", plan.slug, action.slug)
}

pub fn inspection_url(i: &Inspection) -> String {
    format!("inspections/{}/", slugify(&i.id))
}

/// A milestone's place on the timeline page.
pub fn milestone_url(m: &Milestone) -> String {
    format!("inspections/#{}", m.anchor)
}

pub fn report_url(r: &Report) -> String {
    format!("reports/{}/", r.slug)
}

pub fn page_url(p: &Page) -> String {
    format!("{}/", p.slug)
}

/// A base URL with a scheme and host. Feed readers and search engines need full
/// addresses; a base URL of only a path (`/`) cannot give them.
pub fn is_full_address(base_url: &str) -> bool {
    let lower = base_url.to_ascii_lowercase();
    ["https://", "http://"]
        .iter()
        .any(|s| lower.starts_with(s) && lower.len() > s.len() + 1)
}

/// The address of a page: full when the base URL is, otherwise from the site's root path.
pub fn page_address(site: &Site, path: &str) -> String {
    format!("{}{}", site.config.base_url, path)
}

/// A page's full address, when the base URL allows one.
pub fn full_address(site: &Site, path: &str) -> Option<String> {
    is_full_address(&site.config.base_url).then(|| page_address(site, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_scheme_and_host_make_a_full_address() {
        assert!(is_full_address("https://example.gov.uk/improvement/"));
        assert!(is_full_address("HTTP://x.org/"));
        assert!(!is_full_address("/"));
        assert!(!is_full_address("/improvement/"));
        assert!(!is_full_address("https:///"));
    }
}
