"""The barrier inventory (session 2).

- ``models``: the barrier and its link to community input, statuses, the read model.
- ``shapes``: a new barrier, a change, a spreadsheet row; ``reference``: categories, stages and
  rule controllers (data from ``rubrics/``).
- ``lifecycle``: which status may follow which, and which moves need a reason.
- ``service``: record, read, change (versioned, through ``core.versioned``) and history.
- ``imports`` and ``sheet``: the spreadsheet round trip (plan, apply; export, read).
"""
