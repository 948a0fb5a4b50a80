use super::hub_policy::Shape;
use super::policy::{Expr, Seg, Statement, Var, iam_arn};
use super::shared::sizing_env;
use super::*;
use crate::aws::quotas::{GROUP_INLINE, MANAGED_POLICY};
use crate::request::testing::request;

pub(super) fn catalog() -> Catalog {
    Catalog::embedded().unwrap()
}

pub(super) fn accounts(n: usize) -> String {
    (1..=n).map(|i| format!("{:012}", 100_000_000_000u64 + i as u64)).collect::<Vec<_>>().join(",")
}

/// The plan for a config and `emit` flags.
fn build_with(yaml: &str, flags: &[&str]) -> Result<Plan, Problems> {
    let (req, p) = request(yaml, flags);
    build(&catalog(), &req, p)
}

fn ok(yaml: &str) -> Plan {
    build_with(yaml, &[]).unwrap_or_else(|p| panic!("unexpected problems:\n{p}"))
}

fn problems(yaml: &str) -> Vec<String> {
    match build_with(yaml, &[]) {
        Ok(_) => panic!("expected problems for:\n{yaml}"),
        Err(p) => p.0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect(),
    }
}

fn with_accounts(n: usize) -> Plan {
    build_with("hub: {account: \"999999999999\"}", &["--accounts", &accounts(n)]).unwrap_or_else(|p| panic!("{p}"))
}

const BASE: &str = "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\", \"222222222222\"]\n";

#[test]
fn defaults_follow_the_micetro_preset() {
    let m = ok(BASE);
    assert_eq!(m.preset, "micetro");
    assert_eq!(m.hub().unwrap().user.name, "micetro-integration");
    assert_eq!(m.member_trust(), Some(Trust::PrincipalArn));
    assert_eq!(m.assume().unwrap().shape, Shape::Groups);
    assert_eq!(m.role().unwrap().sets, vec!["micetro-account-alias", "micetro-cloud-network", "micetro-dns"]);
    let actions: Vec<&str> = m
        .role()
        .unwrap()
        .inline
        .as_ref()
        .unwrap()
        .doc
        .statements
        .iter()
        .flat_map(|s| s.actions.iter().map(String::as_str))
        .collect();
    assert!(actions.contains(&"ec2:DescribeVpcs"));
    assert!(!actions.iter().any(|a| a.contains("VPCs")), "non-canonical case leaked: {actions:?}");
}

#[test]
fn tier_required_drops_recommended_actions() {
    let m = ok(&format!("{BASE}tier: required\n"));
    let doc = &m.role().unwrap().inline.as_ref().unwrap().doc;
    let all: Vec<&String> = doc.statements.iter().flat_map(|s| &s.actions).collect();
    assert!(all.iter().any(|a| *a == "route53:ListHostedZonesByName"));
    assert!(!all.iter().any(|a| *a == "route53:ChangeResourceRecordSets"));
    assert!(!all.iter().any(|a| *a == "iam:ListAccountAliases"));
}

#[test]
fn managed_mode_uses_the_seed_002_policies() {
    let m = ok(&format!("{BASE}mode: managed\n"));
    assert_eq!(
        m.role().unwrap().aws_managed,
        vec!["AmazonEC2FullAccess", "AmazonRoute53FullAccess", "IAMReadOnlyAccess"]
    );
    assert!(m.role().unwrap().inline.is_none());
    assert_eq!(m.hub().unwrap().aws_managed, vec!["IAMReadOnlyAccess"]);
    assert!(m.hub().unwrap().inline.iter().all(|p| p.name.starts_with("assume-")));
}

