"""The web console, in Debian's Chromium driven by Playwright: sign-in
through `sparkplane console` and through an access key, the cookie and CSRF
rules, security headers, the applications page with live state and charts,
forms that show the API's own errors, a HIVE job run started from the
console with its live driver log and usage chart, a run cancelled from the
console, and a user who sees and does only what its policies allow. Each
page is saved as a screenshot under target/e2e-artifacts/.
"""
from __future__ import annotations

import json
import re

import pytest
import requests

from conftest import ROLE_ARN, unique
from helpers_base import free_port
from helpers_browser import Browser, require_chromium
from helpers_s3 import put_object_uri, put_query

require_chromium()


@pytest.fixture(scope="module")
def srv(make_server):
    # The console has its own port (its own origin), beside the API's.
    port = free_port()
    server = make_server(extra_env={"SPARKPLANE_CONSOLE_LISTEN": f"127.0.0.1:{port}"}).start()
    server.console = f"http://127.0.0.1:{port}"
    return server


@pytest.fixture
def browser():
    opened = Browser()
    yield opened
    opened.close()


def sign_in_url(srv, env: dict | None = None) -> str:
    cp = srv.cli("console", "--endpoint", srv.endpoint, "--data-dir", str(srv.data_dir), env=env)
    url = cp.stdout.strip()
    assert url.startswith(f"{srv.console}/console/sign-in/ticket?ticket="), cp.stdout + cp.stderr
    return url


def csrf_of(page: str) -> str:
    found = re.search(r'<meta name="csrf" content="([0-9a-f]+)">', page)
    assert found, page[:500]
    return found.group(1)


def new_user(srv, policy: dict) -> dict:
    iam = srv.iam()
    name = unique("console-user")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"name": name, "key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def test_sign_in_cookie_csrf_and_headers(srv):
    # Unreachable without signing in; every console answer has the headers.
    bare = requests.get(f"{srv.console}/console/", allow_redirects=False, timeout=30)
    assert bare.status_code == 303 and bare.headers["location"] == "/console/sign-in"
    form = requests.get(f"{srv.console}/console/sign-in", timeout=30)
    csp = form.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, csp
    assert form.headers["x-content-type-options"] == "nosniff" and form.headers["x-frame-options"] == "DENY"
    api = requests.get(f"{srv.console}/console/api/applications", timeout=30)
    assert api.status_code == 403 and api.headers["x-amzn-errortype"].startswith("UnrecognizedClient")

    # The one-time URL: a cookie, once.
    url = sign_in_url(srv)
    browser = requests.Session()
    signed = browser.get(url, allow_redirects=False, timeout=30)
    assert signed.status_code == 303 and signed.headers["location"] == "/console/"
    cookie = signed.headers["set-cookie"]
    for part in ("sparkplane_console=v1.", "HttpOnly", "SameSite=Strict", "Path=/console"):
        assert part in cookie, cookie
    assert "Secure" not in cookie, "plain HTTP here"
    again = requests.get(url, allow_redirects=False, timeout=30)
    assert again.status_code == 403 and "used already" in again.text

    page = browser.get(f"{srv.console}/console/", timeout=30)
    assert page.status_code == 200 and srv.secret_key not in page.text and srv.access_key in page.text
    csrf = csrf_of(page.text)
    body = {"clientToken": unique("t"), "name": unique("viaconsole"), "type": "HIVE", "releaseLabel": "emr-7.9.0"}
    refused = browser.post(f"{srv.console}/console/api/applications", json=body, timeout=30)
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
    forged = browser.post(f"{srv.console}/console/api/applications", json=body, timeout=30,
                          headers={"x-sparkplane-csrf": "00" * 32})
    assert forged.status_code == 403
    created = browser.post(f"{srv.console}/console/api/applications", json=body, timeout=30,
                           headers={"x-sparkplane-csrf": csrf})
    assert created.status_code == 200, created.text
    assert srv.client().get_application(applicationId=created.json()["applicationId"])["application"]["name"] == body["name"]
    # The API's port serves no console (its dashboards show jobs' own
    # pages): `/console` there sends the browser to the console's port.
    for path in ("/console", "/console/"):
        on_api = requests.get(f"{srv.endpoint}{path}", allow_redirects=False, timeout=30)
        assert on_api.status_code == 303 and "csrf" not in on_api.text, on_api.text
        assert on_api.headers["location"] == f"{srv.console}/console/", on_api.headers
    # A console session cannot mint sign-in URLs (they would outlive it).
    minted = browser.post(f"{srv.console}/console/api/sparkplane/v1/console/sign-in-url", json={}, timeout=30,
                          headers={"x-sparkplane-csrf": csrf})
    assert minted.status_code == 403 and "signed requests only" in minted.json()["message"], minted.text

    # The form: a wrong secret is refused, the right one signs in.
    wrong = requests.post(f"{srv.console}/console/sign-in", timeout=30, allow_redirects=False,
                          data={"accessKeyId": srv.access_key, "secretAccessKey": "x" * 40})
    assert wrong.status_code == 401 and "not valid" in wrong.text
    right = requests.post(f"{srv.console}/console/sign-in", timeout=30, allow_redirects=False,
                          data={"accessKeyId": srv.access_key, "secretAccessKey": srv.secret_key})
    assert right.status_code == 303 and "sparkplane_console=v1." in right.headers["set-cookie"]
    cross = requests.post(f"{srv.console}/console/sign-in", timeout=30, allow_redirects=False,
                          headers={"origin": "http://evil.example"},
                          data={"accessKeyId": srv.access_key, "secretAccessKey": srv.secret_key})
    assert cross.status_code == 403

    # Sign-out needs the page's token, and ends the cookie.
    assert browser.post(f"{srv.console}/console/sign-out", data={"csrf": "00"}, timeout=30,
                        allow_redirects=False).status_code == 403
    out = browser.post(f"{srv.console}/console/sign-out", data={"csrf": csrf}, timeout=30, allow_redirects=False)
    assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]


