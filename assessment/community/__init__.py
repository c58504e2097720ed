"""Community input and engagement (session 3).

- ``models``: community input, engagement ratings, and their read models.
- ``shapes``: input shapes; ``spectrum``: the engagement spectrum (data, 0 Ignore to 5 Defer to).
- ``service``: recording input and linking it to barriers (a barrier change, in its history).
- ``engagement``: the team's engagement, current and aspirational; every rating is kept.
"""
