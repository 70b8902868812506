"""Probe and decode any audio or video container to 16 kHz mono float32, through PyAV.

PyAV bundles FFmpeg, so no system ffmpeg is needed. Decoding streams packet by packet through a
resampler; only the 16-bit output is kept until the end, when it becomes one float32 array.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np

from .errors import InputError

SAMPLE_RATE = 16_000

MediaSource = str | Path | bytes | BinaryIO

MEDIA_EXTENSIONS = frozenset(
    ".wav .mp3 .m4a .aac .ogg .oga .opus .flac .webm .mp4 .mkv .mov .avi .wma .amr .3gp .mpeg .mpg"
    " .ts .m4v .aiff .aif .caf".split()
)


TRUNCATED_SHARE = 0.5  # decoding less than this share of the declared duration is an error
SHORT_SHARE = 0.97  # less than this share (and over a second short) is reported as partial

# Demuxers a recording may use. FFmpeg's others can open further files or URLs named inside
# the data (concat lists, HLS/DASH playlists, image sequences, tee, subfile, network streams):
# an uploaded "recording" must never read another file of the server.
SAFE_DEMUXERS = (
    "aac,ac3,aiff,amr,amrnb,amrwb,ape,asf,au,avi,caf,dts,eac3,flac,flv,gsm,matroska,mov,mp3,"
    "mpeg,mpegts,mxf,ogg,rm,tta,voc,w64,wav,wv"
)
_CONTAINER_OPTIONS = {"format_whitelist": SAFE_DEMUXERS, "protocol_whitelist": "file"}


class MediaError(InputError):
    """The input is not media PyAV can read, is corrupt or empty, or carries no audio."""


@dataclass(frozen=True)
class MediaInfo:
    """What a container holds, read from its headers without decoding."""

    container: str
    duration: float | None
    audio_codec: str
    sample_rate: int
    channels: int
    has_video: bool


def looks_like_media(name: str) -> bool:
    """True for file names whose extension is an audio or video container."""
    return Path(name.split("?", 1)[0]).suffix.lower() in MEDIA_EXTENSIONS


def _describe(source: MediaSource) -> str:
    if isinstance(source, (str, Path)):
        return str(source)
    return "the uploaded data"


@contextmanager
def _open(source: MediaSource, name: str | None = None) -> Iterator[av.container.InputContainer]:
    name = name or _describe(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise MediaError(f"{name}: no such file")
        if path.is_dir():
            raise MediaError(f"{name} is a directory, not a media file")
        if path.stat().st_size == 0:
            raise MediaError(f"{name} is empty (0 bytes)")
        # "file:" so that a name like "concat:a|b" is never read as an FFmpeg protocol
        target: str | BinaryIO = f"file:{path.resolve()}"
    elif isinstance(source, bytes):
        if not source:
            raise MediaError("the uploaded data is empty (0 bytes)")
        target = io.BytesIO(source)
    else:
        target = source
    try:
        container = av.open(
            target, mode="r", metadata_errors="ignore", container_options=_CONTAINER_OPTIONS
        )
    except av.error.FFmpegError as exc:
        raise MediaError(
            f"{name} is not an audio or video file that can be decoded ({exc.strerror or exc})"
        ) from exc
    try:
        if not container.streams.audio:
            kinds = "video only" if container.streams.video else "no streams"
            raise MediaError(f"{name} has no audio stream ({kinds}); nothing to transcribe")
        yield container
    finally:
        container.close()


def _info(container: av.container.InputContainer) -> MediaInfo:
    stream = container.streams.audio[0]
    duration = None
    if container.duration is not None:
        duration = container.duration / av.time_base
    elif stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    context = stream.codec_context
    return MediaInfo(
        container=container.format.name,
        duration=duration,
        audio_codec=context.name,
        sample_rate=context.sample_rate or 0,
        channels=context.channels or 0,
        has_video=bool(container.streams.video),
    )


def probe(source: MediaSource, name: str | None = None) -> MediaInfo:
    """Container, codec and duration of the first audio stream, or `MediaError`."""
    with _open(source, name) as container:
        return _info(container)


def decode_audio(
    source: MediaSource,
    progress: Callable[[float, float | None], None] | None = None,
    name: str | None = None,
    warnings: list[str] | None = None,
    max_seconds: float | None = None,
) -> np.ndarray:
    """The first audio stream as 16 kHz mono float32 in [-1, 1].

    `progress(seconds_decoded, total_seconds_or_None)` is called as packets are decoded; `name`
    is how errors refer to the input (default: its path). A recording that ends early (cut
    mid-frame, or shorter than its header declares) still decodes; pass a list as `warnings`
    to be told, in words a user can act on. Memory grows with the duration, not the file size
    (an hour of silence is a 656 KB FLAC and 1 GB of samples), so `max_seconds` is checked
    against the declared duration and again while decoding.
    """
    name = name or _describe(source)
    with _open(source, name) as container:
        total = _info(container).duration
        if max_seconds and total and total > max_seconds:
            raise _too_long(name, max_seconds)
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        pieces: list[np.ndarray] = []
        decoded = 0
        last_packet: bytes = b""
        try:
            for packet in container.demux(stream):
                if packet.size:
                    last_packet = bytes(packet)
                for frame in packet.decode():
                    frame.pts = None  # let the resampler count samples; broken pts must not stop us
                    for out in resampler.resample(frame):
                        pieces.append(out.to_ndarray().reshape(-1))
                        decoded += out.samples
                if max_seconds and decoded > max_seconds * SAMPLE_RATE:
                    raise _too_long(name, max_seconds)
                if progress:
                    progress(decoded / SAMPLE_RATE, total)
            for out in resampler.resample(None):
                pieces.append(out.to_ndarray().reshape(-1))
                decoded += out.samples
        except av.error.FFmpegError as exc:
            raise MediaError(
                f"{name} is corrupt: decoding failed after {decoded / SAMPLE_RATE:.1f} s "
                f"({exc.strerror or exc})"
            ) from exc
        codec = stream.codec_context.name
    if decoded == 0:
        raise MediaError(f"{name} contains no audio samples")
    seconds = decoded / SAMPLE_RATE
    if total and seconds < TRUNCATED_SHARE * total and total - seconds > 2.0:
        # FFmpeg skips undecodable packets quietly; a big shortfall means damaged data
        raise MediaError(
            f"{name} is corrupt or truncated: only {seconds:.1f} s of its {total:.1f} s "
            f"of audio could be decoded"
        )
    if warnings is not None:
        warnings.extend(_ends_early(name, seconds, total, codec, last_packet))
    samples = np.concatenate(pieces).astype(np.float32)
    samples /= 32768.0
    return samples


def _too_long(name: str, max_seconds: float) -> MediaError:
    return MediaError(
        f"{name} is longer than the limit of {max_seconds:g} s of audio "
        f"(SYNOPSIS_MEDIA_MAX_SECONDS); split it or raise the limit"
    )


def _ends_early(
    name: str, seconds: float, declared: float | None, codec: str, last_packet: bytes
) -> list[str]:
    """Why the audio looks cut short, if it does: shorter than declared, or cut mid-frame."""
    if declared and seconds < SHORT_SHARE * declared and declared - seconds > 1.0:
        return [
            f"{name} ends early: only {seconds:.1f} s of its declared {declared:.1f} s of audio "
            f"could be decoded; the transcript covers that part only"
        ]
    if codec.startswith("mp3") and (expected := mp3_frame_length(last_packet)) > len(last_packet):
        return [
            f"{name} ends early: its last MP3 frame is cut off ({len(last_packet)} of "
            f"{expected} bytes), so the file was probably truncated; the transcript covers "
            f"the first {seconds:.1f} s only"
        ]
    return []


_MP3_BITRATES = {  # kbit/s by bitrate index, layer III
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 and 2.5
}
_MP3_RATES = (44_100, 48_000, 32_000)


def mp3_frame_length(frame: bytes) -> int:
    """The length an MPEG layer III frame declares in its header (0 when it has none)."""
    if len(frame) < 4 or frame[0] != 0xFF or frame[1] & 0xE0 != 0xE0:
        return 0
    version = (frame[1] >> 3) & 0b11  # 0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1
    layer = (frame[1] >> 1) & 0b11  # 1: layer III
    bitrate_index, rate_index = frame[2] >> 4, (frame[2] >> 2) & 0b11
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    mpeg1 = version == 3
    bitrate = _MP3_BITRATES[1 if mpeg1 else 2][bitrate_index] * 1000
    rate = _MP3_RATES[rate_index] // {3: 1, 2: 2, 0: 4}[version]
    padding = (frame[2] >> 1) & 1
    return (144 if mpeg1 else 72) * bitrate // rate + padding