def test_applications_forms_runs_and_logs_in_chromium(srv, browser):
    existing = srv.client().create_application(name=unique("shown"), type="HIVE", releaseLabel="emr-7.9.0",
                                               clientToken=unique("c"))["applicationId"]
    browser.goto(sign_in_url(srv))
    browser.wait_for(f"document.querySelector('tr[data-app=\"{existing}\"]')", 30, "the application's row")
    cookies = [c for c in browser.cookies() if c["name"] == "sparkplane_console"]
    assert cookies and cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Strict"
    # Marks this page load: updates must arrive without a reload.
    browser.eval("window.__loaded_once = true")

    # The form shows the API's own validation message.
    browser.fill("create-application", {"name": "bad name!", "type": "HIVE", "releaseLabel": "emr-7.9.0"})
    error = browser.wait_for("document.querySelector('#create-application .error')?.innerText", 30,
                             "the API's validation error")
    assert "ValidationException" in error and "name" in error, error
    name = unique("fromconsole")
    browser.fill("create-application", {"name": name, "type": "HIVE", "releaseLabel": "emr-7.9.0"})
    done = browser.wait_for("document.querySelector('#create-application .form-status')?.innerText.startsWith('Created')"
                            " && document.querySelector('#create-application .form-status').innerText", 30, "created")
    app_id = done.split()[1].rstrip(".")
    assert srv.client().get_application(applicationId=app_id)["application"]["name"] == name
    browser.wait_for(f"document.querySelector('tr[data-app=\"{app_id}\"]')", 30, "the new row")
    # The charts draw the server's samples (every 10 s), the new application's too.
    browser.wait_for(f"document.querySelector('[data-chart=\"vCPU · {name} ({app_id})\"] svg polyline')", 60,
                     "the new application's capacity chart")
    assert browser.eval("window.__loaded_once === true"), "the page was reloaded"
    browser.screenshot("console-applications")

    # A HIVE job run from the console, its state live and its driver log tailed.
    browser.goto(f"{srv.console}/console/#/apps/{app_id}")
    browser.wait_for("document.getElementById('start-job-run')", 30, "the job run form")
    query = put_query(srv, "SELECT 40 + 2 AS answer;", "console-e2e")
    browser.fill("start-job-run", {"runName": "from-console", "executionRoleArn": ROLE_ARN, "entryPoint": query})
    started = browser.wait_for(
        "document.querySelector('#start-job-run .form-status')?.innerText.startsWith('Started')"
        " && document.querySelector('#start-job-run .form-status').innerText", 30, "the run to start")
    run_id = started.split()[1].rstrip(".")
    browser.eval("window.__loaded_once = true")
    row = browser.wait_for(f"document.querySelector('tr[data-run=\"{run_id}\"]')?.innerText.includes('SUCCESS')"
                           f" && document.querySelector('tr[data-run=\"{run_id}\"]').innerText", 120,
                           "the run's row to show it ended, with its duration and billed usage")
    assert "vCPU-h" in row and re.search(r"\b\d+ s\b", row), row
    assert browser.eval("window.__loaded_once === true"), "the runs updated without a reload"
    browser.screenshot("console-application")
    browser.goto(f"{srv.console}/console/#/apps/{app_id}/runs/{run_id}")
    browser.wait_for("document.getElementById('run-state')?.innerText === 'SUCCESS'", 120, "the run to succeed live")
    log = browser.wait_for("document.getElementById('driver-log')?.innerText.includes('42')"
                           " && document.getElementById('driver-log').innerText", 60, "the driver log")
    assert "42" in log
    billed = browser.text("#billed")
    assert "vCPU-h" in billed, billed
    browser.wait_for("document.querySelector('[data-chart=\"Usage\"] svg rect')", 30, "the run's usage chart")
    assert "null" not in browser.text("#run") and "undefined" not in browser.text("#run"), browser.text("#run")
    browser.screenshot("console-run")
    # The dashboard link is GetDashboardForJobRun's URL.
    browser.eval("document.getElementById('open-dashboard').click()")
    href = browser.wait_for("document.getElementById('dashboard-link')?.href", 30, "the dashboard link")
    # On the API's port, not the console's.
    assert href.startswith(f"{srv.endpoint}/dashboard/{app_id}/{run_id}/1/?token="), href


