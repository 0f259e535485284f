"""The brief as an email message, made from the files the brief was written to.

Structure: `multipart/mixed` holding `multipart/alternative` (text/plain first, then
text/html, so a client shows the richest part it can) and the PDF as an attachment.
The plain text is the Markdown brief; the HTML is the HTML brief with its CSS inlined.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from .. import __version__
from ..config import EmailConfig
from ..errors import DeliveryError

# Clients ignore <style> blocks more often than style attributes, and few of them
# honour a stylesheet's max-width on an image unless it sits on the image itself.
EMAIL_CSS = "img { max-width: 100% !important; height: auto !important; }"
MB = 1024 * 1024
# RFC 5322's recommended line length: a subject this short is never folded, and phones show most of it.
SUBJECT_CHARS = 78


@dataclass(frozen=True)
class BriefFiles:
    """The written brief a message is made from."""

    day: date
    title: str
    first_point: str
    text: str
    html: str
    pdf: Path | None
    # The top story's headline (the first bottom-line point's, when the brief names no story).
    headline: str = ""


def load(folder: Path, day: date) -> BriefFiles:
    """Read the brief for `day` from its folder; a missing file is a DeliveryError naming it."""
    stem = folder / f"brief-{day.isoformat()}"
    needed = {ext: stem.with_suffix(f".{ext}") for ext in ("json", "md", "html")}
    missing = [str(p) for p in needed.values() if not p.is_file()]
    if missing:
        raise DeliveryError(
            f"no brief to email for {day}: {', '.join(missing)} not found; "
            f"run `briefgen generate --date {day}` first (with --email it writes every file a message needs)"
        )
    try:
        data = json.loads(needed["json"].read_text(encoding="utf-8"))
        text = needed["md"].read_text(encoding="utf-8")
        html = needed["html"].read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"cannot read the brief for {day} in {folder}: {exc}") from None
    points = data.get("bottom_line") or []
    pdf = stem.with_suffix(".pdf")
    return BriefFiles(
        day=day,
        title=str(data.get("title", "")),
        first_point=str(points[0]["text"]) if points else "no reporting in this window",
        text=text,
        html=html,
        pdf=pdf if pdf.is_file() else None,
        headline=top_headline(data),
    )


def top_headline(data: dict[str, Any]) -> str:
    """The headline of the story the bottom line opens with, from a brief's JSON.

    A brief whose bottom line names its stories (`bottom_line[].story`, `stories[].headline`)
    gives that story's headline; one that does not gives its first point; an empty one, ""."""
    points = data.get("bottom_line") or []
    if not points or not isinstance(points[0], dict):
        return ""
    first = points[0]
    story = first.get("story")
    if story is not None:
        for entry in data.get("stories") or []:
            if isinstance(entry, dict) and entry.get("id") == story and entry.get("headline"):
                return " ".join(str(entry["headline"]).split())
    return " ".join(str(first.get("text") or "").split())


def new_message_id(config: EmailConfig, day: date) -> str:
    """A fresh Message-ID in the sender's domain; made once per (date, recipient) and kept."""
    domain = parseaddr(config.from_)[1].rpartition("@")[2] or "briefgen.invalid"
    # Short enough that the header is never folded (make_msgid's are not).
    return f"<briefgen.{day.isoformat()}.{secrets.token_hex(8)}@{domain}>"


def subject(config: EmailConfig, brief: BriefFiles, limit: int = SUBJECT_CHARS) -> str:
    """The subject line from its template, at most `limit` characters: the headline gives way
    first, cut at a word; only a title too long by itself is cut too."""
    day = brief.day
    values = {"title": brief.title, "date": day.isoformat(), "longdate": f"{day:%A} {day.day} {day:%B %Y}"}

    def fill(headline: str, point: str) -> str:
        text = config.subject.format(**values, headline=headline, first_point=point)
        # A header is one line whatever the template or the brief put in it; with no headline
        # ("title · date · "), the separator it leaves goes too.
        return " ".join(text.split()).rstrip(" ·|:–—-")

    headline, point = " ".join(brief.headline.split()), " ".join(brief.first_point.split())
    text = fill(headline, point)
    if len(text) <= limit:
        return text
    # What the template puts around the headline (and first point) is fixed: they share the rest.
    used = sum(f"{{{name}}}" in config.subject for name in ("headline", "first_point"))
    spare = limit - (len(fill("x", "x")) - used)
    if used and spare // used > 1:
        text = fill(cut_at_word(headline, spare // used), cut_at_word(point, spare // used))
    return cut_at_word(text, limit)


def cut_at_word(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at the end of a word and marked with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit < 2:
        return ""
    head = text[: limit - 1]
    # Cut where a word ends: at the last space, unless that leaves almost nothing (one long word).
    space = head.rfind(" ")
    if text[limit - 1] != " " and space >= limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:·–—-") + "…"


def compose(config: EmailConfig, brief: BriefFiles, message_id: str, when: datetime) -> EmailMessage:
    """The message for one recipient: the same for all but its Message-ID."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = config.from_
    if config.to:
        msg["To"] = ", ".join(config.to)
    if config.cc:
        msg["Cc"] = ", ".join(config.cc)
    if not (config.to or config.cc):
        msg["To"] = "undisclosed-recipients:;"
    msg["Subject"] = subject(config, brief)
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = message_id
    # RFC 3834: an automatic message; out-of-office responders should not answer it.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Mailer"] = f"briefgen {__version__}"

    pdf = brief.pdf.read_bytes() if brief.pdf else None
    note = None
    if pdf is not None and len(pdf) > config.max_attachment_mb * MB:
        note = (
            f"The PDF of this brief ({len(pdf) / MB:.1f} MB) is larger than the "
            f"{config.max_attachment_mb:g} MB attachment limit, so it is not attached. "
            f"It is at {brief.pdf}"
        )
        pdf = None
    msg.set_content((note + "\n\n" if note else "") + brief.text, subtype="plain", charset="utf-8")
    msg.add_alternative(email_html(brief.html, note), subtype="html", charset="utf-8")
    if pdf is not None:
        assert brief.pdf is not None
        msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=brief.pdf.name)
    return msg


def email_html(page: str, note: str | None = None) -> str:
    """The HTML brief made fit for mail clients: CSS inlined, variables resolved, images fitted."""
    import css_inline

    if note:
        block = (
            '<p class="attachment-note" style="border:1px solid #8a5a00;padding:0.5rem;">'
            f"{htmllib.escape(note)}</p>"
        )
        page, found = re.subn(r"(<body[^>]*>)", lambda m: m.group(1) + block, page, count=1, flags=re.I)
        if not found:
            page = block + page
    return css_inline.inline(
        page,
        keep_at_rules=True,
        # Nothing is fetched while preparing mail, as nothing is while printing the PDF.
        load_remote_stylesheets=False,
        # Few mail clients understand CSS custom properties.
        resolve_css_variables=True,
        extra_css=EMAIL_CSS,
    )


def eml_path(folder: Path, day: date, recipient: str) -> Path:
    """`brief-<date>.<recipient>.eml` beside the brief, with a file-name-safe recipient."""
    safe = re.sub(r"[^A-Za-z0-9@._+-]", "_", recipient)
    return folder / f"brief-{day.isoformat()}.{safe}.eml"
