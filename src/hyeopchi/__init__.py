"""Hyeopchi (협치): Seoul-style collaborative local governance."""