#[test]
fn the_hub_can_manage_its_own_account() {
    let m = ok(&format!("{BASE}hub: {{account: \"999999999999\", manage_own_account: true}}\n").replacen(
        "hub: {account: \"999999999999\"}\n",
        "",
        1,
    ));
    let own = m.hub().unwrap().managed.iter().find(|p| p.name == "micetro-integration-permissions").unwrap();
    assert_eq!(own.doc, m.role().unwrap().inline.as_ref().unwrap().doc, "the hub gets the member permissions");
    let m = ok(&format!("{BASE}hub: {{account: \"999999999999\", manage_own_account: true}}\nmode: managed\n")
        .replacen("hub: {account: \"999999999999\"}\n", "", 1));
    assert_eq!(
        m.hub().unwrap().aws_managed,
        vec!["AmazonEC2FullAccess", "AmazonRoute53FullAccess", "IAMReadOnlyAccess"]
    );
}

#[test]
fn single_account_puts_every_set_on_the_group_and_has_no_roles() {
    let m = ok("setup: single-account\nhub: {account: \"123456789012\"}\n");
    assert_eq!(m.kind(), Setup::SingleAccount);
    assert!(m.role().is_none() && m.members().is_empty() && m.assume().is_none());
    assert_eq!(m.hub().unwrap().sets, vec!["micetro-identity"]);
    assert_eq!(m.hub().unwrap().own_sets, vec!["micetro-account-alias", "micetro-cloud-network", "micetro-dns"]);
    assert_eq!(m.hub().unwrap().inline.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), vec!["read-own-identity"]);
    let own = &m.hub().unwrap().managed[0];
    assert_eq!(own.name, "micetro-integration-permissions");
    assert!(own.doc.statements.iter().any(|s| s.actions.contains(&"route53:ListHostedZones".to_string())));
    // Seed 000: the multi-account group reads are for hub and spoke only.
    let all: Vec<&String> =
        m.hub().unwrap().inline.iter().flat_map(|p| &p.doc.statements).flat_map(|s| &s.actions).collect();
    assert!(!all.iter().any(|a| *a == "iam:GetGroupPolicy"), "{all:?}");

    let m = ok("setup: single-account\nhub: {account: \"123456789012\"}\nmode: managed\n");
    assert_eq!(
        m.hub().unwrap().aws_managed,
        vec!["AmazonEC2FullAccess", "AmazonRoute53FullAccess", "IAMReadOnlyAccess"]
    );
}

#[test]
fn trust_modes() {
    let m = ok(BASE);
    let st = &m.role().unwrap().trust.statements[0];
    assert_eq!(st.conditions[0].key, "aws:PrincipalArn");
    let m = ok(&format!("{BASE}member_role: {{trust: account}}\n"));
    assert!(m.role().unwrap().trust.statements[0].conditions.is_empty());
    let m = ok(&format!("{BASE}member_role: {{trust: user}}\n"));
    assert!(m.role().unwrap().trust.statements[0].principals[0].0.contains(&Seg::Var(Var::HubUserName)));
}

#[test]
fn the_hub_group_packing_follows_the_sizes() {
    // Micetro: one statement in the hub's group, growing into further groups (the managed
    // shapes only when named); per-account only when named.
    let small = with_accounts(2);
    assert_eq!(small.assume().unwrap().shape, Shape::Groups);
    assert_eq!(small.hub().unwrap().inline.iter().filter(|p| p.key.starts_with("assume")).count(), 1);
    let sixty = with_accounts(60);
    assert_eq!(sixty.assume().unwrap().shape, Shape::Groups);
    assert!(sixty.hub().unwrap().extra_groups.is_empty());
    let big =
        build_with("hub: {account: \"999999999999\"}", &["--accounts", &accounts(300), "--assume-policy", "managed"])
            .unwrap();
    assert_eq!(big.assume().unwrap().shape, Shape::Managed);
    assert!(big.hub().unwrap().managed.len() >= 2);

    // Every emitted plan respects the limits it was packed for.
    for m in [&small, &sixty, &big] {
        let env = sizing_env(m.hub().unwrap().user.name.clone());
        let inline: usize = m.hub().unwrap().inline.iter().map(|p| p.doc.iam_size(&env)).sum();
        assert!(inline <= GROUP_INLINE, "{inline}");
        for p in &m.hub().unwrap().managed {
            assert!(p.doc.iam_size(&env) <= MANAGED_POLICY);
        }
        // Every member role is reachable exactly through the plan.
        let resources: Vec<String> = m
            .hub()
            .unwrap()
            .inline
            .iter()
            .chain(&m.hub().unwrap().managed)
            .flat_map(|p| &p.doc.statements)
            .filter(|s| s.actions == ["sts:AssumeRole"])
            .flat_map(|s| s.resources.iter().map(|r| r.resolve(&env)))
            .collect();
        assert_eq!(resources.len(), m.members().len());
    }
}

