//! What the server does to itself so that confined jobs learn nothing from
//! `/proc/<server pid>`.
//!
//! Landlock's ptrace rule keeps a confined process from attaching to the
//! server (verified: `PTRACE_ATTACH` fails with EPERM), but on the kernel
//! this was built on (6.18) `/proc/<server pid>/environ` stayed readable from
//! inside a domain, also with the server non-dumpable and CAP_SYS_PTRACE
//! dropped. `environ` shows the process's initial environment block, the
//! strings the kernel copied onto the stack at exec. So the server moves
//! its environment to the heap (`setenv` copies each variable) and zeroes
//! that block: the file then reads as zeros, whatever the kernel allows.

/// Fields 50 and 51 of `/proc/self/stat`: `env_start` and `env_end`.
const ENV_START_FIELD: usize = 50;
/// The block is at most a few hundred KB (ARG_MAX); refuse anything odd.
const MAX_ENV_BLOCK: usize = 8 * 1024 * 1024;

/// Makes the server non-dumpable and blanks its initial environment block.
/// Call once at start, before the server spawns anything.
pub fn protect_server_process() -> std::io::Result<()> {
    // SAFETY: PR_SET_DUMPABLE only changes a flag of this process.
    if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0 as libc::c_ulong, 0, 0, 0) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    let (start, end) = env_block(&stat).ok_or_else(|| std::io::Error::other("no environment block in stat"))?;
    // Every variable to the heap first: libc's `environ` must not point into
    // the block that is about to be zeroed.
    for (name, value) in std::env::vars_os() {
        std::env::set_var(&name, &value);
    }
    // SAFETY: [start, end) is this process's initial environment block, on
    // the main thread's stack above `main`'s frame: mapped and writable for
    // the process's life, and, after the loop above, referenced by nothing.
    unsafe { std::ptr::write_bytes(start as *mut u8, 0, end - start) };
    Ok(())
}

/// `env_start` and `env_end` from the text of `/proc/<pid>/stat`.
fn env_block(stat: &str) -> Option<(usize, usize)> {
    // Fields after the parenthesised command name start at field 3.
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace().skip(ENV_START_FIELD - 3);
    let start: usize = fields.next()?.parse().ok()?;
    let end: usize = fields.next()?.parse().ok()?;
    (start > 0 && end > start && end - start <= MAX_ENV_BLOCK).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_environment_block_from_stat() {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
        let (start, end) = env_block(&stat).unwrap();
        assert!(end > start);
        assert_eq!(env_block("1 (x) S 0"), None);
    }
}
