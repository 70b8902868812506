"""Summaries in the shape the caller asks for, from text of any length."""

from .pipeline import ProgressCallback, summarize
from .result import Summary
from .styles import STYLES

__all__ = ["STYLES", "ProgressCallback", "Summary", "summarize"]
