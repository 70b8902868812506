"""Extractive summaries: the most central sentences of the input, verbatim, in input order.

TextRank over TF-IDF cosine similarity. No model, no network, and by construction no invented
text: every output sentence is a substring of the input.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from .chunking import split_sentences

_WORD = re.compile(r"[a-z0-9']+")
_DAMPING = 0.85


def _tfidf(sentences: list[str]) -> np.ndarray:
    tokenized = [_WORD.findall(s.lower()) for s in sentences]
    vocabulary = {w: i for i, w in enumerate(sorted({w for words in tokenized for w in words}))}
    document_frequency = Counter(w for words in tokenized for w in set(words))
    n = len(sentences)
    matrix = np.zeros((n, max(1, len(vocabulary))))
    for row, words in enumerate(tokenized):
        for word, count in Counter(words).items():
            idf = math.log((1 + n) / (1 + document_frequency[word])) + 1
            matrix[row, vocabulary[word]] = (1 + math.log(count)) * idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def rank_sentences(sentences: list[str], iterations: int = 100) -> np.ndarray:
    """PageRank scores of the sentence-similarity graph."""
    vectors = _tfidf(sentences)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0.0)
    out_weight = similarity.sum(axis=1, keepdims=True)
    transition = np.divide(
        similarity, out_weight, out=np.zeros_like(similarity), where=out_weight > 0
    )
    n = len(sentences)
    scores = np.full(n, 1.0 / n)
    for _ in range(iterations):
        updated = (1 - _DAMPING) / n + _DAMPING * (transition.T @ scores)
        if np.abs(updated - scores).sum() < 1e-9:
            return updated
        scores = updated
    return scores


def extract(text: str, max_sentences: int | None = None) -> list[str]:
    """The top sentences of `text`, in the order they appear in it."""
    sentences = split_sentences(text)
    if not sentences:
        return []
    if max_sentences is None:
        max_sentences = max(3, min(10, round(len(sentences) * 0.2)))
    if len(sentences) <= max_sentences:
        return sentences
    scores = rank_sentences(sentences)
    # Ties go to the earlier sentence, so short inputs keep their opening.
    chosen = sorted(np.argsort(-scores, kind="stable")[:max_sentences])
    return [sentences[i] for i in chosen]
