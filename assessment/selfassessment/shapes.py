"""Input shapes of the self-assessment: what a workbook is for, who filled it, and what they answered."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator

from assessment.core.shapes import by_label
from assessment.selfassessment.models import Cycle

# A cycle as people type it: "Baseline", "BASELINE" and " baseline " are all Cycle.baseline.
CycleValue = Annotated[Cycle, BeforeValidator(by_label(Cycle, "cycle"))]


class RespondentInfo(BaseModel):
    """Who filled a workbook."""

    name: str = ""
    email: str = ""
    role: str = ""


class WorkbookContext(BaseModel):
    """What a workbook is for: written as hidden metadata and checked on import."""

    jurisdiction: str
    cohort: str
    cycle: CycleValue

    def metadata(self) -> dict[str, str]:
        """The context as the hidden metadata holds it: jurisdiction, cohort and cycle as text."""
        return {"jurisdiction": self.jurisdiction, "cohort": self.cohort, "cycle": self.cycle.value}

    def describe(self) -> str:
        """How a message names the workbook's purpose: "Alder County, 2026 Cohort, baseline"."""
        return ", ".join(self.metadata().values())


class WorkbookRatings(BaseModel):
    """One respondent's parsed workbook: levels (None when excluded), answers as shown, evidence."""

    source: str
    respondent: RespondentInfo
    ratings: dict[str, int | None]
    answers: dict[str, str]
    evidence: dict[str, str]
