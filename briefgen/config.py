"""The typed, validated schema of `sources.yaml`, and its loader."""

from __future__ import annotations

import difflib
import re
import string
from datetime import time
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from .errors import ConfigError

FORMATS = ("html", "pdf", "json", "md")
SOURCE_TYPES = ("wire", "newspaper", "state media", "government", "think tank", "social")
ENTITY_KINDS = ("person", "organisation", "place", "country")
WINDOW_RE = re.compile(r"^(all|\d+[hd])$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
ADDRESS_RE = re.compile(r"^[^@\s<>,;:\"()\[\]]+@[^@\s<>,;:\"()\[\]]+$")
DURATION_RE = re.compile(r"^(\d+)\s*([smh]?)$")
SUBJECT_FIELDS = ("title", "date", "longdate", "first_point")
DEFAULT_SUBJECT = "{title} · {date} · {first_point}"


class _Model(BaseModel):
    # Unknown keys are typos far more often than intent: reject them (with a hint).
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_window(value: str | None) -> str | None:
    if value is not None and not WINDOW_RE.match(value):
        raise ValueError(f"{value!r} is not a window: use 'all', hours like '24h' or days like '7d'")
    return value


class SourceConfig(_Model):
    """One input: a local `path` (file, folder or glob) or a feed `url`."""

    name: str = Field(min_length=1, description="Name shown in citations and source health.")
    path: str | None = Field(None, description="File, folder or glob, relative to the config file.")
    url: str | None = Field(None, description="RSS/Atom/JSON feed URL (http or https).")
    window: str | None = Field(
        None, description="Overrides brief.window for this source; 'all' keeps it always in scope."
    )
    enabled: bool = Field(True, description="false keeps the source in the file but skips it.")
    fetch: bool = Field(
        True, description="Feeds only: false never fetches this feed; the brief uses what is stored."
    )
    fulltext: bool = Field(
        False,
        description="Feeds only: fetch each new item's web page and use its article text instead of the feed summary.",
    )
    type: Literal["wire", "newspaper", "state media", "government", "think tank", "social"] | None = Field(
        None, description="What kind of outlet it is; shown with its citations."
    )
    reliability: Literal["A", "B", "C", "D", "E", "F"] | None = Field(
        None,
        description="Source reliability as analysts grade it: A (reliable) to E (unreliable), F (cannot be judged).",
    )

    @field_validator("window")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        return _check_window(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @model_validator(mode="after")
    def _one_target(self) -> SourceConfig:
        if (self.path is None) == (self.url is None):
            raise ValueError("give exactly one of 'path' or 'url'")
        if self.path is not None:
            wrong = [k for k in ("fetch", "fulltext") if k in self.model_fields_set]
            if wrong:
                verb = "apply" if len(wrong) > 1 else "applies"
                raise ValueError(f"{' and '.join(repr(k) for k in wrong)} only {verb} to feed sources ('url')")
        return self


class ThemeConfig(_Model):
    """A theme and the evidence that puts a passage in it."""

    key: str = Field(description="Stable identifier used in JSON and file names.")
    label: str = Field(min_length=1, description="Heading shown in the brief.")
    terms: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Words or phrases and their weight. A trailing * matches any ending "
            "('launch*'); plurals match on their own; 'a|b|c' are alternatives that "
            "count once. Negative weights are context that argues against the theme."
        ),
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="Words or phrases that veto the theme for a passage (e.g. 'oil drilling').",
    )
    examples: list[str] = Field(
        default_factory=list,
        description="Example sentences; similarity to them counts as evidence.",
    )
    example_weight: float = Field(
        3.0, ge=0, description="Score added per unit of cosine similarity to the closest example."
    )
    threshold: float = Field(2.0, gt=0, description="Score a passage needs to join the theme.")

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY_RE.match(value):
            raise ValueError(f"{value!r} must be lower-case letters, digits, '-' or '_'")
        return value

    @field_validator("terms", mode="before")
    @classmethod
    def _terms(cls, value: Any) -> Any:
        # A plain list is the common case: every term weighs 1.
        if isinstance(value, list):
            return {str(t): 1.0 for t in value}
        return value

    @model_validator(mode="after")
    def _has_evidence(self) -> ThemeConfig:
        if not self.terms and not self.examples:
            raise ValueError("a theme needs 'terms' or 'examples'")
        return self


