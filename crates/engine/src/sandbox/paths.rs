//! Which paths a confined process may read, and which it may write: pure
//! apart from looking at what exists under `/etc` and on `PATH`.

use std::path::{Path, PathBuf};

/// System directories every engine reads (binaries, shared libraries, the
/// JDK under `/usr/lib/jvm`, Python's standard library), and the kernel's
/// views: `/proc` (Landlock's ptrace rule still hides other domains'
/// `environ`, `fd`, `mem`) and `/sys` (CPU counts, cgroup limits the JVM reads).
pub const SYSTEM_READ_ONLY: &[&str] = &["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/proc", "/sys"];

/// Entries of `/etc` the JVM, Python, the dynamic linker, the resolver and
/// Spark's shell scripts read. Not all of `/etc`: `/etc/shadow` and the
/// like stay closed.
pub const ETC_READ_ONLY: &[&str] = &[
    "alternatives",
    "ca-certificates",
    "ca-certificates.conf",
    "crypto-policies",
    "debian_version",
    "gai.conf",
    "group",
    "host.conf",
    "hostname",
    "hosts",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "lsb-release",
    "machine-id",
    "mime.types",
    "nsswitch.conf",
    "os-release",
    "passwd",
    "pki",
    "protocols",
    "resolv.conf",
    "services",
    "ssl",
    "timezone",
];

/// Families of `/etc` entries named by version: `java-17-openjdk`, `python3.12`.
pub const ETC_READ_ONLY_PREFIXES: &[&str] = &["java-", "python3"];

/// Devices a process may read.
pub const DEVICES_READ_ONLY: &[&str] = &["/dev/random", "/dev/urandom"];
/// Devices a process may also write (sinks and sources only).
pub const DEVICES_READ_WRITE: &[&str] = &["/dev/null", "/dev/zero", "/dev/full"];

/// The paths of one confined process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SandboxPaths {
    /// Directories and files that may be read and executed.
    pub read_only: Vec<PathBuf>,
    /// Directories whose whole tree may be read, written, created in and
    /// removed from.
    pub read_write: Vec<PathBuf>,
    /// Single files that may be read and written (not created or removed).
    pub read_write_files: Vec<PathBuf>,
}

impl SandboxPaths {
    /// Drops repeated paths, keeping the first of each.
    pub(super) fn dedup(&mut self) {
        for list in [&mut self.read_only, &mut self.read_write, &mut self.read_write_files] {
            let mut seen = std::collections::HashSet::new();
            list.retain(|p| seen.insert(p.clone()));
        }
    }

    /// Whether `path` lies under something readable.
    pub fn can_read(&self, path: &Path) -> bool {
        self.read_only.iter().chain(&self.read_write).any(|dir| path.starts_with(dir))
            || self.read_write_files.iter().any(|file| file == path)
    }

    /// Whether `path` lies under something writable.
    pub fn can_write(&self, path: &Path) -> bool {
        self.read_write.iter().any(|dir| path.starts_with(dir)) || self.read_write_files.iter().any(|file| file == path)
    }
}

/// [`SYSTEM_READ_ONLY`], the `/etc` entries and the read-only devices.
/// [`DEVICES_READ_WRITE`] go to the read-write files.
pub fn system_read_only() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = SYSTEM_READ_ONLY.iter().map(PathBuf::from).collect();
    paths.extend(etc_entries(Path::new("/etc")));
    paths.extend(DEVICES_READ_ONLY.iter().map(PathBuf::from));
    paths
}

/// The allowed entries of `etc`, those named by prefix as they exist there.
pub(super) fn etc_entries(etc: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = ETC_READ_ONLY.iter().map(|name| etc.join(name)).collect();
    let versioned = std::fs::read_dir(etc).into_iter().flatten().flatten().filter(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        ETC_READ_ONLY_PREFIXES.iter().any(|prefix| name.starts_with(prefix))
    });
    let mut versioned: Vec<PathBuf> = versioned.map(|entry| entry.path()).collect();
    versioned.sort();
    paths.extend(versioned);
    paths
}

/// Where an interpreter named `program` (a path, or a name on `PATH`) lives:
/// the prefix above its `bin/` as named (a venv), and the one of the file it
/// resolves to (the base installation). `/` and `/usr` are left out: they
/// are already readable.
pub fn interpreter_prefixes(program: &str) -> Vec<PathBuf> {
    let Some(found) = find_program(program) else {
        return Vec::new();
    };
    let resolved = std::fs::canonicalize(&found).ok();
    [Some(found), resolved]
        .into_iter()
        .flatten()
        .filter_map(|path| path.parent().and_then(Path::parent).map(Path::to_path_buf))
        .filter(|prefix| !is_covered_by_system(prefix))
        .collect()
}

/// The Java installation: `JAVA_HOME` of the server, and the one `java` on
/// `PATH` resolves to, when they are not under `/usr` already.
pub fn java_prefixes() -> Vec<PathBuf> {
    let mut prefixes = Vec::new();
    if let Some(home) = std::env::var_os("JAVA_HOME").filter(|h| !h.is_empty()) {
        let home = PathBuf::from(home);
        prefixes.push(std::fs::canonicalize(&home).unwrap_or(home));
    }
    if let Some(java) = find_program("java").and_then(|p| std::fs::canonicalize(p).ok()) {
        // <home>/bin/java
        prefixes.extend(java.parent().and_then(Path::parent).map(Path::to_path_buf));
    }
    prefixes.retain(|prefix| !is_covered_by_system(prefix));
    prefixes
}