def test_a_user_sees_and_does_only_what_its_policies_allow(srv, browser):
    user = new_user(srv, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["emr-serverless:ListApplications", "emr-serverless:GetApplication"],
         "Resource": "*"}]})
    browser.goto(f"{srv.console}/console/sign-in")
    browser.screenshot("console-sign-in")
    browser.page.fill("#accessKeyId", user["key"])
    browser.page.fill("#secretAccessKey", user["secret"])
    browser.page.click("#sign-in")
    browser.wait_for("document.querySelector('#applications table')", 30, "the applications page")
    assert browser.text("#who") == user["key"]
    browser.fill("create-application", {"name": unique("denied"), "type": "HIVE", "releaseLabel": "emr-7.9.0"})
    error = browser.wait_for("document.querySelector('#create-application .error')?.innerText", 30, "the denial")
    assert "AccessDeniedException" in error and "emr-serverless:CreateApplication" in error, error
    # Hosts are the operator's: the page shows the API's refusal.
    browser.goto(f"{srv.console}/console/#/hosts")
    denied = browser.wait_for("document.querySelector('#hosts .error')?.innerText", 30, "the hosts refusal")
    assert "AccessDenied" in denied
    browser.screenshot("console-hosts-denied")
    # A deleted key ends its console session at the next call.
    srv.iam().delete_access_key(UserName=user["name"], AccessKeyId=user["key"])
    gone = browser.eval("fetch('/console/api/applications').then(r => r.status)")
    assert gone == 403
    # The user's own keys get it a one-time URL through the CLI too.
    other = new_user(srv, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "emr-serverless:GetApplication", "Resource": "*"}]})
    url = sign_in_url(srv, env={"AWS_ACCESS_KEY_ID": other["key"], "AWS_SECRET_ACCESS_KEY": other["secret"]})
    session = requests.Session()
    assert session.get(url, timeout=30).status_code == 200
    listed = session.get(f"{srv.console}/console/api/applications", timeout=30)
    assert listed.status_code == 403 and "ListApplications" in listed.json()["message"]
    # The cookie's identity is the one authorized, whatever else the browser sends.
    spoofed = session.get(f"{srv.console}/console/api/applications", timeout=30,
                          headers={"authorization": f"AWS4-HMAC-SHA256 Credential={srv.access_key}/x"})
    assert spoofed.status_code == 403 and other["name"] in spoofed.json()["message"], spoofed.text


HOLD = """
import time
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
print("holding", flush=True)
time.sleep(600)
"""


@pytest.mark.spark
def test_a_run_cancelled_from_the_console_ends_cancelled(srv, browser):
    app_id = srv.client().create_application(name=unique("cancel"), type="SPARK", releaseLabel="emr-7.9.0",
                                             clientToken=unique("c"))["applicationId"]
    script = put_object_uri(srv, HOLD, "console-e2e", ".py")
    browser.goto(sign_in_url(srv))
    browser.goto(f"{srv.console}/console/#/apps/{app_id}")
    browser.wait_for("document.getElementById('start-job-run')", 30, "the job run form")
    browser.fill("start-job-run", {"runName": "to-cancel", "executionRoleArn": ROLE_ARN, "entryPoint": script})
    started = browser.wait_for(
        "document.querySelector('#start-job-run .form-status')?.innerText.startsWith('Started')"
        " && document.querySelector('#start-job-run .form-status').innerText", 30, "the run to start")
    run_id = started.split()[1].rstrip(".")
    button = f"tr[data-run=\"{run_id}\"] button[data-action=cancel]"
    browser.wait_for(f"document.querySelector('{button}')", 30, "the run's Cancel button")
    browser.page.click(button)
    browser.wait_for(f"document.querySelector('tr[data-run=\"{run_id}\"]')?.innerText.includes('CANCELLED')", 120,
                     "the run to show CANCELLED")
    assert srv.client().get_job_run(applicationId=app_id, jobRunId=run_id)["jobRun"]["state"] == "CANCELLED"
    browser.screenshot("console-cancelled")
