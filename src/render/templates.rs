//! The built-in templates, embedded in the binary.

/// (name, source) of every built-in template. A test checks this table against `templates/` on
/// disk, so a new template file cannot be forgotten here.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("DEPLOY-vendor.md.tera", include_str!("../../templates/DEPLOY-vendor.md.tera")),
    ("DEPLOY.md.tera", include_str!("../../templates/DEPLOY.md.tera")),
    ("cli/deploy.sh.tera", include_str!("../../templates/cli/deploy.sh.tera")),
    ("cloudformation/_policy.yaml.tera", include_str!("../../templates/cloudformation/_policy.yaml.tera")),
    ("cloudformation/hub.yaml.tera", include_str!("../../templates/cloudformation/hub.yaml.tera")),
    ("cloudformation/role.yaml.tera", include_str!("../../templates/cloudformation/role.yaml.tera")),
    ("terraform/_policy.tf.tera", include_str!("../../templates/terraform/_policy.tf.tera")),
    ("terraform/hub.tf.tera", include_str!("../../templates/terraform/hub.tf.tera")),
    ("terraform/members.tf.tera", include_str!("../../templates/terraform/members.tf.tera")),
    ("terraform/modules/role/main.tf.tera", include_str!("../../templates/terraform/modules/role/main.tf.tera")),
    (
        "terraform/modules/role/member-variables.tf.tera",
        include_str!("../../templates/terraform/modules/role/member-variables.tf.tera"),
    ),
    ("terraform/modules/role/outputs.tf.tera", include_str!("../../templates/terraform/modules/role/outputs.tf.tera")),
    (
        "terraform/modules/role/vendor-variables.tf.tera",
        include_str!("../../templates/terraform/modules/role/vendor-variables.tf.tera"),
    ),
    (
        "terraform/modules/role/versions.tf.tera",
        include_str!("../../templates/terraform/modules/role/versions.tf.tera"),
    ),
    ("terraform/outputs.tf.tera", include_str!("../../templates/terraform/outputs.tf.tera")),
    ("terraform/providers.tf.tera", include_str!("../../templates/terraform/providers.tf.tera")),
    ("terraform/variables.tf.tera", include_str!("../../templates/terraform/variables.tf.tera")),
    ("terraform/vendor/main.tf.tera", include_str!("../../templates/terraform/vendor/main.tf.tera")),
    ("terraform/vendor/outputs.tf.tera", include_str!("../../templates/terraform/vendor/outputs.tf.tera")),
    ("terraform/vendor/variables.tf.tera", include_str!("../../templates/terraform/vendor/variables.tf.tera")),
    ("terraform/versions.tf.tera", include_str!("../../templates/terraform/versions.tf.tera")),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::filters::APPROVED;
    use std::path::Path;

    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                out.push(path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }

    #[test]
    fn builtin_table_matches_the_templates_directory() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut on_disk = Vec::new();
        walk(&base, &base, &mut on_disk);
        on_disk.sort();
        let table: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(table, on_disk);
    }

    #[test]
    fn every_interpolation_ends_in_a_quoting_filter() {
        for (name, src) in BUILTIN {
            let mut rest = *src;
            while let Some(start) = rest.find("{{") {
                let end = rest[start..].find("}}").map(|e| start + e).expect("unclosed {{");
                let inner = rest[start + 2..end].trim();
                let last = inner.rsplit('|').next().unwrap().trim();
                assert!(
                    inner.contains('|') && APPROVED.contains(&last),
                    "{name}: `{{{{ {inner} }}}}` must end in one of {APPROVED:?}"
                );
                rest = &rest[end + 2..];
            }
        }
    }
}
