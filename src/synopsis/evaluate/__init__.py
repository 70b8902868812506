"""Evaluation as a feature: how far to trust a summary, measured.

Deterministic checks (unsupported names and numbers, wrong owners, incomplete lines, ROUGE
against a reference, recall against a facts file) need no model; an LLM judge answers the three
questions on request. `synopsis eval` is the command-line face; `batch` runs a suite of cases.
"""

from .core import evaluate
from .facts import FACTS_FILE_SCHEMA, FactReport, check_facts, load_facts
from .judge import Verdict
from .owners import WrongOwner
from .result import Evaluation
from .rouge import UnicodeTokenizer, rouge

__all__ = [
    "FACTS_FILE_SCHEMA",
    "Evaluation",
    "FactReport",
    "UnicodeTokenizer",
    "Verdict",
    "WrongOwner",
    "check_facts",
    "evaluate",
    "load_facts",
    "rouge",
]
