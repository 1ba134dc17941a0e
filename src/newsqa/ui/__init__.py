"""The chat page: questions with filters in, cited answers, sources, uploads and index status out."""

from newsqa.ui.page import create_app, ensure_index, launch

__all__ = ["create_app", "ensure_index", "launch"]
