"""A real Chromium, headless, driven over the DevTools protocol (CDP).

Only what the console tests need: open a URL, evaluate JavaScript in the
page, wait (bounded) for a condition, read cookies. Chromium comes from
Debian (scripts/chromium.sh); SPARKPLANE_TEST_CHROMIUM names it.
"""
from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import websocket

CHROMIUM = os.environ.get("SPARKPLANE_TEST_CHROMIUM") or shutil.which("chromium") or ""


def require_chromium() -> None:
    if CHROMIUM and Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        raise RuntimeError("no Chromium: scripts/chromium.sh must install it before these tests")
    pytest.skip("no Chromium (apt-get install chromium, or set SPARKPLANE_TEST_CHROMIUM)", allow_module_level=True)


class Browser:
    def __init__(self, profile: Path, timeout: float = 30):
        profile.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--remote-debugging-port=0",
             "--remote-allow-origins=*", f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (active.exists() and active.read_text().strip()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = active.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=10) as answer:
            pages = [t for t in json.load(answer) if t.get("type") == "page"]
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.ids = itertools.count(1)
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method: str, **params) -> dict:
        ident = next(self.ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def eval(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def goto(self, url: str, timeout: float = 30) -> None:
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'", timeout,
                      f"{url} to load")

    def wait_for(self, expression: str, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        last = None
        # An element found is "true" (CDP returns elements by value as {}).
        probe = f"(() => {{ const v = ({expression}); return v instanceof Node ? true : v; }})()"
        while time.monotonic() < deadline:
            try:
                last = self.eval(probe)
            except RuntimeError as err:
                last = err
            if last and not isinstance(last, Exception):
                return last
            time.sleep(0.2)
        raise AssertionError(f"timed out after {timeout}s waiting for {what} ({expression}); last: {last!r}")

    def text(self, selector: str) -> str:
        return self.eval(f"document.querySelector({json.dumps(selector)})?.innerText ?? ''")

    def fill(self, form: str, values: dict) -> None:
        """Sets the named fields of form `form` (an id) and submits it."""
        script = f"""(() => {{
            const form = document.getElementById({json.dumps(form)});
            const values = {json.dumps(values)};
            for (const [name, value] of Object.entries(values)) form.elements[name].value = value;
            form.requestSubmit();
            return true;
        }})()"""
        assert self.eval(script)

    def cookies(self) -> list[dict]:
        return self.call("Network.getAllCookies").get("cookies", [])

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        # Chromium's own helper processes are in its process group.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(10)
                return
            except subprocess.TimeoutExpired:
                continue
