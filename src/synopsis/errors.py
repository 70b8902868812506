"""Error types a user can act on.

Every failure that reaches a user is a `SynopsisError` with a message written for them; the CLI
prints it without a traceback and each HTTP surface maps the subclasses to its own status codes.
"""

from __future__ import annotations


class SynopsisError(Exception):
    """Base class: something the caller can fix or should know about."""


class InputError(SynopsisError):
    """The input is empty, unreadable, binary, too large, or otherwise unusable."""


class FetchError(InputError):
    """A URL could not be fetched, or was refused by the fetch guard."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code  # the HTTP status, when the server answered


class SchemaError(InputError):
    """The caller's JSON Schema is not a valid schema."""


class UnknownModelError(SynopsisError):
    """The requested model name is neither a configured model nor an alias."""


class ModelUnavailableError(SynopsisError):
    """The model is configured but cannot run: weights missing, corrupt, or a runtime absent."""


class ContextLengthError(InputError):
    """A single prompt does not fit the model's context window."""


class BackendError(SynopsisError):
    """The LLM backend failed (upstream HTTP error, timeout, or a runtime fault)."""


class OutputValidationError(SynopsisError):
    """The model's output did not satisfy the requested schema, even after a retry."""


class BusyError(SynopsisError):
    """Too much work is already waiting for this caller; try again once some of it is done."""


class QueueUnavailableError(SynopsisError):
    """The job could not be handed to the broker (it is unreachable); the job ended unrun."""


class CancelledError(SynopsisError):
    """The caller cancelled the job; it stopped at its next step and keeps no result."""
