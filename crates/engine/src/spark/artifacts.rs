//! The URIs a Spark launch stages, so that they can be vetted at submit.

use super::launch::merged_list;
use super::params::archive_alias;
use super::SparkJobPlan;

impl SparkJobPlan {
    /// Every artifact the launch stages, as (where it was given, URI): the
    /// entry point, then `--jars`, `--py-files`, `--files` and `--archives`
    /// merged with their `spark.*` list properties, as the launch merges them
    /// (an archive without its `#alias`).
    pub fn artifact_uris(&self) -> Vec<(&'static str, String)> {
        let mut uris = vec![("entryPoint", self.entry_point.clone())];
        let lists = [
            ("--jars / spark.jars", &self.params.jars, "spark.jars"),
            ("--py-files / spark.submit.pyFiles", &self.params.py_files, "spark.submit.pyFiles"),
            ("--files / spark.files", &self.params.files, "spark.files"),
        ];
        for (what, from_params, key) in lists {
            uris.extend(merged_list(self, from_params, key).into_iter().map(|uri| (what, uri)));
        }
        for spec in merged_list(self, &self.params.archives, "spark.archives") {
            uris.push(("--archives / spark.archives", archive_alias(&spec).0.to_string()));
        }
        uris
    }

    /// Whether every artifact comes from `s3://`: only such a run's driver
    /// may run on another host, which stages them from the object store as
    /// the run's role (a local path names the server's disk).
    pub fn stages_only_from_s3(&self) -> bool {
        let remote = |uri: &str| ["s3://", "s3a://", "s3n://"].iter().any(|scheme| uri.starts_with(scheme));
        self.artifact_uris().iter().all(|(_, uri)| remote(uri))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_staged_list_is_listed() {
        let driver = sparkplane_api::SparkSubmit {
            entry_point: "file:///e/main.py".into(),
            entry_point_arguments: None,
            spark_submit_parameters: Some(
                "--jars /j/a.jar --py-files file:///p/b.zip --files /f/c.txt --archives /a/env.tgz#env \
                 --conf spark.jars=/j/d.jar"
                    .into(),
            ),
        };
        let plan = SparkJobPlan::new("emr-7.9.0", &driver, &[], &[]).unwrap();
        let uris: Vec<String> = plan.artifact_uris().into_iter().map(|(_, uri)| uri).collect();
        assert_eq!(uris, ["file:///e/main.py", "/j/a.jar", "/j/d.jar", "file:///p/b.zip", "/f/c.txt", "/a/env.tgz"]);
    }

    #[test]
    fn only_a_run_staged_wholly_from_s3_may_move() {
        let plan = |entry: &str, params: &str| {
            let driver = sparkplane_api::SparkSubmit {
                entry_point: entry.into(),
                entry_point_arguments: None,
                spark_submit_parameters: Some(params.into()),
            };
            SparkJobPlan::new("emr-7.9.0", &driver, &[], &[]).unwrap()
        };
        assert!(
            plan("s3://b/main.py", "--py-files s3a://b/lib.zip --archives s3://b/env.tgz#env").stages_only_from_s3()
        );
        assert!(!plan("/srv/main.py", "").stages_only_from_s3());
        assert!(!plan("s3://b/main.py", "--conf spark.jars=/j/d.jar").stages_only_from_s3());
        assert!(!plan("s3://b/main.py", "--archives file:///a/env.tgz#env").stages_only_from_s3());
    }
}
