"""The C&P equity self-assessment: the rubric, the workbook people fill, scoring and assessment runs.

- ``rubric``: the rubric as data (YAML validated by pydantic), its content hash, indicator ids.
- ``models``: tables (rubric versions used, assessments, submissions, ratings, scores) and cycles.
- ``shapes``: what a workbook is for, who filled it and what they answered.
- ``answers``: what people type in the Rating column, read as levels.
- ``sheet``: where things are in a workbook, for the template and the import alike.
- ``template``: the blank workbook for respondents (and filling it as a person would).
- ``reading``: the import of filled workbooks, every problem located by sheet and cell.
- ``scoring``: the scoring contract (team ratings, domain and overall scores, stage, gaps, change)
  and its read model.
- ``versions``: the rubric versions used, kept on first use and refused once changed.
- ``results``: a stored result read back from its Score rows, the one source for reports.
- ``service``: who may submit or see, recording a run with its history, and ``show``.
"""
