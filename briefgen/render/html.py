"""The brief as one self-contained HTML page, from Jinja2 templates users can shadow.

Templates are looked up first in `output.templates` (when set), then in the shipped
folder, file by file: a user folder holding only `brief.css` keeps the shipped HTML.

Shipped templates: `base.html` (page shell: head, inline CSS, title block, contents),
`brief.html` (extends base; block `lead` is the bottom line, block `content` every other
section), `brief.css` (one stylesheet for screen and print, included inline), `brief.md.j2`
(the Markdown brief), `archive.html` (`<out>/index.html`, see `deliver.archive`).

Template context (the same for HTML and Markdown):

- `brief`: the `models.Brief` (`brief.title`, `.date`, `.window`, `.articles`,
  `.bottom_line`, `.themes`, `.other`, `.notes`, `.passages`, `.generated_at`,
  `.stories`, `.health`: one `models.SourceHealth` per feed source of the run).
  `brief.reported_by(article_ids)` is how many distinct sources reported the story
  (or stories) of those articles: a point shows "reported by N sources" when N > 1.
- `counts`: `{"sources": n, "articles": n, "passages": n}`; sources are distinct
  `article.source` names, passages are `brief.passages`.
- `window_text`: the time window in words, e.g. "since yesterday 06:00 KST · 24h · 16 Jan
  2024 06:00 – 17 Jan 2024 06:00 KST · 2 late arrivals" (the count only when there are
  any: articles dated before the start that came in after the previous brief was made), or
  "all dates" when the window has no start. `brief.window.description` is its first part.
- `brief.coverage`: `status` ("ok", "quiet" or "failed": no article because the sources
  failed or are missing), `notice` (what the top of an empty brief says, else None),
  `read` and `failed` (source names). `base.html` and `brief.md.j2` show the notice first.
- `brief.failed_sections`: `{section as the brief names it: the error in one line}` for the
  sections a bug kept out of this brief (usually empty); shown after the notice. `unbuilt`:
  the parts they left empty ("entities", "quotes", "timeline", "changes", "emerging"), whose
  "none in this window" would not be true.
- `theme_labels`: `{theme key: label}` for the themes of the brief.
- `sources`: one entry per article in citation order (in a brief of more than 150 articles,
  only those cited above the list: see `render.bounds`; `sources.omitted` then counts the
  others, once the list has been iterated), each with `number` (its [n]),
  `article`, `url` (the article URL only when it is http(s), else None), `location`
  (the URL or path as plain text, or None), `date_text` (see `dates.article_date`),
  `dated` (True when the article has a publication date), `label` (the source's type
  and reliability, "wire · B", or None when the config gives neither), `language` (its
  ISO 639-1 code when not English, shown as a tag: "ko"; else None) and `language_name`.
- `quotes`: `brief.quotes`, each a `models.Quote` (`text` verbatim without its quotation
  marks, `speaker` or None, `role` or None, `attribution`, `source_ids`).
- `timeline`: `brief.timeline`, each a `models.TimelineEvent` (`start`, `end`, `status`:
  explicit, inferred, year-unknown or unresolved; `expression`, `basis`, `text`: the
  sentence that holds the date, `source_ids`); show its date with `| eventdate`.
- `entity_groups`: the entities shown, grouped: a list of `{"kind", "label", "entities"}`
  for people, organisations, and countries and places (at most `brief.entities_per_kind`
  each, most mentioned first); each entity is a `models.Entity` (`name`, `mentions`,
  `roles`, `themes` (keys), `source_ids`). Names of kind "other" are in the JSON only.
- `changes`: `brief.changes` (`models.Changes`: `first` when there is no previous brief,
  else `previous_date`, `themes` of `ThemeChange` (`new`, `continuing`, `dropped`) and
  `quiet`), with `change_counts` = `{"new": n, "continuing": n}` over all themes.
- `emerging`: `brief.emerging`, each a `models.EmergingTopic` (`terms`, `passage_ids`,
  `source_ids`, `points`), and `emerging_support` = `{"passages": n, "articles": n}`, the
  support a topic needs (from the config).
- `distribution`: `output.distribution` (a handling line), or None.
- `appendix_passages`: the passages the appendix lists (all, or in a large brief those of
  the listed sources; `.omitted` counts the others); `changes_shown`: the most stories each
  list of "What changed" shows; `bounds`: the limits of this rendering (`bounds.large`).
- `medium`: "screen" (the HTML page), "print" (the page the PDF is printed from) or
  "text" (the Markdown); `appendix`: how the appendix shows on it (`appendix_mode`).
- `theme_stats`: `{theme key: {"points", "passages", "articles", "trend"}}`; `trend` is a
  `history.Trend` (`direction` "up"/"down"/"steady"/"new"/"none", `symbol`, `text`)
  against the earlier briefs in `brief.history`.
- `charts`: `{"coverage": svg, "trend": svg or None}`, inline SVG already escaped (Markup).
- `trend_days`: how many days trends and the trend chart span (14).

Filters:

- `cite`: article id(s) -> citations "[1][3]"; in HTML each is a link to `#src-n`, with
  the source's name, type and reliability as a tooltip and its reliability grade as a
  superscript when the config gives them.
- `eventdate`: a timeline event -> its date in words: "30 Sep 2022", "23–27 Sep 2022",
  "8 Sep (year not given)", "Sunday (date not known)", "2006".
- `longdate`: a date -> "Wednesday 17 January 2024".
- `shortdate`: a date or datetime -> "17 Jan 2024" (datetimes in the brief's zone).
- `when`: a datetime -> "17 Jan 2024 06:00 KST" in the brief's time zone.
- `http_url`: a URL if it is http(s), else None (only such URLs may go in an href).
- `score`: a theme score with one decimal.
- `contents`: rendered HTML -> its sections (`id`, `title`) for a table of contents.
- `lang`: source text -> itself, in HTML wrapped in `<span lang="ko">` when it is Korean
  (`langattr`: the attribute alone, ` lang="ko"`, for an element's own tag).
- `md` (Markdown only): text escaped so it cannot break the Markdown structure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import history
from ..config import Config
from ..errors import RenderError
from ..language import ENGLISH
from ..models import Brief, ThemeCount
from . import bounds, charts, storyview, toc
from .dates import article_date, eventdate, window_text
from .filters import cite, http_url, longdate, score, shortdate, source_label, when
from .langtag import LANGUAGE_NAMES, lang, langattr

TEMPLATE = "brief.html"


def default_templates_dir() -> Path:
    """The shipped templates folder as a real path (package data, else the repo's templates/)."""
    try:
        candidate = resources.files("briefgen.templates") / TEMPLATE
    except (ModuleNotFoundError, TypeError):
        candidate = None
    # Only a real file on disk will do: FileSystemLoader cannot read from a zip.
    if isinstance(candidate, Path) and candidate.is_file():
        return candidate.parent
    return Path(__file__).resolve().parents[2] / "templates"


# What to do about a broken template: the user's override is the one to look at.
FIX = "fix it, or remove your override to use the shipped template"


def template_dirs(config: Config) -> list[Path]:
    """Folders searched for templates, the user's override first."""
    dirs = []
    if config.output.templates:
        user = config.resolve(config.output.templates)
        if not user.is_dir():
            raise RenderError(f"templates folder {user} does not exist: create it, or fix output.templates")
        dirs.append(user)
    dirs.append(default_templates_dir())
    return dirs


def environment(config: Config) -> jinja2.Environment:
    """A Jinja2 environment for the brief templates: autoescaped HTML, strict undefined."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(d) for d in template_dirs(config)]),
        # .html is escaped, and so is .css: it is included inside <style>, where a value
        # holding "</style>" would end the element. .md.j2 is not (Markdown has its own rules).
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm", "xml", "css")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        cite=cite,
        longdate=longdate,
        shortdate=shortdate,
        when=when,
        http_url=http_url,
        score=score,
        eventdate=eventdate,
        contents=toc.contents,
        storymeta=storyview.storymeta,
        words=storyview.words,
        lang=lang,
        langattr=langattr,
    )
    return env


ENTITY_GROUPS = (("person", "People", ("person",)), ("organisation", "Organisations", ("organisation",)),
                 ("place", "Countries and places", ("country", "place")))


def appendix_mode(config: Config, medium: str) -> str | None:
    """How the appendix shows on a medium: "collapsed" (a <details> the reader opens),
    "open" (a plain section), or None (left out). Its data are always in the JSON."""
    where = config.output.appendix
    if medium == "screen" and where in ("html", "pdf"):
        return "collapsed"
    if medium == "print" and where == "pdf":
        return "open"
    # Never in the Markdown: it is the email's text, where a table of every passage is noise.
    return None


def context(brief: Brief, config: Config, medium: str = "screen") -> dict[str, Any]:
    """The variables every brief template sees, rendered for `medium` ("screen", "print", "text")."""
    counts = brief.theme_counts()
    per_kind = config.brief.entities_per_kind
    changes = brief.changes
    limits = bounds.Bounds(len(brief.articles))
    sources = bounds.SourceList([
        {
            "number": n,
            "article": a,
            "url": http_url(a.url),
            "location": a.url or a.path,
            "date_text": article_date(a, brief.timezone),
            "dated": a.published is not None,
            "label": source_label(a),
            # Tagged when not in the brief's own language (English).
            "language": a.language if a.language not in (None, ENGLISH) else None,
            "language_name": LANGUAGE_NAMES.get(a.language or "", a.language),
        }
        for n, a in enumerate(brief.articles, start=1)
    ], limits)
    return {
        "brief": brief,
        "bounds": limits,
        "sources": sources,
        "appendix_passages": bounds.AppendixRows(brief.passages, {a.id: n for n, a in enumerate(brief.articles, start=1)},
                                                 sources, limits),
        "changes_shown": limits.changes_shown,
        "counts": {
            "sources": len({a.source for a in brief.articles}),
            "articles": len(brief.articles),
            "passages": len(brief.passages),
        },
        "window_text": window_text(brief),
        "theme_labels": {t.key: t.label for t in brief.themes},
        "distribution": config.output.distribution,
        "theme_stats": {
            c.key: {
                "points": c.points,
                "passages": c.passages,
                "articles": c.articles,
                "trend": history.trend(c.key, c.passages, brief.history),
            }
            for c in counts
        },
        "trend_days": history.TREND_DAYS,
        "charts": {"coverage": coverage_chart(brief, counts), "trend": trend_chart(brief, counts)},
        "quotes": brief.quotes,
        "timeline": brief.timeline,
        "entity_groups": [
            # (Countries and places together, by mentions: "Khartoum" in a Sudan brief is not
            # crowded out by every country named once.)
            {"kind": kind, "label": label, "entities": sorted(
                (e for e in brief.entities if e.kind in kinds), key=lambda e: (-e.mentions, e.name.casefold()))[:per_kind]}
            for kind, label, kinds in ENTITY_GROUPS
            if per_kind and any(e.kind in kinds for e in brief.entities)
        ],
        "changes": changes,
        "change_counts": {
            "new": sum(len(c.new) for c in changes.themes) if changes else 0,
            "continuing": sum(len(c.continuing) for c in changes.themes) if changes else 0,
        },
        "emerging": brief.emerging,
        "medium": medium,
        "appendix": appendix_mode(config, medium),
        "unbuilt": brief.unbuilt(),
        "emerging_support": {
            "passages": config.brief.emerging_min_passages,
            "articles": config.brief.emerging_min_articles,
        },
        **storyview.story_context(brief),
    }


def coverage_chart(brief: Brief, counts: list[ThemeCount]) -> Markup:
    """Articles and passages per theme in this brief, plus the passages no theme claimed."""
    rows = [charts.Bar(c.label, c.articles, c.passages) for c in counts]
    unthemed = [p for p in brief.passages if not p.themes]
    if unthemed:
        rows.append(charts.Bar("No theme", len({p.article_id for p in unthemed}), len(unthemed), muted=True))
    return charts.coverage_chart(rows)


def trend_chart(brief: Brief, counts: list[ThemeCount]) -> Markup | None:
    """Passages per theme over the trend span; None when there is no earlier brief to show."""
    if not brief.history:
        return None
    days = history.trend_days(brief.date)
    by_day = {r.date: r for r in brief.history}
    rows = []
    for count in counts:
        values: list[int | None] = []
        for day in days[:-1]:
            record = by_day.get(day)
            theme = record.theme(count.key) if record else None
            values.append(theme.passages if theme else None)
        rows.append((count.label, [*values, count.passages]))
    return charts.trend_chart(days, rows)


def render_template(
    name: str, brief: Brief, config: Config, extra_filters: dict[str, Any] | None = None, medium: str = "screen"
) -> str:
    """Render one template of the brief for `medium`; template problems become a RenderError."""
    return render_page(name, context(brief, config, medium), config, extra_filters)


def render_page(
    name: str, variables: dict[str, Any], config: Config, extra_filters: dict[str, Any] | None = None,
    env: jinja2.Environment | None = None,
) -> str:
    """Render any template with the given variables (in `env`, else a new environment);
    template problems become a RenderError."""
    try:
        env = env or environment(config)
        env.filters.update(extra_filters or {})
        return env.get_template(name).render(variables)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"template {exc.filename or exc.name}, line {exc.lineno}: {exc.message}; {FIX}") from exc
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template not found: {exc.name}; fix the name in the template that uses it, "
                          "or remove that override from output.templates") from exc
    except jinja2.TemplateError as exc:
        raise RenderError(f"template {name}: {_one_line(exc)}; {FIX}") from exc


def render_html(brief: Brief, config: Config, medium: str = "screen") -> str:
    """The brief as a self-contained HTML page: the page itself ("screen"), or the page the
    PDF is printed from ("print"), which differ only in what `output.appendix` puts in each."""
    return render_pages(brief, config, [medium])[medium]


def render_pages(
    brief: Brief, config: Config, media: Iterable[str], ready: Callable[[str, str], None] | None = None
) -> dict[str, str]:
    """The HTML page for each of `media`, from one environment: the templates compile once.
    `ready(medium, page)` is told of each page as soon as it is made."""
    env = environment(config)
    pages = {}
    for medium in media:
        pages[medium] = render_page(TEMPLATE, context(brief, config, medium), config, env=env)
        if ready is not None:
            ready(medium, pages[medium])
    return pages


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
