//! `--archives` and `spark.archives`: unpacked for the driver, shipped by
//! Spark to every executor process.
//!
//! EMR unpacks each archive into the working directory of every container
//! under its `#alias`, so jobs name `./environment/bin/python`. The driver
//! runs in the attempt's work dir and its Python starts before any
//! SparkContext exists, so sparkplane unpacks each archive there itself,
//! before spark-submit. Executor processes (elastic runs) get it from Spark:
//! the staged files are passed as `spark.archives` (local `file:` URIs with
//! their `#alias`), the driver serves them, and each executor unpacks them
//! into its own working directory under the alias (Spark's
//! `Executor.updateDependencies`, which logs "Unpacking an archive ... to
//! .../<alias>"). With `local[N]` the executors are threads of the driver
//! and share its working directory, so `spark.archives` is left out there:
//! Spark would only unpack a second copy into its SparkFiles root.
//!
//! A venv-pack archive's `bin/python` is a link to the interpreter that built
//! it, which must exist at the same path on this host (and be readable in the
//! sandbox). That is checked right after unpacking, so a venv built elsewhere
//! fails before spark-submit with a message that names the interpreter and
//! how to build a venv that works here, rather than with "Cannot run program"
//! from an executor.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::Command;

use super::launch::merged_list;
use super::params::archive_alias;
use super::staging::Staging;
use super::{LaunchContext, SparkJobPlan};
use crate::sandbox::{clean_env, find_program, Confinement, Sandbox};
use crate::EngineError;

/// The property Spark delivers archives to executors with.
const ARCHIVES_PROPERTY: &str = "spark.archives";
/// Links followed at most when resolving an interpreter (the kernel's limit).
const MAX_LINKS: usize = 40;
/// A venv's interpreter links, relative to its root.
const INTERPRETER_LINKS: [&str; 2] = ["bin/python", "bin/python3"];

/// One archive of the job, staged and unpacked for the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StagedArchive {
    /// The staged file, in the attempt's `deps/`.
    pub path: PathBuf,
    /// The folder it unpacks to: its `#alias`, else its file name (Spark's rule).
    pub alias: String,
}

impl SparkJobPlan {
    /// Refuses archive aliases that are not a single folder name: the
    /// driver's copy is unpacked into `<work dir>/<alias>`, and an alias such
    /// as `../x` or `/x` would name a folder outside it.
    pub(super) fn check_archive_aliases(&self) -> Result<(), EngineError> {
        for spec in merged_list(self, &self.params.archives, ARCHIVES_PROPERTY) {
            if let (_, Some(alias)) = archive_alias(&spec) {
                check_folder_name(alias).map_err(|reason| EngineError::Property {
                    key: ARCHIVES_PROPERTY.into(),
                    value: spec.clone(),
                    reason,
                })?;
            }
        }
        Ok(())
    }
}

fn check_folder_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0') {
        return Err(format!("the alias '{name}' must be a single folder name (no '/', not '.' or '..')"));
    }
    Ok(())
}

