"""Index folder format: takes chunks and vectors, gives the manifest, SQLite catalogue and FAISS file, read back and verified."""
