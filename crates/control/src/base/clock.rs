//! The wall clock, in the store's unit (epoch milliseconds).

use sparkplane_api::Timestamp;

pub(crate) fn now() -> Timestamp {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    Timestamp::from_millis(millis)
}
