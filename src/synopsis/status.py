"""A job's status, one vocabulary for transcripts and summaries.

queued → processing → completed | error. A cancelled summary job ends `cancelled`; a cancelled
transcript ends `error` with `CANCELLED_MESSAGE`, because the transcript API's clients know only
its four statuses.
"""

QUEUED = "queued"
PROCESSING = "processing"
COMPLETED = "completed"
ERROR = "error"
CANCELLED = "cancelled"
WAITING = (QUEUED, PROCESSING)  # not finished yet
TRANSCRIPT_STATUSES = (QUEUED, PROCESSING, COMPLETED, ERROR)

CANCELLED_MESSAGE = "Cancelled by the caller"
