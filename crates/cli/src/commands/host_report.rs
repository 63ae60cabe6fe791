//! What a host reports of itself, for the embedded agent of `sparkplane
//! server` and for `sparkplane agent` alike: the logical capacity (the
//! same defaults and overrides as the server's), the machine's physical
//! limits, the disk under the data dir, the address other hosts reach it at.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;

use sparkplane_control::base::host::{HostLimits, Machine};
use sparkplane_hosts::{HostCapacity, PhysicalLimits, Report};

/// Disk reported when the data dir's file system cannot be read.
const UNKNOWN_DISK_GB: u64 = 1;

pub fn report(limits: &HostLimits, address: IpAddr, data_dir: &Path, labels: BTreeMap<String, String>) -> Report {
    let machine = Machine::detect();
    Report {
        instance_id: instance_id(),
        address: address.to_string(),
        capacity: HostCapacity { vcpu: limits.vcpu, memory_gb: limits.memory_gb, disk_gb: disk_gb(data_dir) },
        physical: PhysicalLimits {
            cpus: machine.cpus,
            memory_gb: machine.memory_gb,
            max_processes: limits.max_processes,
        },
        labels,
        processes: Vec::new(),
        workers: Vec::new(),
        drivers: Vec::new(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    }
}

/// Random per process start, so the server tells a restarted agent apart.
fn instance_id() -> String {
    let mut bytes = [0u8; 8];
    // Without randomness the pid and clock still differ between starts.
    if getrandom(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        bytes = ((nanos as u64) ^ u64::from(std::process::id())).to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn getrandom(bytes: &mut [u8]) -> std::io::Result<()> {
    use std::io::Read as _;
    std::fs::File::open("/dev/urandom")?.read_exact(bytes)
}

/// Size of the file system holding `dir`, in GB (at least 1).
fn disk_gb(dir: &Path) -> u64 {
    use std::os::unix::ffi::OsStrExt as _;
    let Ok(path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else { return UNKNOWN_DISK_GB };
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is a NUL-terminated string and `stat` a valid out-pointer.
    if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
        return UNKNOWN_DISK_GB;
    }
    let bytes = (stat.f_blocks as u64).saturating_mul(stat.f_frsize as u64);
    (bytes / (1024 * 1024 * 1024)).max(UNKNOWN_DISK_GB)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_of_this_machine_is_one_the_server_accepts() {
        let dir = tempfile::tempdir().unwrap();
        let limits = HostLimits::default();
        let r = report(&limits, "10.1.2.3".parse().unwrap(), dir.path(), BTreeMap::new());
        assert!(r.capacity.disk_gb >= 1 && r.physical.cpus >= 1);
        assert_eq!(r.instance_id.len(), 16);
        assert_ne!(
            r.instance_id,
            report(&limits, "10.1.2.3".parse().unwrap(), dir.path(), BTreeMap::new()).instance_id
        );
    }
}
