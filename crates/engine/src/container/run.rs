//! One engine process inside an image: the podman command line that wraps
//! a command the launch code built for the host.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use tokio::process::Command;

use super::{ContainerEngine, ResolvedImage};
use crate::sandbox::clean_env;

/// The label that names the data dir of the server a container belongs to.
pub const OWNER_LABEL: &str = "io.sparkplane.owner";

/// Variables of the host command that stay outside: the image has its own
/// programs, home and Java.
const HOST_ONLY_ENV: &[&str] = &["PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "JAVA_HOME"];

/// Processes per container: far above a Spark JVM's few hundred threads.
/// Some hosts refuse a higher value even below their hard limit.
const MAX_PROCESSES: u64 = 16384;

/// A process to run in `image`, as container `name`.
#[derive(Debug, Clone)]
pub struct ContainerRun {
    pub engine: ContainerEngine,
    pub image: ResolvedImage,
    pub name: String,
    /// Host paths mounted at the same path, read-only.
    pub read_only: Vec<PathBuf>,
    /// Host paths mounted at the same path, read-write.
    pub read_write: Vec<PathBuf>,
}

impl ContainerRun {
    /// `podman run` of `inner`'s program, arguments, working dir and the
    /// variables it sets. Values travel in podman's own environment (`-e
    /// NAME` copies them), never on its command line, where every user of
    /// the host could read the secrets among them.
    pub fn wrap(&self, inner: &Command) -> Command {
        let inner = inner.as_std();
        let mut command = Command::new(self.engine.program());
        clean_env(&mut command);
        command.args(self.engine.global_args());
        command.args(["run", "--rm", "--name", &self.name, "--network", "host"]);
        if self.engine.init {
            // A JVM as PID 1 reaps no orphans (Python workers, shells).
            command.arg("--init");
        }
        command.arg("--label").arg(format!("{OWNER_LABEL}={}", self.engine.owner));
        for (resource, limit) in [
            ("nofile", own_limit(libc::RLIMIT_NOFILE, u64::MAX)),
            ("nproc", own_limit(libc::RLIMIT_NPROC, MAX_PROCESSES)),
        ] {
            command.arg("--ulimit").arg(format!("{resource}={limit}:{limit}"));
        }
        // SAFETY: getuid/getgid cannot fail.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        if uid != 0 {
            // Rootless: the server's user inside too, so the work dir's
            // files stay its own.
            command.args(["--userns", "keep-id", "--user"]).arg(format!("{uid}:{gid}"));
        }
        for path in &self.read_only {
            command.arg("--volume").arg(mount(path, "ro"));
        }
        for path in &self.read_write {
            command.arg("--volume").arg(mount(path, "rw"));
        }
        if let Some(dir) = inner.get_current_dir() {
            command.arg("--workdir").arg(dir);
        }
        for (name, value) in inner.get_envs() {
            let (Some(text), Some(value)) = (name.to_str(), value) else { continue };
            if HOST_ONLY_ENV.contains(&text) {
                continue;
            }
            command.arg("--env").arg(name);
            command.env(name, value);
        }
        command.arg("--entrypoint").arg(inner.get_program());
        command.arg(&self.image.id);
        command.args(inner.get_args());
        command
    }

    /// The command that removes the container, whatever state it is in:
    /// run after its podman client exits or is killed (a killed client
    /// leaves the container running under conmon).
    pub fn cleanup(&self) -> Vec<OsString> {
        let mut argv: Vec<OsString> = vec![self.engine.program().into()];
        argv.extend(self.engine.global_args().into_iter().map(OsString::from));
        argv.extend(["rm", "-f", "-i", "-t", "0", &self.name].map(OsString::from));
        argv
    }
}

fn mount(path: &Path, mode: &str) -> OsString {
    let mut text = OsString::from(path);
    text.push(":");
    text.push(path);
    text.push(format!(":{mode}"));
    text
}

/// This process's soft limit of `resource`, capped: podman's defaults
/// (a million open files) are more than an unprivileged host lets it set,
/// and the server's own limits are what the host allows.
fn own_limit(resource: libc::__rlimit_resource_t, cap: u64) -> u64 {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes into the struct we own.
    let got = unsafe { libc::getrlimit(resource, &mut limit) };
    if got != 0 {
        return 1024;
    }
    limit.rlim_cur.min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrapped_command_mounts_paths_and_passes_variables_by_name() {
        let engine = ContainerEngine {
            program: PathBuf::from("/usr/bin/podman"),
            oci_runtime: Some(PathBuf::from("/usr/sbin/runc")),
            registry: None,
            init: false,
            skopeo: None,
            owner: "/data".into(),
        };
        let run = ContainerRun {
            engine,
            image: ResolvedImage {
                uri: "u".into(),
                reference: "r".into(),
                id: "abc123".into(),
                digest: "sha256:00".into(),
            },
            name: "sparkplane-run-1".into(),
            read_only: vec![PathBuf::from("/rt")],
            read_write: vec![PathBuf::from("/work/a")],
        };
        let mut inner = Command::new("/rt/bin/spark-submit");
        inner.env_clear().env("SECRET_TOKEN", "s3cr3t").env("JAVA_HOME", "/usr/lib/jvm/x").env("PATH", "/usr/bin");
        inner.current_dir("/work/a").args(["--master", "local[2]", "job.py"]);
        let wrapped = run.wrap(&inner);
        let args: Vec<String> = wrapped.as_std().get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        let line = args.join(" ");
        assert!(line.starts_with("--runtime /usr/sbin/runc run --rm --name sparkplane-run-1 --network host"), "{line}");
        assert!(line.contains("--label io.sparkplane.owner=/data"), "{line}");
        assert!(line.contains("--volume /rt:/rt:ro --volume /work/a:/work/a:rw --workdir /work/a"), "{line}");
        assert!(
            line.ends_with("--env SECRET_TOKEN --entrypoint /rt/bin/spark-submit abc123 --master local[2] job.py"),
            "{line}"
        );
        assert!(!line.contains("s3cr3t") && !line.contains("JAVA_HOME"), "{line}");
        let env: Vec<_> = wrapped.as_std().get_envs().filter(|(k, _)| *k == "SECRET_TOKEN").collect();
        assert_eq!(env.len(), 1);
        assert_eq!(run.cleanup().last().map(|s| s.to_string_lossy().into_owned()).as_deref(), Some("sparkplane-run-1"));
    }
}