class EntityConfig(_Model):
    """A name the brief should recognise, and the other names it goes by."""

    name: str = Field(min_length=1, description="Canonical name shown in the brief.")
    kind: Literal["person", "organisation", "place", "country"] = Field(description="What it is.")
    aliases: list[str] = Field(
        default_factory=list,
        description="Other spellings and names, matched case-sensitively ('DPRK', 'Pyongyang').",
    )

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        if any(not a.strip() for a in value):
            raise ValueError("an alias cannot be empty")
        return value


class BriefConfig(_Model):
    """What goes into a brief."""

    window: str = Field("24h", description="Default time window: 'all', '24h', '7d'...")
    cutoff: time | None = Field(
        None,
        description="Time of day (HH:MM) on the brief date at which the window ends; default end of day.",
    )
    bottom_line: int = Field(5, ge=1, le=10, description="Most points in the bottom line.")
    summary_points: int = Field(4, ge=1, le=20, description="Most summary points per theme.")
    other_points: int = Field(5, ge=0, le=50, description="Most points under 'Other developments'.")
    quotes: int = Field(10, ge=0, le=50, description="Most key quotes shown; attributed quotes come first.")
    timeline_events: int = Field(30, ge=0, le=200, description="Most timeline events shown.")
    entities_per_kind: int = Field(
        12, ge=0, le=100, description="Most people (and as many organisations, places...) shown."
    )
    emerging_topics: int = Field(3, ge=0, le=20, description="Most emerging topics shown.")
    emerging_min_passages: int = Field(
        3, ge=2, description="Passages a cluster of unthemed passages needs to show as an emerging topic."
    )
    emerging_min_articles: int = Field(
        2, ge=1, description="Distinct articles an emerging topic must draw on."
    )

    @field_validator("window")
    @classmethod
    def _window(cls, value: str) -> str:
        return _check_window(value) or value

    @field_validator("cutoff", mode="before")
    @classmethod
    def _cutoff(cls, value: Any) -> Any:
        # YAML reads 06:00 as the integer 360 (sexagesimal); accept it as minutes.
        if isinstance(value, int) and not isinstance(value, bool):
            return time(value // 60 % 24, value % 60)
        return value


class OutputConfig(_Model):
    """Where and how the brief is written."""

    dir: str = Field("out", description="Output folder, relative to the config file.")
    formats: list[Literal["html", "pdf", "json", "md"]] = Field(
        default_factory=lambda: list(FORMATS), description="Which files to write."
    )
    templates: str | None = Field(
        None, description="Folder whose templates and CSS shadow the shipped ones, file by file."
    )
    distribution: str | None = Field(
        None,
        max_length=120,
        description="Handling line shown on the title block and every PDF page, e.g. 'Internal — do not forward'.",
    )

    @field_validator("distribution")
    @classmethod
    def _distribution(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValueError("must be one line of text (no line breaks or control characters)")
        # An empty or blank line means "no distribution line", not an empty banner.
        return " ".join(value.split()) or None


SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)i?[bB]?\s*$")
SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(value: Any) -> Any:
    """'5 MB', '512KB', '5MiB' or a plain number of bytes -> bytes; anything else is left to fail."""
    if isinstance(value, str):
        match = SIZE_RE.match(value)
        if not match:
            raise ValueError(f"{value!r} is not a size: use bytes or e.g. '5 MB', '512 KB'")
        return int(float(match.group(1)) * SIZE_UNITS[match.group(2).lower()])
    return value


class FeedsConfig(_Model):
    """How feeds are fetched: limits that keep a run bounded and polite."""

    connect_timeout: float = Field(10, gt=0, description="Seconds to wait for a connection.")
    read_timeout: float = Field(20, gt=0, description="Seconds to wait for the next bytes of a response.")
    deadline: float = Field(
        60, gt=0, description="Seconds one feed may take in all, retries and waits included."
    )
    max_size: int = Field(
        5 * 1024**2, gt=0, description="Largest response accepted (after decompression): bytes, or '5 MB'."
    )
    max_redirects: int = Field(5, ge=0, le=20, description="Redirects followed before giving up.")
    retries: int = Field(
        2, ge=0, le=10, description="Extra attempts after a timeout, HTTP 429 or HTTP 5xx."
    )
    backoff: float = Field(
        1.0, ge=0, description="Seconds before the first retry; doubled for each further one."
    )
    retry_after_max: float = Field(
        60, ge=0, description="Longest Retry-After wait honoured; a longer one fails the feed for this run."
    )
    concurrency: int = Field(16, ge=1, le=256, description="Requests in flight at once, over all hosts.")
    per_host: int = Field(2, ge=1, le=16, description="Requests in flight at once to one host.")
    fulltext_timeout: float = Field(
        15, gt=0, description="Seconds to fetch and extract one page for 'fulltext: true' sources."
    )
    stale_days: int = Field(
        3, ge=1, description="A feed failing on every run for this many days running is flagged stale."
    )

    @field_validator("max_size", mode="before")
    @classmethod
    def _size(cls, value: Any) -> Any:
        return parse_size(value)


class ScheduleConfig(_Model):
    """When `briefgen schedule` makes the brief, and how long a run may take."""

    cron: str = Field(
        "0 6 * * *",
        description=(
            "Crontab fields 'minute hour day month weekday' in `timezone` (weekday 0 or 7 is "
            "Sunday); a sixth, leading field gives seconds ('30 0 6 * * *')."
        ),
    )
    deadline: int = Field(
        1800,
        gt=0,
        description="Seconds a scheduled run may take before it is stopped; '30m' and '2h' work too.",
        # The file may say "30m"; the model holds seconds.
        json_schema_extra={"type": ["integer", "string"]},
    )

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        from .schedule import cron_trigger

        cron_trigger(value, "UTC")
        return value

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = DURATION_RE.match(value.strip())
            if not match:
                raise ValueError(f"{value!r} is not a duration: use seconds, or '30m', '2h'")
            return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]
        return value


