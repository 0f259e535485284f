"""The publication date an HTML page declares in its metadata, found by htmldate.

Only what the page says about itself as markup counts: <meta> tags of its head
(article:published_time, Dublin Core, Parsely...), JSON-LD, microdata (`itemprop` dates)
and <time datetime> elements. htmldate is handed those alone, never the page's text or
URL: a date in a sentence ("the meeting of 2023-03-05") or in a path (/2024/01/16/) is
not the day the page was published, and the timeline trusts a published date as its anchor.
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime, tzinfo

log = logging.getLogger(__name__)

# Elements that carry a page's dates as markup rather than as prose.
METADATA_XPATH = (
    "//head/meta"
    " | //script[@type='application/ld+json']"
    " | //body//meta[@itemprop]"
    " | //time[@datetime]"
    " | //*[@itemprop='datePublished' or @itemprop='dateCreated' or @itemprop='dateModified']"
)
ISO = "%Y-%m-%dT%H:%M:%S%z"


def metadata_date(html: str | bytes, tz: tzinfo) -> datetime | None:
    """The page's publication date from its metadata (a modification date only when it
    declares no other), or None; a date without a zone is read in `tz`."""
    import lxml.html
    from htmldate import find_date
    from lxml import etree

    try:
        page = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises several unrelated types on junk input
        return None
    markup = lxml.html.Element("html")
    head = etree.SubElement(markup, "head")
    body = etree.SubElement(markup, "body")
    for element in page.xpath(METADATA_XPATH):
        kept = copy.deepcopy(element)
        kept.tail = None
        (head if element.tag in ("meta", "script") else body).append(kept)
    try:
        # A tree, never a string: htmldate downloads a string that looks like a URL.
        # url="" keeps it from reading a date off the page's canonical link;
        # extensive_search=False from guessing one in free text.
        found = find_date(markup, extensive_search=False, original_date=True, outputformat=ISO, url="")
    except Exception as exc:  # noqa: BLE001 - a page's junk dates must not lose the article
        log.debug("htmldate failed: %s", exc)
        return None
    if not found:
        return None
    try:
        moment = datetime.fromisoformat(found)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)
