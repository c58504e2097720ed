"""The impact reports (session 9): a jurisdiction's impact report and the cohort's regional report.

Each report is computed once into a view model, then laid out once as a ``ReportDocument``
(``roadmaps/report/document.py``) that the PDF, XLSX and HTML renderers in ``roadmaps/report/``
write; nothing here renders a file.

- ``models``: highlights and quotes a team enters, its choice to be named in the regional report,
  the append-only log of compiled reports; their read models.
- ``shapes``: a highlight or quote as people type it.
- ``highlights``: adding, listing and removing highlights and quotes (kept, with the reason), and
  opting in or out of being named in the regional report, each with its history.
- ``compiled``: recording a compile (who, when, which formats, where) and the latest one.
- ``jurisdiction``: the jurisdiction impact report's view model, read from every feature's store.
- ``jurisdiction_layout``: that view model laid out as a ``ReportDocument``.
- ``regional``, ``regional_aggregates``, ``naming``, ``regional_layout``: the regional report's
  view model, the whole-cohort SQL aggregates it is computed from, how jurisdictions are named or
  labelled in it, and its layout.
"""
