//! Bodies of the tagging operations (TagResource, UntagResource,
//! ListTagsForResource). The resource ARN and the keys to remove travel in
//! the path and query string, so only the tag map appears here.

use super::common::TagMap;
use serde::{Deserialize, Serialize};

/// Body of `POST /tags/{resourceArn}`; `tags` is required (checked by
/// [`crate::Validate`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagResourceRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<TagMap>,
}

/// Empty body (`{}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TagResourceResponse {}

/// Empty body (`{}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UntagResourceResponse {}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTagsForResourceResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<TagMap>,
}
