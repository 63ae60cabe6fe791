//! Tests of the configuration merge: precedence is the contract users rely
//! on when a setting "doesn't take", so each rule is pinned down here.

use super::super::params::parse_spark_submit_parameters;
use super::*;

fn layer(classification: &str, props: &[(&str, &str)], nested: Vec<ConfigLayer>) -> ConfigLayer {
    ConfigLayer {
        classification: classification.to_string(),
        properties: props.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        configurations: nested,
    }
}

fn defaults(props: &[(&str, &str)]) -> ConfigLayer {
    layer("spark-defaults", props, vec![])
}

fn env(vars: &[(&str, &str)]) -> ConfigLayer {
    layer("spark-env", &[], vec![layer("export", vars, vec![])])
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn map(list: &[(&str, &str)]) -> BTreeMap<String, String> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn params(s: &str) -> SparkSubmitParams {
    match parse_spark_submit_parameters(s) {
        Ok(p) => p,
        Err(e) => panic!("parse({s:?}) failed: {e}"),
    }
}

fn eff(base: &[(&str, &str)], app: &[ConfigLayer], job: &[ConfigLayer], p: &str) -> EffectiveSparkConf {
    match effective_spark_conf(&pairs(base), app, job, &params(p)) {
        Ok(e) => e,
        Err(e) => panic!("effective_spark_conf failed: {e}"),
    }
}

fn eff_err(app: &[ConfigLayer], job: &[ConfigLayer]) -> ConfError {
    match effective_spark_conf(&[], app, job, &SparkSubmitParams::default()) {
        Ok(e) => panic!("unexpectedly succeeded: {e:?}"),
        Err(e) => e,
    }
}

#[test]
fn empty_inputs_give_empty_result() {
    assert_eq!(eff(&[], &[], &[], ""), EffectiveSparkConf::default());
}

#[test]
fn precedence_across_all_four_layers() {
    let k = "spark.executor.memory";
    let base = [(k, "1g"), ("only.base", "b")];
    let app = [defaults(&[(k, "2g"), ("only.app", "a")])];
    let job = [defaults(&[(k, "3g"), ("only.job", "j")])];
    let all = eff(&base, &app, &job, "--conf spark.executor.memory=4g");
    assert_eq!(all.conf, map(&[(k, "4g"), ("only.base", "b"), ("only.app", "a"), ("only.job", "j")]));
    // Removing the top layer each time exposes the next one down.
    assert_eq!(eff(&base, &app, &job, "").conf[k], "3g");
    assert_eq!(eff(&base, &app, &[], "").conf[k], "2g");
    assert_eq!(eff(&base, &[], &[], "").conf[k], "1g");
    // Dedicated flags count as sparkSubmitParameters.
    assert_eq!(eff(&base, &app, &job, "--executor-memory 5g").conf[k], "5g");
}

#[test]
fn later_wins_within_each_layer() {
    let e = eff(
        &[("a", "1"), ("a", "2")],
        &[defaults(&[("b", "1")]), defaults(&[("b", "2")])],
        &[defaults(&[("c", "1")]), defaults(&[("c", "2")])],
        "--conf d=1 --conf d=2 --driver-memory 1g --conf spark.driver.memory=2g",
    );
    assert_eq!(e.conf, map(&[("a", "2"), ("b", "2"), ("c", "2"), ("d", "2"), ("spark.driver.memory", "2g")]));
    let e = eff(&[], &[], &[], "--conf spark.driver.memory=2g --driver-memory 1g");
    assert_eq!(e.conf["spark.driver.memory"], "1g");
}

#[test]
fn list_flags_beat_lower_layers() {
    let app = [defaults(&[("spark.jars", "s3://b/app.jar")])];
    let e = eff(&[], &app, &[], "--jars s3://b/x.jar --jars s3://b/y.jar");
    assert_eq!(e.conf["spark.jars"], "s3://b/x.jar,s3://b/y.jar");
    assert_eq!(eff(&[], &app, &[], "").conf["spark.jars"], "s3://b/app.jar");
}

#[test]
fn driver_env_is_extracted_from_every_layer() {
    let p = "spark.emr-serverless.driverEnv.";
    let e = eff(
        &[(&format!("{p}BASE"), "b"), (&format!("{p}X"), "base")],
        &[defaults(&[(&format!("{p}APP"), "a"), (&format!("{p}X"), "app")])],
        &[defaults(&[(&format!("{p}JOB"), "j")])],
        &format!("--conf {p}X=params --conf spark.other=1"),
    );
    assert_eq!(e.driver_env, map(&[("BASE", "b"), ("APP", "a"), ("JOB", "j"), ("X", "params")]));
    assert_eq!(e.conf, map(&[("spark.other", "1")]));
    assert!(e.executor_env.is_empty());
}

#[test]
fn executor_env_stays_in_conf_and_is_copied() {
    let e = eff(&[], &[defaults(&[("spark.executorEnv.A", "1")])], &[], "--conf spark.executorEnv.B=2");
    assert_eq!(e.executor_env, map(&[("A", "1"), ("B", "2")]));
    assert_eq!(e.conf, map(&[("spark.executorEnv.A", "1"), ("spark.executorEnv.B", "2")]));
    assert!(e.driver_env.is_empty());
}

#[test]
fn spark_env_export_reaches_driver_and_executors() {
    let e = eff(&[], &[env(&[("PYSPARK_PYTHON", "/env/bin/python"), ("TZ", "UTC")])], &[], "");
    let vars = map(&[("PYSPARK_PYTHON", "/env/bin/python"), ("TZ", "UTC")]);
    assert_eq!(e.driver_env, vars);
    assert_eq!(e.executor_env, vars);
    // The conf mirrors executor_env so a cluster launch sees the same thing.
    assert_eq!(
        e.conf,
        map(&[("spark.executorEnv.PYSPARK_PYTHON", "/env/bin/python"), ("spark.executorEnv.TZ", "UTC")])
    );
}

#[test]
fn env_precedence_layer_first_then_specific_key() {
    // Same layer: the specific key beats export, whatever the list order.
    let app = [defaults(&[("spark.emr-serverless.driverEnv.V", "driver-specific")]), env(&[("V", "export")])];
    let e = eff(&[], &app, &[], "");
    assert_eq!(e.driver_env["V"], "driver-specific");
    assert_eq!(e.executor_env["V"], "export");
    // A higher layer's export beats a lower layer's specific key.
    let job = [env(&[("V", "job-export")])];
    let e = eff(&[], &app, &job, "");
    assert_eq!(e.driver_env["V"], "job-export");
    assert_eq!(e.executor_env["V"], "job-export");
    assert_eq!(e.conf["spark.executorEnv.V"], "job-export");
    // And parameters beat everything.
    let e = eff(&[], &app, &job, "--conf spark.executorEnv.V=p");
    assert_eq!(e.executor_env["V"], "p");
    assert_eq!(e.driver_env["V"], "job-export");
}

#[test]
fn realistic_emr_example_end_to_end() {
    let s = "--conf spark.executor.cores=1 --conf spark.executor.memory=4g --conf spark.driver.cores=1 \
             --conf spark.driver.memory=4g --conf spark.executor.instances=1 \
             --conf spark.archives=s3://b/env.tar.gz#environment \
             --conf spark.emr-serverless.driverEnv.PYSPARK_DRIVER_PYTHON=./environment/bin/python";
    let app = [env(&[("PYSPARK_PYTHON", "./environment/bin/python")])];
    let e = eff(&[("spark.driver.memory", "1g"), ("spark.ui.enabled", "false")], &app, &[], s);
    assert_eq!(
        e.conf,
        map(&[
            ("spark.executor.cores", "1"),
            ("spark.executor.memory", "4g"),
            ("spark.driver.cores", "1"),
            ("spark.driver.memory", "4g"),
            ("spark.executor.instances", "1"),
            ("spark.archives", "s3://b/env.tar.gz#environment"),
            ("spark.executorEnv.PYSPARK_PYTHON", "./environment/bin/python"),
            ("spark.ui.enabled", "false"),
        ])
    );
    assert_eq!(
        e.driver_env,
        map(&[("PYSPARK_DRIVER_PYTHON", "./environment/bin/python"), ("PYSPARK_PYTHON", "./environment/bin/python"),])
    );
    assert_eq!(e.executor_env, map(&[("PYSPARK_PYTHON", "./environment/bin/python")]));
    assert_eq!(archive_alias(&e.conf["spark.archives"]), ("s3://b/env.tar.gz", Some("environment")));
}

#[test]
fn other_classifications_pass_through_merged() {
    let app = [
        layer("spark-driver-log4j2", &[("rootLogger.level", "info"), ("a", "app")], vec![]),
        layer("spark-hive-site", &[("hive.metastore.uris", "thrift://x")], vec![]),
        layer("spark-metrics", &[], vec![layer("nested", &[("k", "1"), ("m", "app")], vec![])]),
    ];
    let job = [
        layer("spark-driver-log4j2", &[("rootLogger.level", "debug")], vec![]),
        layer("spark-metrics", &[], vec![layer("nested", &[("k", "2")], vec![])]),
        layer("iceberg-defaults", &[("x", "y")], vec![]),
    ];
    let e = eff(&[], &app, &job, "");
    assert_eq!(
        e.other,
        vec![
            layer("spark-driver-log4j2", &[("rootLogger.level", "debug"), ("a", "app")], vec![]),
            layer("spark-hive-site", &[("hive.metastore.uris", "thrift://x")], vec![]),
            layer("spark-metrics", &[], vec![layer("nested", &[("k", "2"), ("m", "app")], vec![])]),
            layer("iceberg-defaults", &[("x", "y")], vec![]),
        ]
    );
    assert!(e.conf.is_empty() && e.driver_env.is_empty() && e.executor_env.is_empty());
}

#[test]
fn every_known_classification_is_accepted() {
    for name in KNOWN_CLASSIFICATIONS {
        let l = if *name == "spark-env" { env(&[("A", "1")]) } else { layer(name, &[("a", "1")], vec![]) };
        let one = std::slice::from_ref(&l);
        let result = effective_spark_conf(&[], one, one, &SparkSubmitParams::default());
        assert!(result.is_ok(), "{name}: {result:?}");
    }
}

#[test]
fn unknown_classification_is_rejected() {
    for name in ["spark-default", "Spark-Defaults", "export", "", "yarn-site"] {
        let expected = ConfError::UnknownClassification(name.to_string());
        assert_eq!(eff_err(&[layer(name, &[], vec![])], &[]), expected, "{name}");
        assert_eq!(eff_err(&[], &[defaults(&[]), layer(name, &[], vec![])]), expected, "{name}");
    }
    let msg = ConfError::UnknownClassification("bogus".into()).to_string();
    assert!(msg.contains("'bogus'") && msg.contains("spark-defaults, spark-env"), "{msg}");
}

#[test]
fn malformed_structures_are_rejected() {
    let nested_defaults = layer("spark-defaults", &[], vec![defaults(&[])]);
    assert_eq!(
        eff_err(&[nested_defaults], &[]),
        ConfError::UnexpectedNested { parent: "spark-defaults".into(), child: "spark-defaults".into() }
    );
    let wrong_child = layer("spark-env", &[], vec![layer("exports", &[("A", "1")], vec![])]);
    assert_eq!(
        eff_err(&[], &[wrong_child]),
        ConfError::UnexpectedNested { parent: "spark-env".into(), child: "exports".into() }
    );
    let nested_export = layer("spark-env", &[], vec![layer("export", &[], vec![defaults(&[])])]);
    assert_eq!(
        eff_err(&[nested_export], &[]),
        ConfError::UnexpectedNested { parent: "export".into(), child: "spark-defaults".into() }
    );
    let env_props = layer("spark-env", &[("A", "1")], vec![]);
    assert_eq!(eff_err(&[env_props], &[]), ConfError::SparkEnvProperty { key: "A".into() });
}

#[test]
fn invalid_env_names_are_rejected() {
    for name in ["", "A=B"] {
        let expected = ConfError::InvalidEnvName { name: name.into() };
        assert_eq!(eff_err(&[env(&[(name, "v")])], &[]), expected, "export {name:?}");
        let key = format!("spark.emr-serverless.driverEnv.{name}");
        assert_eq!(eff_err(&[], &[defaults(&[(&key, "v")])]), expected, "driverEnv {name:?}");
        let key = format!("spark.executorEnv.{name}");
        let got = effective_spark_conf(&[(key, "v".into())], &[], &[], &SparkSubmitParams::default());
        assert_eq!(got, Err(expected), "executorEnv {name:?}");
    }
}

#[test]
fn unusable_properties_are_rejected() {
    assert_eq!(
        eff_err(&[defaults(&[("", "v")])], &[]),
        ConfError::InvalidProperty {
            origin: "the application's runtimeConfiguration",
            key: String::new(),
            reason: "the key is empty",
        }
    );
    let p = params("--conf a=x\0y");
    assert_eq!(
        effective_spark_conf(&[], &[], &[], &p),
        Err(ConfError::InvalidProperty {
            origin: "sparkSubmitParameters",
            key: "a".into(),
            reason: "the value contains a NUL byte",
        })
    );
    let got = effective_spark_conf(&[("k\0".into(), "v".into())], &[], &[], &SparkSubmitParams::default());
    assert!(matches!(got, Err(ConfError::InvalidProperty { origin: "sparkplane defaults", .. })));
    assert!(matches!(
        eff_err(&[], &[env(&[("A", "x\0")])]),
        ConfError::InvalidProperty { origin: "configurationOverrides.applicationConfiguration", .. }
    ));
}
