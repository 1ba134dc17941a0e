"""Stores: take an index folder (and its Milvus collection), give the catalogue and chunk search behind retrieval."""
