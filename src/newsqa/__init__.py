"""newsqa: cited, extractive answers from your own news archive, offline."""

from newsqa.api import NewsQA, ask
from newsqa.articles import Article
from newsqa.config import Settings
from newsqa.records import Answer, Citation, Passage

__all__ = ["Answer", "Article", "Citation", "NewsQA", "Passage", "Settings", "ask"]
__version__ = "0.1.0"
