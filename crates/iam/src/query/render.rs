//! XML of the IAM shapes (`User`, `Role`, `Policy`, `AccessKeyMetadata`...).

use super::xml::{date, url_encode, Xml};
use crate::model::{self, AccessKey, ManagedPolicy, Role, Tag, User};

fn tags(xml: &mut Xml, tags: &[Tag]) {
    if tags.is_empty() {
        return;
    }
    xml.open("Tags");
    for tag in tags {
        xml.open("member").text("Key", &tag.key).text("Value", &tag.value).close("member");
    }
    xml.close("Tags");
}

pub(crate) fn user(xml: &mut Xml, element: &str, account: &str, user: &User) {
    xml.open(element)
        .text("Path", &user.path)
        .text("UserName", &user.name)
        .text("UserId", &user.id)
        .text("Arn", &model::user_arn(account, &user.path, &user.name))
        .text("CreateDate", &date(user.create_date));
    tags(xml, &user.tags);
    xml.close(element);
}

pub(crate) fn role(xml: &mut Xml, element: &str, account: &str, role: &Role) {
    xml.open(element)
        .text("Path", &role.path)
        .text("RoleName", &role.name)
        .text("RoleId", &role.id)
        .text("Arn", &model::role_arn(account, &role.path, &role.name))
        .text("CreateDate", &date(role.create_date))
        .text("AssumeRolePolicyDocument", &url_encode(&role.assume_role_policy))
        .opt("Description", role.description.as_deref())
        .text("MaxSessionDuration", &role.max_session_duration.to_string());
    tags(xml, &role.tags);
    xml.close(element);
}

pub(crate) fn policy(xml: &mut Xml, element: &str, policy: &ManagedPolicy, attachments: usize) {
    xml.open(element)
        .text("PolicyName", &policy.name)
        .text("PolicyId", &policy.id)
        .text("Arn", &policy.arn)
        .text("Path", &policy.path)
        // Policies have one version: updates are not part of this API.
        .text("DefaultVersionId", "v1")
        .text("AttachmentCount", &attachments.to_string())
        .text("PermissionsBoundaryUsageCount", "0")
        .text("IsAttachable", "true")
        .opt("Description", policy.description.as_deref())
        .text("CreateDate", &date(policy.create_date))
        .text("UpdateDate", &date(policy.update_date));
    tags(xml, &policy.tags);
    xml.close(element);
}

pub(crate) fn key_metadata(xml: &mut Xml, key: &AccessKey) {
    xml.open("member")
        .text("UserName", &key.user)
        .text("AccessKeyId", &key.id)
        .text("Status", key.status.as_str())
        .text("CreateDate", &date(key.create_date))
        .close("member");
}
