"""Passage spans kept in the store: an article seen before is not split again, and what
comes back from the store is what splitting gives (verbatim, in reading order)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from briefgen.analyse import analyse
from briefgen.analyse import passages as passages_mod
from briefgen.config import load_config
from briefgen.ingest import ingest
from briefgen.store import Store

from .conftest import DEFAULT_CONFIG


def _seeds():
    config = load_config(DEFAULT_CONFIG)
    return config, ingest(config).articles


def test_a_second_analysis_reads_the_spans_the_first_stored(tmp_path: Path):
    config, articles = _seeds()
    with Store(tmp_path / "store.sqlite3") as store:
        first = analyse(articles, config, spans=store)
        keys = [passages_mod.key(a) for a in articles]
        stored = store.load_spans(keys)
        assert set(stored) == set(keys)
        second = analyse(articles, config, spans=store)
    plain = analyse(articles, config)
    assert [p.text for p in first.passages] == [p.text for p in second.passages] == [p.text for p in plain.passages]
    assert [t.summary for t in first.themes] == [t.summary for t in second.themes] == [t.summary for t in plain.themes]


def test_stored_spans_are_used_and_stay_verbatim(tmp_path: Path):
    config, articles = _seeds()
    article = articles[0]
    with Store(tmp_path / "store.sqlite3") as store:
        spans = passages_mod.spans(article.text)
        # The store's word is taken: keep only the first two passages of the article.
        store.save_spans({passages_mod.key(article): spans[:2]})
        split = passages_mod.split_all([article], store)
    assert len(split) == 2
    paragraphs = article.text.split("\n\n")
    for passage in split:
        assert passage.text in paragraphs[passage.paragraph]


def test_spans_find_every_passage_of_a_text():
    config, articles = _seeds()
    for article in articles:
        assert [p.text for p in passages_mod.split(article)] == [
            p.text for p in passages_mod.passages_at(article, passages_mod.spans(article.text))
        ]
        for passage in passages_mod.split(article):
            assert passage.text in article.text


def test_a_changed_text_is_split_again(tmp_path: Path):
    config, articles = _seeds()
    article = articles[0]
    edited = replace(article, text=article.text + "\n\nA new paragraph says one more thing here.")
    assert passages_mod.key(edited) != passages_mod.key(article)
    with Store(tmp_path / "store.sqlite3") as store:
        passages_mod.split_all([article], store)
        split = passages_mod.split_all([edited], store)
        assert split[-1].text == "A new paragraph says one more thing here."
        assert len(store.load_spans([passages_mod.key(article), passages_mod.key(edited)])) == 2
