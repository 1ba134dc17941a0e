"""Embedded store: the index folder's FAISS vectors and SQLite/FTS5 catalogue, searched in memory."""
