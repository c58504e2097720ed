"""The Equity Accelerator domain: one package per feature around a small shared core.

- ``core``: settings, engine, errors, permissions (one table), history, versioned changes.
- ``cohorts``: cohorts and their nine sessions, jurisdictions, people and roles, teams.
- ``selfassessment``: the rubric, the workbook (template and import), scoring, assessment runs.
- ``barriers``: the barrier inventory, its lifecycle, reference lists and spreadsheet round trip.
- ``community``: community input linked to barriers, and the engagement rating.
- ``goals``: near-term goals, milestones, measured values and progress.
- ``roadmap``: the action roadmap's view model, snapshot, numbered versions and their diff.
- ``migrations``: Alembic revisions for every feature's tables (``tables`` registers them).

Each feature keeps its tables and read models (``models``), input shapes (``shapes``), service
(rules, permission checks, history) and file adapters side by side. A feature may use another's
public names; names starting with ``_`` stay inside their module.
"""