#[test]
fn per_account_stops_where_the_group_budget_ends() {
    let mut last_per_account = 0;
    for n in 20..60 {
        if build_with("hub: {account: \"999999999999\", assume_policy: per-account}", &["--accounts", &accounts(n)])
            .is_ok()
        {
            last_per_account = n;
        }
    }
    // About 37 accounts per aws-facts.md §6, fewer here: lists, Sids and the identity policy
    // share the budget, and sizes are measured for the longest partition name.
    assert!((20..=37).contains(&last_per_account), "{last_per_account}");
}

#[test]
fn forced_shape_that_does_not_fit_shows_the_numbers() {
    let err =
        build_with("hub: {account: \"999999999999\", assume_policy: per-account}", &["--accounts", &accounts(60)])
            .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("hub.assume_policy: the chosen shape does not fit: per-account: "), "{msg}");
    assert!(msg.contains("characters for 60 accounts, but only"), "{msg}");
}

#[test]
fn resource_account_is_constant_per_account_and_scoped() {
    let m = build_with(
        "hub: {account: \"999999999999\", assume_policy: resource-account}",
        &["--accounts", &accounts(100)],
    )
    .unwrap();
    let st = &m.hub().unwrap().inline.iter().find(|p| p.name == "assume-member-roles").unwrap().doc.statements[0];
    assert_eq!(st.conditions[0].key, "aws:ResourceAccount");
    assert_eq!(st.conditions[0].values.len(), 100);
}

#[test]
fn bad_input_names_field_value_and_rule() {
    let cases: &[(&str, &str)] = &[
        (
            "hub: {account: \"999999999999\"}\naccounts: [\"1111\"]",
            "accounts[0]: \"1111\" is not a 12-digit AWS account id",
        ),
        (
            "hub: {account: \"999999999999\"}\naccounts: [11111111111]",
            "accounts[0]: 11111111111 is a YAML number, not a string: quote account ids (\"011111111111\"), since a number loses leading zeros",
        ),
        (
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\", \"111111111111\"]",
            "accounts[1]: \"111111111111\" is listed twice (first at accounts[0]); each member account once",
        ),
        (
            "hub: {account: \"999999999999\"}\naccounts: [\"999999999999\"]",
            "accounts[0]: \"999999999999\" is the hub account; the hub cannot also be a member",
        ),
        (
            &format!("{BASE}member_role: {{max_session_duration: 100}}"),
            "member_role.max_session_duration: 100 is outside 3600..43200 seconds (1 to 12 hours)",
        ),
        (
            &format!("{BASE}member_role: {{path: \"integrations\"}}"),
            "member_role.path: \"integrations\" is not an IAM path: it must be \"/\" or start and end with \"/\" (e.g. \"/integrations/\"), printable ASCII without spaces",
        ),
        (
            &format!("{BASE}member_role: {{name: \"bad name\"}}"),
            "member_role.name: \"bad name\" contains ' '; allowed are letters, digits and _+=,.@-",
        ),
        (
            &format!(
                "hub: {{account: \"999999999999\", user: {{name: \"{}\"}}}}\naccounts: [\"111111111111\"]",
                "u".repeat(65)
            ),
            "hub.user.name: \"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu\" must be 1 to 64 characters long (it has 65)",
        ),
        (
            &format!("{BASE}member_role: {{permission_sets: [micetro-dsn]}}"),
            "member_role.permission_sets[0]: \"micetro-dsn\" is not a permission set of the catalog (did you mean \"micetro-dns\"?); `crossrole catalog` lists them",
        ),
        (
            &format!("{BASE}tier: recomended"),
            "tier: \"recomended\" is not one of required, recommended (did you mean \"recommended\"?)",
        ),
        (
            &format!("{BASE}tags: {{Team: a, team: b}}"),
            "tags: tag keys \"Team\" and \"team\" differ only in case; IAM treats them as the same key",
        ),
        (
            "hub: {account: \"999999999999\"}\naccounts: [{id: \"111111111111\", name: prod}, {id: \"222222222222\", name: PROD}]",
            "accounts[1].name: \"PROD\" is already used by accounts[0].name (names compare case-insensitively)",
        ),
        (
            &format!("{BASE}member_role: {{permission_sets: [micetro-identity]}}"),
            "member_role.permission_sets[0]: \"micetro-identity\" reads the hub user's own identity: it belongs in the hub.permission_sets of a hub-and-spoke or single-account setup",
        ),
        (
            "accounts: [\"111111111111\"]",
            "hub.account: missing: give the hub account id with --hub-account or hub.account",
        ),
    ];
    for (yaml, want) in cases {
        let got = problems(yaml);
        assert!(got.iter().any(|g| g == want), "for\n{yaml}\nwant {want}\ngot {got:#?}");
    }
}

