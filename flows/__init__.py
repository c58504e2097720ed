"""Prefect flows that orchestrate the services."""
