"""Shape of the real-text evaluation sets in tests/data/realtext/ (data only: no scoring)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "realtext"

# The Korea sets use the default themes of sources.yaml; the Red Sea sets their own.
KOREA_KEYS = {t["key"] for t in yaml.safe_load((ROOT / "sources.yaml").read_text())["themes"]}
TOPICS = {
    "korea": KOREA_KEYS,
    "redsea": {"shipping_attacks", "naval_operations", "trade_disruption"},
}
SPLITS = ("dev", "heldout")
ARTICLE_KEYS = {"url", "source", "licence", "title", "published", "scope", "passages", "retrieved_from", "note"}
PASSAGE_KEYS = {"text", "themes", "note", "context"}


def load(topic: str, split: str) -> list[dict]:
    data = yaml.safe_load((DATA / f"{topic}-{split}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list) and data, f"{topic}-{split}.yaml is not a non-empty list"
    return data


def is_http(url: object) -> bool:
    return isinstance(url, str) and url.startswith(("http://", "https://")) and " " not in url


@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_articles_have_the_documented_shape(topic: str, split: str) -> None:
    keys = TOPICS[topic]
    for article in load(topic, split):
        where = f"{topic}-{split}: {article.get('url')}"
        assert set(article) <= ARTICLE_KEYS, f"{where}: unknown keys {set(article) - ARTICLE_KEYS}"
        assert is_http(article.get("url")), where
        if "retrieved_from" in article:
            assert is_http(article["retrieved_from"]), where
        for field in ("source", "licence", "title"):
            assert isinstance(article.get(field), str) and article[field].strip(), f"{where}: {field}"
        if "published" in article:
            assert isinstance(article["published"], dt.date), f"{where}: published is not a date"
        assert article.get("scope") in {"in", "out"}, where
        passages = article.get("passages")
        assert isinstance(passages, list) and passages, f"{where}: no passages"
        for passage in passages:
            assert set(passage) <= PASSAGE_KEYS, f"{where}: unknown passage keys {set(passage) - PASSAGE_KEYS}"
            text = passage.get("text")
            assert isinstance(text, str) and text.strip() and text == text.strip(), f"{where}: text {text!r}"
            themes = passage.get("themes")
            assert isinstance(themes, list), f"{where}: themes of {text[:60]!r}"
            assert set(themes) <= keys, f"{where}: unknown themes {set(themes) - keys}"
            assert len(themes) == len(set(themes)), f"{where}: repeated theme in {text[:60]!r}"
            if article["scope"] == "out":
                assert themes == [], f"{where}: a scope-out article has themes on {text[:60]!r}"
            if "context" in passage:
                assert isinstance(passage["context"], bool), where
            if "note" in passage:
                assert isinstance(passage["note"], str) and passage["note"].strip(), where


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_no_article_is_in_both_splits_or_twice(topic: str) -> None:
    urls = {split: [a["url"] for a in load(topic, split)] for split in SPLITS}
    for split, found in urls.items():
        assert len(found) == len(set(found)), f"{topic}-{split}: an article appears twice"
    both = set(urls["dev"]) & set(urls["heldout"])
    assert not both, f"{topic}: in both dev and held-out: {sorted(both)}"