#[test]
fn all_problems_are_reported_together() {
    let got =
        problems("hub: {account: \"1\"}\naccounts: [\"2\", \"3\"]\nmember_role: {max_session_duration: 1}\ntier: all");
    assert_eq!(
        got,
        [
            "tier: \"all\" is not one of required, recommended",
            "hub.account: \"1\" is not a 12-digit AWS account id",
            "accounts[0]: \"2\" is not a 12-digit AWS account id",
            "accounts[1]: \"3\" is not a 12-digit AWS account id",
            "member_role.max_session_duration: 1 is outside 3600..43200 seconds (1 to 12 hours)",
        ]
    );
}

#[test]
fn dangerous_sets_need_an_explicit_name_and_warn() {
    let m = ok(&format!("{BASE}member_role: {{permission_sets: [zeet-administrator], }}\nmode: managed\n"));
    assert_eq!(m.role().unwrap().aws_managed, vec!["AdministratorAccess"]);
    assert!(m.warnings.iter().any(|w| w.contains("zeet-administrator") && w.contains("far more")));
}

#[test]
fn flags_override_the_file() {
    let m =
        build_with(BASE, &["--hub-account", "888888888888", "--accounts", "333333333333", "--role-name", "FromFlag"])
            .unwrap();
    assert_eq!(m.hub().unwrap().account.as_str(), "888888888888");
    assert_eq!(m.members().len(), 1);
    assert_eq!(m.role().unwrap().name, "FromFlag");
    let err = build_with(BASE, &["--accounts", "12"]).unwrap_err();
    assert_eq!(err.to_string(), "--accounts[0]: \"12\" is not a 12-digit AWS account id");
}

#[test]
fn account_order_does_not_matter() {
    let mut ids: Vec<String> = accounts(50).split(',').map(String::from).collect();
    let a = build_with(BASE, &["--accounts", &ids.join(",")]).unwrap();
    ids.reverse();
    ids.swap(3, 17);
    let b = build_with(BASE, &["--accounts", &ids.join(",")]).unwrap();
    assert_eq!(format!("{:?}", a.hub().unwrap().inline), format!("{:?}", b.hub().unwrap().inline));
    assert_eq!(
        a.members().iter().map(|m| &m.account).collect::<Vec<_>>(),
        b.members().iter().map(|m| &m.account).collect::<Vec<_>>()
    );
}

fn vendor_trust(m: &Plan) -> &Statement {
    &m.role().unwrap().trust.statements[0]
}

fn external_id_vars(st: &Statement) -> Vec<Expr> {
    st.conditions.iter().filter(|c| c.key == "sts:ExternalId").flat_map(|c| c.values.clone()).collect()
}

