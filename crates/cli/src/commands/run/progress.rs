//! What `sparkplane run --wait` shows while a run runs: its state, then
//! Spark's jobs as progress bars (tasks done of tasks), read from the
//! driver's own REST API through the run's dashboard, the way the Spark UI
//! gets them; for a HIVE run, its statements done of the script's. On a terminal they are `indicatif` bars; otherwise (a pipe,
//! CI) the same facts come as plain lines, one per change.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Deserialize;

use crate::client::{encode_segment, ApiClient};

/// One Spark job as `/api/v1/applications/{id}/jobs` lists it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SparkJob {
    pub job_id: u64,
    #[serde(default)]
    pub name: String,
    pub num_tasks: u64,
    pub num_completed_tasks: u64,
    #[serde(default)]
    pub num_skipped_tasks: u64,
}

impl SparkJob {
    fn done(&self) -> u64 {
        (self.num_completed_tasks + self.num_skipped_tasks).min(self.num_tasks)
    }
}

/// The live Spark UI of a run, reached through its dashboard URL: the
/// URL's token is traded for the dashboard's cookie once, as a browser does.
pub struct SparkUi {
    base: String,
    cookie: String,
    agent: ureq::Agent,
}

impl SparkUi {
    /// `None` until the driver's UI is up (or for a HIVE run).
    pub fn open(client: &ApiClient, application_id: &str, job_run_id: &str) -> Option<SparkUi> {
        let path = format!(
            "/applications/{}/jobruns/{}/dashboard",
            encode_segment(application_id),
            encode_segment(job_run_id)
        );
        let url: serde_json::Value = client.get_json(&path).ok()?;
        let url = url.get("url")?.as_str()?.to_string();
        let agent = ureq::AgentBuilder::new().redirects(0).timeout(Duration::from_secs(5)).build();
        let response = match agent.get(&url).call() {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(_) => return None,
        };
        let cookie = response.header("set-cookie")?.split(';').next()?.to_string();
        let base = url.split('?').next()?.to_string();
        Some(SparkUi { base, cookie, agent })
    }

    fn get<T: serde::de::DeserializeOwned>(&self, rest: &str) -> Option<T> {
        let response = self.agent.get(&format!("{}{rest}", self.base)).set("cookie", &self.cookie).call().ok()?;
        serde_json::from_str(&response.into_string().ok()?).ok()
    }

    /// The jobs of the run's Spark application so far.
    pub fn jobs(&self) -> Option<Vec<SparkJob>> {
        let apps: Vec<serde_json::Value> = self.get("api/v1/applications")?;
        let id = apps.first()?.get("id")?.as_str()?.to_string();
        self.get(&format!("api/v1/applications/{}/jobs", encode_segment(&id)))
    }
}

pub enum Reporter {
    Bars { multi: MultiProgress, state: ProgressBar, jobs: BTreeMap<u64, ProgressBar>, hive: Option<ProgressBar> },
    Lines { state: String, jobs: BTreeMap<u64, u64>, hive: usize },
}

impl Reporter {
    pub fn new(terminal: bool) -> Reporter {
        if !terminal {
            return Reporter::Lines { state: String::new(), jobs: BTreeMap::new(), hive: 0 };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let state = multi.add(ProgressBar::new_spinner());
        state.set_style(
            ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        state.enable_steady_tick(Duration::from_millis(120));
        Reporter::Bars { multi, state, jobs: BTreeMap::new(), hive: None }
    }

    /// A HIVE run's statements: `done` of `statements` finished, the next
    /// one named.
    pub fn hive_statements(&mut self, done: usize, statements: &[String]) {
        let total = statements.len();
        let next = statements.get(done).map(String::as_str).unwrap_or("");
        match self {
            Reporter::Bars { multi, hive, .. } => {
                let bar = hive.get_or_insert_with(|| {
                    let bar = multi.add(ProgressBar::new(total as u64));
                    bar.set_style(
                        ProgressStyle::with_template("  statements [{bar:30}] {pos}/{len} {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_bar())
                            .progress_chars("=> "),
                    );
                    bar
                });
                bar.set_position(done.min(total) as u64);
                bar.set_message(next.to_string());
            }
            Reporter::Lines { hive: shown, .. } => {
                while *shown < done.min(total) {
                    eprintln!("hive statement {}/{total} done: {}", *shown + 1, statements[*shown]);
                    *shown += 1;
                }
            }
        }
    }

    pub fn state(&mut self, state: &str, details: &str) {
        let text = if details.is_empty() { state.to_string() } else { format!("{state}: {details}") };
        match self {
            Reporter::Bars { state: bar, .. } => bar.set_message(text),
            Reporter::Lines { state: last, .. } => {
                if *last != text {
                    eprintln!("state {text}");
                    *last = text;
                }
            }
        }
    }

    pub fn spark_jobs(&mut self, jobs: &[SparkJob]) {
        match self {
            Reporter::Bars { multi, jobs: bars, .. } => {
                for job in jobs {
                    let bar = bars.entry(job.job_id).or_insert_with(|| {
                        let bar = multi.add(ProgressBar::new(job.num_tasks));
                        bar.set_style(
                            ProgressStyle::with_template("  job {prefix:>3} [{bar:30}] {pos}/{len} tasks {msg}")
                                .unwrap_or_else(|_| ProgressStyle::default_bar())
                                .progress_chars("=> "),
                        );
                        bar.set_prefix(job.job_id.to_string());
                        bar.set_message(short(&job.name));
                        bar
                    });
                    bar.set_length(job.num_tasks);
                    bar.set_position(job.done());
                }
            }
            Reporter::Lines { jobs: seen, .. } => {
                for job in jobs {
                    if seen.get(&job.job_id) != Some(&job.done()) {
                        eprintln!(
                            "spark job {}: {}/{} tasks {}",
                            job.job_id,
                            job.done(),
                            job.num_tasks,
                            short(&job.name)
                        );
                        seen.insert(job.job_id, job.done());
                    }
                }
            }
        }
    }

    /// Driver output, printed above the bars.
    pub fn log(&mut self, text: &str) {
        match self {
            Reporter::Bars { multi, .. } => {
                for line in text.lines() {
                    let _ = multi.println(line);
                }
            }
            Reporter::Lines { .. } => {
                let mut stdout = std::io::stdout().lock();
                let _ = stdout.write_all(text.as_bytes());
                let _ = stdout.flush();
            }
        }
    }

    pub fn finish(&mut self) {
        if let Reporter::Bars { state, jobs, hive, .. } = self {
            for bar in jobs.values().chain(hive.iter()) {
                bar.finish();
            }
            state.finish();
        }
    }
}

/// A Spark job's name (its call site) in a few words.
fn short(name: &str) -> String {
    let name = name.split(" at ").next().unwrap_or(name);
    name.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_parse_from_the_rest_api_and_count_skipped_tasks_as_done() {
        let jobs: Vec<SparkJob> = serde_json::from_str(
            r#"[{"jobId": 1, "name": "count at NativeMethodAccessorImpl.java:0", "status": "RUNNING",
                 "numTasks": 8, "numCompletedTasks": 3, "numSkippedTasks": 2, "numActiveTasks": 1}]"#,
        )
        .unwrap();
        assert_eq!(jobs[0].done(), 5);
        assert_eq!(short(&jobs[0].name), "count");
    }
}
