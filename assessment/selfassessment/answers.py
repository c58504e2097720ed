"""What people type in the Rating column, read as a level, Don't know or Not applicable."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assessment.selfassessment.rubric import Rubric

DONT_KNOW = "Don't know"
NOT_APPLICABLE = "Not applicable"

# A level (1..N), DONT_KNOW, NOT_APPLICABLE, or None for a blank cell.
Answer = int | str | None

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_QUOTES = str.maketrans({c: "'" for c in "\u2018\u2019\u02bc\u0060\u00b4"})
_DONT_KNOW_SPELLINGS = {"don't know", "dont know", "do not know", "dk"}
_NOT_APPLICABLE_SPELLINGS = {"not applicable", "n/a", "na", "n.a.", "n.a", "n / a"}
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?")
_NUMBERED_NAME = re.compile(r"(\d+)(?:\.0*)?\s*(?:-\s*)?(\D.*)")


def normalize(text: str) -> str:
    """Text as compared: dashes and apostrophes unified, case and spacing ignored."""
    return " ".join(text.translate(_DASHES).translate(_QUOTES).casefold().split())


def answer_choices(rubric: Rubric) -> list[str]:
    """The answers offered in the Rating drop-down, in order."""
    return [f"{level.value} - {level.name}" for level in rubric.levels] + [DONT_KNOW, NOT_APPLICABLE]


@dataclass(frozen=True)
class Scale:
    """The rubric's levels, ready to read what people type."""

    max_level: int
    levels_by_name: dict[str, int]
    choices: list[str]

    @classmethod
    def of(cls, rubric: Rubric) -> Scale:
        return cls(
            max_level=rubric.max_level,
            levels_by_name={normalize(level.name): level.value for level in rubric.levels},
            choices=answer_choices(rubric),
        )

    def _level(self, number: float, shown: str) -> int:
        if not 1 <= number <= self.max_level:
            raise ValueError(f"{shown} is not a level; levels go from 1 to {self.max_level}")
        if not float(number).is_integer():
            raise ValueError(f"{shown} is not a whole level; levels go from 1 to {self.max_level}")
        return int(number)

    def parse(self, value: object) -> Answer:
        """A cell's value as an answer; ValueError saying why when it is none of them."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError(f"'{value}' is not a rating")
        if isinstance(value, (int, float)):
            return self._level(value, str(value))
        text = normalize(value)
        if not text:
            return None
        if text in _DONT_KNOW_SPELLINGS:
            return DONT_KNOW
        if text in _NOT_APPLICABLE_SPELLINGS:
            return NOT_APPLICABLE
        if text in self.levels_by_name:
            return self.levels_by_name[text]
        if _NUMBER.fullmatch(text):
            return self._level(float(text), value.strip())
        numbered = _NUMBERED_NAME.fullmatch(text)
        if numbered:
            number, name = int(numbered.group(1)), numbered.group(2)
            named = self.levels_by_name.get(name)
            if named == number:
                return number
            if named is not None:
                raise ValueError(f"'{value.strip()}' names level {number} but '{name}' is level {named}")
            self._level(number, value.strip())
        raise ValueError(f"'{value.strip()}' is not one of the answers")

    def canonical(self, answer: Answer) -> str:
        """An answer as the drop-down shows it ("3 - Developing"); blank for None."""
        if answer is None:
            return ""
        if isinstance(answer, int):
            return self.choices[answer - 1]
        return answer


def parse_answer(value: object, rubric: Rubric) -> Answer:
    """A Rating cell as a level, DONT_KNOW, NOT_APPLICABLE or None (blank); ValueError if no answer."""
    return Scale.of(rubric).parse(value)
