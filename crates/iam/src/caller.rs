//! The identity behind a signed request, and what it may do.

use std::sync::Arc;

use sparkplane_policy::{
    evaluate, evaluate_with_session, Context, Decision, Denied, PolicyDocument, Principal, Request,
};

use crate::model::{self, User};
use crate::{Iam, EMR_SERVERLESS_PRINCIPAL};

#[derive(Debug, Clone)]
pub struct Caller {
    pub arn: String,
    /// `aws:userid`: the account id for the root, the user's unique id.
    pub user_id: String,
    pub account: String,
    /// None for the account root.
    pub user_name: Option<String>,
    policies: Vec<Arc<PolicyDocument>>,
    /// For temporary credentials: the role's ARN (`aws:PrincipalArn`) and
    /// the session policies that narrow the role's (None: not narrowed).
    session: Option<SessionScope>,
}

#[derive(Debug, Clone)]
struct SessionScope {
    role_arn: String,
    policies: Option<Vec<Arc<PolicyDocument>>>,
}

impl Caller {
    pub(crate) fn root(account: &str) -> Caller {
        Caller {
            arn: model::root_arn(account),
            user_id: account.to_string(),
            account: account.to_string(),
            user_name: None,
            policies: Vec::new(),
            session: None,
        }
    }

    pub(crate) fn user(account: &str, user: &User, policies: Vec<Arc<PolicyDocument>>) -> Caller {
        Caller {
            arn: model::user_arn(account, &user.path, &user.name),
            user_id: user.id.clone(),
            account: account.to_string(),
            user_name: Some(user.name.clone()),
            policies,
            session: None,
        }
    }

    /// A session of `role` (temporary credentials), as STS names it.
    pub(crate) fn session(
        account: &str,
        role: &crate::model::Role,
        session_name: &str,
        role_policies: Vec<Arc<PolicyDocument>>,
        session_policies: Option<Vec<Arc<PolicyDocument>>>,
    ) -> Caller {
        Caller {
            arn: format!("arn:aws:sts::{account}:assumed-role/{}/{session_name}", role.name),
            user_id: format!("{}:{session_name}", role.id),
            account: account.to_string(),
            user_name: Some(session_name.to_string()),
            policies: role_policies,
            session: Some(SessionScope {
                role_arn: model::role_arn(account, &role.path, &role.name),
                policies: session_policies,
            }),
        }
    }

    pub fn is_root(&self) -> bool {
        self.user_name.is_none() && self.session.is_none()
    }

    /// Whether a policy of this caller tests a condition key starting with
    /// `prefix` (say `aws:ResourceTag/`), so that the request path reads
    /// the values only when a decision can depend on them.
    pub fn uses_condition_key_prefix(&self, prefix: &str) -> bool {
        let session = self.session.as_ref().and_then(|s| s.policies.as_ref());
        self.policies.iter().chain(session.into_iter().flatten()).any(|d| d.uses_condition_key_prefix(prefix))
    }

    /// Whether these are temporary credentials of a role.
    pub fn is_session(&self) -> bool {
        self.session.is_some()
    }

    /// Decides `action` on `resource` by the caller's identity policies.
    /// The root may do everything. `request_context` carries the request's
    /// own condition keys; the principal's global keys are added here.
    pub fn authorize(&self, action: &str, resource: &str, request_context: &Context) -> Result<(), Denied> {
        if self.is_root() {
            return Ok(());
        }
        let mut context = request_context.clone();
        self.add_global_keys(&mut context);
        let documents: Vec<&PolicyDocument> = self.policies.iter().map(|d| d.as_ref()).collect();
        let request = Request { action, resource, principal: None, context: &context };
        let decision = match self.session.as_ref().and_then(|s| s.policies.as_ref()) {
            Some(session) => {
                let narrowing: Vec<&PolicyDocument> = session.iter().map(|d| d.as_ref()).collect();
                evaluate_with_session(&documents, Some(&narrowing), &request)
            }
            None => evaluate(&documents, &request),
        };
        match decision {
            Decision::Allow => Ok(()),
            Decision::ExplicitDeny => Err(Denied { principal_arn: self.arn.clone(), explicit: true }),
            Decision::ImplicitDeny => Err(Denied { principal_arn: self.arn.clone(), explicit: false }),
        }
    }

    fn add_global_keys(&self, context: &mut Context) {
        let now = chrono::Utc::now();
        context.insert("aws:CurrentTime", now.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        context.insert("aws:EpochTime", now.timestamp().to_string());
        // For a session, aws:PrincipalArn is the role's ARN, as in AWS.
        let principal_arn = self.session.as_ref().map_or(&self.arn, |s| &s.role_arn);
        context.insert("aws:PrincipalArn", principal_arn.clone());
        context.insert("aws:PrincipalAccount", self.account.clone());
        context.insert("aws:userid", self.user_id.clone());
        if self.session.is_some() {
            context.insert("aws:PrincipalType", "AssumedRole");
        } else if let Some(name) = &self.user_name {
            context.insert("aws:username", name.clone());
            context.insert("aws:PrincipalType", "User");
        } else {
            context.insert("aws:PrincipalType", "Account");
        }
    }
}

/// Why a caller may not hand a role to a job.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PassRoleError {
    /// `iam:PassRole` is not allowed: AccessDeniedException, as the service.
    #[error("{0}")]
    Denied(String),
    /// The role does not exist, or its trust policy does not let the service
    /// assume it. EMR Serverless checks the role when the run starts; it is
    /// refused here, at StartJobRun, so the user learns it at once rather
    /// than from a failed run (a ValidationException).
    #[error("{0}")]
    Unusable(String),
}

impl Iam {
    /// Whether `caller` may start a job that runs as `role_arn`: it must be
    /// allowed `iam:PassRole` on the role (with `iam:PassedToService`), the
    /// role must exist in this account, and its trust policy must let
    /// `emr-serverless.amazonaws.com` assume it.
    pub fn check_pass_role(&self, caller: &Caller, role_arn: &str) -> Result<(), PassRoleError> {
        let mut context = Context::new();
        context.insert("iam:PassedToService", EMR_SERVERLESS_PRINCIPAL);
        if let Err(denied) = caller.authorize("iam:PassRole", role_arn, &context) {
            return Err(PassRoleError::Denied(denied.message("iam:PassRole", role_arn)));
        }
        let directory = self.directory();
        let Some(role) = directory.role_by_arn(&self.account, role_arn) else {
            return Err(PassRoleError::Unusable(format!(
                "Execution role {role_arn} does not exist in account {}; create it with `aws iam create-role`",
                self.account
            )));
        };
        let trusted = directory.role_trust(&role.name).is_some_and(|trust| {
            let context = Context::new();
            let request = Request {
                action: "sts:AssumeRole",
                resource: role_arn,
                principal: Some(Principal::Service(EMR_SERVERLESS_PRINCIPAL)),
                context: &context,
            };
            evaluate(&[trust.as_ref()], &request) == Decision::Allow
        });
        if !trusted {
            return Err(PassRoleError::Unusable(format!(
                "Execution role {role_arn} cannot be assumed by {EMR_SERVERLESS_PRINCIPAL}: its trust policy must allow sts:AssumeRole for that service principal"
            )));
        }
        Ok(())
    }
}
