"""Index stage: takes Articles, gives the index folder (chunks, vectors, FTS5, manifest) and reads it back."""
