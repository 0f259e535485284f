"""Emerging topics: passages no theme claimed, clustered, each cluster named by its top terms.

TF-IDF vectors and average-linkage agglomerative clustering on cosine distance
(scipy's linkage, cut as scikit-learn's AgglomerativeClustering cuts it at a distance
threshold; deterministic, no random seed involved). A cluster is shown only with
enough support: `brief.emerging_min_passages` passages from `brief.emerging_min_articles`
distinct articles. The distance matrix is quadratic, so at most MAX_PASSAGES passages
(the most recent) are clustered."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date

import numpy as np

from ..config import BriefConfig
from ..models import EmergingTopic, Passage, SummaryPoint
from . import leads
from .gazetteer import Mention

log = logging.getLogger(__name__)

MAX_PASSAGES = 2000
# Clusters merge while their passages are on average at least this similar (1 - distance).
DISTANCE = 0.9
TERMS = 3
# A phrase replaces its word in a label when it carries this share of the word's weight.
PHRASE_SHARE = 0.6
POINTS = 3
MIN_WORDS = 6
# Passages of a topic that read as news on their own, at the least.
MIN_STANDING = 2


# A transcript's speaker ("MR. BOUCHER:", "QUESTION:") and the forms a chamber is addressed
# in ("Mr. President", "my right hon. Friend", "My Lords"): who talks to whom, not what about.
_SPEAKER = re.compile(
    rf"^{leads.SPEAKER_LABEL}"
    r"|\b(?:Mr|Madam|Madame|Mister)\.?\s+(?:President|Chair(?:man|woman|person)?|Speaker|Deputy Speaker)\b"
    r"|\b(?:[Rr]ight\s+)?[Hh]on(?:ourable|orable|\.)?\s+(?:and\s+(?:gallant|learned)\s+)?(?:Friends?|Members?|Lady|Gentleman)\b"
    r"|\b[Rr]ight\s+[Hh]on(?:ourable|\.)?|\b[Nn]oble\s+(?:Lords?|Baroness|Friend)\b|\bMy\s+Lords\b"
    # ... and the month a passage names: when, not what.
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
)
# Where a passage is (countries and places), not what it is about: a brief on one region
# names the same few places all day, and they made topics of themselves ("democratic
# people · republic of korea · dprk").
WHERE = frozenset({"country", "place"})


def find(passages: Sequence[Passage], cited: dict[str, tuple[str, ...]], brief: BriefConfig,
         printed: Collection[str] = (), mentions: Mapping[str, Sequence[Mention]] | None = None,
         today: date | None = None) -> list[EmergingTopic]:
    """The best-supported clusters of unthemed passages, largest first, at most `brief.emerging_topics`.
    A topic's points are its most central passages that the body has not printed (`printed`:
    passage ids) and that stand alone and are news, not background (as of `today`): the brief
    prints no sentence twice. Passages are grouped by what they say: the countries and places
    they name (`mentions`: per passage id, from `entities`), the months, a transcript's speaker
    and a chamber's forms of address are left out of the words compared."""
    # A heading or a caption ("The year by the numbers.") tells no development of its own.
    passages = [p for p in passages if len(p.text.split()) >= MIN_WORDS]
    if brief.emerging_topics == 0 or len(passages) < brief.emerging_min_passages:
        return []
    if len(passages) > MAX_PASSAGES:
        log.info("emerging topics: clustering the last %d of %d unthemed passages", MAX_PASSAGES, len(passages))
        passages = passages[-MAX_PASSAGES:]
    from .tfidf import fit_transform

    # Words only: numbers and dates would group passages by when, not by what.
    try:
        matrix, terms = fit_transform([_what(p, mentions) for p in passages], r"(?u)\b[^\W\d_][\w-]+\b", (1, 2))
    except ValueError:  # no vocabulary left
        return []
    sims = (matrix @ matrix.T).toarray()
    labels = _clusters(sims, DISTANCE)
    topics: list[tuple[tuple[int, float], EmergingTopic]] = []
    for label in sorted(set(labels)):
        members = np.flatnonzero(labels == label)
        sources = tuple(dict.fromkeys(a for i in members for a in cited.get(passages[i].id, (passages[i].article_id,))))
        if len(members) < brief.emerging_min_passages or len(sources) < brief.emerging_min_articles:
            continue
        centroid = np.asarray(matrix[members].mean(axis=0)).ravel()
        # The most central passages speak for the cluster.
        ordered = members[np.argsort(-sims[np.ix_(members, members)].mean(axis=1), kind="stable")]
        standing = [i for i in ordered if not leads.dangling(passages[i].text) and not leads.no_lead(passages[i].text)
                    and not leads.background(passages[i].text, today)]
        if len(standing) < MIN_STANDING:
            # Mostly fragments, questions, background and lines that introduce others ("The
            # following statement was issued today by ...", "The following lists events that
            # happened in 2013 ..."): a house style, not a topic.
            continue
        central = [i for i in standing if passages[i].id not in printed][:POINTS]
        points = tuple(
            SummaryPoint(passages[i].text, cited.get(passages[i].id, (passages[i].article_id,)), passages[i].id,
                         round(float(sims[i, members].mean()), 4))
            for i in sorted(central)
        )
        cohesion = float(sims[np.ix_(members, members)].mean())
        told = [passages[i].text for i in members]
        # (How many of the cluster's passages hold each term: a label says what several say.)
        support = np.asarray((matrix[members] > 0).sum(axis=0)).ravel()
        topic = EmergingTopic(_label(centroid, terms, told, support), tuple(passages[i].id for i in members), sources, points)
        topics.append(((-len(members), -cohesion), topic))
    topics.sort(key=lambda t: t[0])
    return [t for _, t in topics[: brief.emerging_topics]]


