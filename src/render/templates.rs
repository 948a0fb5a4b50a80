//! The built-in templates, embedded in the binary.

/// (name, source) of every built-in template. A test checks this table against `templates/` on
/// disk, so a new template file cannot be forgotten here.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("DEPLOY-hub-and-spoke.md.tera", include_str!("../../templates/DEPLOY-hub-and-spoke.md.tera")),
    ("DEPLOY-single-account.md.tera", include_str!("../../templates/DEPLOY-single-account.md.tera")),
    ("DEPLOY-vendor-role.md.tera", include_str!("../../templates/DEPLOY-vendor-role.md.tera")),
    ("_access.md.tera", include_str!("../../templates/_access.md.tera")),
    ("cli/deploy.sh.tera", include_str!("../../templates/cli/deploy.sh.tera")),
    ("cloudformation/_group.yaml.tera", include_str!("../../templates/cloudformation/_group.yaml.tera")),
    ("cloudformation/_policy.yaml.tera", include_str!("../../templates/cloudformation/_policy.yaml.tera")),
    ("cloudformation/hub-user.yaml.tera", include_str!("../../templates/cloudformation/hub-user.yaml.tera")),
    ("cloudformation/hub.yaml.tera", include_str!("../../templates/cloudformation/hub.yaml.tera")),
    ("cloudformation/role.yaml.tera", include_str!("../../templates/cloudformation/role.yaml.tera")),
    ("cloudformation/stackset.yaml.tera", include_str!("../../templates/cloudformation/stackset.yaml.tera")),
    ("init/config.yaml.tera", include_str!("../../templates/init/config.yaml.tera")),
    ("terraform/_group.tf.tera", include_str!("../../templates/terraform/_group.tf.tera")),
    ("terraform/_policy.tf.tera", include_str!("../../templates/terraform/_policy.tf.tera")),
    ("terraform/hub.tf.tera", include_str!("../../templates/terraform/hub.tf.tera")),
    ("terraform/member-root/main.tf.tera", include_str!("../../templates/terraform/member-root/main.tf.tera")),
    ("terraform/member-root/outputs.tf.tera", include_str!("../../templates/terraform/member-root/outputs.tf.tera")),
    (
        "terraform/member-root/providers.tf.tera",
        include_str!("../../templates/terraform/member-root/providers.tf.tera"),
    ),
    (
        "terraform/member-root/variables.tf.tera",
        include_str!("../../templates/terraform/member-root/variables.tf.tera"),
    ),
    ("terraform/members.sh.tera", include_str!("../../templates/terraform/members.sh.tera")),
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
    ("terraform/stackset.tf.tera", include_str!("../../templates/terraform/stackset.tf.tera")),
    ("terraform/variables.tf.tera", include_str!("../../templates/terraform/variables.tf.tera")),
    ("terraform/vendor/main.tf.tera", include_str!("../../templates/terraform/vendor/main.tf.tera")),
    ("terraform/vendor/outputs.tf.tera", include_str!("../../templates/terraform/vendor/outputs.tf.tera")),
    ("terraform/vendor/variables.tf.tera", include_str!("../../templates/terraform/vendor/variables.tf.tera")),
    ("terraform/versions.tf.tera", include_str!("../../templates/terraform/versions.tf.tera")),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn builtin_table_matches_the_templates_directory() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut on_disk: Vec<String> =
            crate::render::overrides::files_under(&base).unwrap().into_iter().map(|(n, _)| n).collect();
        on_disk.sort();
        let table: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(table, on_disk);
    }

    /// Where an interpolation lands, worked out from the text before it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Context {
        YamlValue,
        HclValue,
        HclString,
        ShellWord,
        ShellDoubleQuoted,
        /// Text after `#` in YAML, HCL or shell.
        LineComment,
        MarkdownText,
        /// A Markdown autolink `<...>`.
        MarkdownLink,
        /// A command in a Markdown code span: a shell word that holds no backtick.
        MarkdownCommand,
        /// The body of a fenced block that is not shell or HCL (a Mermaid diagram).
        FencedCode,
    }

    /// The filters made for each context: an interpolation must end in one of them. `int` (an
    /// integer's digits) is safe in every context.
    fn made_for(ctx: Context) -> &'static [&'static str] {
        match ctx {
            Context::YamlValue => &["yaml_str", "yaml_block", "yaml_items", "yaml_long_list", "cfn_id", "int"],
            Context::HclValue => &["hcl_str", "hcl_items", "tf_ident", "int"],
            Context::HclString => &["hcl_inner", "int"],
            Context::ShellWord => &["sh_str", "sh_var", "sh_regex", "int"],
            Context::ShellDoubleQuoted => &["sh_dq", "sh_var", "sh_token", "int"],
            Context::LineComment => &["comment", "hcl_comment", "int"],
            Context::MarkdownText => &["md_text", "md_code", "int"],
            Context::MarkdownLink => &["md_link"],
            Context::MarkdownCommand => &["sh_str", "sh_var", "int"],
            Context::FencedCode => &["md_fenced"],
        }
    }

    /// Template tags removed, so only the text the output will have is looked at.
    fn output_text(line: &str) -> String {
        let mut out = String::new();
        let mut rest = line;
        while let Some(i) = rest.find("{%") {
            out.push_str(&rest[..i]);
            rest = rest[i..].find("%}").map_or("", |j| &rest[i + j + 2..]);
        }
        out.push_str(rest);
        out
    }

    /// The language of a file, or of the fenced block a Markdown line is in.
    fn language(name: &str, before: &str) -> &'static str {
        if name.ends_with(".yaml.tera") {
            return "yaml";
        }
        if name.ends_with(".tf.tera") {
            return "hcl";
        }
        if name.ends_with(".sh.tera") {
            return "sh";
        }
        let mut lang = "md";
        for l in before.lines().map(str::trim_start).filter(|l| l.starts_with("```")) {
            lang = match (lang, &l[3..]) {
                ("md", "sh" | "console" | "bash") => "sh",
                ("md", "hcl" | "terraform") => "hcl",
                ("md", _) => "code",
                _ => "md",
            };
        }
        lang
    }

    /// Whether the end of `line` is inside double quotes, and whether it is after a `#` that starts
    /// a comment (outside quotes, at the start or after a space).
    fn quotes_and_comment(line: &str) -> (bool, bool) {
        let (mut quoted, mut escaped, mut prev) = (false, false, ' ');
        for c in line.chars() {
            match c {
                '\\' if quoted => escaped = !escaped,
                '"' if !escaped => quoted = !quoted,
                '#' if !quoted && prev.is_whitespace() => return (false, true),
                _ => escaped = false,
            }
            prev = c;
        }
        (quoted, false)
    }

    fn context(name: &str, src: &str, at: usize) -> Context {
        let before = &src[..at];
        let line = output_text(&before[before.rfind('\n').map_or(0, |i| i + 1)..]);
        let (in_quotes, commented) = quotes_and_comment(&line);
        let lang = language(name, before);
        // Code spans may run over lines, not over paragraphs.
        let paragraph = output_text(&before[before.rfind("\n\n").map_or(0, |i| i + 2)..]);
        let code_span = lang == "md" && paragraph.matches('`').count() % 2 == 1;
        match lang {
            "yaml" | "hcl" | "sh" if commented => Context::LineComment,
            "yaml" => Context::YamlValue,
            "hcl" if in_quotes => Context::HclString,
            "hcl" => Context::HclValue,
            "sh" if in_quotes => Context::ShellDoubleQuoted,
            "sh" => Context::ShellWord,
            "code" => Context::FencedCode,
            _ if code_span => Context::MarkdownCommand,
            _ if line.ends_with('<') => Context::MarkdownLink,
            _ => Context::MarkdownText,
        }
    }

    /// Every `{{ … }}` ends in a filter made for the context it lands in (a YAML value, an HCL
    /// string, a shell word inside double quotes, a comment, Markdown, ...), so no value reaches
    /// the output escaped for another language.
    #[test]
    fn every_interpolation_ends_in_a_filter_made_for_its_context() {
        let mut wrong = Vec::new();
        for (name, src) in BUILTIN {
            let mut from = 0;
            while let Some(start) = src[from..].find("{{").map(|i| from + i) {
                let end = src[start..].find("}}").map(|e| start + e).expect("unclosed {{");
                let inner = src[start + 2..end].trim();
                let last = inner.rsplit('|').next().unwrap().split('(').next().unwrap().trim();
                let ctx = context(name, src, start);
                if !inner.contains('|') || !made_for(ctx).contains(&last) {
                    wrong.push(format!(
                        "{name}: `{{{{ {inner} }}}}` is in {ctx:?}: end it in one of {:?}",
                        made_for(ctx)
                    ));
                }
                from = end + 2;
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn contexts_are_recognised() {
        let at = |src: &str| src.find("{{").unwrap();
        let c = |name: &str, src: &str| context(name, src, at(src));
        assert_eq!(c("a.tf.tera", "x = {{ v | hcl_str }}"), Context::HclValue);
        assert_eq!(c("a.tf.tera", "x = \"Each {{ v | hcl_inner }}.\""), Context::HclString);
        assert_eq!(c("a.tf.tera", "# {{ v | hcl_comment }}"), Context::LineComment);
        assert_eq!(c("a.sh.tera", "echo \"{{ v | sh_dq }}\""), Context::ShellDoubleQuoted);
        assert_eq!(c("a.sh.tera", "aws {{ v | sh_str }}"), Context::ShellWord);
        assert_eq!(c("a.md.tera", "text {{ v | md_text }}"), Context::MarkdownText);
        assert_eq!(c("a.md.tera", "```sh\naws {{ v | sh_str }}"), Context::ShellWord);
        assert_eq!(c("a.md.tera", "```sh\n```\n{{ v | md_text }}"), Context::MarkdownText);
        assert_eq!(c("a.md.tera", "<{{ v | md_link }}>"), Context::MarkdownLink);
        assert_eq!(c("a.md.tera", "run `aws {{ v | sh_str }}`"), Context::MarkdownCommand);
        assert_eq!(c("a.tf.tera", "# \"{{ v | comment }}\""), Context::LineComment);
        assert_eq!(c("a.sh.tera", "echo \"a # b {{ v | sh_dq }}\""), Context::ShellDoubleQuoted);
        assert_eq!(c("a.yaml.tera", "  Key: {{ v | yaml_str }} # {% if x %}"), Context::YamlValue);
    }
}
