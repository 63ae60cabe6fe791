//! The few HTML pages sparkplane renders itself: refusals, "nothing to show
//! yet", and the HIVE statement report. Every dynamic string is escaped.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sparkplane_api::{JobRunState, SessionState};
use sparkplane_control::dashboards::HiveReport;

pub use crate::browser::escape;

fn html(status: StatusCode, title: &str, body: &str, refresh: bool) -> Response {
    let refresh = if refresh { "<meta http-equiv=\"refresh\" content=\"5\">" } else { "" };
    let page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">{refresh}<title>{title}</title>\
         <style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}\
         td.n{{text-align:right}}pre{{margin:0;white-space:pre-wrap}}.error{{color:#b00}}</style></head>\
         <body><h1>{title}</h1>\n{body}\n</body></html>\n",
        title = escape(title),
    );
    let mut response = (status, page).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A page that only says `message` (escaped here).
pub fn message(status: StatusCode, title: &str, message: &str) -> Response {
    html(status, title, &format!("<p>{}</p>", escape(message)), false)
}

/// The refusal of a request without a valid token or cookie: plain text,
/// short, and the same whether or not the job (or session) exists.
/// `operation` is the API call that gives a new URL.
pub fn forbidden(reason: &str, operation: &str) -> Response {
    let body = format!("403 Forbidden: {reason}. Call {operation} for a new dashboard URL.\n");
    let mut response = (StatusCode::FORBIDDEN, body).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A run that has no driver to show.
pub fn not_started(job_run_id: &str, state: JobRunState, details: &str) -> Response {
    let mut text = if state.is_terminal() {
        format!(
            "Job run {job_run_id} ended ({}) without starting a driver, so it has no application UI.",
            state.as_str()
        )
    } else {
        format!(
            "Job run {job_run_id} has not started its driver yet (state {}); the application UI appears once it is RUNNING.",
            state.as_str()
        )
    };
    if !details.is_empty() {
        text.push_str(&format!(" Details: {details}"));
    }
    let refresh = !state.is_terminal();
    html(StatusCode::NOT_FOUND, "No application UI", &format!("<p>{}</p>", escape(&text)), refresh)
}

/// A session whose engine is not serving: not yet (refreshes), or no more
/// while it stops.
pub fn session_not_serving(session_id: &str, state: SessionState, details: &str) -> Response {
    let mut text = format!(
        "Session {session_id} is {}; its Spark UI is here while the session is STARTED, IDLE or BUSY, \
         and its history view once it has ended.",
        state.as_str()
    );
    if !details.is_empty() {
        text.push_str(&format!(" Details: {details}"));
    }
    html(StatusCode::NOT_FOUND, "No application UI", &format!("<p>{}</p>", escape(&text)), true)
}

/// The statements a HIVE attempt ran, with timings and row counts.
pub fn hive_report(
    job_run_id: &str,
    attempt: u32,
    state: JobRunState,
    details: &str,
    report: Option<&HiveReport>,
) -> Response {
    let mut body = format!("<p>State: <b>{}</b></p>", escape(state.as_str()));
    if !details.is_empty() {
        body.push_str(&format!("<p>{}</p>", escape(details)));
    }
    match report {
        None if state.is_terminal() => body.push_str("<p>This attempt left no statement report.</p>"),
        None => {
            body.push_str("<p>No statement has finished yet; this page refreshes itself while the run is active.</p>")
        }
        Some(report) => {
            body.push_str(
                "<table><thead><tr><th>#</th><th>Line</th><th>Statement</th><th>Rows</th><th>Time (ms)</th>\
                 <th>Script</th></tr></thead><tbody>\n",
            );
            for statement in &report.statements {
                let rows = statement.rows.map(|r| r.to_string()).unwrap_or_else(|| "-".to_string());
                body.push_str(&format!(
                    "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td><pre>{}</pre></td><td class=\"n\">{}</td>\
                     <td class=\"n\">{}</td><td>{}</td></tr>\n",
                    statement.index,
                    statement.line,
                    escape(&statement.text),
                    rows,
                    statement.elapsed_ms,
                    if statement.init_script { "init" } else { "query" },
                ));
            }
            body.push_str("</tbody></table>\n");
            let total: u64 = report.statements.iter().map(|s| s.elapsed_ms).sum();
            let count = report.statements.len();
            let plural = if count == 1 { "" } else { "s" };
            body.push_str(&format!("<p>{count} statement{plural}, {total} ms in total.</p>"));
            if let Some(error) = &report.error {
                body.push_str(&format!("<p class=\"error\">{}</p>", escape(error)));
            }
        }
    }
    let title = format!("HIVE job run {job_run_id}, attempt {attempt}");
    html(StatusCode::OK, &title, &body, !state.is_terminal())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sparkplane_control::dashboards::HiveStatement;

    async fn text(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    }

    #[tokio::test]
    async fn the_hive_report_lists_statements_and_escapes_them() {
        let report = HiveReport {
            statements: vec![HiveStatement {
                index: 1,
                line: 3,
                text: "SELECT '<script>' FROM t".into(),
                elapsed_ms: 12,
                rows: Some(5),
                init_script: false,
            }],
            error: Some("statement 2 (line 4): <bad>".into()),
        };
        let page = text(hive_report("00run", 1, JobRunState::Failed, "", Some(&report))).await;
        assert!(page.contains("SELECT &#39;&lt;script&gt;&#39; FROM t"), "{page}");
        assert!(!page.contains("<script>"));
        assert!(page.contains("<td class=\"n\">5</td>") && page.contains("<td class=\"n\">12</td>"));
        assert!(page.contains("statement 2 (line 4): &lt;bad&gt;"));
        assert!(!page.contains("http-equiv=\"refresh\""));
        let pending = text(hive_report("00run", 1, JobRunState::Running, "", None)).await;
        assert!(pending.contains("No statement has finished yet") && pending.contains("http-equiv=\"refresh\""));
    }
}
