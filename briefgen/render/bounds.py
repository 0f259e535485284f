"""What keeps a brief brief whatever the volume: past LARGE articles, the HTML, PDF and
Markdown list only the sources they cite and the passages of those sources, print at most
CITES_SHOWN citations for one point or name, and at most CHANGES_SHOWN stories in each list
of "What changed"; a line says how many more there are and that the JSON has them all.

A brief of LARGE articles or fewer lists everything, as it always has. Which sources are
cited is known only as the page is written (the `cite` filter records each number), so the
source list and the appendix, which come after everything that cites, are filtered as the
template reaches them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..models import Passage

# Articles up to which a brief lists every source and passage.
LARGE = 150
# Citations printed after one point, quote or name in a large brief; the rest are counted.
CITES_SHOWN = 8
# Stories in each list of "What changed" in a large brief.
CHANGES_SHOWN = 15


class Bounds:
    """One rendering's limits and the citation numbers it has printed so far."""

    def __init__(self, articles: int):
        self.large = articles > LARGE
        self.cited: set[int] = set()
        self.cites_shown = CITES_SHOWN if self.large else None
        self.changes_shown = CHANGES_SHOWN if self.large else 10**9

    def hidden_changes(self, changes: Any) -> int:
        """How many stories the lists of "What changed" leave out."""
        lists = (changes.new_stories, changes.updated_stories, changes.unchanged_stories, changes.quiet_stories)
        return sum(max(len(found) - self.changes_shown, 0) for found in lists)

    def cite(self, numbers: list[int]) -> tuple[list[int], int]:
        """The numbers to print for one citation list, and how many more there are; recorded as cited."""
        shown = numbers[: self.cites_shown] if self.cites_shown is not None else numbers
        self.cited.update(shown)
        return shown, len(numbers) - len(shown)


class SourceList:
    """The source list's entries: all of them, or in a large brief those cited so far."""

    def __init__(self, entries: list[dict[str, Any]], bounds: Bounds):
        self._entries = entries
        self._bounds = bounds
        self.total = len(entries)
        self.omitted = 0

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[dict[str, Any]]:
        shown = [e for e in self._entries if e["number"] in self._bounds.cited] if self._bounds.large else self._entries
        self.omitted = self.total - len(shown)
        return iter(shown)

    @property
    def numbers(self) -> set[int]:
        return {e["number"] for e in self._entries if not self._bounds.large or e["number"] in self._bounds.cited}


class AppendixRows:
    """The appendix's passages: all of them, or in a large brief those of the listed sources."""

    def __init__(self, passages: Sequence[Passage], number_of: dict[str, int], sources: SourceList, bounds: Bounds):
        self._passages = passages
        self._number_of = number_of
        self._sources = sources
        self._bounds = bounds
        self.total = len(passages)
        self.omitted = 0

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[Passage]:
        if not self._bounds.large:
            return iter(self._passages)
        listed = self._sources.numbers
        shown = [p for p in self._passages if self._number_of.get(p.article_id) in listed]
        self.omitted = self.total - len(shown)
        return iter(shown)
