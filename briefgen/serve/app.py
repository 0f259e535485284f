"""The archive's routes: each page server-rendered from the brief's templates, or as JSON.

Starlette (routing, requests, responses) under uvicorn: see docs/serve.md for why. Every
GET page has a JSON twin, chosen by `?format=json` or `Accept: application/json`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..config import Config
from ..errors import BriefgenError
from ..models import MARK_END, MARK_START, SearchQuery
from ..store import open_store
from . import briefpage, pages
from .guard import Guard, wants_json
from .pages import Archive, NotFound

FILE_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "md": "text/markdown; charset=utf-8",
              "json": "application/json"}
BODY_TAG = re.compile(r"<body[^>]*>")


class BadRequest(ValueError):
    """A parameter that cannot be used (a 400, naming it)."""


def create_app(config: Config, out_dir: Path | None = None, *, token: str | None = None,
               feedback: bool = False) -> Starlette:
    """The archive application for the briefs in `out_dir` (default: output.dir) and their store."""
    target = out_dir if out_dir is not None else config.resolve(config.output.dir)
    # open_store: on PostgreSQL, the brief's own namespace (its name), where its pipeline wrote.
    archive = Archive(config, target, open_store(config, out_dir))
    guard = Guard(token)
    from ..render.html import environment

    env = environment(config)
    env.filters["marked"] = marked
    env.filters["moment"] = lambda value: f"{value:%d %b %Y %H:%M} {value.tzname() or ''}".strip()
    env.globals.update(feedback_enabled=feedback, csrf=guard.csrf_token())

    def page(request: Request, template: str, data: dict[str, Any], status: int = 200) -> Response:
        if wants_json(request):
            return JSONResponse(jsonable(data), status_code=status)
        body = env.get_template(template).render(**data, path=request.url.path)
        return HTMLResponse(body, status_code=status)

    def error(request: Request, status: int, message: str) -> Response:
        return page(request, "serve-error.html", {"title": config.title, "status": status, "error": message}, status)

    def view(build: Any, template: str) -> Any:
        """A GET route: the page's data built off the event loop, then rendered or answered as JSON."""
        async def endpoint(request: Request) -> Response:
            try:
                data = await run_in_threadpool(build, request)
            except NotFound as exc:
                return error(request, 404, str(exc))
            except BadRequest as exc:
                return error(request, 400, str(exc))
            return data if isinstance(data, Response) else page(request, template, data)
        return endpoint

    def brief_page(request: Request) -> Any:
        day = _day(request.path_params["day"], "date")
        if wants_json(request):
            return pages.brief_data(archive, day)
        path = archive.brief_file(day, "html")
        if not path.is_file():
            raise NotFound(f"no HTML brief for {day} in {archive.out_dir}")
        html = path.read_text(encoding="utf-8")
        nav = env.get_template("serve-nav.html").render(date=day, path=request.url.path)
        if feedback:
            html, nav = verdicts_on(html, nav, day, request)
        html = BODY_TAG.sub(lambda m: m.group(0) + nav, html, count=1)
        return HTMLResponse(html)

    def verdicts_on(html: str, nav: str, day: date, request: Request) -> tuple[str, str]:
        """The brief with verdict controls beside its themes' stories and points, the notice
        of a verdict just kept where it was given (or under the navigation)."""
        try:
            data = pages.brief_data(archive, day)
        except NotFound:
            return html, nav  # an HTML-only brief: nothing to match the controls to
        kept = request.query_params.get("recorded", "")
        recorded = int(kept) if kept.isdigit() else None
        template = env.get_template("serve-verdicts.html")
        html, placed = briefpage.with_verdicts(html, data, template, csrf=guard.csrf_token(), recorded=recorded,
                                               at=request.query_params.get("at"))
        nav += str(template.module.style())  # type: ignore[attr-defined]
        if recorded is not None and not placed:
            nav += briefpage.notice(template, recorded)
        return html, nav

    def brief_file(request: Request) -> Any:
        day, fmt = _day(request.path_params["day"], "date"), request.path_params["fmt"]
        if fmt not in FILE_TYPES:
            raise NotFound(f"no format {fmt!r}: the formats are {', '.join(FILE_TYPES)}")
        path = archive.brief_file(day, fmt)
        if not path.is_file():
            raise NotFound(f"no {fmt.upper()} brief for {day}")
        return FileResponse(path, media_type=FILE_TYPES[fmt])

    def feedback_page(request: Request) -> Any:
        data = pages.feedback_page(archive, _day(request.path_params["day"], "date"))
        return data | {"csrf": guard.csrf_token() if feedback else None, "enabled": feedback,
                       "recorded": request.query_params.get("recorded")}

    def search_page(request: Request) -> Any:
        return pages.search(archive, search_query(request, archive))

    async def post_feedback(request: Request) -> Response:
        if not feedback:
            return error(request, 403, "the archive is read-only: start `briefgen serve --feedback` to record feedback")
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        if not guard.csrf_ok(request, form.get("csrf") or request.headers.get("x-csrf-token")):
            return error(request, 403, "feedback refused: the form token is missing or wrong (reload the page)")
        if form.get("back") not in (None, "", "brief", "feedback"):
            return error(request, 400, "back: must be `brief` or `feedback`")
        try:
            done = await run_in_threadpool(record_feedback, config, target, form)
        except BadRequest as exc:
            return error(request, 400, str(exc))
        except BriefgenError as exc:
            return error(request, 400, str(exc))
        if wants_json(request):
            return JSONResponse(jsonable({"recorded": done}), status_code=201)
        return RedirectResponse(back_to(form, len(done)), status_code=303)

    routes = [
        Route("/", view(lambda r: pages.briefs(archive), "serve-briefs.html")),
        Route("/briefs/{day}", view(brief_page, "")),
        Route("/briefs/{day}/feedback", view(feedback_page, "serve-feedback.html")),
        Route("/briefs/{day}/{fmt}", view(brief_file, "")),
        Route("/feedback", post_feedback, methods=["POST"]),
        Route("/stories/{day}/{story}", view(lambda r: pages.story(archive, _day(r.path_params["day"], "date"),
                                                                    r.path_params["story"]), "serve-story.html")),
        Route("/themes", view(lambda r: pages.themes(archive), "serve-themes.html")),
        Route("/themes/{key}", view(lambda r: pages.theme(archive, r.path_params["key"]), "serve-theme.html")),
        Route("/entities", view(lambda r: pages.entities(archive), "serve-entities.html")),
        Route("/entities/{name:path}", view(lambda r: pages.entity(archive, r.path_params["name"]), "serve-entity.html")),
        Route("/search", view(search_page, "serve-search.html")),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = {404: "no such page", 405: "method not allowed"}.get(status, "error")
        return error(request, status, f"{message}: {request.method} {request.url.path}")

    app = Starlette(routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=guard)],
                    exception_handlers={HTTPException: http_error})
    app.state.archive = archive
    return app


