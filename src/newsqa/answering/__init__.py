"""Answering stage: takes a Question and its Passages, gives an Answer of cited verbatim sentences."""
