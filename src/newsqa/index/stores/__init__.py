"""Stores behind retrieval: the protocol they share, and the Milvus store (embedded is the default)."""
