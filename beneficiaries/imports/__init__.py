"""Applicant imports: CAF and Département files (CSV, XLSX) into people,
pathways and deadlines. See `engine.py` for the flow and its guarantees."""
