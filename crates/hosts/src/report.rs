//! Checks of what callers and agents send: host names and reports.
//!
//! An agent is a program on another machine, so its report is input from
//! the network like any request: a capacity of zero or of a million
//! machines, an address that is no address, or an unbounded process list is
//! refused with the reason, never stored.

use std::net::IpAddr;

use crate::model::Report;
use crate::HostsError;

/// Bounds on a report. A host beyond them is not a host sparkplane can
/// place work on sensibly, so it is refused rather than clamped.
pub const MAX_VCPU: u64 = 100_000;
pub const MAX_MEMORY_GB: u64 = 1_000_000;
pub const MAX_DISK_GB: u64 = 1_000_000_000;
pub const MAX_PROCESSES: usize = 10_000;
pub const MAX_LABELS: usize = 50;

/// Host names are DNS labels: they appear in Spark's host names and in
/// file names, so nothing else is allowed.
pub fn validate_name(name: &str) -> Result<(), HostsError> {
    let valid = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(HostsError::Validation(format!(
            "host name '{}' is not valid: use 1 to 63 lower-case letters, digits and '-', not starting or ending with '-'",
            name.escape_debug()
        )))
    }
}

pub(crate) fn validate_report(report: &Report) -> Result<(), HostsError> {
    let bad = |message: String| Err(HostsError::Validation(message));
    let c = &report.capacity;
    if !(1..=MAX_VCPU).contains(&c.vcpu) {
        return bad(format!("capacity.vcpu must be between 1 and {MAX_VCPU}, got {}", c.vcpu));
    }
    if !(1..=MAX_MEMORY_GB).contains(&c.memory_gb) {
        return bad(format!("capacity.memoryGb must be between 1 and {MAX_MEMORY_GB}, got {}", c.memory_gb));
    }
    if !(1..=MAX_DISK_GB).contains(&c.disk_gb) {
        return bad(format!("capacity.diskGb must be between 1 and {MAX_DISK_GB}, got {}", c.disk_gb));
    }
    let p = &report.physical;
    if !(1..=MAX_VCPU).contains(&p.cpus) || !(1..=MAX_MEMORY_GB).contains(&p.memory_gb) {
        return bad(format!(
            "physical limits must be between 1 and {MAX_VCPU} cpus and 1 and {MAX_MEMORY_GB} GB, got {} cpus and {} GB",
            p.cpus, p.memory_gb
        ));
    }
    if p.max_processes == 0 || p.max_processes as usize > MAX_PROCESSES {
        return bad(format!("physical.maxProcesses must be between 1 and {MAX_PROCESSES}, got {}", p.max_processes));
    }
    match report.address.parse::<IpAddr>() {
        Ok(ip) if !ip.is_unspecified() && !ip.is_multicast() => {}
        _ => return bad(format!("address '{}' is not a host's IP address", report.address.escape_debug())),
    }
    if report.instance_id.is_empty()
        || report.instance_id.len() > 64
        || !report.instance_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return bad("instanceId must be 1 to 64 letters, digits or '-'".into());
    }
    if report.processes.len() > MAX_PROCESSES {
        return bad(format!("at most {MAX_PROCESSES} processes may be reported"));
    }
    if report.processes.iter().any(|p| p.pid == 0 || p.role.is_empty() || p.role.len() > 32) {
        return bad("each reported process needs a pid and a role of 1 to 32 characters".into());
    }
    if report.labels.len() > MAX_LABELS {
        return bad(format!("at most {MAX_LABELS} labels are allowed"));
    }
    for (key, value) in &report.labels {
        let key_ok = !key.is_empty()
            && key.len() <= 63
            && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'));
        if !key_ok || value.len() > 256 || value.chars().any(char::is_control) {
            return bad(format!(
                "label '{}' is not valid: keys are 1 to 63 letters, digits, '-', '_', '.', '/'; values up to 256 characters",
                key.escape_debug()
            ));
        }
    }
    if report.version.len() > 64 {
        return bad("version is longer than 64 characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        crate::model::sample_report("a1")
    }

    #[test]
    fn names_are_dns_labels() {
        for ok in ["a", "host-1", "x".repeat(63).as_str()] {
            assert!(validate_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", "a-", "A", "a.b", "a b", "x".repeat(64).as_str(), "a\0"] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn nonsense_reports_are_refused_with_the_field() {
        assert!(validate_report(&report()).is_ok());
        type Mutation = Box<dyn Fn(&mut Report)>;
        let cases: Vec<(Mutation, &str)> = vec![
            (Box::new(|r| r.capacity.vcpu = 0), "capacity.vcpu"),
            (Box::new(|r| r.capacity.vcpu = MAX_VCPU + 1), "capacity.vcpu"),
            (Box::new(|r| r.capacity.memory_gb = 0), "capacity.memoryGb"),
            (Box::new(|r| r.capacity.disk_gb = 0), "capacity.diskGb"),
            (Box::new(|r| r.physical.cpus = 0), "physical limits"),
            (Box::new(|r| r.physical.max_processes = 0), "maxProcesses"),
            (Box::new(|r| r.address = "0.0.0.0".into()), "address"),
            (Box::new(|r| r.address = "example.com".into()), "address"),
            (Box::new(|r| r.instance_id = "a/b".into()), "instanceId"),
            (Box::new(|r| r.labels.insert("k k".into(), "v".into()).map(drop).unwrap_or(())), "label"),
        ];
        for (mutate, field) in cases {
            let mut r = report();
            mutate(&mut r);
            let err = validate_report(&r).unwrap_err().to_string();
            assert!(err.contains(field), "{err} should name {field}");
        }
    }
}
