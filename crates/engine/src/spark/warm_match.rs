//! Which jobs a warm Spark driver may take, and what it must change first.
//!
//! A warm driver was started with the application's plan (its template). A
//! job may run on it only if a cold launch of the job would get the same
//! JVM: same runtime, resources, environment, artifacts and Spark
//! properties. The one exception is Spark SQL properties that a running
//! session still takes (`spark.conf.set`): a job's own
//! `--conf spark.sql.shuffle.partitions=8` is applied at hand-over. The
//! driver checks each with `SQLConf.isModifiable` and declines the job when
//! one is static, so a job never silently runs with a setting it did not get.

use std::collections::BTreeMap;

use super::launch::LIST_PROPERTIES;
use super::SparkJobPlan;

const SQL_PREFIX: &str = "spark.sql.";
/// SQL properties read once, when the session or its catalogs were built
/// during warm-up (they may be "modifiable" but would not take effect).
const SQL_READ_AT_START: [&str; 5] = [
    "spark.sql.catalog.",
    "spark.sql.extensions",
    "spark.sql.hive.",
    "spark.sql.warehouse.dir",
    "spark.sql.catalogImplementation",
];

/// Why `plan` can only run cold, if it can.
pub(super) fn needs_cold_launch(plan: &SparkJobPlan) -> Option<&'static str> {
    let params = &plan.params;
    let listed = LIST_PROPERTIES
        .iter()
        .chain(&["spark.jars.packages"])
        .any(|key| plan.conf.conf.get(*key).is_some_and(|value| !value.trim().is_empty()));
    if !plan.entry_point.ends_with(".py") {
        Some("the entry point is not a Python file")
    } else if params.class.is_some() {
        Some("it sets --class")
    } else if plan.resources.elastic.is_some() {
        Some("its executors grow and shrink (dynamic allocation with maxExecutors)")
    } else if listed
        || !params.jars.is_empty()
        || !params.py_files.is_empty()
        || !params.files.is_empty()
        || !params.archives.is_empty()
        || !params.packages.is_empty()
    {
        Some("it has jars, py-files, files, archives or packages to stage")
    } else {
        None
    }
}

/// A session-level SQL property the driver may set at hand-over.
fn runtime_sql_key(key: &str) -> bool {
    key.starts_with(SQL_PREFIX) && !SQL_READ_AT_START.iter().any(|fixed| key.starts_with(fixed))
}

/// Whether a driver started for `template` runs `plan` as a cold launch
/// would, once [`sql_conf_changes`] are applied.
pub(super) fn plan_matches(template: &SparkJobPlan, plan: &SparkJobPlan) -> bool {
    let mut fixed_plan = plan.conf.clone();
    let mut fixed_template = template.conf.clone();
    fixed_plan.conf.retain(|key, _| !runtime_sql_key(key));
    fixed_template.conf.retain(|key, _| !runtime_sql_key(key));
    needs_cold_launch(plan).is_none()
        && plan.runtime == template.runtime
        && fixed_plan == fixed_template
        && plan.resources == template.resources
}

/// Whether a session of `plan` may take a driver started for `template`:
/// as a job would, except that a session has no entry point of its own and
/// no SQL properties of its own either. Spark Connect gives each client a
/// new SparkSession whose settings come from the shared state the warm-up
/// built, so a property set on the warm driver's session would not reach it.
pub(super) fn session_matches(template: &SparkJobPlan, plan: &SparkJobPlan) -> bool {
    let as_job = SparkJobPlan { entry_point: template.entry_point.clone(), ..plan.clone() };
    plan_matches(template, &as_job) && sql_conf_changes(template, plan).is_empty()
}

/// The SQL properties the job has other than the template: a value to set,
/// or `None` to unset one the template had and the job has not.
pub(super) fn sql_conf_changes<'a>(
    template: &'a SparkJobPlan,
    plan: &'a SparkJobPlan,
) -> BTreeMap<&'a str, Option<&'a str>> {
    let (before, after) = (&template.conf.conf, &plan.conf.conf);
    let mut changes = BTreeMap::new();
    for (key, value) in after.iter().filter(|(key, _)| runtime_sql_key(key)) {
        if before.get(key) != Some(value) {
            changes.insert(key.as_str(), Some(value.as_str()));
        }
    }
    for key in before.keys().filter(|key| runtime_sql_key(key) && !after.contains_key(*key)) {
        changes.insert(key.as_str(), None);
    }
    changes
}

#[cfg(test)]
pub(super) mod tests {
    use sparkplane_api::SparkSubmit;

    use super::*;

