"""`briefgen serve` in headless Chromium: search, filters and navigation without JavaScript
of ours, the token, and no script from hostile feed or file text ever running."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from .archive_fixture import DAY1, ArchiveWorld, make_archive
from .browser import Browser, open_browser
from .serveapp import serving

TOKEN = "browser-token-for-the-archive"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> ArchiveWorld:
    return make_archive(tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from open_browser()


@pytest.fixture(scope="module")
def base(world: ArchiveWorld) -> Iterator[str]:
    with serving(world.config, world.out) as url:
        yield url


def _by(css: str):  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, css


def _arrive(d: object, test: Callable[[str], bool]) -> None:
    """Wait for the navigation a click or submit started: Selenium may return from the click
    before the browser has left the old page."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(d, 30).until(lambda drv: test(drv.current_url))


def _texts(browser: Browser, css: str) -> list[str]:
    return [e.text for e in browser.driver.find_elements(*_by(css))]


def test_search_from_the_navigation_then_filter_then_follow_a_result(browser, base):
    d = browser.driver
    d.get(base + "/")
    box = d.find_element(*_by(".serve-nav input[name=q]"))
    box.send_keys("Lavrov")
    box.submit()
    _arrive(d, lambda url: url.startswith(base + "/search?q=Lavrov"))
    marks = _texts(browser, ".hit mark")
    assert marks and set(marks) == {"Lavrov"}
    titles = _texts(browser, ".hit h3")
    assert "Lavrov says Moscow will keep working with Pyongyang" in titles
    # Filter by theme with the form's own select: the page reloads with the filter kept.
    from selenium.webdriver.support.ui import Select

    words = d.find_element(*_by(".search-form input[name=q]"))
    words.clear()
    words.send_keys("North Korea")
    Select(d.find_element(*_by(".search-form select[name=theme]"))).select_by_value("missiles")
    d.find_element(*_by(".search-form button[type=submit]")).click()
    _arrive(d, lambda url: "theme=missiles" in url)
    assert Select(d.find_element(*_by(".search-form select[name=theme]"))).first_selected_option.text == "Missiles"
    titles = _texts(browser, ".hit h3")
    assert "North Korea fires ballistic missile into East Sea" in titles
    assert not [t for t in titles if "Lavrov" in t]
    # Follow the result to its story, then the story to its brief.
    d.find_element(*_by(".hit-article h3 a")).click()
    _arrive(d, lambda url: "/stories/" in url)
    assert d.find_element(*_by("h1")).text.startswith("North Korea")
    assert len(_texts(browser, "#story-articles li")) >= 1
    d.find_element(*_by("#story-days a")).click()
    _arrive(d, lambda url: url.startswith(base + "/briefs/"))
    d.find_element(*_by(".serve-nav a[href='/']")).click()
    _arrive(d, lambda url: url == base + "/")


def test_no_script_from_hostile_text_runs(browser, base):
    d = browser.driver
    pages = ["/search?q=pwned", "/search?q=Desk+note", f"/briefs/{DAY1}", f"/briefs/{DAY1}/feedback", "/entities/Lavrov"]
    for path in pages:
        d.get(base + path)
        # Every handler an attacker hoped for, given the chance to fire.
        browser.js("document.querySelectorAll('*').forEach(e => e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))")
        assert browser.js("return window.__pwned === undefined"), path
        assert d.title != "pwned", path
        assert browser.js("return document.querySelectorAll('script, img[onerror]').length") == 0, path
    d.get(base + "/search?q=Desk+note")
    text = browser.js("return document.body.innerText")
    # The markup is shown as the text it is.
    assert "<script>window.__pwned = 1;" in text


