"""A real Chromium, headless, driven by Playwright.

Chromium is Debian's (scripts/chromium.sh; SPARKPLANE_TEST_CHROMIUM names
it): Playwright's own browser downloads are out of reach here, so it is
launched at that path. The helpers keep the console tests short: open a URL,
evaluate JavaScript in the page, wait (bounded) for a condition, fill and
submit a form, read cookies, save a screenshot.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SPARKPLANE_TEST_CHROMIUM") or shutil.which("chromium") or ""
# Where the console tests leave their screenshots (one per page).
ARTIFACTS = Path(os.environ.get("SPARKPLANE_TEST_ARTIFACTS")
                 or Path(__file__).resolve().parents[2] / "target" / "e2e-artifacts")


def require_chromium() -> None:
    if CHROMIUM and Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        raise RuntimeError("no Chromium: scripts/chromium.sh must install it before these tests")
    pytest.skip("no Chromium (apt-get install chromium, or set SPARKPLANE_TEST_CHROMIUM)", allow_module_level=True)


class Browser:
    def __init__(self):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"])
            self._context = self._browser.new_context(viewport={"width": 1280, "height": 1000})
            self.page = self._context.new_page()
        except Exception:
            self._playwright.stop()
            raise

    def eval(self, expression: str):
        return self.page.evaluate(expression)

    def goto(self, url: str, timeout: float = 30) -> None:
        self.page.goto(url, wait_until="load", timeout=timeout * 1000)

    def wait_for(self, expression: str, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        last = None
        # An element found is "true" (elements do not serialize).
        probe = f"(() => {{ const v = ({expression}); return v instanceof Node ? true : v; }})()"
        while time.monotonic() < deadline:
            try:
                last = self.eval(probe)
            except Exception as err:  # noqa: BLE001 - a page mid-navigation
                last = err
            if last and not isinstance(last, Exception):
                return last
            time.sleep(0.2)
        raise AssertionError(f"timed out after {timeout}s waiting for {what} ({expression}); last: {last!r}")

    def text(self, selector: str) -> str:
        return self.eval(f"document.querySelector({json.dumps(selector)})?.innerText ?? ''")

    def fill(self, form: str, values: dict) -> None:
        """Sets the named fields of form `form` (an id) and submits it."""
        for name, value in values.items():
            field = self.page.locator(f"#{form} [name={json.dumps(name)}]")
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        self.page.locator(f"#{form} button[type=submit]").click()

    def cookies(self) -> list[dict]:
        return self._context.cookies()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        try:
            self._context.close()
            self._browser.close()
        finally:
            self._playwright.stop()