/// Stages every archive of `plan` into `deps_dir`, unpacks each into
/// `work_dir/<alias>` in the job's sandbox (or links the unpacked copy the
/// cache has) and checks the interpreter of each venv among them (`python`
/// is the server's, for the message; `None` when the driver runs in an
/// image, whose interpreters this host cannot check).
pub(super) async fn stage_archives(
    plan: &SparkJobPlan,
    staging: &mut Staging<'_, '_>,
    sandbox: &Sandbox,
    deps_dir: &Path,
    work_dir: &Path,
    python: Option<&str>,
) -> Result<Vec<StagedArchive>, EngineError> {
    let readable_roots = readable_roots(sandbox, work_dir);
    let readable = |p: &Path| readable_roots.as_ref().is_none_or(|roots| roots.iter().any(|root| p.starts_with(root)));
    let mut staged = Vec::new();
    for spec in merged_list(plan, &plan.params.archives, ARCHIVES_PROPERTY) {
        let (uri, alias) = archive_alias(&spec);
        // Unpacked by tar, or served to executors by the driver's JVM: linked.
        let file = staging.file(uri, deps_dir, false, sparkplane_storage::Placement::Link).await?;
        let alias = match alias {
            Some(alias) => alias.to_string(),
            None => file.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        };
        let bad_alias = |reason| EngineError::Property { key: ARCHIVES_PROPERTY.into(), value: spec.clone(), reason };
        check_folder_name(&alias).map_err(bad_alias)?;
        let target = work_dir.join(&alias);
        let kind = archive_kind(&file.path);
        let archive = file.path.clone();
        staging.unpacked(&file, kind, &target, |into| extract_archive(archive, into, sandbox, work_dir)).await?;
        if let Some(python) = python {
            check_interpreter(&target, &readable).map_err(|problem| problem.into_error(&alias, python))?;
        }
        staged.push(StagedArchive { path: file.path, alias });
    }
    Ok(staged)
}

/// How an archive is unpacked, by its name: zip (and jar), else tar (which
/// recognizes the compression itself).
fn archive_kind(archive: &Path) -> &'static str {
    let name = archive.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".zip") || name.ends_with(".jar") {
        "zip"
    } else {
        "tar"
    }
}

/// What the job's processes may read, resolved as Landlock resolves its
/// rules (the rule holds the opened, so canonical, path); `None` when
/// nothing is confined.
fn readable_roots(sandbox: &Sandbox, work_dir: &Path) -> Option<Vec<PathBuf>> {
    match sandbox.confinement() {
        Confinement::Landlock => {
            let paths = sandbox.paths_for(work_dir);
            let all = paths.read_only.iter().chain(&paths.read_write).chain(&paths.read_write_files);
            Some(all.map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())).collect())
        }
        Confinement::Unconfined | Confinement::Refused => None,
    }
}

/// The `--conf spark.archives=...` of a launch whose executors are processes
/// of their own; none with `local[N]` (see the module's docs) or without
/// archives.
pub(super) fn archives_option(archives: &[StagedArchive], context: &LaunchContext<'_>) -> Option<String> {
    if context.master.is_none() || archives.is_empty() {
        return None;
    }
    let list: Vec<String> = archives
        .iter()
        .map(|a| format!("file://{}#{}", percent_encode(a.path.as_os_str()), percent_encode(a.alias.as_ref())))
        .collect();
    Some(format!("{ARCHIVES_PROPERTY}={}", list.join(",")))
}

/// `text` with every byte outside `[A-Za-z0-9/._~-]` percent-encoded: Spark
/// splits `spark.archives` at commas and reads a `#` as the alias, and
/// decodes the path and the alias again (`URI.getPath`, `getFragment`).
fn percent_encode(text: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::new();
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"/._~-".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// Unpacks `archive` into `target`, as EMR does for `--archives x#alias`, so
/// that `./alias/...` paths (a packed virtualenv, say) work from the driver.
async fn extract_archive(
    archive: PathBuf,
    target: PathBuf,
    sandbox: &Sandbox,
    work_dir: &Path,
) -> Result<(), EngineError> {
    let (archive, target) = (archive.as_path(), target.as_path());
    tokio::fs::create_dir_all(target)
        .await
        .map_err(|err| EngineError::io(format!("create {}", target.display()), err))?;
    let mut command = if archive_kind(archive) == "zip" {
        let mut c = Command::new("python3");
        c.args(["-m", "zipfile", "-e"]).arg(archive).arg(target);
        c
    } else {
        let mut c = Command::new("tar");
        c.arg("-xf").arg(archive).arg("-C").arg(target);
        c
    };
    // The archive is the job's: unpacked in the job's sandbox.
    clean_env(&mut command);
    sandbox.confine(&mut command, work_dir)?;
    let output = command
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|err| EngineError::io(format!("extract {}", archive.display()), err))?;
    if !output.status.success() {
        return Err(EngineError::Property {
            key: ARCHIVES_PROPERTY.into(),
            value: archive.display().to_string(),
            reason: format!("cannot extract: {}", String::from_utf8_lossy(&output.stderr).trim()),
        });
    }
    Ok(())
}