#[test]
fn a_vendor_preset_trusts_its_account_under_an_external_id() {
    let m = ok("preset: microtica\n");
    assert_eq!(m.kind(), Setup::VendorRole);
    assert!(m.hub().is_none() && m.members().is_empty());
    let v = m.vendor().unwrap();
    assert_eq!(v.account.as_str(), "652222714481");
    assert_eq!(v.external_ids, vendor::ExternalIds::AtDeploy);
    let st = vendor_trust(&m);
    assert_eq!(st.principals, vec![iam_arn(Expr::lit("652222714481"), "root")]);
    assert_eq!(st.conditions.len(), 1);
    assert_eq!(st.conditions[0].operator, "StringEquals");
    assert_eq!(external_id_vars(st), vec![Expr(vec![Seg::Var(Var::ExternalId(0))])]);
    assert_eq!(m.role().unwrap().sets, vec!["microtica-ec2-nodes", "microtica-eks"]);
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
}

#[test]
fn a_rotation_window_accepts_every_listed_id_and_only_none_drops_the_condition() {
    let m = ok("preset: microtica\nvendor: {external_id: [new-id-1, old-id-0]}\n");
    assert_eq!(external_id_vars(vendor_trust(&m)).len(), 2);
    assert_eq!(
        m.vendor().unwrap().external_ids,
        vendor::ExternalIds::Known { ids: vec!["new-id-1".into(), "old-id-0".into()], generated: false }
    );
    let m = ok("preset: microtica\nvendor: {external_id: none}\n");
    assert!(vendor_trust(&m).conditions.is_empty());
    assert!(m.warnings.iter().any(|w| w.contains("confused-deputy")), "{:?}", m.warnings);
    // `none` is a keyword only on its own; as a list member it is refused.
    assert_eq!(
        problems("preset: microtica\nvendor: {external_id: [none, abc]}\n"),
        vec!["vendor.external_id[0]: \"none\" stands alone; it cannot be combined with other ExternalIds"]
    );
}

#[test]
fn mfa_and_organization_conditions_are_added_on_request() {
    let m = ok(
        "preset: vendor\nvendor: {account: \"123456789012\", require_mfa: true, principal_org_id: o-abcdefghij}\nrole: {permission_sets: [zeet-logs]}\n",
    );
    let ops: Vec<(&str, &str)> =
        vendor_trust(&m).conditions.iter().map(|c| (c.operator.as_str(), c.key.as_str())).collect();
    assert_eq!(
        ops,
        vec![
            ("Bool", "aws:MultiFactorAuthPresent"),
            ("StringEquals", "aws:PrincipalOrgID"),
            ("StringEquals", "sts:ExternalId")
        ]
    );
    assert!(m.warnings.iter().any(|w| w.contains("MFA")));
}

#[test]
fn zeet_administrator_only_when_named_and_never_silently() {
    let m = ok("preset: zeet\nvendor: {account: \"123456789012\"}\n");
    let role = m.role().unwrap();
    assert!(!role.sets.iter().any(|s| s == "zeet-administrator"));
    assert_eq!(role.sets.len(), 9);
    assert!(role.aws_managed.is_empty());
    let m = ok(
        "preset: zeet\nvendor: {account: \"123456789012\"}\nrole: {permission_sets: [zeet-administrator]}\nmode: managed\n",
    );
    assert_eq!(m.role().unwrap().aws_managed, vec!["AdministratorAccess"]);
    assert!(m.warnings.iter().any(|w| w.contains("zeet-administrator") && w.contains("far more")), "{:?}", m.warnings);
    assert_eq!(
        problems("preset: zeet\nvendor: {account: \"123456789012\"}\nrole: {permission_sets: [zeet-administrator]}\n"),
        vec![
            "role.permission_sets: \"zeet-administrator\" exists only as the AWS managed AdministratorAccess; use mode managed"
        ]
    );
}

#[test]
fn long_external_ids_are_measured_against_the_trust_policy_limit() {
    let id = "a".repeat(1000);
    let yaml = format!("preset: microtica\nvendor: {{external_id: [{id}1, {id}2]}}\n");
    let p = problems(&yaml);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        p[0],
        "vendor.external_id: ExternalId 1 has 1001, ExternalId 2 has 1001: with 2 ExternalIds each may have at most 912 characters, so that the trust policy fits IAM's 2048 even at the parameters' maximum; use fewer or shorter ExternalIds"
    );
    ok(&format!("preset: microtica\nvendor: {{external_id: [{id}1]}}\n"));
}