    /// A plan small enough for the test machine.
    pub(in crate::spark) const SMALL: &str = "--conf spark.driver.memory=1g --conf spark.executor.cores=1 \
        --conf spark.executor.instances=2 --conf spark.dynamicAllocation.enabled=false";

    pub(in crate::spark) fn plan(entry: &str, args: &[&str], params: &str) -> SparkJobPlan {
        let driver = SparkSubmit {
            entry_point: entry.to_string(),
            entry_point_arguments: Some(args.iter().map(|a| a.to_string()).collect()),
            spark_submit_parameters: Some(params.to_string()),
        };
        SparkJobPlan::new("emr-7.2.0", &driver, &[], &[]).unwrap()
    }

    #[test]
    fn accepts_only_plans_that_would_run_the_same_cold() {
        let template = plan("s3://bucket/a.py", &[], SMALL);
        assert!(plan_matches(&template, &plan("s3://bucket/other.py", &["x"], SMALL)));
        assert!(!plan_matches(&template, &plan("s3://bucket/a.py", &[], &format!("{SMALL} --jars s3://b/x.jar"))));
        assert!(!plan_matches(&template, &plan("s3://bucket/a.py", &[], &format!("{SMALL} --conf spark.x=1"))));
        assert!(!plan_matches(&template, &plan("s3://bucket/a.py", &[], "--conf spark.driver.memory=1g")));
        assert!(!plan_matches(&template, &plan("s3://bucket/a.jar", &[], &format!("{SMALL} --class Main"))));
        let env = format!("{SMALL} --conf spark.emr-serverless.driverEnv.X=1");
        assert!(!plan_matches(&template, &plan("s3://bucket/a.py", &[], &env)));
        assert!(
            needs_cold_launch(&plan("s3://bucket/a.py", &[], &format!("{SMALL} --py-files s3://b/d.zip"))).is_some()
        );
    }

    #[test]
    fn a_session_matches_a_warm_driver_of_its_runtime_and_configuration_only() {
        use sparkplane_api::Configuration;
        let conf = |key: &str, value: &str| Configuration {
            classification: "spark-defaults".into(),
            properties: Some([(key.to_string(), value.to_string())].into()),
            configurations: None,
        };
        let warm =
            SparkSubmit { entry_point: "warm.py".into(), entry_point_arguments: None, spark_submit_parameters: None };
        let app = [conf("spark.driver.cores", "2")];
        let template = SparkJobPlan::new("emr-spark-8.0.0", &warm, &app, &[]).unwrap();
        let session =
            |label: &str, own: &[Configuration]| super::super::connect::session_plan(label, &app, own).unwrap();
        assert!(session_matches(&template, &session("emr-spark-8.0.0", &[])));
        // Any setting of its own, SQL ones too, needs a cold engine.
        assert!(!session_matches(&template, &session("emr-spark-8.0.0", &[conf("spark.sql.shuffle.partitions", "4")])));
        assert!(!session_matches(&template, &session("emr-spark-8.0.0", &[conf("spark.driver.memory", "2g")])));
        // An emr-7 application's warm drivers run Spark 3.5; its sessions, Spark 4.
        let spark3 = SparkJobPlan::new("emr-7.13.0", &warm, &app, &[]).unwrap();
        assert!(!session_matches(&spark3, &session("emr-7.13.0", &[])));
    }

    #[test]
    fn session_sql_properties_are_changes_to_apply_not_a_mismatch() {
        let template = plan("s3://bucket/a.py", &[], &format!("{SMALL} --conf spark.sql.ansi.enabled=true"));
        let job = plan(
            "s3://bucket/b.py",
            &[],
            &format!("{SMALL} --conf spark.sql.shuffle.partitions=8 --conf spark.sql.session.timeZone=UTC"),
        );
        assert!(plan_matches(&template, &job));
        let changes = sql_conf_changes(&template, &job);
        let expected = BTreeMap::from([
            ("spark.sql.ansi.enabled", None),
            ("spark.sql.session.timeZone", Some("UTC")),
            ("spark.sql.shuffle.partitions", Some("8")),
        ]);
        assert_eq!(changes, expected);
        assert!(sql_conf_changes(&template, &template).is_empty());
        // Read when the session and its catalogs were built: only cold.
        for fixed in ["spark.sql.catalog.glue=x.Glue", "spark.sql.extensions=x.Ext", "spark.sql.warehouse.dir=/w"] {
            let job =
                plan("s3://bucket/a.py", &[], &format!("{SMALL} --conf spark.sql.ansi.enabled=true --conf {fixed}"));
            assert!(!plan_matches(&template, &job), "{fixed}");
        }
    }
}
