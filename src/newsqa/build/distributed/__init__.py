"""Distributed build: takes article files and a Ray cluster, gives the index a local build gives."""
