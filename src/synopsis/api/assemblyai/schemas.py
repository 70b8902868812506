"""The transcript API's request bodies, validated strictly: a string where a boolean belongs is
an error, not a guess; every list and string has a bound (synopsis.limits)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from ...limits import (
    MAX_KEYTERM_CHARS,
    MAX_KEYTERM_WORDS,
    MAX_KEYTERMS,
    MAX_KEYTERMS_TOTAL_CHARS,
    MAX_NAME_CHARS,
    MAX_SPEECH_MODELS,
    MAX_URL_LENGTH,
)

Name = Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS)]
Keyterm = Annotated[str, StringConstraints(min_length=1, max_length=MAX_KEYTERM_CHARS)]


class SpeakerOptions(BaseModel):
    """Bounds for the estimated speaker count (used when `speakers_expected` is not given)."""

    model_config = ConfigDict(strict=True, extra="ignore")

    min_speakers_expected: int | None = Field(None, ge=1, le=20)
    max_speakers_expected: int | None = Field(None, ge=1, le=20)

    @model_validator(mode="after")
    def _range_is_not_empty(self) -> SpeakerOptions:
        low, high = self.min_speakers_expected, self.max_speakers_expected
        if low is not None and high is not None and high < low:
            raise ValueError("max_speakers_expected must not be less than min_speakers_expected")
        return self


class TranscriptRequest(BaseModel):
    """The create body. Strict types: a string where a boolean belongs is an error, not a guess."""

    model_config = ConfigDict(strict=True, extra="ignore")

    audio_url: str = Field(min_length=1, max_length=MAX_URL_LENGTH)
    speech_models: list[Name] | None = Field(None, min_length=1, max_length=MAX_SPEECH_MODELS)
    speech_model: Name | None = None
    language_code: Name | None = None
    language_detection: bool | None = None
    speaker_labels: bool | None = None
    speakers_expected: int | None = Field(None, ge=1, le=20)
    speaker_options: SpeakerOptions | None = None
    punctuate: bool | None = None
    format_text: bool | None = None
    keyterms_prompt: list[Keyterm] | None = Field(None, max_length=MAX_KEYTERMS)
    webhook_url: str | None = Field(None, max_length=MAX_URL_LENGTH)
    webhook_auth_header_name: str | None = None
    webhook_auth_header_value: str | None = None
    summarization: bool | None = None
    summary_model: Literal["informative", "conversational", "catchy"] | None = None
    summary_type: Literal["bullets", "bullets_verbose", "gist", "headline", "paragraph"] | None = (
        None
    )
    auto_chapters: bool | None = None

    @field_validator("keyterms_prompt")
    @classmethod
    def _keyterms_fit_the_prompt(cls, terms: list[str] | None) -> list[str] | None:
        if terms is None:
            return None
        if any(len(term.split()) > MAX_KEYTERM_WORDS for term in terms):
            raise ValueError(f"each keyterm must have at most {MAX_KEYTERM_WORDS} words")
        if sum(len(term) for term in terms) > MAX_KEYTERMS_TOTAL_CHARS:
            raise ValueError(
                f"the keyterms must have at most {MAX_KEYTERMS_TOTAL_CHARS} characters in all "
                f"(Whisper's prompt holds about 220 tokens)"
            )
        return terms
