"""The base every section of the schema shares, and the checks more than one section uses."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

WINDOW_RE = re.compile(r"^(all|\d+[hd])$")


class Model(BaseModel):
    """A section of `sources.yaml`: frozen, and strict about its keys."""

    # Unknown keys are typos far more often than intent: reject them (with a hint).
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_window(value: str | None) -> str | None:
    if value is not None and not WINDOW_RE.match(value):
        raise ValueError(f"{value!r} is not a window: use 'all', hours like '24h' or days like '7d'")
    return value