fn is_covered_by_system(path: &Path) -> bool {
    path == Path::new("/") || SYSTEM_READ_ONLY.iter().any(|dir| path.starts_with(dir))
}

/// `program` itself when it names a path, else its first match on `PATH`.
pub(crate) fn find_program(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        let path = PathBuf::from(program);
        return path.is_absolute().then_some(path);
    }
    let search = std::env::var_os("PATH")?;
    std::env::split_paths(&search).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::{Confinement, Sandbox};

    #[test]
    fn an_attempt_reaches_its_own_dir_and_buckets_but_not_the_rest_of_the_data_dir() {
        let data = Path::new("/srv/sparkplane-data");
        let attempt = data.join("work/app1/job1/1");
        let sandbox = Sandbox::for_host(Confinement::Landlock, Path::new("/cache/runtimes"), "python3")
            .with_read_write([data.join("s3")]);
        let paths = sandbox.paths_for(&attempt);
        assert!(paths.can_write(&attempt.join("logs/SPARK_DRIVER/stdout")));
        assert!(paths.can_write(&attempt.join("tmp/spark-123")));
        assert!(paths.can_write(&data.join("s3/bucket/out/part-0")));
        assert!(paths.can_read(Path::new("/cache/runtimes/pyspark-3.5.8/pyspark/jars/spark-core.jar")));
        assert!(!paths.can_write(Path::new("/cache/runtimes/pyspark-3.5.8")));
        for denied in [
            data.join("credentials"),
            data.join("state.db"),
            data.join("work/app1/job1/2/logs"),
            data.join("work/app1/job2/1"),
            data.join("logs/app1/job2"),
            data.join("dashboard/key"),
            PathBuf::from("/etc/shadow"),
            PathBuf::from("/tmp/x"),
            PathBuf::from("/root/.aws/credentials"),
        ] {
            assert!(!paths.can_read(&denied), "{} must be denied", denied.display());
        }
        assert!(paths.can_read(Path::new("/usr/lib/jvm/java-17-openjdk-amd64/lib/modules")));
        assert!(paths.can_read(Path::new("/etc/passwd")));
        assert!(paths.can_read(Path::new("/proc/self/status")));
        assert!(!paths.can_write(Path::new("/etc/passwd")));
        assert!(!paths.can_write(Path::new("/usr/bin")));
    }

    #[test]
    fn hive_workers_get_exactly_the_store_files() {
        let data = Path::new("/d");
        let files: Vec<PathBuf> = ["state.db", "state.db-wal", "state.db-shm"].iter().map(|f| data.join(f)).collect();
        let sandbox =
            Sandbox::for_host(Confinement::Landlock, Path::new("/r"), "python3").with_read_write_files(files.clone());
        let paths = sandbox.paths_for(&data.join("work/a/j/1"));
        for file in &files {
            assert!(paths.can_write(file));
        }
        assert!(!paths.can_read(&data.join("credentials")));
        assert!(!paths.can_read(&data.join("state.db-journal")));
        assert!(!paths.can_write(data));
    }

    #[test]
    fn etc_is_an_allowlist_with_versioned_families() {
        let etc = tempfile::tempdir().unwrap();
        for name in ["java-17-openjdk", "python3.12", "shadow", "sudoers"] {
            std::fs::create_dir_all(etc.path().join(name)).unwrap();
        }
        let entries = etc_entries(etc.path());
        assert!(entries.contains(&etc.path().join("java-17-openjdk")));
        assert!(entries.contains(&etc.path().join("python3.12")));
        assert!(entries.contains(&etc.path().join("passwd")));
        assert!(!entries.iter().any(|p| p.ends_with("shadow") || p.ends_with("sudoers")));
    }

    #[test]
    fn a_venv_interpreter_brings_its_prefix_and_its_base() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("venv/bin");
        std::fs::create_dir_all(&bin).unwrap();
        let python = bin.join("python");
        std::fs::write(&python, b"").unwrap();
        let prefixes = interpreter_prefixes(&python.display().to_string());
        assert!(prefixes.contains(&dir.path().join("venv")), "{prefixes:?}");
        assert!(interpreter_prefixes("/usr/bin/python3").is_empty());
        assert!(interpreter_prefixes("relative/python").is_empty());
    }

    #[test]
    fn confinement_follows_the_kernel_and_the_setting() {
        assert_eq!(Confinement::decide(Some(7), false), Confinement::Landlock);
        assert_eq!(Confinement::decide(Some(1), true), Confinement::Landlock);
        assert_eq!(Confinement::decide(None, true), Confinement::Unconfined);
        assert_eq!(Confinement::decide(None, false), Confinement::Refused);
        assert_eq!(Confinement::decide(Some(0), false), Confinement::Refused);
    }
}
