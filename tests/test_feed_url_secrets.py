"""A private feed's URL carries a secret (?token=, ?api_key=, user:password@): the fetch
uses it, but no brief, JSON, PDF, archive page, terminal line or log line shows it."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from briefgen.redact import hide_url_secrets, shown_url, url_secrets
from briefgen.store.postgres import describe, redact

from .conftest import DEFAULT_CONFIG, ROOT
from .feedserver import FeedServer, Route, rss
from .mailserver import Inbox, add_email, smtp_server
from .serveapp import serving

# --- the rule -------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "shown"), [
    # Nothing secret: the URL exactly as written.
    ("https://news.example/feed.xml", "https://news.example/feed.xml"),
    ("https://news.example/feed.xml?edition=asia&page=2", "https://news.example/feed.xml?edition=asia&page=2"),
    ("https://news.example/feed.xml#latest", "https://news.example/feed.xml#latest"),
    ("https://news.example/f?q=a%20b&lang=ko+en&keyword=x&monkey=y",
     "https://news.example/f?q=a%20b&lang=ko+en&keyword=x&monkey=y"),
    # The value of a secret parameter goes; its name, and every other parameter in its place, stay.
    ("https://h.example/feed.xml?token=SECRET", "https://h.example/feed.xml?token=***"),
    ("https://h.example/f?edition=asia&api_key=K1&page=2", "https://h.example/f?edition=asia&api_key=***&page=2"),
    ("https://h.example/f?key=a&apikey=b&access_token=c&auth=d&sig=e&signature=f&password=g",
     "https://h.example/f?key=***&apikey=***&access_token=***&auth=***&sig=***&signature=***&password=***"),
    ("https://h.example/f?passwd=1&pwd=2&secret=3&session=4&sid=5&credential=6&credentials=7&authorization=8",
     "https://h.example/f?passwd=***&pwd=***&secret=***&session=***&sid=***&credential=***&credentials=***"
     "&authorization=***"),
    # Names are matched in any case, percent-encoded, with - for _, and by a part of them.
    ("https://h.example/f?TOKEN=a&Api-Key=b&%74oken=c", "https://h.example/f?TOKEN=***&Api-Key=***&%74oken=***"),
    ("https://h.example/f?refresh_token=a&client_secret=b&x_api_key=c&db_password=d&X-Amz-Signature=e",
     "https://h.example/f?refresh_token=***&client_secret=***&x_api_key=***&db_password=***&X-Amz-Signature=***"),
    # Repeated parameters: every one of them.
    ("https://h.example/f?token=a&page=1&token=b", "https://h.example/f?token=***&page=1&token=***"),
    # A value holding = or encoded characters goes whole; ; separates as & does.
    ("https://h.example/f?sig=a%3D%3D=b&x=1;token=z", "https://h.example/f?sig=***&x=1;token=***"),
    # An empty value hides nothing, and a name without a value is not a secret.
    ("https://h.example/f?token=&token", "https://h.example/f?token=&token"),
    # Fragments: a plain one stays, one carrying parameters (OAuth's #access_token=) is treated as a query.
    ("https://h.example/f?token=t#top", "https://h.example/f?token=***#top"),
    ("https://h.example/cb#access_token=abc&state=1", "https://h.example/cb#access_token=***&state=1"),
    # User info: the password goes, the user name (who, not the key) stays.
    ("https://reader:hunter2@h.example:8443/f.xml", "https://reader:***@h.example:8443/f.xml"),
    ("https://reader:p%40ss@h.example/f?token=t", "https://reader:***@h.example/f?token=***"),
    # A user name with no password is most often the key itself.
    ("https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@h.example/f", "https://***@h.example/f"),
    ("https://reader@h.example/f", "https://***@h.example/f"),
    ("https://***@h.example/f", "https://***@h.example/f"),
    ("https://reader:@h.example/f", "https://reader:***@h.example/f"),
    # A URL that cannot be read cannot be told apart: only its scheme is shown.
    ("http://[::1/feed?token=t", "http://***"),
    # A key in the path, or under a name not listed, by its looks: hex, base64url, a UUID
    # (a file name's extension stays).
    ("https://feeds.example/u/d41d8cd98f00b204e9800998ecf8427e/rss", "https://feeds.example/u/***/rss"),
    ("https://h.example/f/xK9_mQ2vLp8RtZ3-wN5yB7cD1f.rss?page=2", "https://h.example/f/***.rss?page=2"),
    ("https://h.example/feeds/550e8400-e29b-41d4-a716-446655440000.xml", "https://h.example/feeds/***.xml"),
    ("https://h.example/f?k=xK9mQ2vLp8RtZ3wN5yB7cD1f&lang=en", "https://h.example/f?k=***&lang=en"),
    # ...but not words, dates, slugs, numbers or short ids.
    ("https://news.example/2024/01/17/north-korea-fires-missiles-2024-01-17/feed",
     "https://news.example/2024/01/17/north-korea-fires-missiles-2024-01-17/feed"),
    ("https://news.example/feed/rss2-all-articles-2024v2?id=1234567890123456789012&ct=102&v=a1b2c3",
     "https://news.example/feed/rss2-all-articles-2024v2?id=1234567890123456789012&ct=102&v=a1b2c3"),
    ("https://en.yna.co.kr/RSS/news.xml", "https://en.yna.co.kr/RSS/news.xml"),
])
def test_shown_url(url, shown):
    assert shown_url(url) == shown
    assert shown_url(shown) == shown  # a shown URL stays as it is


def test_secrets_standing_alone_in_a_message_are_hidden_too():
    url = "https://reader:pa%24%24word@h.example/f?token=Tok%2Ben-123&page=2"
    assert set(url_secrets(url)) == {"Tok%2Ben-123", "pa%24%24word", "Tok+en-123", "pa$$word"}
    message = "server said: bad token Tok+en-123 for pa$$word at https://h.example/f?token=Tok%2Ben-123&page=2"
    assert hide_url_secrets(message, url) == "server said: bad token *** for *** at https://h.example/f?token=***&page=2"
    # Short values are not hunted for on their own: they would blot out words.
    assert hide_url_secrets("a b c", "https://h.example/f?token=a") == "a b c"
    # A key in the path is hunted for too, with or without its file name's extension.
    path_key = "https://h.example/u/d41d8cd98f00b204e9800998ecf8427e.xml"
    assert hide_url_secrets("404 for d41d8cd98f00b204e9800998ecf8427e", path_key) == "404 for ***"


def test_the_store_url_follows_the_same_rule():
    assert redact("postgresql://u:pw@db.example/brief?sslpassword=x&sslmode=require") == (
        "postgresql://u:***@db.example/brief?sslpassword=***&sslmode=require")
    assert redact("postgresql://db.example/brief") == "postgresql://db.example/brief"
    assert describe(ValueError("password 'pw' refused"), "postgresql://u:pw@db.example/b") == "password '***' refused"


# --- end to end: a brief from a private feed --------------------------------------------

TOKEN = "TOK3N-s3cr3t-4a7f"
KEY = "K3Y-9b2e-private"
PASSWORD = "pa55-w0rd-77c1"
SECRETS = (TOKEN, KEY, PASSWORD)
ITEMS = [
    {"guid": "wire-1", "title": "Seoul reports a missile launch over the East Sea",
     "link": "https://wire.example/1", "date": "Wed, 17 Jan 2024 03:00:00 GMT",
     "description": "<p>North Korea fired a ballistic missile into the East Sea on Wednesday, Seoul said.</p>"},
    {"guid": "wire-2", "title": "Joint drills begin near the border",
     "link": "https://wire.example/2", "date": "Wed, 17 Jan 2024 04:00:00 GMT",
     "description": "<p>South Korea and the United States began joint military drills near the border.</p>"},
]


def run(*args: str) -> subprocess.CompletedProcess:
    # A real process: its stderr is every log line as an operator sees it, at debug level.
    return subprocess.run([sys.executable, "-m", "briefgen", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


@pytest.fixture
def private(tmp_path: Path):
    with FeedServer() as server:
        server.routes["/wire.xml"] = Route(rss(ITEMS, title="Private wire"))
        server.routes["/gone.xml"] = Route(b"not here", status=404)
        wire = server.url(f"/wire.xml?edition=asia&token={TOKEN}")
        gone = server.url(f"/gone.xml?api_key={KEY}").replace("http://", f"http://reader:{PASSWORD}@")
        config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
        config["sources"] = [{"name": "Private wire", "url": wire}, {"name": "Members desk", "url": gone}]
        config["feeds"] = {"retries": 0}
        config.setdefault("output", {})["formats"] = ["html", "pdf", "json", "md"]
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        yield path, server


def test_a_brief_from_a_private_feed_never_shows_its_secrets(private):
    path, server = private
    out = path.parent / "out"
    inbox = Inbox()
    with smtp_server(inbox) as port:
        add_email(path, port)
        done = run("generate", "-c", str(path), "--date", "2024-01-17", "--out", str(out), "--verbose", "--email")
    assert done.returncode == 0, done.stderr[-3000:]
    # The fetch itself used the real URL.
    assert server.hits_for(f"/wire.xml?edition=asia&token={TOKEN}")
    assert server.hits_for(f"/gone.xml?api_key={KEY}")
    # No log line shows a secret; the failing feed's line is there, and names it.
    assert not leaks(done.stderr) and not leaks(done.stdout)
    assert "Members desk" in done.stderr and "HTTP 404" in done.stderr

    folder = out / "2024-01-17"
    data = json.loads((folder / "brief-2024-01-17.json").read_text(encoding="utf-8"))
    health = {h["source"]: h for h in data["health"]}
    # Each field kept, its value the shown URL: a reader still sees which feed and which edition.
    assert health["Private wire"]["status"] == "ok" and health["Private wire"]["items"] == 2
    assert health["Private wire"]["target"].endswith("/wire.xml?edition=asia&token=***")
    assert health["Members desk"]["status"] == "failed" and health["Members desk"]["reason"] == "HTTP 404"
    assert health["Members desk"]["target"].startswith("http://reader:***@127.0.0.1:")
    assert health["Members desk"]["target"].endswith("/gone.xml?api_key=***")
    assert {s["title"] for s in data["sources"]} == {i["title"] for i in ITEMS}

    html = (folder / "brief-2024-01-17.html").read_text(encoding="utf-8")
    md = (folder / "brief-2024-01-17.md").read_text(encoding="utf-8")
    from pypdf import PdfReader

    pdf = " ".join(page.extract_text() for page in PdfReader(folder / "brief-2024-01-17.pdf").pages)
    for text in (html, md, pdf):
        assert "Private wire" in text and "Members desk" in text and "HTTP 404" in text
        assert "Seoul reports a missile launch" in text
    assert "token=***" in html and "api_key=***" in html
    # Every file briefgen wrote for people (the day's formats, the archive, latest/) is clean.
    written = [f for f in out.rglob("*") if f.is_file() and f.suffix in (".html", ".md", ".json", ".txt", ".xml")]
    assert len(written) >= 4
    for file in written:
        assert not leaks(file.read_text(encoding="utf-8", errors="replace")), file
    assert not leaks(pdf)
    # The email: its text and HTML parts, and the PDF it attaches, read back.
    assert inbox.messages
    for received in inbox.messages:
        alternative, attachment = received.message.iter_parts()
        text, page = (part.get_content() for part in alternative.iter_parts())
        attached = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.get_content())).pages)
        assert "Members desk" in text and "Private wire" in page and "token=***" in page
        assert not leaks(received.data.decode("utf-8", "replace") + text + page + attached)

    # The archive as `briefgen serve` shows it: the brief's page, its files, and its feedback page.
    with serving(path, out, "--feedback") as base, httpx.Client(base_url=base, timeout=10) as client:
        pages = {p: client.get(p) for p in ("/", "/briefs/2024-01-17", "/briefs/2024-01-17/json",
                                               "/briefs/2024-01-17/md", "/briefs/2024-01-17/feedback")}
    assert all(r.status_code == 200 for r in pages.values()), {p: r.status_code for p, r in pages.items()}
    assert "token=***" in pages["/briefs/2024-01-17"].text
    for page, response in pages.items():
        assert not leaks(response.text), page

    # The store records the shown form of each run; only the feeds table keeps the URL
    # itself, for conditional requests, and no command shows it.
    stores = list(out.rglob("*.sqlite3"))
    assert stores
    for store in stores:
        with sqlite3.connect(store) as conn:
            targets = " ".join(t or "" for (t,) in conn.execute("SELECT target FROM source_runs"))
            reasons = " ".join(r or "" for (r,) in conn.execute("SELECT reason FROM source_runs"))
        assert "token=***" in targets and not leaks(targets + reasons)

    # The same day again: the feed's validators still match its real URL.
    again = run("generate", "-c", str(path), "--date", "2024-01-17", "--out", str(out), "--quiet")
    assert not leaks(again.stderr + again.stdout)


def test_check_and_fetch_name_a_private_feed_without_its_secrets(private):
    path, _ = private
    out = path.parent / "out"
    for args in (("check", "-c", str(path), "--verbose"), ("fetch", "-c", str(path), "--out", str(out), "--verbose"),
                 ("sources", "check", "-c", str(path), "--verbose")):
        done = run(*args)
        assert "Members desk" in done.stdout + done.stderr, args
        assert not leaks(done.stdout + done.stderr), (args, done.stdout, done.stderr)


def test_a_bad_url_in_the_config_is_quoted_without_its_token(tmp_path: Path):
    config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    config["sources"] = [{"name": "Broken", "url": f"feed.example/rss?token={TOKEN}"}]
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    done = run("check", "-c", str(path))
    assert done.returncode != 0 and "sources[0].url" in done.stderr
    assert not leaks(done.stdout + done.stderr), done.stderr
