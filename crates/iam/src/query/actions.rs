//! One arm per IAM action: find the entity's ARN, authorize, run, render.

use super::params::Params;
use super::xml::{url_encode, Xml};
use super::{render, require, ActionResult};
use crate::model::{self, Role, User};
use crate::ops::Holder;
use crate::{Caller, Iam, IamError, NewRole};

const DEFAULT_MAX_ITEMS: i64 = 100;

pub(crate) async fn run(iam: &Iam, caller: &Caller, action: &str, params: &Params) -> ActionResult {
    let account = iam.account().to_string();
    match action {
        "CreateUser" => {
            let name = params.required("UserName")?;
            let path = params.get("Path");
            require(caller, "iam:CreateUser", &model::user_arn(&account, path.unwrap_or("/"), name))?;
            let user = iam.create_user(name, path, params.tags()?).await?;
            let mut xml = Xml::new();
            render::user(&mut xml, "User", &account, &user);
            Ok(Some(xml.finish()))
        }
        "GetUser" => {
            let name = match params.get("UserName") {
                Some(name) => name.to_string(),
                None => match &caller.user_name {
                    Some(own) => own.clone(),
                    None => return Ok(Some(root_user(caller))),
                },
            };
            require(caller, "iam:GetUser", &user_arn(iam, &name))?;
            let user = iam.get_user(&name)?;
            let mut xml = Xml::new();
            render::user(&mut xml, "User", &account, &user);
            Ok(Some(xml.finish()))
        }
        "ListUsers" => {
            require(caller, "iam:ListUsers", "*")?;
            let directory = iam.directory();
            let prefix = params.get("PathPrefix").unwrap_or("/");
            let users: Vec<&User> = directory.users.values().filter(|u| u.path.starts_with(prefix)).collect();
            list(params, "Users", &users, |u| u.name.clone(), |xml, u| render::user(xml, "member", &account, u))
        }
        "DeleteUser" => {
            let name = params.required("UserName")?;
            require(caller, "iam:DeleteUser", &user_arn(iam, name))?;
            iam.delete_user(name).await?;
            Ok(None)
        }
        "CreateAccessKey" | "ListAccessKeys" | "UpdateAccessKey" | "DeleteAccessKey" => {
            keys(iam, caller, action, params).await
        }
        "CreateRole" => {
            let name = params.required("RoleName")?;
            let path = params.get("Path").map(str::to_string);
            require(caller, "iam:CreateRole", &model::role_arn(&account, path.as_deref().unwrap_or("/"), name))?;
            let new = NewRole {
                path,
                assume_role_policy: params.required("AssumeRolePolicyDocument")?.to_string(),
                description: params.get("Description").map(str::to_string),
                max_session_duration: params.integer("MaxSessionDuration", 3_600, 43_200)?,
                tags: params.tags()?,
            };
            let role = iam.create_role(name, new).await?;
            let mut xml = Xml::new();
            render::role(&mut xml, "Role", &account, &role);
            Ok(Some(xml.finish()))
        }
        "GetRole" => {
            let name = params.required("RoleName")?;
            require(caller, "iam:GetRole", &role_arn(iam, name))?;
            let role = iam.get_role(name)?;
            let mut xml = Xml::new();
            render::role(&mut xml, "Role", &account, &role);
            Ok(Some(xml.finish()))
        }
        "ListRoles" => {
            require(caller, "iam:ListRoles", "*")?;
            let directory = iam.directory();
            let prefix = params.get("PathPrefix").unwrap_or("/");
            let roles: Vec<&Role> = directory.roles.values().filter(|r| r.path.starts_with(prefix)).collect();
            list(params, "Roles", &roles, |r| r.name.clone(), |xml, r| render::role(xml, "member", &account, r))
        }
        "DeleteRole" => {
            let name = params.required("RoleName")?;
            require(caller, "iam:DeleteRole", &role_arn(iam, name))?;
            iam.delete_role(name).await?;
            Ok(None)
        }
        "UpdateAssumeRolePolicy" => {
            let name = params.required("RoleName")?;
            require(caller, "iam:UpdateAssumeRolePolicy", &role_arn(iam, name))?;
            iam.update_assume_role_policy(name, params.required("PolicyDocument")?).await?;
            Ok(None)
        }
        "PutUserPolicy" | "GetUserPolicy" | "ListUserPolicies" | "DeleteUserPolicy" => {
            let name = params.required("UserName")?;
            require(caller, &format!("iam:{action}"), &user_arn(iam, name))?;
            inline::<User>(iam, action.trim_end_matches("UserPolicy").trim_end_matches("UserPolicies"), name, params)
                .await
        }
        "PutRolePolicy" | "GetRolePolicy" | "ListRolePolicies" | "DeleteRolePolicy" => {
            let name = params.required("RoleName")?;
            require(caller, &format!("iam:{action}"), &role_arn(iam, name))?;
            inline::<Role>(iam, action.trim_end_matches("RolePolicy").trim_end_matches("RolePolicies"), name, params)
                .await
        }
        "AttachUserPolicy" | "DetachUserPolicy" | "ListAttachedUserPolicies" => {
            let name = params.required("UserName")?;
            require(caller, &format!("iam:{action}"), &user_arn(iam, name))?;
            attached::<User>(iam, action, name, params).await
        }
        "AttachRolePolicy" | "DetachRolePolicy" | "ListAttachedRolePolicies" => {
            let name = params.required("RoleName")?;
            require(caller, &format!("iam:{action}"), &role_arn(iam, name))?;
            attached::<Role>(iam, action, name, params).await
        }
        "CreatePolicy" => {
            let name = params.required("PolicyName")?;
            let path = params.get("Path");
            require(caller, "iam:CreatePolicy", &model::policy_arn(&account, path.unwrap_or("/"), name))?;
            let document = params.required("PolicyDocument")?;
            let description = params.get("Description").map(str::to_string);
            let policy = iam.create_policy(name, path, document, description, params.tags()?).await?;
            let mut xml = Xml::new();
            render::policy(&mut xml, "Policy", &policy, 0);
            Ok(Some(xml.finish()))
        }
        "GetPolicy" => {
            let arn = params.required("PolicyArn")?;
            require(caller, "iam:GetPolicy", arn)?;
            let policy = iam.get_policy(arn)?;
            let mut xml = Xml::new();
            render::policy(&mut xml, "Policy", &policy, iam.directory().attachment_count(arn));
            Ok(Some(xml.finish()))
        }
        "GetPolicyVersion" => {
            let arn = params.required("PolicyArn")?;
            require(caller, "iam:GetPolicyVersion", arn)?;
            let policy = iam.get_policy(arn)?;
            let version = params.required("VersionId")?;
            if version != "v1" {
                return Err(IamError::NoSuchEntity(format!("Policy {arn} version {version} does not exist.")));
            }
            let mut xml = Xml::new();
            xml.open("PolicyVersion")
                .text("Document", &url_encode(&policy.document))
                .text("VersionId", "v1")
                .text("IsDefaultVersion", "true")
                .text("CreateDate", &super::xml::date(policy.create_date))
                .close("PolicyVersion");
            Ok(Some(xml.finish()))
        }
        "ListPolicies" => {
            require(caller, "iam:ListPolicies", "*")?;
            // Only customer-managed policies exist here; Scope=AWS lists none.
            let directory = iam.directory();
            let scope = params.get("Scope").unwrap_or("All");
            let only_attached = params.get("OnlyAttached") == Some("true");
            let prefix = params.get("PathPrefix").unwrap_or("/");
            let policies: Vec<_> = directory
                .policies
                .values()
                .filter(|p| scope != "AWS" && p.path.starts_with(prefix))
                .filter(|p| !only_attached || directory.attachment_count(&p.arn) > 0)
                .collect();
            list(
                params,
                "Policies",
                &policies,
                |p| p.name.clone(),
                |xml, p| render::policy(xml, "member", p, directory.attachment_count(&p.arn)),
            )
        }
        "DeletePolicy" => {
            let arn = params.required("PolicyArn")?;
            require(caller, "iam:DeletePolicy", arn)?;
            iam.delete_policy(arn).await?;
            Ok(None)
        }
        other => Err(IamError::InvalidAction(other.to_string())),
    }
}

