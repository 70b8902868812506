"""The engines underneath, built the way Synopsis builds them, for like-with-like ratios."""

from __future__ import annotations

from llama_cpp import Llama

from synopsis.config import get_settings
from synopsis.llm.base import ChatBackend


def raw_llama(backend: ChatBackend) -> Llama:
    """llama.cpp on the backend's GGUF with the same context, threads and seed."""
    settings = get_settings()
    return Llama(
        model_path=str(backend.model_path()),
        n_ctx=backend.context_size,
        n_threads=settings.llm_threads,
        n_threads_batch=settings.llm_batch_threads,
        seed=settings.llm_seed,
        verbose=False,
    )
