"""The nine sessions: readiness, deliverables, session records, the team commitment, candidate
process changes and the cohort board."""
