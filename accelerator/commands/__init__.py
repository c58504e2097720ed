"""Command groups of the accelerator CLI."""
