//! The integration user and its group, shared by the hub-and-spoke and single-account setups:
//! names, paths, tags, the group's own policies and the account's own permissions.

use super::hub_policy::UserShard;
use super::policy::Var;
use super::shared::{check_tags, managed_alternatives, permission_document};
use super::{Build, Entity, ExtraGroup, Hub, NamedPolicy, Tags};
use crate::aws::ids::{self, AccountId};
use crate::aws::quotas;
use crate::catalog::PermissionSet;
use crate::keyword::{AccessKey, Mode, Tier};

/// The user and group (`None` when a name or path is wrong; the problems are recorded) and the
/// tags the user and every role get.
pub(crate) fn identity(b: &mut Build<'_>) -> (Option<(Entity, Entity)>, Tags) {
    let hub = &b.req.raw.hub;
    let default_name = format!("{}-integration", b.preset_name());
    let user_name = b.p.check("hub.user.name", ids::iam_name(hub.user.name.as_deref().unwrap_or(&default_name), 64));
    let user_path = b.p.check("hub.user.path", ids::iam_path(hub.user.path.as_deref().unwrap_or("/")));
    let group_name =
        b.p.check("hub.group.name", ids::iam_name(hub.group.name.as_deref().unwrap_or(&default_name), 128));
    let group_path = b.p.check("hub.group.path", ids::iam_path(hub.group.path.as_deref().unwrap_or("/")));
    let tags = check_tags(&mut b.p, "tags", &b.req.raw.tags);
    let entities = match (user_name, user_path, group_name, group_path) {
        (Some(un), Some(up), Some(gn), Some(gp)) => {
            Some((Entity { name: un, path: up }, Entity { name: gn, path: gp }))
        }
        _ => None,
    };
    (entities, tags)
}

/// The group's policies before any `sts:AssumeRole` is added.
#[derive(Clone)]
pub(crate) struct GroupPolicies {
    pub(crate) inline: Vec<NamedPolicy>,
    pub(crate) managed: Vec<NamedPolicy>,
    pub(crate) aws_managed: Vec<String>,
}

/// What the account itself is granted (single account, or a hub that manages its own account):
/// the sets and their AWS managed alternatives (mode managed).
pub(crate) struct OwnAccount<'s, 'c> {
    pub(crate) sets: &'s [&'c PermissionSet],
    pub(crate) aws_managed: &'s [String],
    pub(crate) single: bool,
}

/// The group's own policies: the read of its own identity (inline) or the managed alternatives,
/// and the account's own permissions in a managed policy, so the group's inline budget stays for
/// the assume-role policies.
pub(crate) fn group_policies(
    b: &mut Build<'_>,
    (user, group): (&Entity, &Entity),
    hub_sets: &[&PermissionSet],
    own: Option<&OwnAccount<'_, '_>>,
) -> GroupPolicies {
    let mut out = GroupPolicies { inline: Vec::new(), managed: Vec::new(), aws_managed: Vec::new() };
    match b.req.mode.value {
        Mode::Inline => out.inline.extend(identity_policy(
            (b.req.mode.value, b.req.tier.value),
            user,
            std::slice::from_ref(group),
            hub_sets,
        )),
        Mode::Managed => out.aws_managed = managed_alternatives(&mut b.p, "hub.permission_sets", hub_sets),
    }
    let Some(own) = own else { return out };
    match b.req.mode.value {
        Mode::Inline => out.managed.extend(own_permissions(b, own, group)),
        Mode::Managed => {
            out.aws_managed.extend(own.aws_managed.iter().cloned());
            out.aws_managed.sort();
            out.aws_managed.dedup();
        }
    }
    out
}

/// The account's own permissions as one customer managed policy.
fn own_permissions(b: &mut Build<'_>, own: &OwnAccount<'_, '_>, group: &Entity) -> Option<NamedPolicy> {
    let doc = permission_document(own.sets, b.req.tier.value, None);
    let size = doc.iam_size(&super::shared::sizing_env(String::new()));
    let name = format!("{}-permissions", group.name);
    if size > quotas::MANAGED_POLICY {
        b.p.push(
            "hub.manage_own_account",
            format!(
                "the hub's own permission policy is {size} characters; a managed policy holds at most {}",
                quotas::MANAGED_POLICY
            ),
        );
    } else if name.len() > 128 {
        b.p.push(
            "hub.manage_own_account",
            format!("policy name {name:?} exceeds 128 characters; shorten hub.group.name"),
        );
    } else if !doc.statements.is_empty() {
        let description = if own.single {
            "crossrole: the integration's permissions in this account"
        } else {
            "crossrole: the integration's permissions in the hub account itself"
        };
        return Some(NamedPolicy {
            key: "own-permissions".into(),
            name,
            description: description.into(),
            doc: doc.into(),
        });
    }
    None
}

