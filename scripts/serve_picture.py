"""docs/serve.png: the served seeds' archive answering a search for "Lavrov", and
docs/serve-feedback.png: a verdict just given on the brief's own page (`--feedback`), in headless Chromium.

Run from the root of a clone with the test dependencies and Chromium installed
(`make test-sysdeps`): `.venv/bin/python scripts/serve_picture.py`.
"""

from __future__ import annotations

import base64
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefgen.config import load_config  # noqa: E402
from briefgen.docs import PICTURE_CLOCK, PICTURE_DAY  # noqa: E402
from briefgen.pipeline import build_brief  # noqa: E402
from tests.browser import Browser, find_chromium  # noqa: E402
from tests.serveapp import serving  # noqa: E402

WIDTH = 900


def main() -> int:
    config_path = ROOT / "sources.yaml"
    config = load_config(config_path)
    binary, driver = find_chromium()
    if binary is None or driver is None:
        print("no Chromium or chromedriver: `make test-sysdeps`", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="briefgen-serve-picture-") as tmp:
        now = datetime.combine(PICTURE_DAY, PICTURE_CLOCK, tzinfo=config.tz)
        build_brief(config, PICTURE_DAY, out_dir=Path(tmp), formats=["html", "json"], now=now, offline=True)
        browser = Browser(binary, driver)
        try:
            with serving(config_path, Path(tmp)) as base:
                browser.cdp("Emulation.setDeviceMetricsOverride",
                            {"width": WIDTH, "height": 900, "deviceScaleFactor": 1, "mobile": False})
                browser.driver.get(f"{base}/search?q=Lavrov")
                target = browser.screenshot(ROOT / "docs" / "serve.png", WIDTH, max_height=1100)
            with serving(config_path, Path(tmp), "--feedback") as base:
                feedback = feedback_picture(browser, base)
        finally:
            browser.close()
    print(f"docs: drew {target} and {feedback}")
    return 0


def feedback_picture(browser: Browser, base: str) -> Path:
    """"Not Military drills" pressed on the brief's page: back at the same place, with the notice."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    d = browser.driver
    d.get(f"{base}/briefs/{PICTURE_DAY}")
    point = d.find_elements(By.CSS_SELECTOR, "#theme-drills .stories .points .verdicts")[-1]
    anchor = point.get_attribute("id")
    point.find_element(By.CSS_SELECTOR, "button[value=not]").click()
    WebDriverWait(d, 30).until(lambda drv: drv.current_url.endswith(f"#{anchor}"))
    top, height = browser.js("const r = document.getElementById('theme-drills').getBoundingClientRect();"
                             " return [r.top + window.scrollY, r.height]")
    shot = browser.cdp("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": max(0, top - 10), "width": WIDTH, "height": min(height + 20, 900), "scale": 1},
    })
    target = ROOT / "docs" / "serve-feedback.png"
    target.write_bytes(base64.b64decode(shot["data"]))
    return target


if __name__ == "__main__":
    sys.exit(main())