/// Why a venv's interpreter cannot run here.
#[derive(Debug, Clone, PartialEq, Eq)]
enum InterpreterProblem {
    /// `link` (relative to the archive's root) ends at `interpreter`, which
    /// does not exist.
    Missing { link: String, interpreter: PathBuf },
    /// It exists, but job processes may not read it.
    Unreadable { link: String, interpreter: PathBuf },
}

impl InterpreterProblem {
    fn into_error(self, alias: &str, python: &str) -> EngineError {
        let (link, interpreter, what) = match self {
            InterpreterProblem::Missing { link, interpreter } => (link, interpreter, "not on this server"),
            InterpreterProblem::Unreadable { link, interpreter } => {
                (link, interpreter, "outside what jobs may read on this server")
            }
        };
        // The interpreter jobs run with here, as a path the user can type.
        let server_python = find_program(python)
            .and_then(|p| std::fs::canonicalize(p).ok())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| python.to_string());
        EngineError::ArchiveInterpreter {
            link: format!("{alias}/{link}"),
            interpreter: interpreter.display().to_string(),
            what,
            server_python,
        }
    }
}

/// Checks each of `root`'s venv interpreter links ([`INTERPRETER_LINKS`])
/// that is a symlink: its chain must end at a file that exists and that
/// `readable` allows. Archives without such links (no venv, or a conda-pack
/// environment with a real interpreter) pass.
fn check_interpreter(root: &Path, readable: &dyn Fn(&Path) -> bool) -> Result<(), InterpreterProblem> {
    for link in INTERPRETER_LINKS {
        let path = root.join(link);
        let is_link = std::fs::symlink_metadata(&path).map(|m| m.file_type().is_symlink()).unwrap_or(false);
        if !is_link {
            continue;
        }
        match follow_links(&path) {
            Err(missing) => return Err(InterpreterProblem::Missing { link: link.to_string(), interpreter: missing }),
            Ok(found) => {
                let found = std::fs::canonicalize(&found).unwrap_or(found);
                if !readable(&found) {
                    return Err(InterpreterProblem::Unreadable { link: link.to_string(), interpreter: found });
                }
            }
        }
    }
    Ok(())
}

