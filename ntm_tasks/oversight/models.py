"""Criteria sets, assessments and dossiers."""
