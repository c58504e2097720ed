"""How the regional report names jurisdictions, and which of its breakdowns it may show.

- By default a jurisdiction appears by name only if its team opted in (``ReportPreference``);
  any other is counted in the figures but never named.
- Anonymized, every jurisdiction is labelled "Jurisdiction A", "B", ..., "Z", "AA", ...: the
  letters are drawn at random the first time and kept (``ReportLabel``), so a label stays the same
  from one compile to the next, a team that enrolls later takes the next letter, and a label says
  nothing of who joined when (an order a reader may know). Lists go in label order. No figure is
  broken down by jurisdiction kind (county or city), and no figure of fewer than ``MIN_GROUP``
  jurisdictions is shown.
- A breakdown that shows some jurisdictions' figures beside their total must not let a reader
  work out one that is left out: while the jurisdictions left out are fewer than ``MIN_GROUP``,
  more are left out (``safe_breakdown``).
- People are counted, never named; typed text (a recommendation, a note) has every jurisdiction
  name it contains replaced by what the report may call that jurisdiction (``scrub``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from random import SystemRandom
from typing import TypeVar, cast

from sqlalchemy import Select
from sqlalchemy import select as sql_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from assessment.cohorts.models import Jurisdiction, Team
from assessment.core.errors import Conflict
from assessment.reports.models import ReportLabel, ReportPreference

# The fewest jurisdictions a published figure may cover, and the fewest a breakdown may leave out.
MIN_GROUP = 3
MIN_SPREAD = 5  # the fewest figures whose lowest, median and highest are shown when some are not listed
LABEL = "Jurisdiction {}"
UNNAMED = "[a jurisdiction]"  # what typed text says in place of a jurisdiction that is not named

T = TypeVar("T")


def letters(index: int) -> str:
    """The ``index``-th (from 0) label letters: A ... Z, then AA, AB, ... (like spreadsheet columns)."""
    if index < 0:
        raise ValueError(f"a label index is 0 or more, not {index}")
    text = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def label_of(index: int) -> str:
    """The anonymized label at position ``index`` (from 0): "Jurisdiction A"."""
    return LABEL.format(letters(index))


@dataclass(frozen=True)
class Place:
    """A team of the cohort as the regional report knows it."""

    team_id: int
    jurisdiction_id: int
    name: str
    kind: str
    opted_in: bool
    label: str  # its anonymized label ("" unless the report is anonymized)


@dataclass(frozen=True)
class Naming:
    """The cohort's teams (in enrollment order; anonymized, in label order) and what the report calls each."""

    anonymized: bool
    places: list[Place]
    _by_name: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({p.name.casefold(): p for p in self.places})

    def shown(self, place: Place) -> str | None:
        """What the report calls ``place``: its label when anonymized, its name when its team opted
        in, else None (counted, not named)."""
        if self.anonymized:
            return place.label
        return place.name if place.opted_in else None

    def place_named(self, name: str) -> Place | None:
        """The cohort's team whose jurisdiction is called ``name`` (any case), if any."""
        return self._by_name.get(name.casefold())

    def shown_name(self, name: str) -> str | None:
        """What the report calls the jurisdiction called ``name`` (None: not named, or not in the cohort)."""
        place = self.place_named(name)
        return self.shown(place) if place is not None else None

    @property
    def named(self) -> list[Place]:
        """The teams the report names (in enrollment order) or labels (in label order)."""
        return [p for p in self.places if self.shown(p) is not None]

    def group_shown(self, jurisdictions: int) -> bool:
        """Whether a figure covering ``jurisdictions`` may be shown: anonymized, only from ``MIN_GROUP``."""
        return not self.anonymized or jurisdictions >= MIN_GROUP

    def order_of(self, name: str) -> tuple[int, str]:
        """Where the jurisdiction called ``name`` comes in a list the report shows: labelled, in label
        order; named, in alphabetical order."""
        place = self.place_named(name)
        if self.anonymized and place is not None:
            return self.places.index(place), ""
        return 0, name.casefold()

    def spread_shown(self, values: int, unlisted: int) -> bool:
        """Whether the lowest, median and highest of ``values`` jurisdictions' figures may be shown beside a
        breakdown that leaves ``unlisted`` of them out: from ``MIN_GROUP`` values when every one is listed
        anyway; else from ``MIN_SPREAD`` (of fewer, the three would be most of the figures themselves),
        and never while only one or two are left out (the extremes would then be known to be theirs)."""
        if unlisted == 0:
            return values >= MIN_GROUP
        return values >= MIN_SPREAD and unlisted >= MIN_GROUP

    @property
    def kinds_shown(self) -> bool:
        """Whether figures may be broken down by jurisdiction kind: never when anonymized."""
        return not self.anonymized

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        names = sorted({p.name for p in self.places if p.name.strip()}, key=len, reverse=True)
        if not names:
            return None
        # Longest first, so "Alder County Health" is replaced whole before "Alder County" could be.
        alternatives = "|".join(re.escape(name) for name in names)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def scrub(self, text: str) -> str:
        """``text`` with every cohort jurisdiction's name replaced by what the report calls it."""
        pattern = self._pattern
        if pattern is None or not text:
            return text

        def replaced(match: re.Match[str]) -> str:
            place = self.place_named(match.group(0))
            said = self.shown(place) if place is not None else None
            return said if said is not None else UNNAMED

        return pattern.sub(replaced, text)

    def note(self) -> str:
        """How the report names jurisdictions, in a sentence or two for its readers."""
        if self.anonymized:
            return (
                "Jurisdictions are not named: each is labelled with a letter (Jurisdiction A, B, ...) drawn at "
                "random, and the labels stay the same from one edition of this report to the next. "
                f"Figures are not broken down by county or city, and a figure that would cover fewer than {MIN_GROUP} "
                "jurisdictions is not shown."
            )
        named = len(self.named)
        total = len(self.places)
        if named == total:
            return "Every jurisdiction's team agreed to be named in this report."
        return (
            f"A jurisdiction is named only if its team agreed to be; {named} of {total} did. The others are counted "
            "in every figure but not named, and a figure for named jurisdictions is left out where it would let a "
            "reader work out one that is not named."
        )