def _what(passage: Passage, mentions: Mapping[str, Sequence[Mention]] | None) -> str:
    """The passage's words without its speaker's label and the places it names (each
    replaced by a line break, so that no phrase spans the gap)."""
    text = passage.text
    where = [m for m in (mentions or {}).get(passage.id, ()) if m.kind in WHERE]
    for m in sorted(where, key=lambda m: m.start, reverse=True):
        text = f"{text[:m.start]}\n{text[m.end:]}"
    return _SPEAKER.sub("\n", text)


def _clusters(sims: np.ndarray, threshold: float) -> np.ndarray:
    """A cluster label per row of a cosine similarity matrix: average linkage on the
    distances (1 - similarity, at least 0) merged while clusters are closer than
    `threshold`, labelled as AgglomerativeClustering(linkage="average", metric="precomputed",
    distance_threshold=threshold) labels them (its tree is scipy's; its cut is this)."""
    import heapq

    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    n = len(sims)
    if n == 1:
        return np.zeros(1, dtype=np.intp)
    # The upper triangle only (what the linkage reads), without an n x n copy.
    condensed = squareform(sims, force="tovector", checks=False)
    np.subtract(1.0, condensed, out=condensed)
    np.clip(condensed, 0.0, None, out=condensed)
    tree = linkage(condensed, method="average")
    children = tree[:, :2].astype(int)
    clusters = int(np.count_nonzero(tree[:, 2] >= threshold)) + 1
    # Undo the last clusters - 1 merges, the latest first: the nodes left are the clusters.
    nodes = [-(int(children[-1].max()) + 1)]
    for _ in range(clusters - 1):
        left, right = children[-nodes[0] - n]
        heapq.heappush(nodes, -int(left))
        heapq.heappushpop(nodes, -int(right))
    labels = np.zeros(n, dtype=np.intp)
    for label, node in enumerate(nodes):
        labels[_leaves(-node, children, n)] = label
    return labels


def _leaves(node: int, children: np.ndarray, n: int) -> list[int]:
    """The rows under a node of the merge tree."""
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        if current < n:
            out.append(current)
        else:
            stack.extend(int(c) for c in children[current - n])
    return out


def _label(centroid: np.ndarray, terms: np.ndarray, told: Sequence[str] = (), support: np.ndarray | None = None,
           ) -> tuple[str, ...]:
    """The cluster's heaviest terms; a word gives way to a phrase holding it that weighs
    nearly as much ("kim jong-un" over "jong-un"), and no word is named twice. A phrase is
    one only where a passage of the cluster (`told`) has its words side by side, or joined
    by "of", "for", "the" or "and" (shown then as written: "gulf of aden"): the word pairs
    are taken after stop words are dropped, so "what other words we care about" gives the
    pair "words care", which is no phrase. With `support` (how many of the cluster's
    passages hold each term), terms two passages hold come first: one long passage's
    "apogee came" is no topic's name."""
    order = [i for i in np.argsort(-centroid, kind="stable") if centroid[i] > 0]
    if support is not None:
        order = [i for i in order if support[i] >= 2] + [i for i in order if support[i] < 2]
    weight = {str(terms[i]): float(centroid[i]) for i in order}
    held = {str(terms[i]): int(support[i]) if support is not None else 2 for i in order}
    text = "\n".join(told).casefold()
    # Each phrase looked for once, and only when it could be chosen (a big cluster has
    # thousands of word pairs).
    found: dict[str, str | None] = {}

    def written(phrase: str) -> str | None:
        if not told:
            return phrase
        if phrase not in found:
            found[phrase] = _as_written(phrase, text)
        return found[phrase]

    chosen: list[str] = []
    for index in order:
        if len(chosen) == TERMS:
            break
        term = str(terms[index])
        if " " in term:
            if written(term) is None:
                continue
        else:
            phrases = sorted((p for p in weight if " " in p and term in p.split() and weight[p] >= PHRASE_SHARE * weight[term]
                              and held[p] >= min(2, held[term])),
                             key=lambda p: (weight[p], p), reverse=True)
            term = next((p for p in phrases if written(p) is not None), term)
        words = set(term.split())
        if any(words & set(c.split()) for c in chosen):
            continue
        chosen.append(term)
    return tuple((written(term) or term) if " " in term else term for term in chosen)


# What may stand between the two words of a phrase: a possessive ("yemen's capital"), a full
# stop ("mr. president") or the small words inside a name ("gulf of aden", "spokesman for
# the secretary-general").
_JOIN = r"(?:['\u2019]s)?(?:\.?\s+|\s+(?:(?:of|for|the|and)\s+){1,2})"


def _as_written(phrase: str, text: str) -> str | None:
    """The phrase as `text` (case-folded) first writes it, or None when it never does."""
    pattern = r"(?<![\w-])" + _JOIN.join(map(re.escape, phrase.split())) + r"(?![\w-])"
    found = re.search(pattern, text)
    return " ".join(found.group(0).split()) if found else None