/// The root's own GetUser answer, as AWS gives it.
fn root_user(caller: &Caller) -> String {
    let mut xml = Xml::new();
    xml.open("User").text("UserId", &caller.account).text("Arn", &caller.arn).close("User");
    xml.finish()
}

/// The ARN of a user by name: its real path if it exists, `/` otherwise.
fn user_arn(iam: &Iam, name: &str) -> String {
    let path = iam.directory().user(name).map(|u| u.path.clone()).unwrap_or_else(|| "/".to_string());
    model::user_arn(iam.account(), &path, name)
}

fn role_arn(iam: &Iam, name: &str) -> String {
    let path = iam.directory().role(name).map(|r| r.path.clone()).unwrap_or_else(|| "/".to_string());
    model::role_arn(iam.account(), &path, name)
}

/// Access keys name their user, or default to the caller's own user.
async fn keys(iam: &Iam, caller: &Caller, action: &str, params: &Params) -> ActionResult {
    let user = match (params.get("UserName"), &caller.user_name) {
        (Some(name), _) => name.to_string(),
        (None, Some(own)) => own.clone(),
        (None, None) => {
            return Err(IamError::Validation(
                "The account root's key is the server's credentials file; name a user with --user-name".to_string(),
            ))
        }
    };
    require(caller, &format!("iam:{action}"), &user_arn(iam, &user))?;
    let mut xml = Xml::new();
    match action {
        "CreateAccessKey" => {
            let created = iam.create_access_key(&user).await?;
            xml.open("AccessKey")
                .text("UserName", &created.key.user)
                .text("AccessKeyId", &created.key.id)
                .text("Status", created.key.status.as_str())
                .text("SecretAccessKey", &created.secret_access_key)
                .text("CreateDate", &super::xml::date(created.key.create_date))
                .close("AccessKey");
        }
        "ListAccessKeys" => {
            let keys = iam.list_access_keys(&user)?;
            return list(params, "AccessKeyMetadata", &keys, |k| k.id.clone(), render::key_metadata);
        }
        "UpdateAccessKey" => {
            iam.update_access_key(&user, params.required("AccessKeyId")?, params.required("Status")?).await?;
            return Ok(None);
        }
        _ => {
            iam.delete_access_key(&user, params.required("AccessKeyId")?).await?;
            return Ok(None);
        }
    }
    Ok(Some(xml.finish()))
}