def test_the_token_in_a_browser(browser, world):
    d = browser.driver
    with serving(world.config, world.out, "--token", TOKEN) as base:
        d.get(base + "/search?q=Lavrov")
        assert "401" in browser.js("return document.body.innerText")
        d.get(f"{base}/search?q=Lavrov&token={TOKEN}")
        assert d.current_url == base + "/search?q=Lavrov"  # the token left the address bar
        assert _texts(browser, ".hit mark")
        d.find_element(*_by(".serve-nav a[href='/themes']")).click()
        assert d.find_element(*_by("h1")).text == "Themes"


def test_feedback_from_the_brief_page_in_a_browser(browser, world, tmp_path):
    import shutil

    # A copy of the archive: the verdict recorded here must not reach the other tests' store.
    out = tmp_path / "out"
    shutil.copytree(world.out, out, symlinks=True)
    d = browser.driver
    with serving(world.config, out, "--feedback") as base:
        d.get(f"{base}/briefs/{DAY1}")
        d.find_element(*_by(".serve-nav a[href$='/feedback']")).click()
        _arrive(d, lambda url: url == f"{base}/briefs/{DAY1}/feedback")
        first = d.find_element(*_by("#feedback-missiles li"))
        passage = first.get_attribute("id").removeprefix("passage-")
        first.find_element(*_by("button[value=not]")).click()
        _arrive(d, lambda url: "recorded=1" in url)
        kept = _texts(browser, "#feedback-kept li")
        assert len(kept) == 1 and kept[0].startswith("#1 not missiles")
        # The same form on another site's page, which cannot know the form token, is refused.
        evil = tmp_path / "evil.html"
        evil.write_text(f"""<form method="post" action="{base}/feedback">
<input type="hidden" name="passage" value="{passage}"><input type="hidden" name="theme" value="missiles">
<input type="hidden" name="verdict" value="is"><input type="hidden" name="date" value="{DAY1}">
<input type="hidden" name="csrf" value="guess"><button id="go">Win a prize</button></form>""", encoding="utf-8")
        d.get(evil.as_uri())
        d.find_element(*_by("#go")).click()
        _arrive(d, lambda url: url.startswith(base))
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(d, 30).until(lambda drv: "feedback refused" in browser.js("return document.body.innerText"))
        d.get(f"{base}/briefs/{DAY1}/feedback")
        assert len(_texts(browser, "#feedback-kept li")) == 1


def test_not_missiles_on_the_brief_page_comes_back_to_the_same_place(browser, world, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(world.out, out, symlinks=True)
    d = browser.driver
    d.set_window_size(1000, 700)
    with serving(world.config, out, "--feedback") as base:
        d.get(f"{base}/briefs/{DAY1}")
        # The first point under Missiles, its own "Not Missiles" button, pressed like a reader would.
        controls = d.find_element(*_by("#theme-missiles .stories .points .verdicts"))
        anchor = controls.get_attribute("id")
        button = controls.find_element(*_by("button[value=not]"))
        assert button.text == "Not Missiles"
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        _arrive(d, lambda url: url.endswith(f"#{anchor}"))
        assert d.current_url == f"{base}/briefs/{DAY1}?recorded=1&at={anchor}#{anchor}"
        notice = d.find_element(*_by(f"#{anchor} .verdict-notice"))
        assert notice.is_displayed() and notice.text == "Recorded: 1 verdict kept; the next brief applies it."
        # Back at the same place: the controls (and their notice) are in view.
        top, bottom = browser.js("const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom]", notice)
        assert 0 <= top and bottom <= browser.js("return window.innerHeight")
        assert len(_texts(browser, ".verdict-notice")) == 1
        assert browser.js("return window.__pwned === undefined") and d.title != "pwned"
        # Printed, the page shows no control.
        browser.cdp("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            assert not d.find_element(*_by(f"#{anchor}")).is_displayed()
        finally:
            browser.cdp("Emulation.setEmulatedMedia", {"media": ""})
        d.get(f"{base}/briefs/{DAY1}/feedback")
        kept = _texts(browser, "#feedback-kept li")
        assert len(kept) == 1 and kept[0].startswith("#1 not missiles")