def _check_address(value: str) -> str:
    name, address = parseaddr(value)
    # CR/LF would let an address add headers of its own.
    if not address or "\n" in value or "\r" in value or not ADDRESS_RE.match(address):
        raise ValueError(f"{value!r} is not an email address (user@example.org or 'Name <user@example.org>')")
    return value


class EmailConfig(_Model):
    """How `--email`, `send` and the scheduler email the brief over SMTP."""

    host: str = Field(min_length=1, description="SMTP server host name or address.")
    port: int | None = Field(
        None, ge=1, le=65535, description="SMTP port; default 587 for starttls, 465 for ssl, 25 for none."
    )
    security: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="starttls (upgrade after connecting), ssl (TLS from the start) or none."
    )
    username: str | None = Field(None, description="SMTP login; needs password_env.")
    password_env: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable that holds the SMTP password.",
    )
    # Only here to say where the password goes instead: it is rejected whenever given.
    password: SkipJsonSchema[Any] = Field(None, exclude=True)
    ca_file: str | None = Field(
        None, description="PEM file of CA certificates that sign the server's; default the system's."
    )
    from_: str = Field(alias="from", description="Sender address, optionally 'Name <address>'.")
    to: list[str] = Field(default_factory=list, description="Recipients shown in To.")
    cc: list[str] = Field(default_factory=list, description="Recipients shown in Cc.")
    bcc: list[str] = Field(default_factory=list, description="Recipients not shown to the others.")
    subject: str = Field(
        DEFAULT_SUBJECT,
        description="Subject template with {title}, {date} (YYYY-MM-DD), {longdate} and {first_point} (the first bottom-line point).",
    )
    max_attachment_mb: float = Field(
        5, ge=0, description="A PDF larger than this is not attached; the message says where it is."
    )
    timeout: float = Field(30, gt=0, description="Seconds to wait for the server at each step.")
    retries: int = Field(
        3, ge=0, le=10, description="Retries after a connection failure or a 4xx reply before the data is sent."
    )
    backoff: float = Field(2.0, ge=0, description="Seconds before the first retry; doubled for each next one.")

    @field_validator("password")
    @classmethod
    def _no_password(cls, value: Any) -> Any:
        if value is not None:
            raise ValueError(
                "the password never goes in the config file: put it in an environment "
                "variable and set password_env to that variable's name"
            )
        return value

    @field_validator("from_")
    @classmethod
    def _from(cls, value: str) -> str:
        return _check_address(value)

    @field_validator("to", "cc", "bcc")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for item in value:
            _check_address(item)
        return value

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str) -> str:
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        except ValueError as exc:
            raise ValueError(f"not a subject template: {exc}") from None
        unknown = [n for n in names if n not in SUBJECT_FIELDS]
        if unknown:
            known = ", ".join("{" + f + "}" for f in SUBJECT_FIELDS)
            raise ValueError(f"unknown field {{{unknown[0]}}}: use {known}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> EmailConfig:
        if not self.recipients:
            raise ValueError("give at least one recipient in to, cc or bcc")
        lowered = [r.lower() for r in self.recipients]
        dupes = sorted({r for r in lowered if lowered.count(r) > 1})
        if dupes:
            raise ValueError(f"recipient listed twice: {', '.join(dupes)}")
        if self.username and not self.password_env:
            raise ValueError("username needs password_env (the name of the variable holding the password)")
        if self.password_env and not self.username:
            raise ValueError("password_env needs username")
        return self

    @property
    def recipients(self) -> list[str]:
        """Every envelope recipient's bare address: to, then cc, then bcc."""
        return [parseaddr(r)[1] for r in (*self.to, *self.cc, *self.bcc)]

    @property
    def smtp_port(self) -> int:
        return self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.security]


