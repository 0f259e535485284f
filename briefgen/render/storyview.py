"""What templates need to show stories: each story by id, where each is anchored (the one
place a link to it lands), and its continuity in words ("day 3 · first reported 25 Nov")."""

from __future__ import annotations

from typing import Any

from ..models import Brief, Story


def story_context(brief: Brief) -> dict[str, Any]:
    """`stories` (id -> Story), `anchors` (story id -> "bottom-line", a theme key or
    "other": where its `id="story-…"` is) and `story_counts` for "What changed"."""
    stories = {s.id: s for s in brief.stories}
    anchors: dict[str, str] = {}
    for point in brief.bottom_line:
        if point.story:
            anchors.setdefault(point.story, "bottom-line")
    # A story's first telling with text (its lead or points) holds its anchor; failing
    # that, its first listing by headline.
    for theme in brief.themes:
        for entry in theme.stories:
            if entry.lead is not None or entry.points:
                anchors.setdefault(entry.story, theme.key)
    for theme in brief.themes:
        for entry in theme.stories:
            anchors.setdefault(entry.story, theme.key)
    other_anchor: dict[str, str] = {}
    for passage in brief.other:
        story = brief.story_of(passage.article_id)
        if story is not None and story.id not in anchors:
            anchors[story.id] = "other"
            other_anchor[passage.id] = story.id
    changes = brief.changes
    return {
        "stories": stories,
        "anchors": anchors,
        "other_anchor": other_anchor,
        "story_counts": {
            "new": len(changes.new_stories) if changes else 0,
            "updated": len(changes.updated_stories) if changes else 0,
            "unchanged": len(changes.unchanged_stories) if changes else 0,
            "quiet": len(changes.quiet_stories) if changes else 0,
        },
    }


def storymeta(story: Story) -> str:
    """Who reported a story and since when, in words: "3 outlets · day 3, first reported 25 Nov";
    "flash alert: launches" when a watch rule alerted on it."""
    parts = []
    if story.reported_by > 1:
        parts.append(f"reported by {story.reported_by} sources")
    link = story.continues
    if link is not None:
        first = f"{link.first_reported.day} {link.first_reported:%b}"
        if link.updated:
            parts.append(f"day {link.day}, first reported {first}")
        else:
            parts.append(f"nothing new since {link.date.day} {link.date:%b} (first reported {first})")
    if story.alerted:
        parts.append(f"flash alert: {', '.join(story.alerted)}")
    return " · ".join(parts)


def words(text: str, count: int = 12) -> str:
    """The first `count` words of a text, with an ellipsis when cut: a pointer, not a repeat."""
    parts = text.split()
    return text if len(parts) <= count else " ".join(parts[:count]) + "…"
