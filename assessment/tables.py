"""Every feature's tables, registered on ``SQLModel.metadata`` for migrations and tests."""

from __future__ import annotations


def register_tables() -> None:
    """Import each feature's table module so its tables join the shared metadata."""
    import assessment.anchor.models
    import assessment.barriers.models
    import assessment.cohorts.models
    import assessment.community.models
    import assessment.core.history
    import assessment.goals.models
    import assessment.metrics.models
    import assessment.recommendations.models
    import assessment.reports.models
    import assessment.roadmap.models
    import assessment.selfassessment.models
    import assessment.sessions.models
    import assessment.spending.models
    import assessment.survey.models  # noqa: F401