class Config(_Model):
    """The whole of `sources.yaml`."""

    title: str = Field("Daily Brief", min_length=1, description="Title of every brief.")
    timezone: str = Field("UTC", description="IANA time zone that defines 'today' and the window.")
    sources: list[SourceConfig] = Field(min_length=1, description="Inputs of the brief.")
    themes: list[ThemeConfig] = Field(min_length=1, description="Themes the brief is organised by.")
    entities: list[EntityConfig] = Field(
        default_factory=list, description="Gazetteer of people, organisations, places and countries."
    )
    brief: BriefConfig = Field(default_factory=BriefConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)
    feeds: FeedsConfig = Field(default_factory=FeedsConfig)
    store: str | None = Field(
        None,
        description="SQLite file (path or sqlite:///path URL) for articles, feed state and runs; default <output.dir>/.briefgen/briefgen.sqlite3.",
    )
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    email: EmailConfig | None = Field(None, description="SMTP delivery; without it nothing is emailed.")

    # Where the file was read from: relative paths in it are relative to this folder.
    base_dir: Path = Field(default=Path("."), exclude=True)

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. 'Asia/Seoul')") from None
        return value

    @model_validator(mode="after")
    def _unique(self) -> Config:
        for what, keys in (
            ("themes", [t.key for t in self.themes]),
            ("sources", [s.name for s in self.sources]),
        ):
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise ValueError(f"{what}: duplicate {'key' if what == 'themes' else 'name'} {', '.join(map(repr, dupes))}")
        # One alias naming two entities would merge them: say which, by path.
        owner: dict[str, str] = {}
        problems = []
        for n, entity in enumerate(self.entities):
            for alias in dict.fromkeys([entity.name, *entity.aliases]):
                if alias in owner and owner[alias] != entity.name:
                    problems.append(f"entities[{n}]: {alias!r} already names {owner[alias]!r}")
                owner.setdefault(alias, entity.name)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolve(self, relative: str) -> Path:
        """A path from the config, made absolute against the config file's folder."""
        path = Path(relative).expanduser()
        return path if path.is_absolute() else self.base_dir / path


def load_config(path: str | Path) -> Config:
    """Read, parse and validate a config file; raise ConfigError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot read: {exc}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        problem = exc.problem or exc.context or "syntax error"
        raise ConfigError(str(path), [f"{where}: YAML syntax error: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise ConfigError(str(path), [f"YAML error: {exc}"]) from None
    return parse_config(data, source=str(path), base_dir=path.resolve().parent)


def parse_config(data: Any, source: str = "<config>", base_dir: Path | None = None) -> Config:
    if not isinstance(data, dict):
        raise ConfigError(source, ["the file must be a mapping of keys (title, sources, themes...)"])
    try:
        return Config.model_validate({**data, "base_dir": base_dir or Path(".")})
    except ValidationError as exc:
        raise ConfigError(source, [_describe(err) for err in exc.errors()]) from None


def _describe(err: dict[str, Any]) -> str:
    loc = tuple(err["loc"])
    path = _path(loc)
    kind = err["type"]
    if kind == "missing":
        return f"{path}: field required"
    if kind == "extra_forbidden":
        known = _fields_at(loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        suffix = f" (did you mean '{hint[0]}'?)" if hint else f" (known keys: {', '.join(known)})"
        return f"{path}: unknown key{suffix}"
    message = err["msg"].removeprefix("Value error, ")
    return f"{path}: {message}" if path else message


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """The keys the schema allows at a location, for 'did you mean' hints."""
    model: Any = Config
    for part in loc:
        if isinstance(part, int):
            continue
        field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        if field is None:
            return []
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if model is None:
            return []
    return [f.alias or name for name, f in model.model_fields.items() if not f.exclude]


def json_schema() -> dict[str, Any]:
    """The published schema of sources.yaml."""
    schema = Config.model_json_schema()
    schema.get("properties", {}).pop("base_dir", None)
    return schema
