//! Which action, on which resource, each API request asks for.
//!
//! Authorization needs the request mapped the way AWS's service
//! authorization reference maps it: `emr-serverless:StartJobRun` on the
//! application's ARN, `emr-serverless:GetJobRun` on the run's, and so on,
//! with the request's tags as `aws:RequestTag/*` and `aws:TagKeys`. This
//! mapping is pure, so it is tested without a server. sparkplane's own
//! routes borrow the action that guards the same data in the service: a
//! run's logs are what GetDashboardForJobRun shows, an application's
//! workers are part of GetApplication, and the catalog is Glue's.

use percent_encoding::percent_decode_str;

use crate::query::RawQuery;
use sparkplane_policy::Context;

/// What a request asks to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub action: &'static str,
    pub resource: String,
    /// The resource whose tags are `aws:ResourceTag/*`, if any.
    pub tagged: Option<Tagged>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tagged {
    Application(String),
    JobRun(String, String),
    Session(String, String),
}

/// Maps a request of the EMR Serverless API (and sparkplane's extras) to its
/// action. `None` for paths no operation serves; those are answered by the
/// router's fallback and never touch a resource. `query` names the resource
/// of the one operation that takes it there (GetResourceDashboard).
pub fn target(region: &str, account: &str, method: &str, path: &str, query: &RawQuery) -> Option<Target> {
    let segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let parts: Vec<&str> = segments.iter().map(String::as_str).collect();
    let app = |id: &str| format!("arn:aws:emr-serverless:{region}:{account}:/applications/{id}");
    let run = |id: &str, run: &str| format!("{}/jobruns/{run}", app(id));
    let on_app = |action, id: &str| Target { action, resource: app(id), tagged: Some(Tagged::Application(id.into())) };
    let on_run = |action, id: &str, job: &str| Target {
        action,
        resource: run(id, job),
        tagged: Some(Tagged::JobRun(id.into(), job.into())),
    };
    let on_session = |action, id: &str, session: &str| Target {
        action,
        resource: format!("{}/sessions/{session}", app(id)),
        tagged: Some(Tagged::Session(id.into(), session.into())),
    };
    let glue = |action, resource: String| Target { action, resource, tagged: None };
    let target = match (method, parts.as_slice()) {
        ("POST", ["applications"]) => {
            Target { action: "emr-serverless:CreateApplication", resource: app("*"), tagged: None }
        }
        ("GET", ["applications"]) => {
            Target { action: "emr-serverless:ListApplications", resource: "*".into(), tagged: None }
        }
        ("GET", ["applications", id]) => on_app("emr-serverless:GetApplication", id),
        ("PATCH", ["applications", id]) => on_app("emr-serverless:UpdateApplication", id),
        ("DELETE", ["applications", id]) => on_app("emr-serverless:DeleteApplication", id),
        ("POST", ["applications", id, "start"]) => on_app("emr-serverless:StartApplication", id),
        ("POST", ["applications", id, "stop"]) => on_app("emr-serverless:StopApplication", id),
        ("POST", ["applications", id, "jobruns"]) => on_app("emr-serverless:StartJobRun", id),
        ("GET", ["applications", id, "jobruns"]) => on_app("emr-serverless:ListJobRuns", id),
        ("GET", ["applications", id, "jobruns", job]) => on_run("emr-serverless:GetJobRun", id, job),
        ("DELETE", ["applications", id, "jobruns", job]) => on_run("emr-serverless:CancelJobRun", id, job),
        ("GET", ["applications", id, "jobruns", job, "attempts"]) => {
            on_run("emr-serverless:ListJobRunAttempts", id, job)
        }
        ("GET", ["applications", id, "jobruns", job, "dashboard"]) => {
            on_run("emr-serverless:GetDashboardForJobRun", id, job)
        }
        ("POST", ["applications", id, "sessions"]) => on_app("emr-serverless:StartSession", id),
        ("GET", ["applications", id, "sessions"]) => on_app("emr-serverless:ListSessions", id),
        ("GET", ["applications", id, "sessions", session]) => on_session("emr-serverless:GetSession", id, session),
        ("DELETE", ["applications", id, "sessions", session]) => {
            on_session("emr-serverless:TerminateSession", id, session)
        }
        ("GET", ["applications", id, "sessions", session, "endpoint"]) => {
            on_session("emr-serverless:GetSessionEndpoint", id, session)
        }
        // Without a resourceId the request fails validation; until then it
        // is checked against the application's sessions as a whole.
        ("GET", ["applications", id, "dashboard"]) => {
            on_session("emr-serverless:GetResourceDashboard", id, query.first("resourceId").unwrap_or("*"))
        }
        (method, ["tags", arn]) => {
            let action = match method {
                "GET" => "emr-serverless:ListTagsForResource",
                "POST" => "emr-serverless:TagResource",
                "DELETE" => "emr-serverless:UntagResource",
                _ => return None,
            };
            Target { action, resource: arn.to_string(), tagged: tagged_of_arn(arn) }
        }
        ("GET", ["sparkplane", "v1", "applications", id, "jobruns", job, "logs"]) => {
            on_run("emr-serverless:GetDashboardForJobRun", id, job)
        }
        ("GET", ["sparkplane", "v1", "applications", id, "workers"]) => on_app("emr-serverless:GetApplication", id),
        ("GET", ["sparkplane", "v1", "catalog", "databases"]) => {
            glue("glue:GetDatabases", format!("arn:aws:glue:{region}:{account}:catalog"))
        }
        ("GET", ["sparkplane", "v1", "catalog", "databases", db, "tables"]) => {
            glue("glue:GetTables", format!("arn:aws:glue:{region}:{account}:database/{db}"))
        }
        ("GET", ["sparkplane", "v1", "catalog", "databases", db, "tables", table]) => {
            glue("glue:GetTable", format!("arn:aws:glue:{region}:{account}:table/{db}/{table}"))
        }
        // Hosts are the operator's, not a team's: sparkplane's own actions,
        // which `emr-serverless:*` does not grant.
        (method, ["sparkplane", "v1", "hosts", rest @ ..]) => {
            let host = |name: &str| format!("arn:aws:sparkplane:{region}:{account}:host/{name}");
            let on_host = |action, resource| Target { action, resource, tagged: None };
            match (method, rest) {
                ("GET", []) => on_host("sparkplane:ListHosts", host("*")),
                ("GET", [name]) => on_host("sparkplane:GetHost", host(name)),
                ("POST", [name]) => on_host("sparkplane:AddHost", host(name)),
                ("DELETE", [name]) => on_host("sparkplane:RemoveHost", host(name)),
                ("POST", [name, "drain"]) => on_host("sparkplane:DrainHost", host(name)),
                ("POST", [name, "resume"]) => on_host("sparkplane:ResumeHost", host(name)),
                _ => return None,
            }
        }
        // The console's sign-in URL signs a browser in as the caller's own
        // key and grants nothing else: like sts:GetCallerIdentity, no
        // permission is needed. The charts' samples need ListApplications
        // (the handler shows only applications the caller may GetApplication).
        ("POST", ["sparkplane", "v1", "console", "sign-in-url"]) => return None,
        ("GET", ["sparkplane", "v1", "console", "samples"]) => {
            Target { action: "emr-serverless:ListApplications", resource: "*".into(), tagged: None }
        }
        // Which servers share the store and which leads: the operator's too.
        ("GET", ["sparkplane", "v1", "servers"]) => Target {
            action: "sparkplane:ListServers",
            resource: format!("arn:aws:sparkplane:{region}:{account}:server/*"),
            tagged: None,
        },
        (method, ["sparkplane", "v1", "metastore", rest @ ..]) => {
            let catalog = || format!("arn:aws:glue:{region}:{account}:catalog");
            // Glue names are case-insensitive and stored lower-case.
            let database = |db: &str| format!("arn:aws:glue:{region}:{account}:database/{}", db.to_ascii_lowercase());
            let table = |db: &str, t: &str| {
                format!("arn:aws:glue:{region}:{account}:table/{}/{}", db.to_ascii_lowercase(), t.to_ascii_lowercase())
            };
            match (method, rest) {
                ("GET", ["databases"]) => glue("glue:GetDatabases", catalog()),
                ("GET", ["databases", db]) => glue("glue:GetDatabase", database(db)),
                ("PUT", ["databases", db]) => glue("glue:CreateDatabase", database(db)),
                ("GET", ["databases", db, "tables"]) => glue("glue:GetTables", database(db)),
                ("GET", ["databases", db, "tables", t]) => glue("glue:GetTable", table(db, t)),
                ("POST", ["databases", db, "tables", t]) => glue("glue:CreateTable", table(db, t)),
                ("PUT", ["databases", db, "tables", t]) => glue("glue:UpdateTable", table(db, t)),
                ("DELETE", ["databases", db, "tables", t]) => glue("glue:DeleteTable", table(db, t)),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(target)
}

/// The application or run an ARN of TagResource names.
fn tagged_of_arn(arn: &str) -> Option<Tagged> {
    let (_, path) = arn.split_once(":/applications/")?;
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [app] => Some(Tagged::Application(app.to_string())),
        [app, "jobruns", run] => Some(Tagged::JobRun(app.to_string(), run.to_string())),
        [app, "sessions", session] => Some(Tagged::Session(app.to_string(), session.to_string())),
        _ => None,
    }
}

/// `aws:RequestTag/<key>` and `aws:TagKeys` from a request that carries
/// tags: the `tags` map of CreateApplication, StartJobRun and TagResource,
/// or the `tagKeys` query of UntagResource.
pub fn request_tag_context(target: &Target, body: &[u8], query: &crate::query::RawQuery) -> Context {
    let mut context = Context::new();
    let mut keys = Vec::new();
    match target.action {
        "emr-serverless:CreateApplication"
        | "emr-serverless:StartJobRun"
        | "emr-serverless:StartSession"
        | "emr-serverless:TagResource" => {
            let tags = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.get("tags").and_then(|t| t.as_object().cloned()));
            for (key, value) in tags.unwrap_or_default() {
                if let Some(value) = value.as_str() {
                    context.insert(&format!("aws:RequestTag/{key}"), value);
                }
                keys.push(key);
            }
        }
        "emr-serverless:UntagResource" => keys = query.all("tagKeys"),
        _ => {}
    }
    if !keys.is_empty() {
        context.insert_multi("aws:TagKeys", keys);
    }
    context
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(method: &str, path_and_query: &str) -> Option<(&'static str, String)> {
        let (path, query) = path_and_query.split_once('?').map_or((path_and_query, None), |(p, q)| (p, Some(q)));
        target("us-east-1", "123456789012", method, path, &RawQuery::parse(query)).map(|t| (t.action, t.resource))
    }

    #[test]
    fn operations_map_to_the_service_authorization_reference() {
        let app = "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00app";
        assert_eq!(
            t("POST", "/applications"),
            Some(("emr-serverless:CreateApplication", format!("{}*", &app[..app.len() - 5])))
        );
        assert_eq!(t("GET", "/applications"), Some(("emr-serverless:ListApplications", "*".into())));
        assert_eq!(t("POST", "/applications/00app/sessions"), Some(("emr-serverless:StartSession", app.into())));
        assert_eq!(
            t("GET", "/applications/00app/sessions/00s/endpoint"),
            Some(("emr-serverless:GetSessionEndpoint", format!("{app}/sessions/00s")))
        );
        assert_eq!(
            t("GET", "/applications/00app/dashboard?resourceType=SESSION&resourceId=00s"),
            Some(("emr-serverless:GetResourceDashboard", format!("{app}/sessions/00s")))
        );
        assert_eq!(
            target("r", "1", "GET", "/applications/00app/sessions/00s", &RawQuery::default()).and_then(|t| t.tagged),
            Some(Tagged::Session("00app".into(), "00s".into()))
        );
        assert_eq!(
            tagged_of_arn("arn:aws:emr-serverless:r:1:/applications/00app/sessions/00s"),
            Some(Tagged::Session("00app".into(), "00s".into()))
        );
        assert_eq!(
            t("GET", "/applications/00app/dashboard"),
            Some(("emr-serverless:GetResourceDashboard", format!("{app}/sessions/*")))
        );
        assert_eq!(t("POST", "/applications/00app/jobruns"), Some(("emr-serverless:StartJobRun", app.into())));
        assert_eq!(t("DELETE", "/applications/00app"), Some(("emr-serverless:DeleteApplication", app.into())));
        assert_eq!(
            t("GET", "/applications/00app/jobruns/00run/dashboard"),
            Some(("emr-serverless:GetDashboardForJobRun", format!("{app}/jobruns/00run")))
        );
        let encoded = "/tags/arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A123456789012%3A%2Fapplications%2F00app";
        assert_eq!(t("POST", encoded), Some(("emr-serverless:TagResource", app.into())));
        assert_eq!(
            target("us-east-1", "1", "GET", encoded, &RawQuery::default()).and_then(|t| t.tagged),
            Some(Tagged::Application("00app".into()))
        );
        assert_eq!(
            t("GET", "/sparkplane/v1/catalog/databases/db/tables/t"),
            Some(("glue:GetTable", "arn:aws:glue:us-east-1:123456789012:table/db/t".into()))
        );
        let glue_table = "arn:aws:glue:us-east-1:123456789012:table/db/t";
        for (method, action) in [
            ("GET", "glue:GetTable"),
            ("POST", "glue:CreateTable"),
            ("PUT", "glue:UpdateTable"),
            ("DELETE", "glue:DeleteTable"),
        ] {
            assert_eq!(t(method, "/sparkplane/v1/metastore/databases/DB/tables/T"), Some((action, glue_table.into())));
        }
        assert_eq!(
            t("PUT", "/sparkplane/v1/metastore/databases/db"),
            Some(("glue:CreateDatabase", "arn:aws:glue:us-east-1:123456789012:database/db".into()))
        );
        assert_eq!(t("PATCH", "/sparkplane/v1/metastore/databases/db"), None);
        let host = "arn:aws:sparkplane:us-east-1:123456789012:host/";
        assert_eq!(t("GET", "/sparkplane/v1/hosts"), Some(("sparkplane:ListHosts", format!("{host}*"))));
        assert_eq!(t("POST", "/sparkplane/v1/hosts/w1"), Some(("sparkplane:AddHost", format!("{host}w1"))));
        assert_eq!(t("POST", "/sparkplane/v1/hosts/w1/drain"), Some(("sparkplane:DrainHost", format!("{host}w1"))));
        assert_eq!(t("DELETE", "/sparkplane/v1/hosts/w1"), Some(("sparkplane:RemoveHost", format!("{host}w1"))));
        assert_eq!(t("PUT", "/sparkplane/v1/hosts/w1"), None);
        assert_eq!(
            t("GET", "/sparkplane/v1/servers"),
            Some(("sparkplane:ListServers", "arn:aws:sparkplane:us-east-1:123456789012:server/*".into()))
        );
        assert_eq!(t("DELETE", "/sparkplane/v1/servers"), None);
        assert_eq!(t("PUT", "/applications"), None);
        assert_eq!(t("GET", "/nothing"), None);
    }

    #[test]
    fn request_tags_become_condition_keys() {
        let target = target("r", "1", "POST", "/applications", &RawQuery::default()).unwrap();
        let context =
            request_tag_context(&target, br#"{"name":"a","tags":{"team":"blue"}}"#, &crate::query::RawQuery::default());
        assert_eq!(context.get("aws:requesttag/team"), Some(&["blue".to_string()][..]));
        assert_eq!(context.get("aws:TagKeys"), Some(&["team".to_string()][..]));
        let untag = super::target("r", "1", "DELETE", "/tags/arn%3Ax", &RawQuery::default()).unwrap();
        let query = crate::query::RawQuery::parse(Some("tagKeys=a&tagKeys=b"));
        let context = request_tag_context(&untag, b"", &query);
        assert_eq!(context.get("aws:TagKeys").map(|v| v.len()), Some(2));
    }
}
