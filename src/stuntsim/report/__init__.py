"""Presenters: rich summaries, JSON/CSV/Parquet exports and the HTML report. No physics here."""
