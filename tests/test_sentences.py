"""Sentence boundaries: the fast path for plain prose agrees with pysbd wherever it answers."""

from __future__ import annotations

import random

import pytest

from briefgen.analyse import sentences
from briefgen.config import load_config
from briefgen.ingest.files import read_files

from .conftest import ROOT

TRICKY = [
    "On Sept. 30 he left. On Jan. 16 he came back.",
    "He met the U.S. The talks ended. It was the U.S. Army. Officials said so.",
    "It is in the U.S. Officials said so.",
    "He spoke to the U.N. Security Council. It was fine.",
    "It rose 3.5 percent. Then it fell 2.5 points in 2024. The end.",
    "Gen. Kim Jong-un met Mr. Lee. He is No. 2 in the party. No. The talks failed.",
    "The U.S.-led drills began. John F. Kennedy was there. Is it over? Yes it is.",
    "“This launch is a clear violation of U.N. Security Council resolutions,” a senior U.S. official said. Seoul agreed.",
    "It was in Dec. The end came on Dec. 5. Then Co. said so.",
    "He left at 3 p.m. Monday. Then he came back.",
    "“We will respond. We will win,” he said. Fine.",
    "He said... Then he left. (Later, he came back.) Then!",
]
WORDS = (
    "Kim. Lee. he. officials. 5 2,000 2,000. 7.5. left. 2.5. U.S.-made U.S., Sept., U.S. U.N. U.K. E.U. U.S.A. "
    "Sept. Jan. Dec. No. Gen. Mr. Dr. St. Co. Inc. e.g. i.e. a.m. p.m. 3.5 2.5-ton 1,000. 2024. said. said? Why? "
    "The He It In Officials I Iran he the officials 30 16 5. F. J. Kennedy Kim Jong-un Lee’s Japan's “We “This "
    "win,” respond,” report, said, — – - 40% $5 & / : ; X.Y. A. b. ok. Mt. Fig. pp. vs. v. al. Ave. Jr. Mo. Is. Me. "
    "Monday. Monday The The Kim said said"
).split()


def _pysbd(paragraph: str) -> list[str]:
    return [s.strip() for s in sentences._segmenter().segment(paragraph) if s.strip()]


@pytest.mark.parametrize("paragraph", TRICKY)
def test_tricky_paragraphs_split_as_pysbd_splits_them(paragraph: str):
    assert sentences.split_sentences(paragraph) == _pysbd(paragraph)


def test_fast_path_agrees_with_pysbd_on_random_token_soup():
    rng = random.Random(20240117)
    answered = 0
    for _ in range(3000):
        paragraph = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 14)))
        fast = sentences._fast_split(paragraph)
        if fast is not None:
            answered += 1
            assert fast == _pysbd(paragraph), paragraph
    assert answered > 500  # the fast path is exercised, not just skipped


def test_fast_path_agrees_with_pysbd_on_the_seeds():
    config = load_config(ROOT / "sources.yaml")
    answered = 0
    for article in read_files(config.sources[0], config).articles:
        for paragraph in article.text.split("\n\n"):
            fast = sentences._fast_split(paragraph)
            if fast is not None:
                answered += 1
                assert fast == _pysbd(paragraph), paragraph
    assert answered


def test_every_sentence_is_verbatim():
    for paragraph in TRICKY:
        for sentence in sentences.split_sentences(paragraph):
            assert sentence in paragraph


def test_a_sentence_long_enough_to_be_a_passage_is_told_as_counting_its_words_tells():
    import random

    from briefgen.analyse.passages import WORD_RE, words_at_least

    rng = random.Random(4)
    pieces = ["a", "ab", " ", ".", "-", "북한", "_", "1", "\n", "é", "  ", "’"]
    for least in (3, 4):
        enough = words_at_least(least)
        for _ in range(5000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 15)))
            start = rng.randrange(0, len(text) + 1)
            end = rng.randrange(start, len(text) + 1)
            assert (enough.search(text, start, end) is not None) == (len(WORD_RE.findall(text, start, end)) >= least)


def test_a_rank_a_time_zone_and_a_lower_case_word_open_no_sentence():
    # Read from briefs of real text (DVIDS, DOD): "Spc. 4 Robert F. Stryker", "1:17 p.m. EST,
    # Pentagon spokesman Army Col. Robert Manning" and "exercise, Aug. 30. at the weapons range"
    # were each cut in two, and the second half printed as a sentence of its own.
    for paragraph in ("Named after Pfc. Stuart S. Stryker and Spc. 4 Robert F. Stryker, the vehicle is new.",
                      "The launch was at 1:17 p.m. EST, Pentagon spokesman Army Col. Robert Manning said.",
                      "Soldiers fired at a live fire range exercise, Aug. 30. at the weapons range in Icheon."):
        assert sentences.split_sentences(paragraph) == [paragraph]
    # A time that ends a sentence still does.
    assert sentences.split_sentences("It ended at 5 p.m. Officials left.") == ["It ended at 5 p.m.", "Officials left."]
