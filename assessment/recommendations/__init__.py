"""Session 8: the regional policy recommendation, drawn from the regional barrier ranking
(``assessment.barriers.ranking``), and the jurisdictions that endorse it.

- ``models``: recommendations and endorsements (tables), levels of government, statuses; read models.
- ``shapes``: a draft, a change (the ranking rows it draws on included).
- ``service``: draft, change (versioned, through ``core.versioned``) and withdraw a recommendation;
  endorse it or withdraw an endorsement; read them and their history.
"""
