//! A confined shell against a temporary data dir: its own attempt dir is
//! writable; the credentials file, the store, a sibling attempt, the
//! parent's `/proc/<pid>/environ` and `/etc/shadow` are denied (EACCES).

use std::path::Path;
use std::process::Stdio;

use sparkplane_engine::sandbox::{clean_env, landlock_abi, Confinement, Sandbox};
use sparkplane_engine::ProcessGroup;
use tokio::process::Command;

/// Runs `script` under `sh -c` confined to `own_dir`; returns its stdout.
async fn run_confined(sandbox: &Sandbox, own_dir: &Path, script: &str) -> String {
    let out = own_dir.join("script.out");
    let mut command = Command::new("sh");
    clean_env(&mut command);
    command.arg("-c").arg(script).stdin(Stdio::null());
    command.stdout(std::fs::File::create(&out).unwrap()).stderr(Stdio::inherit());
    sandbox.confine(&mut command, own_dir).unwrap();
    let mut group = ProcessGroup::spawn(command).unwrap();
    let exit = group.wait().await.unwrap();
    assert!(exit.success(), "{exit:?}");
    std::fs::read_to_string(&out).unwrap()
}

/// One line per probe: `<path> ok` or `<path> <error text>`.
fn probe_read(path: &Path) -> String {
    format!(
        "if cat '{p}' >/dev/null 2>\"$TMPDIR/e\"; then echo '{p} ok'; else echo \"{p} $(cat \"$TMPDIR/e\")\"; fi\n",
        p = path.display()
    )
}

#[tokio::test]
async fn a_confined_process_reaches_only_its_own_dir() {
    if landlock_abi().is_none() {
        eprintln!("skipped: this kernel has no Landlock");
        return;
    }
    // As the server does at start.
    std::env::set_var("SPARKPLANE_TEST_SECRET", "hunter2");
    sparkplane_engine::sandbox::protect_server_process().unwrap();
    assert_eq!(std::env::var("SPARKPLANE_TEST_SECRET").as_deref(), Ok("hunter2"));
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    std::fs::write(data.join("credentials"), "secret").unwrap();
    std::fs::write(data.join("state.db"), "db").unwrap();
    let own = data.join("work/app/job/1");
    let sibling = data.join("work/app/job-2/1");
    let bucket = data.join("s3/bucket");
    for dir in [&own, &sibling, &bucket] {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(sibling.join("stdout"), "other run").unwrap();
    let environ = Path::new("/proc").join(std::process::id().to_string()).join("environ");
    let sandbox =
        Sandbox::for_host(Confinement::Landlock, &data.join("runtimes"), "python3").with_read_write([data.join("s3")]);

    let mut script = String::new();
    for path in [data.join("credentials"), data.join("state.db"), sibling.join("stdout")] {
        script.push_str(&probe_read(&path));
    }
    // `tr` drops the NULs a blanked block reads as.
    script.push_str(&format!(
        "if v=$(tr -d '\\000' < '{p}' 2>\"$TMPDIR/e\"); then [ -z \"$v\" ] && echo '{p} blank' || echo \"{p} $v\"; \
         else echo \"{p} $(cat \"$TMPDIR/e\")\"; fi\n",
        p = environ.display()
    ));
    script.push_str(&probe_read(Path::new("/etc/shadow")));
    script.push_str(&probe_read(Path::new("/etc/passwd")));
    script.push_str(&format!("echo mine > '{}/written' && echo 'own ok'\n", own.display()));
    script.push_str(&format!("echo obj > '{}/part-0' && echo 'bucket ok'\n", bucket.display()));
    script.push_str(&format!("echo x > '{}/evil' 2>/dev/null || echo 'sibling write denied'\n", sibling.display()));
    script.push_str("echo x > /tmp/sparkplane-sandbox-test 2>/dev/null || echo 'tmp write denied'\n");
    script.push_str("echo x > \"$TMPDIR/scratch\" && echo 'private tmp ok'\n");
    let output = run_confined(&sandbox, &own, &script).await;

    let line = |path: &Path| {
        output.lines().find(|l| l.starts_with(&format!("{} ", path.display()))).unwrap_or_default().to_string()
    };
    for denied in [data.join("credentials"), data.join("state.db"), sibling.join("stdout")] {
        assert!(line(&denied).contains("Permission denied"), "{}: {output}", denied.display());
    }
    // Landlock alone leaves it readable on some kernels; then it is blank.
    let environ_text = line(&environ);
    assert!(
        environ_text.contains("Permission denied") || environ_text.contains(" blank"),
        "{}: {output}",
        environ.display()
    );
    if Path::new("/etc/shadow").exists() {
        assert!(line(Path::new("/etc/shadow")).contains("Permission denied"), "{output}");
    }
    assert!(line(Path::new("/etc/passwd")).ends_with(" ok"), "{output}");
    for expected in ["own ok", "bucket ok", "sibling write denied", "tmp write denied", "private tmp ok"] {
        assert!(output.lines().any(|l| l == expected), "{expected}: {output}");
    }
    assert_eq!(std::fs::read_to_string(own.join("written")).unwrap(), "mine\n");
    assert!(own.join("tmp/scratch").exists());
    assert!(!sibling.join("evil").exists());
}

#[tokio::test]
async fn the_environment_is_an_allowlist() {
    let dir = tempfile::tempdir().unwrap();
    // The test's own environment may hold anything; only the allowlist passes.
    let output = run_confined(&Sandbox::unconfined(), dir.path(), "env | cut -d= -f1 | sort").await;
    for name in output.lines() {
        let known = sparkplane_engine::sandbox::is_allowed_env(name)
            || ["TMPDIR", "SPARK_LOCAL_DIRS", "JAVA_TOOL_OPTIONS", "PWD", "SHLVL", "_", "OLDPWD"].contains(&name);
        assert!(known, "{name} leaked into the engine's environment");
    }
}
