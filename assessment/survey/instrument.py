"""The survey instrument as data (``rubrics/partner-survey-v1.yaml``): its pydantic schema, loading,
a content hash, and the versions used, kept on first use and refused once changed (shares computed
from different statement texts would not compare)."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from assessment.core.errors import Problem, ValidationFailed
from assessment.core.fields import utcnow
from assessment.core.permissions import Actor
from assessment.core.sources import data_path, where_in
from assessment.selfassessment.answers import normalize
from assessment.survey.models import SurveyInstrument

DEFAULT_INSTRUMENT = "partner-survey-v1"
SCALE_POINTS = 5
# Column names of a form that are not statements; a statement id may not take one of them.
RESERVED_IDS = frozenset({"respondent", "organization", "jurisdiction"})


class ScalePoint(BaseModel):
    """One answer of the scale, e.g. 4 Agree."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: int = Field(ge=1, le=SCALE_POINTS)
    label: str = Field(min_length=1)


class Statement(BaseModel):
    """One statement partners rate, with the theme it reports under."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_]*$")
    theme: str = Field(min_length=1)
    text: str = Field(min_length=1, max_length=250)


class Instrument(BaseModel):
    """A versioned survey instrument: the 1-5 scale and the statements, in the order asked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: int = Field(ge=1)
    title: str = Field(min_length=1)
    description: str = ""
    scale: list[ScalePoint]
    statements: list[Statement] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        values = [point.value for point in self.scale]
        if values != list(range(1, SCALE_POINTS + 1)):
            raise ValueError(f"the scale must be numbered 1, 2, 3, 4, 5 in order; found {values}")
        labels = [normalize(point.label) for point in self.scale]
        if len(set(labels)) != len(labels):
            raise ValueError("two answers of the scale have the same label")
        seen_ids: set[str] = set()
        seen_texts: dict[str, str] = {}
        for statement in self.statements:
            if statement.id in seen_ids:
                raise ValueError(f"statement id '{statement.id}' is used twice; every statement needs its own id")
            if statement.id in RESERVED_IDS or normalize(statement.id) in labels:
                raise ValueError(f"statement id '{statement.id}' is a column name or an answer; choose another id")
            text = normalize(statement.text)
            if text in seen_texts:
                raise ValueError(
                    f"statements '{seen_texts[text]}' and '{statement.id}' have the same text; "
                    "forms find statements by their text, so each must differ"
                )
            seen_ids.add(statement.id)
            seen_texts[text] = statement.id
        return self

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical content: comments and layout of the file do not count."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def labels(self) -> list[str]:
        """The scale's labels, 1 to 5."""
        return [point.label for point in self.scale]

    @property
    def named(self) -> str:
        """How people read which instrument this is: "partner-survey version 1"."""
        return f"{self.id} version {self.version}"


def parse_instrument(data: object, source: str) -> Instrument:
    """Validate parsed YAML as an instrument, listing every problem with its place in ``source``."""
    try:
        return Instrument.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(where_in(source, err["loc"]), err["msg"].removeprefix("Value error, ")) for err in exc.errors()
        ]
        raise ValidationFailed(f"The survey file {source} is not valid; fix it and try again:", problems) from None


def load_instrument(ref: str | Path = DEFAULT_INSTRUMENT) -> Instrument:
    """Load an instrument by file path or by name in the rubrics folder (without ``.yaml``).

    Parsed once per version of the file (its path, size and modification time)."""
    path = Path(ref) if str(ref).endswith((".yaml", ".yml")) else data_path(f"{ref}.yaml")
    if not path.is_file():
        raise ValidationFailed(f"No survey file at {path}; check the name or path.")
    stat = path.stat()
    return _parsed(path.resolve(), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _parsed(path: Path, size: int, modified: int) -> Instrument:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"The survey file {path} is not valid YAML: {exc}") from None
    return parse_instrument(data, str(path))


# --- versions used -----------------------------------------------------------------------------


def registered(instrument_id: str, version: int) -> SelectOfScalar[SurveyInstrument]:
    """The query for an instrument version's stored row."""
    return select(SurveyInstrument).where(
        SurveyInstrument.instrument_id == instrument_id, SurveyInstrument.version == version
    )


def unchanged(used: SurveyInstrument, instrument: Instrument) -> SurveyInstrument:
    """``used``, the stored version of ``instrument``; refused when the content changed since."""
    if used.content_hash != instrument.content_hash:
        raise ValidationFailed(
            f"The survey {instrument.named} was changed after responses were first imported with it "
            f"({used.first_used_at:%Y-%m-%d}); shares computed from different statements would not compare.",
            [
                Problem(
                    f"survey {instrument.named}",
                    f"content hash {used.content_hash[:12]} when first used, {instrument.content_hash[:12]} now.",
                    "Restore the survey file as it was, or save the changed survey with a new version number.",
                )
            ],
        )
    return used


def check_instrument(session: Session, instrument: Instrument) -> SurveyInstrument | None:
    """The stored version of ``instrument``; refused when its content changed since first use."""
    used = session.exec(registered(instrument.id, instrument.version)).first()
    return None if used is None else unchanged(used, instrument)


def register_instrument(session: Session, instrument: Instrument, actor: Actor) -> SurveyInstrument:
    """The stored version of ``instrument``, kept on its first use (the first of two imports that
    use it at the same moment keeps it; the other reads that one)."""
    used = check_instrument(session, instrument)
    if used is not None:
        return used
    # As for rubric versions: an insert that does nothing on conflict, not a SAVEPOINT (see
    # assessment.selfassessment.versions.register_rubric for why).
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.exec(
        dialect.insert(SurveyInstrument)
        .values(
            instrument_id=instrument.id,
            version=instrument.version,
            content_hash=instrument.content_hash,
            title=instrument.title,
            content=json.dumps(instrument.model_dump(mode="json"), ensure_ascii=False),
            first_used_at=utcnow(),
            first_used_by=actor.email,
        )
        .on_conflict_do_nothing(index_elements=["instrument_id", "version"])
    )
    return unchanged(session.exec(registered(instrument.id, instrument.version)).one(), instrument)


def stored_instrument(used: SurveyInstrument) -> Instrument:
    """An instrument version as it was first used."""
    return parse_instrument(json.loads(used.content), f"stored survey {used.instrument_id} version {used.version}")


def find_instrument(session: Session, instrument_id: str, version: int) -> Instrument | None:
    """An instrument version: as stored when it was used, else from its file in the rubrics folder
    (``{id}-v{version}.yaml``); None when there is neither."""
    used = session.exec(registered(instrument_id, version)).first()
    if used is not None:
        return stored_instrument(used)
    path = data_path(f"{instrument_id}-v{version}.yaml")
    if not path.is_file():
        return None
    found = load_instrument(path)
    return found if (found.id, found.version) == (instrument_id, version) else None
