"""Names, quotations and dates of a large day found on worker processes come out exactly
as one pass over the day finds them (the seeds' paragraphs, real reporting with quotations)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from briefgen import forking
from briefgen.analyse import entities, passages, perarticle, quotes, timeline
from briefgen.config import load_config
from briefgen.models import Article

ROOT = Path(__file__).resolve().parents[1]


def _day(count: int) -> list[Article]:
    paragraphs = [p.strip() for seed in sorted((ROOT / "seeds").glob("*.txt"))
                  for p in seed.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    start = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    out = []
    for n in range(count):
        # Three paragraphs in a row, from a different place each time, under a line of the article's own.
        chosen = [paragraphs[(n * 7 + k) % len(paragraphs)] for k in range(3)]
        text = f"Outlet {n % 40} filed report number {n} on Wednesday.\n\n" + "\n\n".join(chosen)
        out.append(Article(id=f"a{n:05d}", source=f"Outlet {n % 40}", title=f"Report {n}", text=text,
                           url=f"https://example.org/{n}", published=start + timedelta(minutes=n),
                           first_seen=start, guid=str(n), origin=f"Outlet {n % 40}"))
    return out


def test_a_large_days_names_and_quotes_from_workers_equal_one_pass(monkeypatch):
    # "Large" lowered to keep the test short: the workers' path is the same at any size.
    monkeypatch.setattr(perarticle, "PARALLEL_ARTICLES", 300)
    config = load_config(ROOT / "sources.yaml")
    day = _day(400)
    split = passages.split_all(day)
    kept = {p.id: p.id for p in split}
    cited = {p.id: (p.article_id,) for p in split}
    on_workers = forking.workers() >= 2
    begun = perarticle.Begun(day, split, split, config.entities, kept, cited, 10_000)
    assert (begun._pending._executor is not None) == on_workers  # noqa: SLF001 - the path under test
    read = begun.results()
    mentions, said = read.mentions, read.quotes
    one_pass = entities.recognise(day, split, config.entities)
    # What the entities are counted from: the mentions of every passage that names something
    # (each stands for its sentence here), in the same order.
    named = {pid: found for pid, found in one_pass.items() if found}
    assert len(named) > 100
    assert list(mentions) == list(named) and mentions == named
    expected = quotes.extract(day, split, one_pass, kept, cited)
    assert said == expected
    # Real quotations with their speakers, each citing every article that printed it.
    assert len(said) >= 3 and any(q.speaker for q in said), said
    assert max(len(q.source_ids) for q in said) > 20
    events = timeline.extract(day, split, cited, 10_000)
    assert read.events == events and len(events) > 400
    # And when the limit cuts: the same events kept.
    assert perarticle.Begun(day, split, split, config.entities, kept, cited, 50).results().events == \
        timeline.extract(day, split, cited, 50)


def test_two_days_read_at_once_in_one_process_keep_to_their_own():
    """A scheduler analyses a brief and an alert poll on two threads: one day begun while
    another is being read must not take its place."""
    config = load_config(ROOT / "sources.yaml")
    first, second = _day(30), _day(60)[30:]
    split_first, split_second = passages.split_all(first), passages.split_all(second)

    def begin(day, split):  # type: ignore[no-untyped-def]
        kept = {p.id: p.id for p in split}
        cited = {p.id: (p.article_id,) for p in split}
        return perarticle.Begun(day, split, split, config.entities, kept, cited, 100)

    a = begin(first, split_first)
    b = begin(second, split_second)
    read_a, read_b = a.results(), b.results()
    named_a = {pid: found for pid, found in entities.recognise(first, split_first, config.entities).items() if found}
    named_b = {pid: found for pid, found in entities.recognise(second, split_second, config.entities).items() if found}
    assert list(read_a.mentions) == list(named_a) and list(read_b.mentions) == list(named_b)
    assert set(read_a.mentions).isdisjoint(read_b.mentions)
    assert read_a.mentions == named_a
