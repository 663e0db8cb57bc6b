"""Storage beyond the day-to-day queries: backups, erasure and retention, the audit log,
operator settings.

The start of the storage package (the plan: store.py queries, schema.py migrations, copy.py
migrate, db.py connections move here too). Every module works on a `Store` and its
connections; none imports Streamlit or pandas.
"""
