"""What the brief looks for: themes and the entities it should recognise."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .base import Model

ENTITY_KINDS = ("person", "organisation", "place", "country")
KEY_RE = re.compile(r"^[a-z][a-z0-9_-]*$")


class ThemeConfig(Model):
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
    requires: list[str] = Field(
        default_factory=list,
        description=(
            "All-of groups: each entry ('ship|vessel|tanker') must be found in the passage "
            "or its article's title for the theme to be assigned, whatever the score (or, for a "
            "passage that tells more of what its article reported, 'these attacks', in the "
            "passage of the article that reached the theme)."
        ),
    )
    title_meets_requires: bool = Field(
        True,
        description=(
            "Whether the article's title may meet a `requires` group for its passages. False: "
            "each passage must name the group itself (or tell more of a passage that did), for "
            "a theme that is a change reported, not a scene ('traffic through the canal fell': "
            "the canal's share of trade, under that title, is background)."
        ),
    )
    context: float = Field(
        1.0, ge=0, le=5,
        description=(
            "Weight of the article around a passage (its title, its lead, its neighbours): "
            "up to this much is added to a passage with evidence of its own in an article "
            "about the theme, and taken from one in an article against it. 0: passages alone."
        ),
    )
    examples: list[str] = Field(
        default_factory=list,
        description="Example sentences; similarity to them counts as evidence.",
    )
    weight: float = Field(
        1.0, ge=0, le=10,
        description="How much a story in this theme counts when the day's stories are ranked (1 = as much as any other theme).",
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


class ScopeConfig(Model):
    """What the brief is about as a whole: an article outside it reaches no theme, and gives
    no quote, name, date or other development."""

    label: str = Field(min_length=1, description="What the scope is, in words ('the Korean peninsula'), for the brief and logs.")
    terms: list[str] = Field(
        min_length=1,
        description=(
            "Names and places that put an article in scope, in any language the brief reads; "
            "'a|b' alternatives. A term in Hangul or another script without spaces between "
            "words also matches inside a longer word (북한 in 북한은)."
        ),
    )
    exclude: list[str] = Field(
        default_factory=list,
        description=(
            "Subjects that are another story told in the scope's places: an article whose title "
            "or lead names one of them, and neither names the scope, is out of scope however "
            "often it names the scope further down ('pirate*|piracy' for the Red Sea: counter-"
            "piracy off Somalia lists the Red Sea among its waters). 'a|b' alternatives. A name "
            "of several words takes a scope name inside it, longest match first ('guinea-bissau' "
            "is not 'guinea')."
        ),
    )
    min_share: float = Field(
        0.15, gt=0, le=1,
        description=(
            "An article is in scope when its title or its lead (first passage) names the "
            "scope, or two of its passages or more do and they are at least this share of them."
        ),
    )


class EntityConfig(Model):
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
