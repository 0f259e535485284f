"""A headless Chromium (Debian's `chromium` + `chromium-driver`) driven through Selenium.

One browser serves every check of a test module: starting Chromium costs about a second,
a page load a few milliseconds. The flags keep it from phoning home: on a closed network
Chromium otherwise waits on lookups for component updates, sync and the like.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

FLAGS = (
    "--headless=new",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",  # screenshots show the page, not the scrollbar
    "--force-color-profile=srgb",
)

INSTALL_HINT = (
    "install Debian's chromium and chromium-driver (`make test` does so when run as root: "
    "scripts/sysdeps.sh), or point BRIEFGEN_CHROMIUM / BRIEFGEN_CHROMEDRIVER at them"
)


def find_chromium() -> tuple[str | None, str | None]:
    """Paths of the Chromium binary and of chromedriver, or None for what is missing."""
    # Debian's /usr/bin/chromium is a shell wrapper around the real binary; use the binary.
    browser = _first(os.environ.get("BRIEFGEN_CHROMIUM"), "/usr/lib/chromium/chromium",
                     *(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")))
    driver = _first(os.environ.get("BRIEFGEN_CHROMEDRIVER"), shutil.which("chromedriver"),
                    "/usr/lib/chromium/chromedriver")
    if os.environ.get("BRIEFGEN_CHROMIUM") and browser != os.environ["BRIEFGEN_CHROMIUM"]:
        browser = None  # asked for one that is not there: say so rather than use another
    return browser, driver


def _first(*candidates: str | None) -> str | None:
    return next((c for c in candidates if c and os.path.isfile(c) and os.access(c, os.X_OK)), None)


@dataclass
class PageCheck:
    """What a page looked like in the browser at one viewport."""

    inner_width: int
    scroll_width: int
    console_errors: list[str]
    requests: list[str]


class Browser:
    """One headless Chromium session; `close()` ends it and removes its profile."""

    def __init__(self, browser: str, driver: str) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="briefgen-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for flag in (*FLAGS, f"--user-data-dir={self.profile}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        try:
            # An explicit driver path: Selenium Manager would otherwise try the network.
            self.driver = webdriver.Chrome(options=options, service=Service(driver))
        except BaseException:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        self.driver.set_page_load_timeout(30)

    def open(self, path: Path, width: int, height: int = 900, *, dark: bool = False) -> PageCheck:
        """Load a file at a viewport size and colour scheme; report overflow, errors and requests."""
        self.cdp("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        self.cdp("Emulation.setEmulatedMedia",
                 {"media": "screen", "features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
        self.driver.get_log("browser")  # drop what earlier pages logged
        self.driver.get(path.resolve().as_uri())
        self.driver.execute_script("return document.fonts.ready")
        info = self.js(
            "return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth,"
            " requests: performance.getEntriesByType('resource').map(e => e.name)}"
        )
        errors = [e["message"] for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]
        return PageCheck(info["inner"], info["scroll"], errors, info["requests"])

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def cdp(self, command: str, params: dict[str, Any]) -> Any:
        return self.driver.execute_cdp_cmd(command, params)

    def screenshot(self, target: Path, width: int, *, max_height: int = 20000) -> Path:
        """A PNG of the whole page (not only the viewport) at the current emulation."""
        height = min(int(self.js("return document.documentElement.scrollHeight")), max_height)
        shot = self.cdp("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        })
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(shot["data"]))
        return target

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def open_browser() -> Iterator[Browser]:
    """A headless Chromium session for a module's tests (skipped, saying why, without one)."""
    pytest.importorskip("selenium", reason="selenium is not installed: pip install '.[test]'")
    binary, driver = find_chromium()
    if binary is None or driver is None:
        pytest.skip(f"no {'Chromium' if binary is None else 'chromedriver'}: {INSTALL_HINT}")
    session = Browser(binary, driver)
    try:
        yield session
    finally:
        session.close()
