"""Small rubrics for tests, built through the same schema as the real one."""

from __future__ import annotations

from assessment.selfassessment.rubric import Rubric, parse_rubric

LEVELS = [
    {"value": 1, "name": "Not yet started"},
    {"value": 2, "name": "Emerging"},
    {"value": 3, "name": "Developing"},
    {"value": 4, "name": "Institutionalized"},
]


def indicator(ident: str) -> dict[str, object]:
    return {"id": ident, "text": f"Practice {ident}", "levels": {n: f"{ident} at level {n}" for n in range(1, 5)}}


def small_rubric(version: str = "1.0", weights: tuple[float, float, float] = (1, 2, 1)) -> Rubric:
    """Three domains: a (4 indicators), b (2), c (3), weighted ``weights``."""
    shape = {"a": ["a.1", "a.2", "a.3", "a.4"], "b": ["b.1", "b.2"], "c": ["c.1", "c.2", "c.3"]}
    return parse_rubric(
        {
            "id": "test-rubric",
            "version": version,
            "title": "Test rubric",
            "levels": LEVELS,
            "domains": [
                {"id": d, "title": f"Domain {d.upper()}", "weight": w, "indicators": [indicator(i) for i in ids]}
                for (d, ids), w in zip(shape.items(), weights, strict=True)
            ],
        },
        "test",
    )
