"""Cohorts and people: who takes part, where, and when.

- ``models``: tables (cohort with its dated sessions, jurisdiction, person, role assignment,
  team) and their read models.
- ``shapes``: input shapes for creating them.
- ``sequence``: the nine-session sequence, data from ``rubrics/accelerator-sequence.yaml``.
- ``jurisdictions``, ``people`` (and the acting person), ``service`` (cohorts and teams):
  the rules, permission checks and history.
- ``roster``: people with their roles, as someone allowed to see them reads it.
- ``schedule``: moving a cohort's sessions to other dates, in order, with their history.
"""
