"""Build stage: takes Articles or files, gives the index folder (stories matched, chunks embedded)."""
