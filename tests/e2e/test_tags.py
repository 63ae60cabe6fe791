"""TagResource / UntagResource / ListTagsForResource on applications and job runs (addressed by ARN)."""
import pytest

from conftest import (
    ACCOUNT,
    REGION,
    ROLE_ARN,
    create_app,
    expect_client_error,
    spark_job_driver,
    unique,
    wait_for_state,
)


@pytest.fixture(scope="module")
def tagged_app(client):
    return create_app(client, name=unique("tags"), tags={"team": "data", "cost-center": "42"})


@pytest.fixture(scope="module")
def tagged_job(client, tagged_app, tmp_path_factory):
    missing = tmp_path_factory.mktemp("tags") / "nope.py"
    resp = client.start_job_run(applicationId=tagged_app["applicationId"], executionRoleArn=ROLE_ARN,
                                jobDriver=spark_job_driver(str(missing)), tags={"run": "one"})
    wait_for_state(client, tagged_app["applicationId"], resp["jobRunId"], {"FAILED"})
    return resp


def test_tags_given_at_creation(client, tagged_app):
    assert client.list_tags_for_resource(resourceArn=tagged_app["arn"])["tags"] == {"team": "data",
                                                                                     "cost-center": "42"}
    app = client.get_application(applicationId=tagged_app["applicationId"])["application"]
    assert app["tags"] == {"team": "data", "cost-center": "42"}


def test_tag_and_untag_application(client):
    app = create_app(client)
    arn = app["arn"]
    assert client.list_tags_for_resource(resourceArn=arn).get("tags", {}) == {}
    client.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2", "c": "3"})
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "1", "b": "2", "c": "3"}
    # overwrite one, add one
    client.tag_resource(resourceArn=arn, tags={"a": "10", "d": "4"})
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "10", "b": "2", "c": "3", "d": "4"}
    # remove several at once (repeated tagKeys query parameter); unknown keys are ignored
    client.untag_resource(resourceArn=arn, tagKeys=["b", "c", "never-set"])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "10", "d": "4"}
    assert client.get_application(applicationId=app["applicationId"])["application"]["tags"] == {"a": "10",
                                                                                                  "d": "4"}


def test_tag_values_with_allowed_punctuation(client):
    arn = create_app(client)["arn"]
    tags = {"path/like:key": "v a=l+u.e@x-y_z", "empty": ""}
    client.tag_resource(resourceArn=arn, tags=tags)
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == tags
    client.untag_resource(resourceArn=arn, tagKeys=["path/like:key"])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"empty": ""}


def test_tags_are_per_resource(client, tagged_app):
    other = create_app(client)
    client.tag_resource(resourceArn=other["arn"], tags={"only": "here"})
    assert "only" not in client.list_tags_for_resource(resourceArn=tagged_app["arn"])["tags"]


def test_job_run_tags(client, tagged_app, tagged_job):
    arn = tagged_job["arn"]
    assert "/jobruns/" in arn
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"run": "one"}
    run = client.get_job_run(applicationId=tagged_app["applicationId"], jobRunId=tagged_job["jobRunId"])["jobRun"]
    assert run["tags"] == {"run": "one"}
    client.tag_resource(resourceArn=arn, tags={"extra": "yes"})
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"run": "one", "extra": "yes"}
    client.untag_resource(resourceArn=arn, tagKeys=["run"])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"extra": "yes"}
    # the application's own tags are untouched
    assert client.list_tags_for_resource(resourceArn=tagged_app["arn"])["tags"] == {"team": "data",
                                                                                     "cost-center": "42"}


def test_tags_on_unknown_application(raw_client):
    arn = f"arn:aws:emr-serverless:{REGION}:{ACCOUNT}:/applications/00nonexistent00"
    expect_client_error(raw_client.list_tags_for_resource, 404, "ResourceNotFoundException", resourceArn=arn)
    expect_client_error(raw_client.tag_resource, 404, "ResourceNotFoundException", resourceArn=arn,
                        tags={"a": "b"})
    expect_client_error(raw_client.untag_resource, 404, "ResourceNotFoundException", resourceArn=arn,
                        tagKeys=["a"])


def test_tags_on_unknown_job_run(raw_client, tagged_app):
    arn = f"{tagged_app['arn']}/jobruns/00nonexistent00"
    expect_client_error(raw_client.list_tags_for_resource, 404, "ResourceNotFoundException", resourceArn=arn)


def test_tags_bad_arn(raw_client):
    expect_client_error(raw_client.list_tags_for_resource, 400, "ValidationException",
                        resourceArn="arn:aws:s3:::some-bucket-that-is-not-an-emr-app-at-all-xxxxxxxxxxxxxxxxxx")


def test_tag_bad_key(raw_client, tagged_app):
    expect_client_error(raw_client.tag_resource, 400, "ValidationException", resourceArn=tagged_app["arn"],
                        tags={"bad<key>": "v"})


def test_cli_tags(server, client):
    arn = create_app(client)["arn"]
    server.aws("emr-serverless", "tag-resource", "--resource-arn", arn, "--tags", "k1=v1,k2=v2")
    assert server.aws("emr-serverless", "list-tags-for-resource", "--resource-arn", arn)["tags"] == {
        "k1": "v1", "k2": "v2"}
    server.aws("emr-serverless", "untag-resource", "--resource-arn", arn, "--tag-keys", "k1")
    assert server.aws("emr-serverless", "list-tags-for-resource", "--resource-arn", arn)["tags"] == {"k2": "v2"}
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"k2": "v2"}

