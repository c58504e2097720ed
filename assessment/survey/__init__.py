"""The partner survey of a cohort: partners rate statements about the network from 1 (strongly
disagree) to 5 (strongly agree); results give, per statement, the share who agree or strongly agree.

- ``instrument``: the statements and the scale as data (YAML validated by pydantic), its content
  hash, and the versions used, kept on first use and refused once changed.
- ``models``: tables (instrument versions used, imports, responses, answers) and read models
  (``Share``, ``StatementResult``, ``SurveyResults``, an import's summary).
- ``form``: where things are in a form (sheets, columns) and how headers are recognised.
- ``template``: the form to fill, a row per respondent and a drop-down per answer.
- ``reading``: a filled form (.xlsx) or a .csv read into checked rows, every bad cell located.
- ``results``: shares (whole percent, half up) and small-number suppression, pure functions.
- ``service``: who may issue, import and read; importing with its history; the results per
  statement, overall and per jurisdiction; the cohort's minimum.
"""
