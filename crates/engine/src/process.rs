//! Supervision of one attempt's process group.
//!
//! Each attempt is the leader of its own process group, so every process it
//! starts (the JVM, Python workers, shells) can be signalled together. A
//! graceful stop is SIGTERM to the group, then SIGKILL after the grace period;
//! after the leader exits, the group is killed once more so that nothing
//! outlives the attempt.

use std::process::ExitStatus;
use std::time::Duration;

pub use libc::{SIGKILL, SIGTERM};
use tokio::process::{Child, Command};

/// How an attempt's process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitReport {
    pub code: Option<i32>,
    pub signal: Option<i32>,
}

impl ExitReport {
    fn from_status(status: ExitStatus) -> Self {
        use std::os::unix::process::ExitStatusExt;
        ExitReport { code: status.code(), signal: status.signal() }
    }

    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    pub fn describe(&self) -> String {
        match (self.code, self.signal) {
            (Some(code), _) => format!("exit code {code}"),
            (None, Some(signal)) => format!("killed by signal {signal}"),
            (None, None) => "unknown exit status".to_string(),
        }
    }
}

pub struct ProcessGroup {
    child: Child,
    pgid: i32,
    exited: Option<ExitReport>,
    /// A command run once the leader is gone: what the group cannot reach
    /// (a container lives under podman's conmon, outside the group).
    cleanup: Option<Vec<std::ffi::OsString>>,
}

impl ProcessGroup {
    /// Spawns `command` as the leader of a new process group.
    pub fn spawn(mut command: Command) -> std::io::Result<ProcessGroup> {
        command.process_group(0).kill_on_drop(false);
        let child = command.spawn()?;
        let pid = child.id().ok_or_else(|| std::io::Error::other("child exited before its pid was read"))?;
        let pgid = i32::try_from(pid).map_err(|_| std::io::Error::other("pid out of range"))?;
        Ok(ProcessGroup { child, pgid, exited: None, cleanup: None })
    }

    /// Runs `argv` (program first) after the leader exits or is killed,
    /// and when the group is dropped unsupervised.
    pub fn with_cleanup(mut self, argv: Vec<std::ffi::OsString>) -> ProcessGroup {
        self.cleanup = Some(argv).filter(|argv| !argv.is_empty());
        self
    }

    /// Starts the cleanup command, if any, once; `wait` waits for it.
    fn start_cleanup(&mut self) -> Option<std::process::Child> {
        let argv = self.cleanup.take()?;
        let mut command = std::process::Command::new(&argv[0]);
        command.args(&argv[1..]).stdin(std::process::Stdio::null());
        command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        command.spawn().ok()
    }

    pub fn pgid(&self) -> i32 {
        self.pgid
    }

    /// The leader's stdin, when it was spawned with `Stdio::piped()`: a
    /// warm worker's request channel.
    pub fn take_stdin(&mut self) -> Option<tokio::process::ChildStdin> {
        self.child.stdin.take()
    }

    /// The leader's stdout, when it was spawned with `Stdio::piped()`.
    pub fn take_stdout(&mut self) -> Option<tokio::process::ChildStdout> {
        self.child.stdout.take()
    }

    /// Whether the leader is still running (without waiting for it).
    pub fn is_running(&mut self) -> bool {
        if self.exited.is_some() {
            return false;
        }
        match self.child.try_wait() {
            Ok(None) => true,
            Ok(Some(status)) => {
                kill_group(self.pgid, libc::SIGKILL);
                self.exited = Some(ExitReport::from_status(status));
                reap_later(self.start_cleanup());
                false
            }
            Err(_) => false,
        }
    }

    /// Waits for the leader to exit, then kills whatever is left of the group.
    pub async fn wait(&mut self) -> std::io::Result<ExitReport> {
        if let Some(report) = &self.exited {
            return Ok(report.clone());
        }
        let status = self.child.wait().await?;
        kill_group(self.pgid, libc::SIGKILL);
        if let Some(mut cleanup) = self.start_cleanup() {
            // Blocking, but a `podman rm` of a stopped container is quick.
            let _ = tokio::task::spawn_blocking(move || cleanup.wait()).await;
        }
        let report = ExitReport::from_status(status);
        self.exited = Some(report.clone());
        Ok(report)
    }

    /// SIGTERM to the group, SIGKILL after `grace`, and wait for the leader.
    pub async fn terminate(&mut self, grace: Duration) -> std::io::Result<ExitReport> {
        if self.exited.is_none() {
            kill_group(self.pgid, libc::SIGTERM);
            if tokio::time::timeout(grace, self.child.wait()).await.is_err() {
                kill_group(self.pgid, libc::SIGKILL);
            }
        }
        self.wait().await
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        // A supervisor that goes away (server shutdown, panic) must not leave
        // its job running unsupervised.
        if self.exited.is_none() {
            kill_group(self.pgid, libc::SIGKILL);
        }
        reap_later(self.start_cleanup());
    }
}

/// Waits for `child` on a thread of its own, so it leaves no zombie.
fn reap_later(child: Option<std::process::Child>) {
    if let Some(mut child) = child {
        std::thread::spawn(move || child.wait());
    }
}