#[test]
fn the_access_key_secret_is_named_for_the_user_within_secrets_manager_rules() {
    let m = ok(&format!(
        "{BASE}hub: {{account: \"999999999999\", access_key: secrets-manager, user: {{name: \"a,b@c\"}}}}\n"
    )
    .replacen("hub: {account: \"999999999999\"}\n", "", 1));
    let hub = m.hub().unwrap();
    assert_eq!(hub.access_key, AccessKey::SecretsManager);
    assert_eq!(hub.access_key_secret, "crossrole/a-b@c/access-key");
    assert_eq!(ok(BASE).hub().unwrap().access_key, AccessKey::None);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever ExternalIds and options are chosen, the vendor trust names the vendor's root and
    /// requires one of exactly those IDs.
    #[test]
    fn every_vendor_trust_requires_one_of_its_external_ids(
        ids in proptest::collection::btree_set("[A-Za-z0-9_+=,.@:/-]{2,40}", 1..=5),
        mfa in proptest::bool::ANY,
        org in proptest::bool::ANY,
    ) {
        proptest::prop_assume!(!ids.contains("none") && !ids.contains("generate"));
        let list: Vec<String> = ids.iter().map(|i| format!("{i:?}")).collect();
        let yaml = format!(
            "preset: vendor\nvendor: {{account: \"123456789012\", external_id: [{}], require_mfa: {mfa}{}}}\nrole: {{permission_sets: [zeet-logs]}}\n",
            list.join(", "),
            if org { ", principal_org_id: o-abcdefghij" } else { "" }
        );
        let m = ok(&yaml);
        let trust = &m.role().unwrap().trust;
        proptest::prop_assert_eq!(trust.statements.len(), 1);
        let st = &trust.statements[0];
        proptest::prop_assert_eq!(&st.principals, &vec![iam_arn(Expr::lit("123456789012"), "root")]);
        let want: Vec<Expr> = (0..ids.len()).map(|i| Expr(vec![Seg::Var(Var::ExternalId(u8::try_from(i).unwrap()))])).collect();
        proptest::prop_assert_eq!(external_id_vars(st), want);
        let known = m.vendor().unwrap().external_ids.known().unwrap().to_vec();
        proptest::prop_assert_eq!(known, ids.into_iter().collect::<Vec<_>>());
    }
}

const ORG: &str = "hub: {account: \"999999999999\"}\ndeploy: stackset\norganization: {id: o-a1b2c3d4e5, units: [ou-ab12-22222222, ou-ab12-11111111]}\n";

fn assume_statement(m: &Plan) -> &Statement {
    &m.assume().unwrap().inline[0].doc.statements[0]
}

#[test]
fn a_stackset_over_units_needs_no_accounts_and_the_hub_grants_the_units() {
    let m = ok(ORG);
    let h = m.spokes().unwrap();
    assert!(h.members.is_empty());
    assert_eq!(h.org.as_ref().unwrap().units, ["ou-ab12-11111111", "ou-ab12-22222222"], "sorted");
    assert!(matches!(&h.deploy, deploy::DeployPlan::StackSet(s) if s.service_managed && s.admin == deploy::Admin::Hub));
    assert_eq!(h.tf.layout, deploy::Layout::StackSet);
    assert_eq!(h.assume.shape, Shape::Organization);
    let st = assume_statement(&m);
    assert_eq!(st.resources, [iam_arn(Expr::lit("*"), "role/micetro-integration")]);
    let c = &st.conditions[0];
    assert_eq!((c.operator.as_str(), c.key.as_str()), ("ForAnyValue:StringLike", "aws:ResourceOrgPaths"));
    let paths: Vec<String> = c.values.iter().map(|v| v.resolve(&|_| String::new())).collect();
    assert_eq!(paths, ["o-a1b2c3d4e5/*/ou-ab12-11111111/*", "o-a1b2c3d4e5/*/ou-ab12-22222222/*"]);
}

