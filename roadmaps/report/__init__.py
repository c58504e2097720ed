"""Reports people publish (the jurisdiction impact report, the regional impact report).

A report's view model (in ``assessment/reports/``) lays itself out as a ``ReportDocument``
(``document.py``): headings, paragraphs, key figures, tables, charts and quotes. The renderers
here (PDF, XLSX, HTML) only lay a document out, so the three formats never disagree.

- ``registry``: the report formats (``register_report_renderer``, ``report_renderers``,
  ``parse_report_formats``) and ``write_report``, which writes the formats asked for, all or none.
- ``pdf``: a tagged PDF with a cover, the summary, a table of contents and numbered pages;
  ``charts`` draws its charts with reportlab (and holds what the page's charts share with them).
- ``xlsx``: an About sheet, then every table as a sheet of data.
- ``html`` (with ``templates/report.html.j2``): one self-contained page; ``svg`` draws its charts.
"""
