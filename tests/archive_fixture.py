"""An archive of two briefs made from feeds on 127.0.0.1, one item of which is hostile:
what the `briefgen serve` tests read, over HTTP and in Chromium."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from briefgen.config import load_config
from briefgen.pipeline import build_brief

from .conftest import DEFAULT_CONFIG
from .feedserver import FeedServer, Route, rss

DAY1, DAY2 = date(2024, 1, 16), date(2024, 1, 17)
# Feed text that would run if it were ever treated as markup.
HOSTILE = ("&amp;lt;script&amp;gt;document.title='pwned'&amp;lt;/script&amp;gt; "
           "&amp;lt;img src=x onerror=\"document.title='pwned'\"&amp;gt;")

# A local file's text is kept as it is: markup in it reaches the store verbatim.
SCRIPT = "<script>window.__pwned = 1; document.title = 'pwned'</script>"
HANDLER = "<img src=x onerror=\"window.__pwned = 1\">"
HOSTILE_FILE = f"""---
title: Lavrov in Pyongyang {SCRIPT}
date: 2024-01-15T14:00:00Z
---
Desk note: Lavrov met North Korean officials in Pyongyang, the ministry said. {SCRIPT} {HANDLER}
"""

MISSILE_1 = ("North Korea fired a ballistic missile into the East Sea on Monday, South Korea's Joint Chiefs of Staff "
             "said. The missile flew about 750 kilometres before splashing down, the military said.")
LAVROV_1 = ("Russian Foreign Minister Sergei Lavrov arrived in Pyongyang on Monday for talks with North Korean "
            f"leader Kim Jong Un, state media said. {HOSTILE} Lavrov said Moscow would deepen its ties with Pyongyang.")
MISSILE_2 = ("North Korea test-fired a hypersonic missile on Tuesday, its state media said. The launch drew "
             "condemnation from Seoul and Tokyo, which called it a grave threat.")
LAVROV_2 = ("Lavrov told reporters in Moscow on Tuesday that Russia would keep working with North Korea, "
            "a day after his visit to Pyongyang ended.")


def _item(guid: str, title: str, text: str, when: str, host: str) -> dict[str, str]:
    return {"guid": guid, "title": title, "link": f"https://{host}.example/{guid}", "description": f"<p>{text}</p>",
            "date": when}


def wire_day1() -> list[dict[str, str]]:
    return [
        _item("w1", "North Korea fires ballistic missile into East Sea", MISSILE_1, "Mon, 15 Jan 2024 12:00:00 GMT", "wire"),
        _item("w2", "Lavrov visits Pyongyang &amp;lt;script&amp;gt;document.title='pwned'&amp;lt;/script&amp;gt;", LAVROV_1,
              "Mon, 15 Jan 2024 13:00:00 GMT", "wire"),
    ]


def herald_day1() -> list[dict[str, str]]:
    return [_item("h1", "North Korea launches ballistic missile", MISSILE_1.replace("Monday", "Monday morning"),
                  "Mon, 15 Jan 2024 12:30:00 GMT", "herald")]


@dataclass
class ArchiveWorld:
    root: Path
    config: Path
    out: Path


def make_archive(root: Path, store: str | None = None) -> ArchiveWorld:
    """Two briefs (DAY1, DAY2) from two loopback feeds that change between them, kept in the
    store at `store` (a `postgresql://` URL) or, by default, a SQLite file in the output folder."""
    out = root / "out"
    with FeedServer() as server:
        server.routes["/wire.xml"] = Route(rss(wire_day1(), title="Wire"), etag='"w1"')
        server.routes["/herald.xml"] = Route(rss(herald_day1(), title="Herald"), etag='"h1"')
        data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
        data["timezone"] = "UTC"
        data["sources"] = [{"name": "Wire", "url": server.url("/wire.xml")},
                           {"name": "Herald", "url": server.url("/herald.xml")},
                           {"name": "Desk notes", "path": "articles"}]
        (root / "articles").mkdir(parents=True, exist_ok=True)
        (root / "articles" / "hostile.txt").write_text(HOSTILE_FILE, encoding="utf-8")
        data["output"] = {"dir": "out"}
        if store is not None:
            data["store"] = store
        config_path = root / "sources.yaml"
        config_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        config = load_config(config_path)
        build_brief(config, DAY1, formats=["html", "json"], now=datetime(2024, 1, 16, 6, tzinfo=UTC))
        server.routes["/wire.xml"] = Route(rss([
            *wire_day1(),
            _item("w3", "North Korea test-fires hypersonic missile", MISSILE_2, "Tue, 16 Jan 2024 12:00:00 GMT", "wire"),
            _item("w4", "Lavrov says Moscow will keep working with Pyongyang", LAVROV_2,
                  "Tue, 16 Jan 2024 13:00:00 GMT", "wire"),
        ], title="Wire"), etag='"w2"')
        build_brief(config, DAY2, formats=["html", "json"], now=datetime(2024, 1, 17, 6, tzinfo=UTC))
    return ArchiveWorld(root, config_path, out)
