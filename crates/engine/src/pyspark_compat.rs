//! Makes PyPI's pyspark 3.3 run Python functions on Python 3.11+.
//!
//! pyspark 3.3 vendors cloudpickle 2.0.0, which cannot unpickle functions
//! on Python 3.11 (`TypeError: code() argument 13 must be str, not int` in
//! every UDF and RDD lambda); DataFrame-only jobs run. Spark fixed this in
//! 3.4 by upgrading its vendored copy to cloudpickle 2.2 (SPARK-40991), and
//! this does the same for the 3.3 runtime at install: the pinned
//! cloudpickle 2.2.1 wheel from PyPI, checked against its SHA-256, replaces
//! `pyspark/cloudpickle/` and its copy in `python/lib/pyspark.zip` (which
//! Python workers import), with the package's own imports pointed at
//! `pyspark.cloudpickle` as Spark's vendoring does. It runs in the install's
//! staging folder, so an installed 3.3 runtime is always patched.

use std::ffi::OsString;
use std::path::Path;

use crate::releases::{SparkRuntime, SPARK_3_3};
use crate::runtime::run_logged;

/// The cloudpickle release Spark 3.4's vendored copy is (2.2.1 in 3.4.4).
pub const CLOUDPICKLE: &str = "cloudpickle==2.2.1";
const CLOUDPICKLE_WHEEL: &str = "cloudpickle-2.2.1-py3-none-any.whl";
const CLOUDPICKLE_SHA256: &str = "61f594d1f4c295fa5cd9014ceb3a1fc4a70b0de1164b94fbc2d854ccba056f9f";

/// argv: the pyspark package dir, the wheel, its SHA-256.
const PATCH: &str = r#"
import hashlib, os, sys, zipfile
pyspark_dir, wheel, wanted = sys.argv[1:4]
with open(wheel, "rb") as f:
    digest = hashlib.sha256(f.read()).hexdigest()
if digest != wanted:
    sys.exit("%s: sha256 %s, expected %s" % (wheel, digest, wanted))
files = {}
with zipfile.ZipFile(wheel) as z:
    for name in ("__init__.py", "cloudpickle.py", "cloudpickle_fast.py", "compat.py"):
        files[name] = z.read("cloudpickle/" + name)
files["__init__.py"] = files["__init__.py"].replace(b"from cloudpickle.", b"from pyspark.cloudpickle.")
for name, data in files.items():
    with open(os.path.join(pyspark_dir, "cloudpickle", name), "wb") as f:
        f.write(data)
archive = os.path.join(pyspark_dir, "python", "lib", "pyspark.zip")
scratch = archive + ".tmp"
with zipfile.ZipFile(archive) as src, zipfile.ZipFile(scratch, "w", zipfile.ZIP_DEFLATED) as dst:
    replaced = 0
    for info in src.infolist():
        folder, _, base = info.filename.rpartition("/")
        if folder == "pyspark/cloudpickle" and base in files:
            dst.writestr(info, files[base])
            replaced += 1
        else:
            dst.writestr(info, src.read(info.filename))
if replaced != len(files):
    sys.exit("pyspark.zip held %d of the %d cloudpickle files" % (replaced, len(files)))
os.replace(scratch, archive)
"#;

/// Whether `runtime` needs the patch.
pub fn needs_patch(runtime: SparkRuntime) -> bool {
    runtime == SPARK_3_3
}

/// Patches the pyspark package installed under `target` (pip's `--target`
/// folder); output goes to `log_path`.
pub async fn patch_cloudpickle(python: &str, target: &Path, log_path: &Path) -> Result<(), String> {
    let download = target.join(".cloudpickle-download");
    let pip: Vec<OsString> =
        ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-input", "--disable-pip-version-check"]
            .iter()
            .map(Into::into)
            .chain([OsString::from("--dest"), download.clone().into(), CLOUDPICKLE.into()])
            .collect();
    run_logged(python, &pip, log_path, &format!("pip download of {CLOUDPICKLE}")).await?;
    let patch: Vec<OsString> = vec![
        "-c".into(),
        PATCH.into(),
        target.join("pyspark").into(),
        download.join(CLOUDPICKLE_WHEEL).into(),
        CLOUDPICKLE_SHA256.into(),
    ];
    let patched = run_logged(python, &patch, log_path, "patching pyspark's cloudpickle").await;
    let _ = tokio::fs::remove_dir_all(&download).await;
    patched
}
