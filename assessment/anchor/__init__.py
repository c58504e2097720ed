"""Session 7: anchor commitments to hire, buy, invest and partner locally, with measurable targets.

- ``models``: commitments and their typed measured values; read models.
- ``shapes``: a new commitment, a change, a measured value.
- ``service``: make, read and change commitments (versioned, through ``core.versioned``), history.
- ``lifecycle``: which status moves need a note.
- ``measures``: typed values, and a change with a new value as one unit of work.
- ``progress``: where a commitment stands, typed or computed from imported spend.
- ``spend``: the spending metrics a buy commitment can follow, and the registry the spending
  package fills with the functions that compute them.
"""
