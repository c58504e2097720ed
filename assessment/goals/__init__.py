"""Near-term process-change goals (session 4).

- ``models``: goals, their links to barriers, milestones, measured values; read models.
- ``shapes``: a new goal, a change, a milestone, a measured value.
- ``service``: set, read and change goals (versioned, through ``core.versioned``), history.
- ``milestones``: a goal's milestones and measured values.
- ``progress``: how far a goal has come, computed here and nowhere else.
"""