/// Sends `signal` to every process of group `pgid`; a group that is already
/// gone is not an error.
pub fn kill_group(pgid: i32, signal: i32) {
    if pgid <= 1 {
        return;
    }
    // SAFETY: killpg has no memory-safety preconditions; a stale pgid at worst
    // yields ESRCH, which is ignored.
    unsafe {
        libc::killpg(pgid, signal);
    }
}

/// Whether any live (non-zombie) process of group `pgid` still exists.
///
/// Zombies are ignored on purpose: an orphaned grandchild that was killed
/// stays a zombie until init reaps it, and on some hosts init never does.
pub fn group_alive(pgid: i32) -> bool {
    group_members(pgid) > 0
}

/// Whether the leader of group `pgid` works in `dir` or below it. A pgid
/// read back from a file in a job's own dir (which the job may write) must
/// name a process of that job before the server kills it: the number alone
/// could name any process on the host.
pub fn group_works_in(pgid: i32, dir: &std::path::Path) -> bool {
    pgid > 1 && std::fs::read_link(format!("/proc/{pgid}/cwd")).is_ok_and(|cwd| cwd.starts_with(dir))
}

/// How many live (non-zombie) processes group `pgid` has, its leader
/// included.
pub fn group_members(pgid: i32) -> usize {
    group_pids(pgid).len()
}

/// The live (non-zombie) processes of group `pgid`, its leader included.
pub fn group_pids(pgid: i32) -> Vec<u32> {
    if pgid <= 1 {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // Fields after the parenthesised command name: state ppid pgrp ...
            let (_, rest) = stat.rsplit_once(')')?;
            let mut fields = rest.split_whitespace();
            let state = fields.next();
            let pgrp = fields.nth(1).and_then(|f| f.parse::<i32>().ok());
            (pgrp == Some(pgid) && state != Some("Z") && state != Some("X")).then_some(pid)
        })
        .collect()
}

/// The process `command` starts gets SIGKILL when the process that spawns
/// it dies, even by `kill -9`: an agent's engine processes must not outlive
/// it, since the server gives their share of the host to others (and
/// retries their runs elsewhere) once the host is LOST. The kernel sends
/// the signal when the *thread* that spawned the process ends: spawn from
/// async tasks (the main thread or a runtime worker thread, which live as
/// long as the process), never from `spawn_blocking`, whose threads come
/// and go.
pub fn die_with_parent(command: &mut Command) {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: between fork and exec only async-signal-safe calls run
    // (prctl, getppid), and nothing is allocated.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent died between fork and prctl: the signal would never come.
            if libc::getppid() != parent {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.arg("-c").arg(script);
        command
    }

    #[tokio::test]
    async fn reports_exit_codes() {
        let mut group = ProcessGroup::spawn(shell("exit 3")).unwrap();
        let report = group.wait().await.unwrap();
        assert_eq!(report.code, Some(3));
        assert!(!report.success());
        assert_eq!(report.describe(), "exit code 3");
    }

    #[tokio::test]
    async fn terminate_kills_the_whole_group_including_grandchildren() {
        // The grandchild ignores SIGTERM, so only the SIGKILL after the grace
        // period can end it.
        let mut group = ProcessGroup::spawn(shell("trap '' TERM; sleep 600 & sleep 600; wait")).unwrap();
        let pgid = group.pgid();
        assert!(group_alive(pgid));
        // The shell and its two sleeps.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while group_members(pgid) < 3 && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(group_members(pgid), 3);
        let report = group.terminate(Duration::from_millis(200)).await.unwrap();
        assert!(!report.success());
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while group_alive(pgid) && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(!group_alive(pgid), "process group {pgid} survived terminate");
    }

    #[tokio::test]
    async fn leftover_children_die_with_the_leader() {
        let mut group = ProcessGroup::spawn(shell("sleep 600 & exit 0")).unwrap();
        let pgid = group.pgid();
        assert!(group.wait().await.unwrap().success());
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while group_alive(pgid) && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(!group_alive(pgid));
    }

    #[tokio::test]
    async fn the_cleanup_runs_once_the_leader_is_gone_whichever_way() {
        let dir = tempfile::tempdir().unwrap();
        let cleanup = |name: &str| -> Vec<std::ffi::OsString> {
            vec!["sh".into(), "-c".into(), format!("echo x >> {}", dir.path().join(name).display()).into()]
        };
        // Exited by itself: waited for, and run exactly once.
        let mut group = ProcessGroup::spawn(shell("exit 0")).unwrap().with_cleanup(cleanup("exited"));
        group.wait().await.unwrap();
        group.wait().await.unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("exited")).unwrap(), "x\n");
        // Killed after its grace period.
        let mut group = ProcessGroup::spawn(shell("trap '' TERM; sleep 600")).unwrap().with_cleanup(cleanup("killed"));
        group.terminate(Duration::from_millis(100)).await.unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("killed")).unwrap(), "x\n");
        // Dropped unsupervised: run in the background.
        drop(ProcessGroup::spawn(shell("sleep 600")).unwrap().with_cleanup(cleanup("dropped")));
        let path = dir.path().join("dropped");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !path.exists() && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(path.exists(), "the cleanup of a dropped group did not run");
    }
}
