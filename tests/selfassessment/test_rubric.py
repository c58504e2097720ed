"""The rubric as data: the real rubric's shape, and clear errors for a broken rubric file."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessment.core.errors import ValidationFailed
from assessment.selfassessment.rubric import load_rubric, parse_rubric
from tests.rubrics import small_rubric


def test_the_cp_equity_rubric_has_the_agreed_shape() -> None:
    rubric = load_rubric()
    assert rubric.id == "cp-equity-self-assessment" and rubric.version == "1.0"
    assert [level.name for level in rubric.levels] == ["Not yet started", "Emerging", "Developing", "Institutionalized"]
    assert 7 <= len(rubric.domains) <= 10
    assert all(3 <= len(d.indicators) <= 6 for d in rubric.domains)
    descriptors = [text for i in rubric.indicators for text in i.levels.values()]
    assert len(set(descriptors)) == len(descriptors)  # no descriptor is a copy of another


def base() -> dict[str, Any]:
    """The small rubric as its YAML file holds it, to break in one place."""
    return small_rubric().model_dump(mode="json")


def problems_for(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationFailed) as refused:
        parse_rubric(data, "my-rubric.yaml")
    return str(refused.value)


def test_duplicate_ids_are_refused_with_the_id_named() -> None:
    data = base()
    data["domains"][1]["indicators"][0]["id"] = "a.1"
    assert "id 'a.1' is used twice" in problems_for(data)


def test_an_undescribed_level_is_refused() -> None:
    data = base()
    del data["domains"][0]["indicators"][2]["levels"]["3"]
    message = problems_for(data)
    assert "indicator 'a.3' must describe exactly levels [1, 2, 3, 4]" in message and "missing [3]" in message
    data = base()
    data["domains"][0]["indicators"][0]["levels"]["2"] = "  "
    assert "empty descriptor" in problems_for(data)


def test_weights_must_be_positive_and_the_place_is_named() -> None:
    data = base()
    data["domains"][2]["weight"] = 0
    message = problems_for(data)
    assert "my-rubric.yaml: domains[2].weight" in message and "greater than 0" in message


def test_content_hash_ignores_layout_but_not_content(tmp_path: Path) -> None:
    data = base()
    plain = tmp_path / "a.yaml"
    plain.write_text(yaml.safe_dump(data), encoding="utf-8")
    commented = tmp_path / "b.yaml"
    commented.write_text("# a comment\n" + yaml.safe_dump(data, indent=4, sort_keys=False), encoding="utf-8")
    assert load_rubric(plain).content_hash == load_rubric(commented).content_hash
    changed = copy.deepcopy(data)
    changed["domains"][0]["indicators"][0]["text"] = "Something else"
    assert parse_rubric(changed, "x").content_hash != load_rubric(plain).content_hash


def test_a_missing_or_broken_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="No rubric file at"):
        load_rubric(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="not valid YAML"):
        load_rubric(broken)
