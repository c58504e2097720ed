"""Session 7: anchor commitments to hire, buy, invest and partner locally, with measurable targets."""
