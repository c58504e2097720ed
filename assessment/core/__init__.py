"""What every feature shares.

- ``settings``: configuration, read once from ``ACCELERATOR_*`` variables.
- ``db``: the engine, one transaction per unit of work, Alembic migrations.
- ``errors``: the error family every door maps to messages and exit codes.
- ``permissions``: roles, the acting person, and the one table of who may read or write what.
- ``history``: the append-only change history and its read model.
- ``versioned``: the one versioned-change mechanism (load, permit, diff, save with a version
  check inside the UPDATE, history) that barriers, goals and later records use.
- ``fields``, ``shapes``: column types, closed sets and input validators shared by features.
- ``sources``: the data files of ``rubrics/``; ``xlsx``: safe spreadsheet cells and opening.
"""
