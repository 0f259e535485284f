"""The store's schema, as the steps that built it: each runs once, in order.

PRAGMA user_version records how many have run. Existing databases depend on this list:
add a step at the end, never change or reorder one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: articles, feed state, per-run source health, brief membership, run ledger, outbox.
    """
    CREATE TABLE articles (
        id            TEXT PRIMARY KEY,
        source        TEXT NOT NULL,
        guid          TEXT,
        url           TEXT,
        canonical_url TEXT,
        title         TEXT NOT NULL,
        author        TEXT,
        path          TEXT,
        published     TEXT,
        first_seen    TEXT NOT NULL,
        updated       TEXT,
        text          TEXT NOT NULL,
        content_hash  TEXT NOT NULL
    );
    CREATE INDEX articles_guid ON articles(source, guid);
    CREATE INDEX articles_canonical ON articles(canonical_url);
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_first_seen ON articles(first_seen);

    CREATE TABLE feeds (
        source               TEXT PRIMARY KEY,
        url                  TEXT NOT NULL,
        etag                 TEXT,
        last_modified        TEXT,
        last_status          TEXT,
        last_reason          TEXT,
        last_attempt         TEXT,
        last_success         TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE source_runs (
        id         INTEGER PRIMARY KEY,
        started    TEXT NOT NULL,
        brief_date TEXT,
        source     TEXT NOT NULL,
        status     TEXT NOT NULL,
        reason     TEXT,
        new_items  INTEGER NOT NULL DEFAULT 0,
        duration   REAL
    );
    CREATE INDEX source_runs_source ON source_runs(source, started);

    CREATE TABLE brief_articles (
        brief_date TEXT NOT NULL,
        article_id TEXT NOT NULL,
        PRIMARY KEY (brief_date, article_id)
    );

    CREATE TABLE runs (
        brief_date TEXT PRIMARY KEY,
        status     TEXT NOT NULL,
        files      TEXT,
        started    TEXT,
        finished   TEXT,
        error      TEXT,
        owner      TEXT
    );

    CREATE TABLE outbox (
        brief_date TEXT NOT NULL,
        recipient  TEXT NOT NULL,
        message_id TEXT NOT NULL,
        status     TEXT NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sent_at    TEXT,
        PRIMARY KEY (brief_date, recipient)
    );
    """,
    # 2: the configured source of each article, every (source, guid) that led to an
    # article (so an item seen in two feeds is stored once and credited to both),
    # since when a feed has been failing, and what each run's health row is about.
    """
    ALTER TABLE articles ADD COLUMN origin TEXT;
    CREATE INDEX articles_origin_date ON articles(origin, coalesce(published, first_seen));

    CREATE TABLE article_sightings (
        origin     TEXT NOT NULL,
        guid       TEXT NOT NULL,
        article_id TEXT NOT NULL,
        source     TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (origin, guid)
    );
    CREATE INDEX article_sightings_article ON article_sightings(article_id);

    ALTER TABLE feeds ADD COLUMN failing_since TEXT;
    ALTER TABLE source_runs ADD COLUMN target TEXT;
    ALTER TABLE source_runs ADD COLUMN items INTEGER NOT NULL DEFAULT 0;
    """,
    # 3: what each brief said in numbers, for trends and the 14-day chart.
    """
    CREATE TABLE briefs (
        brief_date  TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        articles    INTEGER NOT NULL,
        sources     INTEGER NOT NULL,
        bottom_line TEXT NOT NULL
    );
    CREATE TABLE brief_themes (
        brief_date TEXT NOT NULL,
        key        TEXT NOT NULL,
        label      TEXT NOT NULL,
        position   INTEGER NOT NULL,
        points     INTEGER NOT NULL,
        passages   INTEGER NOT NULL,
        articles   INTEGER NOT NULL,
        PRIMARY KEY (brief_date, key)
    );
    """,
    # 4: the embedded posts of each article with the dates of their (removed) signature
    # lines, as JSON: the timeline's anchor for articles that carry no date of their own.
    """
    ALTER TABLE articles ADD COLUMN embeds TEXT;
    """,
    # 5: each brief's summary points per theme: the baseline of "What changed".
    """
    CREATE TABLE brief_points (
        brief_date TEXT NOT NULL,
        key        TEXT NOT NULL,
        position   INTEGER NOT NULL,
        text       TEXT NOT NULL,
        PRIMARY KEY (brief_date, key, position)
    );
    """,
    # 6: where each article text's passages are (sentence spans, as JSON), keyed by a hash
    # of the text and the splitter's version: an article seen before is not split again.
    """
    CREATE TABLE passage_spans (
        key   TEXT PRIMARY KEY,
        spans TEXT NOT NULL
    );
    """,
    # 7: the stories each brief told, so that a later brief knows a story it continues
    # ("day 3, first reported 25 Nov") and which stories went quiet.
    """
    CREATE TABLE brief_stories (
        brief_date     TEXT NOT NULL,
        story_id       TEXT NOT NULL,
        rank           INTEGER NOT NULL,
        headline       TEXT NOT NULL,
        lead           TEXT NOT NULL,
        article_ids    TEXT NOT NULL,
        themes         TEXT NOT NULL,
        first_reported TEXT NOT NULL,
        PRIMARY KEY (brief_date, story_id)
    );
    """,
    # 8: how each article's date was had (feed, front matter, HTML metadata, or only the
    # file's modification time), and a file's modification time, kept apart from `published`.
    """
    ALTER TABLE articles ADD COLUMN date_basis TEXT;
    ALTER TABLE articles ADD COLUMN modified TEXT;
    """,
    # 9: the span each brief covered, so that the next one starts where it ended: briefs
    # tile time with no gap and no overlap. `start` is NULL for a brief of `all` dates.
    """
    CREATE TABLE brief_windows (
        brief_date TEXT PRIMARY KEY,
        label      TEXT NOT NULL,
        start      TEXT,
        end        TEXT NOT NULL,
        basis      TEXT NOT NULL
    );
    """,
    # 10: the analyst's verdicts on passages (`briefgen feedback`): the sentence itself,
    # since articles change and leave the window, and one verdict per sentence and theme
    # (its fingerprint: case, punctuation and spacing removed).
    """
    CREATE TABLE feedback (
        id          INTEGER PRIMARY KEY,
        theme       TEXT NOT NULL,
        verdict     TEXT NOT NULL CHECK (verdict IN ('is', 'not')),
        text        TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        passage_id  TEXT,
        brief_date  TEXT,
        recorded    TEXT NOT NULL
    );
    CREATE UNIQUE INDEX feedback_sentence ON feedback(theme, fingerprint);
    """,
    # korean: each article's language (ISO 639-1: the source's declared one, else told by
    # its script), NULL for articles stored before it and texts with no letters.
    """
    ALTER TABLE articles ADD COLUMN language TEXT;
    """,
    # serve: full-text search over every article and brief (SQLite FTS5; a document's
    # row in search_docs gives its FTS rowid, stable under VACUUM), and the articles of each
    # told story as rows, for the archive's story pages and the search's filters. Back-filled.
    """
    CREATE TABLE search_docs (
        id   INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('article', 'brief')),
        ref  TEXT NOT NULL,
        UNIQUE (kind, ref)
    );
    CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
    INSERT INTO search_docs (kind, ref) SELECT 'article', id FROM articles ORDER BY rowid;
    INSERT INTO search_docs (kind, ref) SELECT 'brief', brief_date FROM briefs ORDER BY brief_date;
    INSERT INTO search_fts (rowid, title, body)
        SELECT d.id, a.title, a.text FROM search_docs d JOIN articles a ON a.id = d.ref WHERE d.kind = 'article';
    INSERT INTO search_fts (rowid, title, body)
        SELECT d.id, b.title,
               coalesce((SELECT group_concat(value, ' ') FROM json_each(b.bottom_line)), '') || ' ' ||
               coalesce((SELECT group_concat(p.text, ' ') FROM brief_points p WHERE p.brief_date = b.brief_date), '') || ' ' ||
               coalesce((SELECT group_concat(s.headline || ' ' || s.lead, ' ') FROM brief_stories s WHERE s.brief_date = b.brief_date), '')
        FROM search_docs d JOIN briefs b ON b.brief_date = d.ref WHERE d.kind = 'brief';
    CREATE TABLE story_articles (
        brief_date TEXT NOT NULL,
        story_id   TEXT NOT NULL,
        article_id TEXT NOT NULL,
        PRIMARY KEY (brief_date, story_id, article_id)
    );
    CREATE INDEX story_articles_article ON story_articles(article_id);
    INSERT OR IGNORE INTO story_articles (brief_date, story_id, article_id)
        SELECT s.brief_date, s.story_id, j.value FROM brief_stories s, json_each(s.article_ids) j;
    """,
    # serve: flash alerts (`briefgen watch`): one row per rule, story, level (1: first
    # alert, 2: its one update) and channel, written before the send (status `sending`), so
    # a crash between send and record is never followed by a second send.
    """
    CREATE TABLE alerts (
        id          INTEGER PRIMARY KEY,
        rule        TEXT NOT NULL,
        story_key   TEXT NOT NULL,
        level       INTEGER NOT NULL,
        channel     TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'unknown')),
        reported_by INTEGER NOT NULL,
        headline    TEXT NOT NULL,
        article_ids TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        created     TEXT NOT NULL,
        sent_at     TEXT,
        UNIQUE (rule, story_key, level, channel)
    );
    CREATE INDEX alerts_created ON alerts(rule, created);
    CREATE TABLE alert_articles (
        alert_id   INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        PRIMARY KEY (alert_id, article_id)
    );
    CREATE INDEX alert_articles_article ON alert_articles(article_id);
    """,
    # pgsearch: on PostgreSQL, each search document's words kept as a weighted vector (title
    # A, text B) in a column of its own, with the full-text index on it: a search matches and
    # ranks the stored vector instead of parsing every matching text again (`pgsearch`). The
    # index on the bare text goes. Nothing for SQLite, whose FTS5 keeps its own: to it these
    # lines are comments.
    """
    -- postgresql: ALTER TABLE search_fts ADD COLUMN doc tsvector GENERATED ALWAYS AS
    --   (setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('simple', coalesce(body, '')), 'B')) STORED;
    -- postgresql: CREATE INDEX search_fts_doc ON search_fts USING GIN (doc);
    -- postgresql: DROP INDEX search_fts_text;
    """,
    # bigday: what an article pruned by `store.retention_days` leaves for the stories that
    # cited it (title, source, link, dates; never its text), and the briefs that carried an
    # article found by the article: the window's "briefed elsewhere" lookup read every
    # brief's list without it, a cost that grew with the archive.
    """
    CREATE TABLE pruned_articles (
        id         TEXT PRIMARY KEY,
        source     TEXT NOT NULL,
        title      TEXT NOT NULL,
        url        TEXT,
        published  TEXT,
        first_seen TEXT NOT NULL,
        pruned     TEXT NOT NULL
    );
    CREATE INDEX brief_articles_article ON brief_articles(article_id);
    """,
]

# Migrations up to this one came before a store could be PostgreSQL: there, their
# back-fills (INSERT ... SELECT, some over SQLite's JSON functions) have nothing to fill.
BEFORE_POSTGRES = 13


# A migration's statements for PostgreSQL alone start with this, written as SQL comments
# (continued on `--` lines): SQLite reads them as nothing.
POSTGRES_ONLY = "-- postgresql:"


def statements(script: str) -> list[str]:
    """A migration's SQL statements, one by one (without those for PostgreSQL alone)."""
    return [s.strip() for s in script.split(";") if s.strip() and not s.strip().startswith(POSTGRES_ONLY)]


def postgres_only(script: str) -> list[str]:
    """A migration's statements for PostgreSQL alone, their comment marks taken off."""
    found = []
    for piece in script.split(";"):
        if piece.strip().startswith(POSTGRES_ONLY):
            lines = [line.strip().removeprefix(POSTGRES_ONLY).removeprefix("--").strip() for line in piece.strip().splitlines()]
            found.append(" ".join(lines))
    return found
