//! The session time zone (`hive.local.time.zone`) and the functions that use it.
//!
//! Hive reads and prints local date-times (`unix_timestamp('2009-03-20
//! 11:30:01')`, `from_unixtime(0)`) in the session's zone: the JVM default in
//! Hive 2, the `hive.local.time.zone` setting in Hive 3. We take the Hive 3
//! setting, from `SET`, `--hiveconf` or the `hive-site` classification, and
//! default to UTC, the zone of EMR Serverless hosts. The zone travels in the
//! DataFusion session config so the functions see the value in force when a
//! statement runs.

use std::any::Any;
use std::hash::{Hash, Hasher};

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::config::ConfigExtension;
use datafusion::common::{extensions_options, plan_err, Result};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature, Volatility,
};
use datafusion::prelude::SessionContext;

/// The Hive setting naming the session time zone.
pub const LOCAL_TIME_ZONE_KEY: &str = "hive.local.time.zone";

extensions_options! {
    /// Hive settings the functions read at run time.
    pub struct HiveTimeOptions {
        /// An IANA zone name (`America/Los_Angeles`) or offset (`+02:00`).
        pub local_time_zone: String, default = "UTC".to_string()
    }
}

impl ConfigExtension for HiveTimeOptions {
    const PREFIX: &'static str = "sparkplane_hive";
}

fn parse_zone(zone: &str) -> Result<Tz> {
    match zone.trim().parse::<Tz>() {
        Ok(tz) => Ok(tz),
        Err(e) => plan_err!("{LOCAL_TIME_ZONE_KEY}: unknown time zone '{zone}': {e}"),
    }
}

/// Makes `zone` the session time zone; an unknown zone is an error, as in Hive.
pub fn set_session_time_zone(ctx: &SessionContext, zone: &str) -> Result<()> {
    parse_zone(zone)?;
    let state = ctx.state_ref();
    let mut state = state.write();
    let extensions = &mut state.config_mut().options_mut().extensions;
    match extensions.get_mut::<HiveTimeOptions>() {
        Some(options) => options.local_time_zone = zone.trim().to_string(),
        None => extensions.insert(HiveTimeOptions { local_time_zone: zone.trim().to_string() }),
    }
    Ok(())
}

/// Seconds since the epoch of a local date-time in `tz`. In the hour skipped
/// when clocks go forward, Java's lenient calendar keeps the offset from
/// before the change (02:30 is read as 03:30 daylight time); in the repeated
/// hour it takes the earlier instant.
pub fn local_to_epoch(tz: &Tz, local: &NaiveDateTime) -> i64 {
    match tz.from_local_datetime(local).earliest() {
        Some(t) => t.timestamp(),
        None => {
            let before = tz.offset_from_utc_datetime(local).fix();
            (*local - before).and_utc().timestamp()
        }
    }
}

/// The local date-time in `tz` of `secs` since the epoch.
pub fn epoch_to_local(tz: &Tz, secs: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(secs, 0).map(|utc| tz.from_utc_datetime(&utc.naive_utc()).naive_local())
}

type TzKernel = fn(&[ArrayRef], usize, &Tz) -> Result<ArrayRef>;

/// A Hive function whose kernel needs the session time zone.
#[derive(Debug)]
struct TzUdf {
    name: &'static str,
    signature: Signature,
    return_type: DataType,
    kernel: TzKernel,
}

// Identity is the name, as for the other Hive functions.
impl PartialEq for TzUdf {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for TzUdf {}
impl Hash for TzUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl ScalarUDFImpl for TzUdf {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.return_type.clone())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let zone = args.config_options.extensions.get::<HiveTimeOptions>().map(|o| o.local_time_zone.as_str());
        let tz = parse_zone(zone.unwrap_or("UTC"))?;
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        Ok(ColumnarValue::Array((self.kernel)(&arrays, args.number_rows, &tz)?))
    }
}

/// A function taking any arguments of the given counts, run in the session zone.
pub fn tz_udf(
    name: &'static str,
    arities: &[usize],
    volatility: Volatility,
    return_type: DataType,
    kernel: TzKernel,
) -> ScalarUDF {
    let sigs = arities.iter().map(|&n| if n == 0 { TypeSignature::Nullary } else { TypeSignature::Any(n) }).collect();
    ScalarUDF::new_from_impl(TzUdf { name, signature: Signature::one_of(sigs, volatility), return_type, kernel })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use datafusion::arrow::compute::cast;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(h, min, s)).unwrap_or_default()
    }

    #[test]
    fn converts_in_the_session_zone() -> Result<()> {
        let la = parse_zone("America/Los_Angeles")?;
        // Hive's udf_unix_timestamp: unix_timestamp('2009-03-20 11:30:01') in Los Angeles.
        assert_eq!(local_to_epoch(&la, &at(2009, 3, 20, 11, 30, 1)), 1237573801);
        assert_eq!(epoch_to_local(&la, 1237573801), Some(at(2009, 3, 20, 11, 30, 1)));
        let utc = parse_zone("UTC")?;
        assert_eq!(local_to_epoch(&utc, &at(2009, 3, 20, 11, 30, 1)), 1237548601);
        Ok(())
    }

    #[test]
    fn daylight_saving_edges_follow_java() -> Result<()> {
        let la = parse_zone("America/Los_Angeles")?;
        // 2009-03-08 02:30 does not exist in Los Angeles: read with the
        // standard offset, it is 10:30 UTC.
        assert_eq!(local_to_epoch(&la, &at(2009, 3, 8, 2, 30, 0)), at(2009, 3, 8, 10, 30, 0).and_utc().timestamp());
        // 2009-11-01 01:30 happens twice: the first (daylight time, 08:30 UTC).
        assert_eq!(local_to_epoch(&la, &at(2009, 11, 1, 1, 30, 0)), at(2009, 11, 1, 8, 30, 0).and_utc().timestamp());
        Ok(())
    }

    /// The zone set on the session reaches the functions when a query runs.
    #[tokio::test]
    async fn functions_read_the_session_zone() -> Result<()> {
        use datafusion::arrow::array::{Array, AsArray};
        use datafusion::arrow::datatypes::Int64Type;
        let ctx = SessionContext::new();
        crate::udf::register(&ctx);
        let sql = "SELECT unix_timestamp('2009-03-20 11:30:01'), from_unixtime(0)";
        for (zone, secs, epoch) in
            [("UTC", 1237548601, "1970-01-01 00:00:00"), ("America/Los_Angeles", 1237573801, "1969-12-31 16:00:00")]
        {
            set_session_time_zone(&ctx, zone)?;
            let batches = ctx.sql(sql).await?.collect().await?;
            let batch = batches.first().expect("one batch");
            assert_eq!(batch.column(0).as_primitive::<Int64Type>().value(0), secs, "{zone}");
            let printed = cast(batch.column(1), &DataType::Utf8)?;
            assert_eq!(printed.as_string::<i32>().value(0), epoch, "{zone}");
            assert!(!printed.is_null(0));
        }
        Ok(())
    }

    #[test]
    fn setting_changes_the_session_and_rejects_unknown_zones() {
        let ctx = SessionContext::new();
        assert!(set_session_time_zone(&ctx, "Not/AZone").is_err());
        assert!(set_session_time_zone(&ctx, "America/Los_Angeles").is_ok());
        let state = ctx.state();
        let zone = state.config().options().extensions.get::<HiveTimeOptions>().map(|o| o.local_time_zone.clone());
        assert_eq!(zone.as_deref(), Some("America/Los_Angeles"));
    }
}
