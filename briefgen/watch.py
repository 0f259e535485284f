"""`briefgen watch`: between briefs, poll the feeds and send flash alerts on the config's rules.

Each poll fetches every enabled source the way a brief does (feeds with conditional GET,
through `pipeline.refresh`), groups the articles of the last `watch.lookback` into stories
as the brief would, and checks each story against each rule. A story alerts once per rule;
when `update_after` more outlets report it later, it alerts once more (an update), and
never again. An alert is recorded before it is sent (see `store.alerts`), so no run, however
it dies, sends one twice.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from .config import AlertRule, Config
from .deliver.alerts import AlertMessage, send_alert
from .models import Article, Story, Window
from .pause import pause_at
from .store import Store

log = logging.getLogger(__name__)


@dataclass
class PollResult:
    stories: int = 0
    # (rule, story key, level, channel, status) of every alert this poll tried.
    sent: list[tuple[str, str, int, str, str]] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # rules in quiet hours or at their rate limit


def watch(config: Config, *, once: bool = False, out_dir: Path | None = None, stop: threading.Event | None = None,
          clock: Callable[[], datetime] | None = None) -> int:
    """Poll until stopped (or once); returns how many alerts were sent."""
    from .pipeline import open_store

    stop = stop or threading.Event()
    clock = clock or (lambda: datetime.now(config.tz).replace(microsecond=0))
    if not config.alerts:
        log.warning("no rules under `alerts:` in the config: watch fetches, and alerts on nothing")
    sent = 0
    with open_store(config, out_dir) as store:
        for orphan in store.orphaned_alerts():
            log.warning("alert %s of %s (%s) to %s may have been sent by a run that stopped: not sent again",
                        orphan.id, orphan.rule, orphan.headline[:60], orphan.channel)
        while True:
            result = poll(config, store, clock())
            sent += sum(1 for *_, status in result.sent if status == "sent")
            if once or stop.wait(config.watch.interval):
                return sent


def watch_job(config: Config) -> Callable[[], None]:
    """The scheduler's flash-alert job: one poll per call, its errors logged, never raised."""
    started = threading.Event()

    def job() -> None:
        from .pipeline import open_store

        try:
            with open_store(config) as store:
                if not started.is_set():
                    started.set()
                    for orphan in store.orphaned_alerts():
                        log.warning("alert %s of %s to %s may have been sent by a run that stopped: not sent again",
                                    orphan.id, orphan.rule, orphan.channel)
                poll(config, store, datetime.now(config.tz).replace(microsecond=0))
        except Exception as exc:  # the scheduler carries on: the next poll tries again
            log.error("flash alerts: poll failed: %s: %s", type(exc).__name__, exc)

    return job


def poll(config: Config, store: Store, now: datetime) -> PollResult:
    """One round: fetch, group into stories, alert on every rule."""
    from . import analyse
    from .pipeline import refresh, stored_articles

    refresh(config, store, now=now, progress=False)
    span = Window(f"{config.watch.lookback}s", now - timedelta(seconds=config.watch.lookback), now, basis="watch.lookback")
    articles = [a for a in stored_articles(config, store, span, until=now + timedelta(seconds=1))
                if span.contains(a.date) or (a.first_seen is not None and span.contains(a.first_seen))]
    result = PollResult()
    if not articles or not config.alerts:
        return result
    stories = analyse.analyse(articles, config, day=now.date(), window=span).stories
    result.stories = len(stories)
    by_id = {a.id: a for a in articles}
    for rule in config.alerts:
        if rule.quiet(now.time()):
            log.info("alert rule %s: quiet hours (%s), nothing sent now", rule.name, rule.quiet_hours)
            result.held.append(rule.name)
            continue
        for story in stories:
            if not matches(rule, story, by_id, config):
                continue
            if not _alert(config, store, rule, story, now, result):
                result.held.append(rule.name)
                break
    return result


def matches(rule: AlertRule, story: Story, articles: dict[str, Article], config: Config) -> bool:
    """Whether a story meets every condition the rule gives."""
    if story.reported_by < rule.min_sources:
        return False
    if rule.theme is not None and rule.theme not in story.themes:
        return False
    texts = [f"{articles[a].title}\n{articles[a].text}" for a in story.article_ids if a in articles]
    if rule.entity is not None:
        names = _entity_names(config, rule.entity)
        # Gazetteer names match case-sensitively, as in the brief.
        if not any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", t) for n in names for t in texts):
            return False
    if rule.terms and not any(re.search(rf"(?<!\w){re.escape(term)}(?!\w)", t, re.I) for term in rule.terms for t in texts):
        return False
    return True


def _entity_names(config: Config, name: str) -> Sequence[str]:
    for entity in config.entities:
        if name == entity.name or name in entity.aliases:
            return [entity.name, *entity.aliases]
    return [name]


def _alert(config: Config, store: Store, rule: AlertRule, story: Story, now: datetime, result: PollResult) -> bool:
    """Send what this story owes the rule (its first alert, its one update, or a retry);
    False when the rule's rate limit holds the rest back."""
    earlier = store.rule_alerts(rule.name)
    mine = set(story.article_ids)
    known = [a for a in earlier if mine & set(a.article_ids)]
    # The story as first alerted keeps its key however it grows or splits.
    key = known[0].story_key if known else story.id
    first = [a for a in known if a.story_key == key and a.level == 1]
    levels = [1]
    if first and story.reported_by >= first[0].reported_by + rule.update_after:
        levels.append(2)
    channels = ([f"email:{r}" for r in rule.email]) + (["webhook"] if rule.webhook else [])
    done = {(a.level, a.channel) for a in known if a.story_key == key and a.status != "failed"}
    for level in levels:
        owed = [c for c in channels if (level, c) not in done]
        if not owed:
            continue
        fresh = not any(a.story_key == key and a.level == level for a in known)
        if fresh and store.alerts_since(rule.name, now - timedelta(hours=1)) >= rule.rate_limit:
            log.warning("alert rule %s: %d alerts in the last hour (rate_limit); the rest wait for the next poll",
                        rule.name, rule.rate_limit)
            return False
        for channel in owed:
            claimed = store.claim_alert(rule.name, key, level, channel, story.reported_by, story.headline,
                                        story.article_ids, now)
            if claimed is None:
                continue
            message = AlertMessage(rule.name, level, story.headline, describe(config, rule, story, level), claimed.id)
            outcome = send_alert(config, channel, message)
            # A test stops here to kill the run between the send and its record.
            pause_at("alerted")
            store.finish_alert(claimed.id, status=outcome.status, error=outcome.error, now=now)
            log.info("alert %s (%s, %s) to %s: %s", rule.name, "update" if level > 1 else "new", story.headline[:60],
                     channel, outcome.status)
            result.sent.append((rule.name, key, level, channel, outcome.status))
    return True


def describe(config: Config, rule: AlertRule, story: Story, level: int) -> str:
    """The alert in plain text: the rule, the story's headline and lead, who reports it."""
    head = f"{'Update' if level > 1 else 'Alert'} · {rule.name} · {config.title}"
    outlets = f"Reported by {story.reported_by} outlet{'s' if story.reported_by != 1 else ''}: {', '.join(story.sources)}"
    lines = [head, story.headline]
    if story.lead_text:
        lines.append(story.lead_text)
    lines.append(outlets)
    return "\n\n".join(lines)
