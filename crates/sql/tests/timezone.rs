//! The session time zone (`hive.local.time.zone`) from each place a HIVE job
//! can set it, and the default of UTC.

mod common;

use common::{hive_site, Env};

use sparkplane_sql::SqlJob;

const QUERY: &str = "SELECT unix_timestamp('2009-03-20 11:30:01'), from_unixtime(0);";

#[tokio::test]
async fn utc_by_default() {
    let env = Env::new();
    assert_eq!(env.run(QUERY).await.ok(), "1237548601\t1970-01-01 00:00:00\n");
}

#[tokio::test]
async fn set_hiveconf_and_hive_site_choose_the_zone() {
    let env = Env::new();
    let la = "1237573801\t1969-12-31 16:00:00\n";
    let script = format!("SET hive.local.time.zone=America/Los_Angeles;\n{QUERY}");
    assert_eq!(env.run(&script).await.ok(), la);

    let job = SqlJob {
        query: QUERY.into(),
        parameters: Some("--hiveconf hive.local.time.zone=America/Los_Angeles".into()),
        ..Default::default()
    };
    assert_eq!(env.run_job(job).await.ok(), la);

    // --hiveconf overrides hive-site.
    let job = SqlJob {
        query: QUERY.into(),
        parameters: Some("--hiveconf hive.local.time.zone=UTC".into()),
        hive_site: hive_site(&[("hive.local.time.zone", "America/Los_Angeles")]),
        ..Default::default()
    };
    assert_eq!(env.run_job(job).await.ok(), "1237548601\t1970-01-01 00:00:00\n");
}

#[tokio::test]
async fn an_unknown_zone_fails_the_statement() {
    let env = Env::new();
    let run = env.run("SET hive.local.time.zone=Nowhere/Land;").await;
    assert!(run.err().contains("Nowhere/Land"), "{}", run.err());
}
