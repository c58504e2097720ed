"""Prefect flows over the services: each reads like a table of contents of a few tasks.

- ``assessment_run``: score a team's filled self-assessment workbooks and store the result.
- ``roadmap_build``: snapshot the team's plan, render it in each registered format, keep the version.
- ``deployments``: both as forms in the Prefect UI (``accelerator serve``).
- ``progress``: a progress bar artifact for long work.
"""
