"""Assessments: outcome measures recorded over time and read against their minimal change."""