/// `verb` is Put, Get, List or Delete.
async fn inline<H: Holder>(iam: &Iam, verb: &str, name: &str, params: &Params) -> ActionResult {
    match verb {
        "Put" => {
            let policy = params.required("PolicyName")?;
            iam.put_inline_policy::<H>(name, policy, params.required("PolicyDocument")?).await?;
            Ok(None)
        }
        "Get" => {
            let policy = params.required("PolicyName")?;
            let (owner, document) = iam.get_inline_policy::<H>(name, policy)?;
            let owner_element = if H::KIND == model::USER { "UserName" } else { "RoleName" };
            let mut xml = Xml::new();
            xml.text(owner_element, &owner).text("PolicyName", policy).text("PolicyDocument", &url_encode(&document));
            Ok(Some(xml.finish()))
        }
        "List" => {
            let holder: H = iam.find_holder(name)?;
            let names: Vec<&String> = holder.inline().keys().collect();
            list(
                params,
                "PolicyNames",
                &names,
                |n| n.to_string(),
                |xml, n| {
                    xml.text("member", n);
                },
            )
        }
        _ => {
            iam.delete_inline_policy::<H>(name, params.required("PolicyName")?).await?;
            Ok(None)
        }
    }
}

async fn attached<H: Holder>(iam: &Iam, action: &str, name: &str, params: &Params) -> ActionResult {
    if action.starts_with("List") {
        let holder: H = iam.find_holder(name)?;
        let directory = iam.directory();
        let prefix = params.get("PathPrefix").unwrap_or("/");
        let attached: Vec<_> = holder
            .attached()
            .iter()
            .filter_map(|arn| directory.policy_by_arn(arn))
            .filter(|p| p.path.starts_with(prefix))
            .collect();
        return list(
            params,
            "AttachedPolicies",
            &attached,
            |p| p.name.clone(),
            |xml, p| {
                xml.open("member").text("PolicyName", &p.name).text("PolicyArn", &p.arn).close("member");
            },
        );
    }
    let arn = params.required("PolicyArn")?;
    if action.starts_with("Attach") {
        iam.attach_policy::<H>(name, arn).await?;
    } else {
        iam.detach_policy::<H>(name, arn).await?;
    }
    Ok(None)
}

/// A `<member>` list with IAM's Marker/MaxItems paging. The marker is the
/// sort key of the last item returned, so a page is stable under inserts.
fn list<T>(
    params: &Params,
    element: &str,
    items: &[T],
    sort_key: impl Fn(&T) -> String,
    write: impl Fn(&mut Xml, &T),
) -> ActionResult {
    let max_items = params.integer("MaxItems", 1, 1000)?.unwrap_or(DEFAULT_MAX_ITEMS) as usize;
    let marker = params.get("Marker");
    let mut sorted: Vec<(String, &T)> = items.iter().map(|item| (sort_key(item).to_ascii_lowercase(), item)).collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let remaining: Vec<&(String, &T)> = match marker {
        Some(marker) => sorted.iter().filter(|(key, _)| key.as_str() > marker).collect(),
        None => sorted.iter().collect(),
    };
    let page = &remaining[..remaining.len().min(max_items)];
    let mut xml = Xml::new();
    xml.open(element);
    for (_, item) in page {
        write(&mut xml, item);
    }
    xml.close(element);
    let truncated = remaining.len() > page.len();
    xml.text("IsTruncated", if truncated { "true" } else { "false" });
    if truncated {
        if let Some((key, _)) = page.last() {
            xml.text("Marker", key);
        }
    }
    Ok(Some(xml.finish()))
}
