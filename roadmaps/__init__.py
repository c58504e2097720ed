"""What is rendered for people: a view model in, a file out. Never queries or writes the database.

- ``registry``: the one registry of formats (``register_renderer``, ``renderers``, ``parse_formats``);
  each renderer module registers itself on import, the built-in ones the same way an extension would.
- ``pdf`` (with ``pdf_pages``, ``pdf_goals``, ``pdf_barriers``, ``pdf_standing``, ``pdf_theme``, ``gantt``,
  ``fonts``), ``xlsx`` and ``html`` (with ``templates/``): the built-in formats of the action roadmap.
- ``pdf_tags``: the PDF as a tagged PDF (headings, paragraphs, tables, figures with their alternative
  text, decorations as artifacts), for screen readers.
- ``text``: how dates, numbers and shares read in every format.
- ``report/``: the impact reports: any ``ReportDocument`` as a PDF, a workbook or a page, through
  its own registry of formats (``write_report``).
"""
