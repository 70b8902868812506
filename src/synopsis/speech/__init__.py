"""Speech: recognition (faster-whisper), speaker diarization, and the pipeline joining them."""

from .pipeline import transcribe

__all__ = ["transcribe"]
