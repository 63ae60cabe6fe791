//! Landlock: the ruleset is built in the parent, the child only enforces it.
//!
//! Between `fork` and `exec` a child of a multi-threaded server may only make
//! async-signal-safe calls: no allocation, no locks. So everything that
//! allocates (opening each path, building the ruleset through the
//! `landlock` crate) happens before `spawn`, and the `pre_exec` hook makes
//! two raw syscalls on the finished ruleset's fd: `prctl(PR_SET_NO_NEW_PRIVS)`
//! (required by `landlock_restrict_self` for an unprivileged caller, and it
//! keeps setuid programs from shedding the domain) and
//! `landlock_restrict_self`. The fd is close-on-exec, so the job never holds it.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;
use std::sync::Arc;

use landlock::{
    Access, AccessFs, BitFlags, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset, RulesetAttr, RulesetCreatedAttr,
    Scope, ABI,
};
use tokio::process::Command;

use super::{SandboxError, SandboxPaths};

/// `linux/capability.h`: the capability to trace and inspect any process.
const CAP_SYS_PTRACE: libc::c_ulong = 19;

/// The newest ABI this code asks for; older kernels get what they support.
const TARGET_ABI: ABI = ABI::V6;

/// The kernel's Landlock ABI version, `None` when it has no Landlock (not
/// built in, or not enabled at boot).
pub fn landlock_abi() -> Option<i32> {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: with a null attribute, size 0 and the VERSION flag the syscall
    // only returns a number; it reads and writes no memory.
    let version = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    i32::try_from(version).ok().filter(|v| *v >= 1)
}

/// Builds the ruleset of `paths` now and has `command`'s child enforce it
/// right before exec.
pub(super) fn restrict_on_exec(command: &mut Command, paths: &SandboxPaths) -> Result<(), SandboxError> {
    let fd = Arc::new(build_ruleset(paths)?);
    let raw = fd.as_raw_fd();
    // SAFETY: the hook only makes two raw syscalls and reads the errno;
    // it allocates nothing and takes no lock, so it is safe between fork and
    // exec. `fd` is kept alive by the closure until the command is dropped.
    unsafe {
        command.pre_exec(move || {
            let _ruleset = &fd;
            // Without CAP_SYS_PTRACE even a job running as root cannot
            // attach to the server. Fails with EPERM when there is no
            // CAP_SETPCAP, i.e. nothing to drop.
            libc::prctl(libc::PR_CAPBSET_DROP, CAP_SYS_PTRACE, 0, 0, 0);
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1 as libc::c_ulong, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::syscall(libc::SYS_landlock_restrict_self, raw, 0 as libc::c_uint) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    Ok(())
}

fn ruleset_error(err: impl std::fmt::Display) -> SandboxError {
    SandboxError::Ruleset(err.to_string())
}

/// The ruleset's fd: every filesystem right handled (so denied unless a
/// rule grants it), signals and abstract sockets scoped to the domain.
/// Paths that do not exist are skipped; a file gets only file rights.
pub(super) fn build_ruleset(paths: &SandboxPaths) -> Result<OwnedFd, SandboxError> {
    let read_only = AccessFs::from_read(TARGET_ABI);
    let read_write = AccessFs::from_all(TARGET_ABI);
    let file_read_write = AccessFs::from_file(TARGET_ABI) & !AccessFs::Execute;
    let mut ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(TARGET_ABI))
        .map_err(ruleset_error)?
        .scope(Scope::from_all(TARGET_ABI))
        .map_err(ruleset_error)?
        .create()
        .map_err(ruleset_error)?;
    let grants = paths
        .read_only
        .iter()
        .map(|p| (p, read_only))
        .chain(paths.read_write.iter().map(|p| (p, read_write)))
        .chain(paths.read_write_files.iter().map(|p| (p, file_read_write)));
    for (path, access) in grants {
        if let Some(rule) = rule_for(path, access) {
            ruleset = ruleset.add_rule(rule).map_err(ruleset_error)?;
        }
    }
    let fd: Option<OwnedFd> = ruleset.into();
    fd.ok_or_else(|| SandboxError::Ruleset("the kernel has no Landlock".into()))
}

fn rule_for(path: &Path, access: BitFlags<AccessFs>) -> Option<PathBeneath<PathFd>> {
    let metadata = std::fs::metadata(path).ok()?;
    let access = if metadata.is_dir() { access } else { access & AccessFs::from_file(TARGET_ABI) };
    let fd = PathFd::new(path).ok()?;
    Some(PathBeneath::new(fd, access))
}
