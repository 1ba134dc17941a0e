"""Milvus store: chunks searched in a Milvus collection, kept in step with the index folder."""