/// Follows the chain of links from `link` as the kernel would (a relative
/// target from its link's folder): `Ok` with the first path that is not a
/// link, or `Err` with the first one that does not exist (the interpreter
/// a venv built elsewhere names).
fn follow_links(link: &Path) -> Result<PathBuf, PathBuf> {
    let mut current = link.to_path_buf();
    for _ in 0..MAX_LINKS {
        let Ok(metadata) = std::fs::symlink_metadata(&current) else {
            return Err(current);
        };
        if !metadata.file_type().is_symlink() {
            return Ok(current);
        }
        let Ok(target) = std::fs::read_link(&current) else {
            return Err(current);
        };
        current = match current.parent() {
            Some(folder) if target.is_relative() => folder.join(target),
            _ => target,
        };
    }
    Err(current)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    fn venv(root: &Path, python3_target: &Path) {
        std::fs::create_dir_all(root.join("bin")).unwrap();
        symlink("python3", root.join("bin/python")).unwrap();
        symlink(python3_target, root.join("bin/python3")).unwrap();
    }

    #[test]
    fn a_venv_whose_interpreter_is_missing_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("environment");
        venv(&root, Path::new("/nonexistent/python3.99"));
        let problem = check_interpreter(&root, &|_| true).unwrap_err();
        assert_eq!(
            problem,
            InterpreterProblem::Missing {
                link: "bin/python".into(),
                interpreter: PathBuf::from("/nonexistent/python3.99")
            }
        );
        let message = problem.into_error("environment", "sh").to_string();
        let python = std::fs::canonicalize(find_program("sh").unwrap()).unwrap();
        let expected = format!(
            "environment/bin/python links to /nonexistent/python3.99, not on this server: rebuild the venv with \
             this server's Python ({} -m venv env; pip install venv-pack; venv-pack -o env.tar.gz)",
            python.display()
        );
        assert_eq!(message, expected);
    }

    #[test]
    fn a_venv_of_an_existing_readable_interpreter_passes() {
        let dir = tempfile::tempdir().unwrap();
        let interpreter = dir.path().join("base/bin/python3.11");
        std::fs::create_dir_all(interpreter.parent().unwrap()).unwrap();
        std::fs::write(&interpreter, b"").unwrap();
        let root = dir.path().join("env");
        venv(&root, &interpreter);
        assert_eq!(check_interpreter(&root, &|_| true), Ok(()));
        // Outside the sandbox: refused, naming the resolved file.
        let canonical = std::fs::canonicalize(&interpreter).unwrap();
        let problem = check_interpreter(&root, &|p| p != canonical).unwrap_err();
        assert_eq!(problem, InterpreterProblem::Unreadable { link: "bin/python".into(), interpreter: canonical });
        // Not a venv at all, or an interpreter that is a real file: nothing to check.
        assert_eq!(check_interpreter(&dir.path().join("base"), &|_| false), Ok(()));
    }

    #[test]
    fn readable_roots_are_the_sandboxs_paths_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("runtimes-real");
        std::fs::create_dir_all(&real).unwrap();
        let link = dir.path().join("runtimes");
        symlink(&real, &link).unwrap();
        let work = dir.path().join("work");
        let sandbox = Sandbox::for_host(Confinement::Landlock, &link, "sh");
        let roots = readable_roots(&sandbox, &work).unwrap();
        assert!(roots.contains(&std::fs::canonicalize(&real).unwrap()), "{roots:?}");
        assert!(roots.contains(&work), "{roots:?}");
        assert!(roots.contains(&PathBuf::from("/usr")), "{roots:?}");
        assert_eq!(readable_roots(&Sandbox::unconfined(), &work), None);
    }

    #[test]
    fn aliases_are_single_folder_names() {
        assert!(check_folder_name("environment").is_ok());
        assert!(check_folder_name("env.tar.gz").is_ok());
        for bad in ["", ".", "..", "../x", "/etc", "a/b"] {
            assert!(check_folder_name(bad).is_err(), "{bad}");
        }
        let driver = sparkplane_api::SparkSubmit {
            entry_point: "s3://b/main.py".into(),
            entry_point_arguments: None,
            spark_submit_parameters: Some("--archives s3://b/env.tar.gz#../../escape".into()),
        };
        let err = SparkJobPlan::new("emr-7.9.0", &driver, &[], &[]).unwrap_err();
        assert!(err.to_string().contains("single folder name"), "{err}");
    }

    #[test]
    fn executors_get_file_uris_with_their_alias_only_when_they_are_processes() {
        let storage = sparkplane_storage::ObjectStorage::new(None);
        let mut context = LaunchContext::bare(&storage);
        let archives = vec![
            StagedArchive { path: "/w/deps/env.tar.gz".into(), alias: "environment".into() },
            StagedArchive { path: "/w/deps/a b,#c.zip".into(), alias: "a b,#c.zip".into() },
        ];
        assert_eq!(archives_option(&archives, &context), None);
        context.master = Some("spark://127.0.0.1:7077".into());
        assert_eq!(archives_option(&[], &context), None);
        assert_eq!(
            archives_option(&archives, &context).as_deref(),
            Some(
                "spark.archives=file:///w/deps/env.tar.gz#environment,file:///w/deps/a%20b%2C%23c.zip#a%20b%2C%23c.zip"
            )
        );
    }
}