def search_query(request: Request, archive: Archive) -> SearchQuery:
    params = request.query_params
    theme = params.get("theme") or None
    if theme and theme not in {t.key for t in archive.config.themes}:
        raise BadRequest(f"theme: no theme {theme!r} (the themes are {', '.join(t.key for t in archive.config.themes)})")
    page_number = params.get("page") or "1"
    if not page_number.isdigit() or int(page_number) < 1:
        raise BadRequest(f"page: {page_number!r} is not a page number")
    entity = params.get("entity") or None
    start, end = _day(params.get("from"), "from"), _day(params.get("to"), "to")
    if start and end and start > end:
        raise BadRequest(f"from {start} is after to {end}")
    return SearchQuery(
        text=params.get("q", "")[:500], start=start, end=end, theme=theme, source=params.get("source") or None,
        entity_names=pages.entity_names(archive, entity) if entity else (),
        limit=pages.PAGE_SIZE, offset=(int(page_number) - 1) * pages.PAGE_SIZE,
    )


def record_feedback(config: Config, out_dir: Path, form: dict[str, str]) -> list[dict[str, Any]]:
    """Keep a verdict on a passage, or on each lead passage of a story, through `briefgen feedback`'s code."""
    from ..feedback import record

    day = _day(form.get("date"), "date")
    theme, verdict = form.get("theme", ""), form.get("verdict", "")
    if verdict not in ("is", "not"):
        raise BadRequest("verdict: must be `is` or `not`")
    if day is None:
        raise BadRequest("date: missing")
    ids = [form["passage"]] if form.get("passage") else form.get("passages", "").split()
    if not ids:
        raise BadRequest("passage: missing (or passages, for a story)")
    done = []
    for passage_id in ids:
        kept = record(config, passage_id, theme, verdict == "is", day=day, out_dir=out_dir)
        r = kept.record
        done.append({"number": r.number, "theme": r.theme, "verdict": r.verdict, "passage_id": r.passage_id,
                     "text": r.text, "brief_date": r.brief_date, "warning": kept.warning})
    return done


def back_to(form: dict[str, str], recorded: int) -> str:
    """Where a form's verdict returns: the brief's page (`back=brief`) or its feedback page,
    at the form's `anchor`, saying how many verdicts were kept."""
    day, back, anchor = _day(form.get("date"), "date"), form.get("back") or "feedback", form.get("anchor") or ""
    # Only an id of the page's own making: the address is built here, never taken from the form.
    if not briefpage.ANCHOR.fullmatch(anchor):
        anchor = ""
    params = {"recorded": recorded, **({"at": anchor} if anchor else {})}
    page = f"/briefs/{day}" if back == "brief" else f"/briefs/{day}/feedback"
    return f"{page}?{urlencode(params)}" + (f"#{anchor}" if anchor else "")


def marked(text: str) -> Markup:
    """A highlighted title or excerpt: the text escaped, its matches in <mark>."""
    return Markup(str(escape(text)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def jsonable(value: Any) -> Any:
    """Page data as JSON: dates in ISO 8601, highlights as plain text with their `matches`, no SVG."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(item, Markup):
                continue
            if isinstance(item, str) and MARK_START in item:
                out[f"{key}_matches"] = pages.matches(item)
                item = pages.plain(item)
            out[key] = jsonable(item)
        return out
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name}: {value[:40]!r} is not a date like 2024-01-17") from None

