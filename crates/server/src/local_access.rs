//! Who may name a local path in a request: the caller's IAM policies, asked
//! for `sparkplane:UseLocalPath` on the resolved path
//! (`arn:sparkplane:local:::/dir/file`). The configuration's allowed
//! directories are checked first, by the controller; this is the other
//! half, per principal, so one team's directory is not every caller's.

use std::path::Path;

use sparkplane_control::access::local_paths::{local_path_arn, LocalPathPolicy, USE_LOCAL_PATH};
use sparkplane_iam::Caller;
use sparkplane_policy::Context;

/// The caller of a request, as a [`LocalPathPolicy`].
pub struct CallerLocalPaths<'a>(pub &'a Caller);

impl LocalPathPolicy for CallerLocalPaths<'_> {
    fn check(&self, path: &Path) -> Result<(), String> {
        let resource = local_path_arn(path);
        self.0
            .authorize(USE_LOCAL_PATH, &resource, &Context::default())
            .map_err(|denied| denied.message(USE_LOCAL_PATH, &resource))
    }
}