/// Inline characters the group's policies use, measured as IAM will.
pub(crate) fn inline_size(policies: &GroupPolicies, env: &dyn Fn(Var) -> String) -> usize {
    policies.inline.iter().map(|n| n.doc.iam_size(env)).sum()
}

/// The hub, with the group's managed-policy count checked against IAM's limit. `own_sets` are the
/// sets granted in the account itself, if it is managed too.
pub(crate) fn assemble(
    b: &mut Build<'_>,
    account: AccountId,
    (user, group, tags): (Entity, Entity, Tags),
    hub_sets: &[&PermissionSet],
    policies: GroupPolicies,
    own_sets: Option<Vec<String>>,
) -> Hub {
    let managed_count = policies.aws_managed.len() + policies.managed.len();
    if managed_count > quotas::GROUP_MANAGED {
        b.p.push(
            "hub",
            format!("the group needs {managed_count} managed policies; IAM allows {} per group", quotas::GROUP_MANAGED),
        );
    }
    // Secrets Manager names take `[\w/+=.@-]`, so a comma (allowed in user names) becomes `-`.
    let access_key_secret = format!("crossrole/{}/access-key", user.name.replace(',', "-"));
    Hub {
        account,
        user,
        group,
        tags,
        sets: hub_sets.iter().map(|s| s.name.clone()).collect(),
        inline: policies.inline,
        managed: policies.managed,
        aws_managed: policies.aws_managed,
        manage_own_account: own_sets.is_some(),
        access_key: b.req.access_key.value,
        access_key_secret,
        own_sets: own_sets.unwrap_or_default(),
        extra_users: Vec::new(),
        extra_groups: Vec::new(),
    }
}

/// The identity read policy of `user`, scoped to its `groups` (inline mode; `None` in mode
/// managed, where the AWS managed alternatives stand in).
pub(crate) fn identity_policy(
    (mode, tier): (Mode, Tier),
    user: &Entity,
    groups: &[Entity],
    hub_sets: &[&PermissionSet],
) -> Option<NamedPolicy> {
    if mode == Mode::Managed {
        return None;
    }
    let doc = permission_document(hub_sets, tier, Some((user, groups)));
    let name = "read-own-identity".to_string();
    (!doc.statements.is_empty()).then(|| NamedPolicy {
        key: name.clone(),
        name,
        description: String::new(),
        doc: doc.into(),
    })
}

/// Spreads the `groups` shape's users and groups onto the hub: the hub user's identity read
/// covers all its groups, and every further user gets its own in its first group.
pub(crate) fn spread(b: &mut Build<'_>, hub: &mut Hub, shards: &[UserShard], hub_sets: &[&PermissionSet]) {
    if shards.len() > 1 && hub.access_key == AccessKey::SecretsManager {
        b.p.push(
            &b.req.access_key.field,
            format!("secrets-manager creates one access key, but the role ARNs are spread over {} hub users; create their keys as DEPLOY.md says (access_key: none)", shards.len()),
        );
    }
    let hub_aws_managed: Vec<String> = match b.req.mode.value {
        Mode::Managed => managed_alternatives(&mut b.p, "hub.permission_sets", hub_sets),
        Mode::Inline => Vec::new(),
    };
    for (u, shard) in shards.iter().enumerate() {
        let entities: Vec<Entity> = shard.groups.iter().map(|g| g.group.clone()).collect();
        let identity = identity_policy((b.req.mode.value, b.req.tier.value), &shard.user, &entities, hub_sets);
        if u == 0 {
            if let (Some(id), Some(slot)) =
                (identity.clone(), hub.inline.iter_mut().find(|p| p.key == "read-own-identity"))
            {
                *slot = id;
            }
        } else {
            hub.extra_users.push(shard.user.clone());
        }
        for (i, g) in shard.groups.iter().enumerate() {
            if u == 0 && i == 0 {
                continue;
            }
            let first = i == 0;
            let numbered = |p: NamedPolicy| NamedPolicy { key: format!("{}-{}", p.key, g.number), ..p };
            let mut inline: Vec<NamedPolicy> = identity.clone().filter(|_| first).map(numbered).into_iter().collect();
            inline.extend(g.policy.clone());
            hub.extra_groups.push(ExtraGroup {
                number: g.number,
                group: g.group.clone(),
                user: u,
                inline,
                aws_managed: if first { hub_aws_managed.clone() } else { Vec::new() },
            });
        }
    }
}
