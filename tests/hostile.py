"""Hostile content for the security tests (test_hostile*.py): markup that tries to read a
local file, reach a server or run a script, and helpers to push it through a whole run."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path
from typing import Any

import yaml

from briefgen.cli import main

DAY = "2024-01-17"
PASSWD = Path("/etc/passwd")
PASSWD_MARK = "root:x:0:0"
# What the test's own secret file says; no output may ever hold it.
SECRET_MARK = "TOPSECRET-briefgen-7f3a"
# Harmless words in each hostile item, to prove the item itself did reach the brief.
SEEN_MARKS = ("Quixotica", "Zanzibarian", "Brobdingnag", "Lilliputian")


def secret_file(folder: Path) -> Path:
    """A stylesheet only a file read could use: loaded, it would print SECRET_MARK."""
    path = folder / "secret.css"
    path.write_text(f'body::before {{ content: "{SECRET_MARK}" }}\n/* {SECRET_MARK} */\n', encoding="utf-8")
    return path


def markup(canary: str, secret: Path, mark: str) -> str:
    """An HTML fragment that asks for every kind of fetch and script a page can make."""
    return f"""<p>Officials said the missile launch near {mark} was a routine test of a new engine.</p>
<img src="file:///etc/passwd"><img src="{secret.as_uri()}"><img src="{canary}/img.png">
<link rel="stylesheet" href="{secret.as_uri()}"><link rel="stylesheet" href="{canary}/link.css">
<style>@import url("{canary}/import.css"); @import url("{secret.as_uri()}");
body {{ background: url("{canary}/bg.png") }} p {{ width: expression(window.__pwned = 1) }}</style>
<p style="background: url({canary}/inline.png)">The ministry said more tests would follow.</p>
<iframe src="{canary}/frame.html"></iframe><iframe src="file:///etc/passwd"></iframe>
<object data="{canary}/object.svg" type="image/svg+xml"></object><object data="file:///etc/passwd"></object>
<embed src="{canary}/embed.svg">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">
<image href="{canary}/svg.png" width="10" height="10"/><image xlink:href="{secret.as_uri()}"/></svg>
<script>window.__pwned = 2; new Image().src = "{canary}/script.png";</script>
<img src="x" onerror="window.__pwned = 3; new Image().src = '{canary}/onerror.png'">
<a href="javascript:window.__pwned = 4">click</a> <a href="{canary}/page">a page</a>
<form action="{canary}/form"><input type="image" src="{canary}/input.png"></form>
&lt;script&gt;window.__pwned = 5&lt;/script&gt; &lt;img src="{canary}/escaped.png" onerror="window.__pwned = 6"&gt;"""


def title(canary: str, mark: str) -> str:
    return f'Launch report {mark} <img src="{canary}/title.png" onerror="window.__pwned = 7"><script>window.__pwned = 8</script>'


def hostile_rss(canary: str, secret: Path, mark: str) -> bytes:
    """An RSS feed whose one item carries the hostile markup in its title, text and link."""
    from .feedserver import rss

    return rss([{
        "guid": "evil-1", "title": html.escape(title(canary, mark)), "link": "javascript:window.__pwned = 9",
        "description": markup(canary, secret, mark), "date": "Wed, 17 Jan 2024 01:00:00 GMT",
    }])


def hostile_json_feed(canary: str, secret: Path, mark: str) -> bytes:
    item = {"id": "evil-json", "title": title(canary, mark), "content_html": markup(canary, secret, mark),
            "url": "javascript:window.__pwned = 10", "external_url": "file:///etc/passwd",
            "date_published": "2024-01-17T01:00:00Z"}
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "evil", "items": [item]}).encode()


def hostile_files(folder: Path, canary: str, secret: Path, marks: tuple[str, str]) -> None:
    """A Markdown article and an HTML page carrying the same markup."""
    folder.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump({"title": title(canary, marks[0]), "url": "javascript:window.__pwned = 11",
                            "source": '<b onmouseover="window.__pwned = 12">Wire</b>', "date": "2024-01-17"})
    (folder / "evil.md").write_text(f"---\n{front}---\n{markup(canary, secret, marks[0])}\n", encoding="utf-8")
    (folder / "evil.html").write_text(
        f"<!DOCTYPE html><html><head><title>{html.escape(title(canary, marks[1]))}</title>"
        f'<link rel="stylesheet" href="{canary}/head.css"><script src="{canary}/head.js"></script></head>'
        f"<body><article><h1>Launch report {marks[1]}</h1>{markup(canary, secret, marks[1])}</article></body></html>",
        encoding="utf-8",
    )


def write_config(folder: Path, sources: list[dict[str, Any]], **sections: Any) -> Path:
    data: dict[str, Any] = {
        "title": "Hostile Brief",
        "timezone": "UTC",
        "sources": [{"window": "all", **s} for s in sources],
        "themes": [{"key": "missiles", "label": "Missile launches", "terms": ["missile", "launch"]}],
        "feeds": {"retries": 0, "deadline": 20},
        **sections,
    }
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def generate(config: Path, *extra: str) -> int:
    return main(["generate", "--config", str(config), "--date", DAY, "--quiet", *extra])


def pdf_text(data: bytes) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def outputs(folder: Path) -> dict[str, str]:
    """Each written format of the brief in `folder` as text (the PDF's extracted text)."""
    found = {}
    for fmt in ("html", "md", "json", "pdf"):
        path = folder / f"brief-{DAY}.{fmt}"
        if path.is_file():
            found[fmt] = pdf_text(path.read_bytes()) if fmt == "pdf" else path.read_text(encoding="utf-8")
    return found
