"""Measurement: takes benchmark queries and an index, gives quality metrics and speed/memory figures."""
