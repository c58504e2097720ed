"""The action roadmap (session 4): the team's plan as one view model, kept as numbered versions.

- ``view``: the view model (``RoadmapView`` of ``GoalView``, ``MilestoneView``, ``BarrierView``)
  that every renderer in ``roadmaps/`` lays out; goal progress comes from ``goals.progress``.
- ``snapshot``: the view computed from the team's goals, milestones, measures and barriers.
- ``models``: the table of numbered versions and the read models (``VersionPublic``,
  ``RoadmapChange``, ``RoadmapDiff``).
- ``diff``: what changed between two versions, in sentences a team can read.
- ``service``: next version, keep a build, list versions, compare versions; permission checks
  go through the core table (``Record.roadmap``).
"""