#[test]
fn the_root_unit_grants_the_whole_organization() {
    let m = ok(&ORG.replace("[ou-ab12-22222222, ou-ab12-11111111]", "[r-ab12]"));
    let c = &assume_statement(&m).conditions[0];
    assert_eq!((c.operator.as_str(), c.key.as_str()), ("StringEquals", "aws:ResourceOrgID"));
    assert_eq!(c.values, [Expr::lit("o-a1b2c3d4e5")]);
}

#[test]
fn the_management_account_is_where_the_stack_set_lives_when_named() {
    let yaml = ORG.replace("units:", "management_account: \"888888888888\", units:");
    let m = ok(&yaml);
    let deploy::DeployPlan::StackSet(s) = &m.spokes().unwrap().deploy else { panic!("no stack set") };
    assert_eq!(s.admin, deploy::Admin::Management(crate::aws::ids::AccountId::parse("888888888888").unwrap()));
    let m = ok(&ORG.replace("units:", "management_account: \"999999999999\", units:"));
    let deploy::DeployPlan::StackSet(s) = &m.spokes().unwrap().deploy else { panic!("no stack set") };
    assert_eq!(s.admin, deploy::Admin::HubIsManagement);
}

#[test]
fn auto_picks_the_terraform_layout_by_the_number_of_accounts() {
    let layout = |n| with_accounts(n).spokes().unwrap().tf.layout;
    assert_eq!(layout(deploy::PROVIDERS_MAX), deploy::Layout::Providers);
    assert_eq!(layout(deploy::PROVIDERS_MAX + 1), deploy::Layout::PerAccount);
    let forced =
        build_with("hub: {account: \"999999999999\"}", &["--accounts", &accounts(11), "--tf-layout", "providers"])
            .unwrap();
    assert_eq!(forced.spokes().unwrap().tf.layout, deploy::Layout::Providers);
    assert!(
        forced.warnings.iter().any(|w| w.starts_with("--tf-layout: providers starts one AWS provider process per member account at every plan (12 processes, about 1200 MB)")),
        "{:?}",
        forced.warnings
    );
    let self_managed = ok("hub: {account: \"999999999999\"}\ndeploy: stackset\naccounts: [\"111111111111\"]\n");
    let h = self_managed.spokes().unwrap();
    assert!(matches!(&h.deploy, deploy::DeployPlan::StackSet(s) if !s.service_managed));
    assert_eq!(h.tf.layout, deploy::Layout::StackSet);
}

#[test]
fn past_every_listed_shape_the_refusal_names_the_organization() {
    // A long role path leaves room for few ARNs per group: 300 groups do not hold 5,000.
    let path = format!("/{}/", "p".repeat(400));
    let yaml = format!("hub: {{account: \"999999999999\"}}\nmember_role: {{path: \"{path}\"}}\n");
    let err = build_with(&yaml, &["--accounts", &accounts(5000)]).unwrap_err().to_string();
    assert!(err.contains("do not fit in any policy shape IAM accepts"), "{err}");
    assert!(err.contains("groups: 5000 accounts need more than the 300 groups IAM allows in one account"), "{err}");
    assert!(
        err.ends_with("in an AWS Organization, organization.id with hub.assume_policy: organization fits any number"),
        "{err}"
    );
    let yaml = format!(
        "{yaml}organization: {{id: o-a1b2c3d4e5}}\nhub: {{account: \"999999999999\", assume_policy: organization}}\n"
    );
    let yaml = yaml.replacen("hub: {account: \"999999999999\"}\n", "", 1);
    let m = build_with(&yaml, &["--accounts", &accounts(5000)]).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(m.assume().unwrap().shape, Shape::Organization);
    assert!(m.warnings.iter().any(|w| w.contains("will not find any of the 5000 member accounts")), "{:?}", m.warnings);
}

