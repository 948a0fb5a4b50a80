//! The vendor, its ExternalIds and the console's quick-create link.

use serde::Serialize;

use super::policy::external_id_param;
use crate::model::vendor::{ExternalIds, Vendor};

/// The vendor of a vendor role; empty otherwise.
#[derive(Serialize, Default)]
pub(crate) struct VendorView {
    title: String,
    account: String,
    /// How many ExternalIds the trust accepts (0 when opted out).
    id_count: i64,
    /// CloudFormation parameter names of the ExternalIds.
    id_params: Vec<String>,
    ids_known: bool,
    ids_generated: bool,
    ids_at_deploy: bool,
    opted_out: bool,
    require_mfa: bool,
    has_org: bool,
    org_id: String,
    has_template_url: bool,
    quick_create_link: String,
}

/// The console's quick-create link for the published template.
fn quick_create_link(v: &Vendor, url: &str, stack: &str) -> String {
    let mut link = format!(
        "https://console.aws.amazon.com/cloudformation/home#/stacks/create/review?templateURL={}&stackName={}",
        percent_encode(url),
        percent_encode(stack)
    );
    if let ExternalIds::Known { ids, .. } = &v.external_ids {
        for (i, id) in ids.iter().enumerate() {
            link.push_str(&format!("&param_{}={}", external_id_param(i), percent_encode(id)));
        }
    }
    link
}

/// RFC 3986: everything but the unreserved characters is percent-encoded.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) const VENDOR_STACK: &str = "crossrole-vendor";

pub(crate) fn vendor_view(v: &Vendor) -> VendorView {
    VendorView {
        title: v.title.clone(),
        account: v.account.to_string(),
        id_count: i64::try_from(v.external_ids.count()).unwrap_or(i64::MAX),
        id_params: (0..v.external_ids.count()).map(external_id_param).collect(),
        ids_known: matches!(v.external_ids, ExternalIds::Known { .. }),
        ids_generated: matches!(v.external_ids, ExternalIds::Known { generated: true, .. }),
        ids_at_deploy: v.external_ids == ExternalIds::AtDeploy,
        opted_out: v.external_ids == ExternalIds::OptedOut,
        require_mfa: v.require_mfa,
        has_org: v.org_id.is_some(),
        org_id: v.org_id.clone().unwrap_or_default(),
        has_template_url: v.template_url.is_some(),
        quick_create_link: v.template_url.as_deref().map(|u| quick_create_link(v, u, VENDOR_STACK)).unwrap_or_default(),
    }
}
