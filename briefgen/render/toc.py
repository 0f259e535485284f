"""The table of contents, read from the rendered sections themselves.

Every `<section id="...">` whose first `<h2>` gives it a heading becomes an entry, so a
section added to a template is in the contents (and gets its page number in the PDF)
without anyone remembering to list it. `data-toc="skip"` on a section leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True)
class Entry:
    id: str
    title: str


class _Sections(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # One frame per open <section>: its id, or None once it has its heading (or can't have one).
        self.open: list[str | None] = []
        self.heading: list[str] | None = None
        self.entries: list[Entry] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            attr = dict(attrs)
            self.open.append(None if attr.get("data-toc") == "skip" else attr.get("id") or None)
        elif tag == "h2" and self.open and self.open[-1] and self.heading is None:
            self.heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self.heading is not None:
            title = " ".join("".join(self.heading).split())
            if title and self.open and self.open[-1]:
                self.entries.append(Entry(self.open[-1], title))
                self.open[-1] = None
            self.heading = None
        elif tag == "section" and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)


def contents(html: str) -> list[Entry]:
    """Entries (`id`, `title` as plain text) for the sections of `html`, in page order."""
    parser = _Sections()
    parser.feed(str(html))
    parser.close()
    return parser.entries
