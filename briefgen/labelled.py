"""The labelled files `briefgen themes test` scores: passages, or articles with their
passages, each labelled with its themes (format: docs/themes.md, "Measuring themes"; the
real-text sets' README in tests/data/realtext). Reading and checking them, nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config.yamlload import safe_load


@dataclass(frozen=True)
class Item:
    """One labelled passage, with the article it comes from when the file gives articles."""

    text: str
    themes: frozenset[str]
    trap: bool = False
    note: str | None = None
    # Which labelled article (its number in the file), its title, and whether the labeller
    # marked the passage's theme as clear only from its article.
    article: int | None = None
    title: str = ""
    context: bool = False
    # The labeller's judgement of the article against the brief's scope: in, out or None.
    scope: str | None = None


def load_labelled(path: str | Path, theme_keys: Sequence[str] | None = None) -> list[Item]:
    """Read a labelled file: a YAML list of passages {text, themes, trap?, note?}, or of
    articles {title, passages: [{text, themes, note?, context?}], scope?, url?, ...}, whose
    passages are judged with their article (its title, its other passages, its scope)."""
    data = safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of passages or of articles")
    if data and all(isinstance(e, dict) and "passages" in e for e in data):
        return _load_articles(path, data, theme_keys)
    items: list[Item] = []
    problems: list[str] = []
    for n, entry in enumerate(data):
        if not _passage_ok(entry, f"[{n}]", theme_keys, {"text", "themes", "trap", "note"}, problems):
            continue
        labels = entry.get("themes") or []
        items.append(Item(entry["text"], frozenset(labels), bool(entry.get("trap", False)), entry.get("note")))
    if problems:
        raise ValueError(_problems(path, problems, theme_keys))
    return items


def _passage_ok(entry: object, where: str, theme_keys: Sequence[str] | None, keys: set[str], problems: list[str]) -> bool:
    """Whether a labelled passage can be scored; what is wrong with it goes to `problems`."""
    if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
        problems.append(f"{where}: needs a 'text'")
        return False
    unknown = sorted(set(entry.get("themes") or []) - set(theme_keys)) if theme_keys is not None else []
    if unknown:
        problems.append(f"{where}: unknown theme {', '.join(map(repr, unknown))}")
    if set(entry) - keys:
        problems.append(f"{where}: unknown key {', '.join(map(repr, sorted(set(entry) - keys)))}")
    return True


def _problems(path: str | Path, problems: list[str], theme_keys: Sequence[str] | None) -> str:
    """One line: the first problems by their place in the file, and how many more."""
    text = f"{path}: " + "; ".join(problems[:3])
    if len(problems) > 3:
        text += f"; and {len(problems) - 3} more"
    if theme_keys is not None and any("unknown theme" in p for p in problems):
        text += f" (the config's themes: {', '.join(theme_keys)})"
    return text


# `language` (e.g. ko) records the article's language so Korean passages can be told apart;
# scoring does not read it.
ARTICLE_KEYS = {
    "url", "source", "licence", "title", "scope", "passages", "published", "note", "retrieved_from", "language",
}
PASSAGE_KEYS = {"text", "themes", "note", "context"}


def _load_articles(path: str | Path, data: list, theme_keys: Sequence[str] | None) -> list[Item]:
    items: list[Item] = []
    problems: list[str] = []
    for n, article in enumerate(data):
        extra = set(article) - ARTICLE_KEYS
        if extra:
            problems.append(f"[{n}]: unknown key {', '.join(map(repr, sorted(extra)))}")
        passages = article.get("passages")
        if not isinstance(passages, list) or not passages:
            problems.append(f"[{n}].passages: needs a list of passages")
            continue
        for k, entry in enumerate(passages):
            if not _passage_ok(entry, f"[{n}].passages[{k}]", theme_keys, PASSAGE_KEYS, problems):
                continue
            labels = entry.get("themes") or []
            items.append(Item(" ".join(entry["text"].split()), frozenset(labels), False, entry.get("note"), n,
                              str(article.get("title") or ""), bool(entry.get("context")), article.get("scope")))
    if problems:
        raise ValueError(_problems(path, problems, theme_keys))
    return items
