"""Staggered adoption: a rollout of the reform across townships as a synthetic panel with a
known true effect, and event-study estimators held against it (docs/timelines.md)."""
