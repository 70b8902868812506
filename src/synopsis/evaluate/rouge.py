"""ROUGE-1/2/L against a reference summary, computed by the `rouge-score` package.

rouge-score's default tokenizer keeps only ASCII letters and digits, so "Änderung" would lose its
first letter and Chinese would vanish. `UnicodeTokenizer` splits the same way on ASCII text (runs
of letters and digits, lowercased) but keeps letters of every script, so English scores equal
rouge-score's own and other languages score at all. No stemming, as in rouge-score's default.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[^\W_]+")
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


class UnicodeTokenizer:
    """rouge-score's tokenizer interface: `tokenize(text) -> list[str]`."""

    def tokenize(self, text: str) -> list[str]:
        return _TOKEN.findall(text.lower())


def rouge(summary: str, reference: str) -> dict[str, dict[str, float]]:
    """Precision, recall and F-measure of each ROUGE type, `summary` scored against `reference`."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(
        list(ROUGE_TYPES), use_stemmer=False, tokenizer=UnicodeTokenizer()
    )
    scores = scorer.score(reference, summary)  # score(target, prediction)
    return {
        name: {
            "precision": score.precision,
            "recall": score.recall,
            "fmeasure": score.fmeasure,
        }
        for name, score in scores.items()
    }
