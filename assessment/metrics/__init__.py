"""Session 5: health equity metrics of a jurisdiction's places (e.g. the Healthy Places Index by
census tract) and the equity profile that joins them to where contract dollars go.

- ``models``: the counties a jurisdiction covers, imported metrics and their tracts, the ZIP code
  to tract crosswalk; read models of an import and of the profile.
- ``reference``: the metrics known with their direction (data from ``rubrics/place-metrics.yaml``).
- ``geography``: tract ids, county FIPS codes and ZIP codes as files spell them.
- ``percentiles``: a column's percentile scale (0-1 or 0-100) and the quartiles.
- ``reading``: a CSV or XLSX table with its rows numbered as in the file.
- ``imports``: a metric table's import (plan, apply); ``crosswalk``: the ZIP code crosswalk's.
- ``profile``: the equity profile, spending given as ``SpendRow``s; ``service``: reading what is
  imported, and session 5's deliverable.
The counties a jurisdiction covers are recorded through ``cohorts.jurisdictions``.
"""