def places_query(cohort_id: int) -> Select[int | None, int, str, str, bool | None]:
    """The cohort's teams in enrollment order (team id): jurisdiction, name, kind and opt-in."""
    return (
        sql_select(
            col(Team.id),
            col(Team.jurisdiction_id),
            col(Jurisdiction.name),
            col(Jurisdiction.kind),
            col(ReportPreference.named_in_regional),
        )
        .join(Jurisdiction, col(Jurisdiction.id) == col(Team.jurisdiction_id))
        .outerjoin(ReportPreference, col(ReportPreference.team_id) == col(Team.id))
        .where(col(Team.cohort_id) == cohort_id)
        .order_by(col(Team.id))
    )


def naming_of(session: Session, cohort_id: int, anonymize: bool) -> Naming:
    """How the report names the cohort's teams: whether each opted in and, anonymized, their labels
    (teams without one yet are given theirs), the teams then in label order."""
    rows = list(
        cast(Iterable[tuple[int, int, str, str, bool | None]], session.connection().execute(places_query(cohort_id)))
    )
    positions = label_positions(session, cohort_id, [team for team, *_ in rows]) if anonymize else {}
    places = [
        Place(team, place, name, kind, bool(opted), label_of(positions[team]) if team in positions else "")
        for team, place, name, kind, opted in rows
    ]
    if anonymize:
        places.sort(key=lambda p: positions[p.team_id])
    return Naming(anonymized=anonymize, places=places)


# How the teams that have no label yet are put in order before they take the next letters: at random,
# so a label says nothing of who joined when. Tests put their own in, to know which label is whose.
draw: Callable[[list[int]], None] = SystemRandom().shuffle
ATTEMPTS = 5  # another compile giving the same cohort's labels at the same moment: read theirs, try again


def label_positions(session: Session, cohort_id: int, teams: Sequence[int]) -> dict[int, int]:
    """Each team's label position (0: "Jurisdiction A"); teams without one are given the next ones, in
    ``draw``'s order, kept for good."""
    query = select(ReportLabel).where(ReportLabel.cohort_id == cohort_id)
    for _ in range(ATTEMPTS):
        positions = {label.team_id: label.position for label in session.exec(query)}
        missing = [team for team in teams if team not in positions]
        if not missing:
            return positions
        draw(missing)
        start = max(positions.values(), default=-1) + 1
        try:
            with session.begin_nested():
                for offset, team in enumerate(missing):
                    session.add(ReportLabel(team_id=team, cohort_id=cohort_id, position=start + offset))
        except IntegrityError:
            continue  # another compile took these positions first: read them and go on from there
        positions.update({team: start + offset for offset, team in enumerate(missing)})
        return positions
    raise Conflict("The labels of this cohort's jurisdictions changed while they were being given; compile again.")


def safe_breakdown(
    shown: Sequence[T], hidden: int, padded: bool = False, smallest: Callable[[T], int] | None = None
) -> list[T]:
    """The items of a breakdown that may be shown beside its total, when ``hidden`` jurisdictions
    that count in the total are left out of it.

    Rule: while the jurisdictions left out number 1 to ``MIN_GROUP - 1`` (so the total minus the
    items shown would give their figure, or nearly), one more item is left out: the smallest by
    ``smallest`` (else the last). ``padded`` says the remainder also holds enough others (e.g.
    survey respondents who named no jurisdiction) to hide in, so nothing more is left out."""
    kept = list(shown)
    if padded:
        return kept
    while 0 < hidden < MIN_GROUP and kept:
        drop = min(range(len(kept)), key=lambda i: (smallest(kept[i]), -i)) if smallest else len(kept) - 1
        kept.pop(drop)
        hidden += 1
    return kept