/// Every role ARN in the inline policies of the hub's groups, with the group's inline size.
fn inline_arns_by_group(m: &Plan) -> Vec<(String, usize, Vec<String>)> {
    let hub = m.hub().unwrap();
    let env = sizing_env(hub.user.name.clone());
    let arns = |policies: &[NamedPolicy]| -> (usize, Vec<String>) {
        let size = policies.iter().map(|p| p.doc.iam_size(&env)).sum();
        let arns = policies
            .iter()
            .flat_map(|p| &p.doc.statements)
            .filter(|s| s.actions == ["sts:AssumeRole"])
            .flat_map(|s| s.resources.iter().map(|r| r.resolve(&|_| "aws".into())))
            .collect();
        (size, arns)
    };
    let (size, first) = arns(&hub.inline);
    let mut out = vec![(hub.group.name.clone(), size, first)];
    for g in &hub.extra_groups {
        let (size, list) = arns(&g.inline);
        out.push((g.group.name.clone(), size, list));
    }
    out
}

#[test]
fn micetro_finds_every_role_arn_in_inline_group_policies_at_any_scale() {
    for n in [50, 500, 5_000, 10_000] {
        let m = with_accounts(n);
        let hub = m.hub().unwrap();
        let groups = inline_arns_by_group(&m);
        let mut seen: Vec<String> = groups.iter().flat_map(|(_, _, a)| a.clone()).collect();
        let total = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!((total, seen.len()), (n, n), "{n}: every account once");
        let want: Vec<String> =
            accounts(n).split(',').map(|a| format!("arn:aws:iam::{a}:role/micetro-integration")).collect();
        let mut want_sorted = want.clone();
        want_sorted.sort();
        assert_eq!(seen, want_sorted, "{n}");
        for (g, size, _) in &groups {
            assert!(*size <= GROUP_INLINE, "{n}: group {g} holds {size} inline characters");
        }
        for u in 0..=hub.extra_users.len() {
            let count = 1 + hub.extra_groups.iter().filter(|g| g.user == u).count() - usize::from(u != 0);
            assert!(count <= crate::aws::quotas::USER_GROUPS, "{n}: user {u} is in {count} groups");
        }
        assert!(hub.extra_groups.len() < crate::aws::quotas::ACCOUNT_GROUPS);
        assert!(m.assume().unwrap().shape.discoverable(), "{n}");
        assert!(m.warnings.is_empty(), "{n}: {:?}", m.warnings);
    }
}

#[test]
fn a_forced_shape_micetro_cannot_read_is_emitted_with_a_warning() {
    let m = build_with(BASE, &["--assume-policy", "managed"]).unwrap();
    assert_eq!(m.assume().unwrap().shape, Shape::Managed);
    assert_eq!(
        m.warnings,
        [
            "--assume-policy: managed: the micetro integration finds its accounts by reading the role ARNs in its user's groups' inline policies, and this shape lists none there, so it will not find any of the 2 member accounts; add them to it by hand, or use auto"
        ]
    );
}

#[test]
fn several_hub_users_share_one_member_trust_of_constant_size() {
    let m = with_accounts(2_000);
    let hub = m.hub().unwrap();
    assert_eq!(hub.extra_users.len(), 2, "{:?}", m.assume().unwrap().summary);
    assert_eq!(hub.extra_users[0].name, "micetro-integration-2");
    let st = &m.role().unwrap().trust.statements[0];
    assert_eq!(st.conditions[0].operator, "ArnLike");
    let big = with_accounts(10_000);
    let env = sizing_env("micetro-integration".into());
    assert_eq!(big.role().unwrap().trust.iam_size(&env), m.role().unwrap().trust.iam_size(&env));
    // The numbered users only (one or two digits): not any user whose name starts the same.
    let json = m.role().unwrap().trust.to_json_pretty(&env);
    for want in [":user/micetro-integration\"", ":user/micetro-integration-?\"", ":user/micetro-integration-??\""] {
        assert!(json.contains(want), "{want}: {json}");
    }
    assert_eq!(st.conditions[0].values.len(), 3, "{json}");
}
