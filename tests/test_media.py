"""Decoding every container we promise, and clear errors for everything else."""

import io
import random

import numpy as np
import pytest

from synopsis.media import MediaError, decode_audio, looks_like_media, probe

from .speech_helpers import SPEECH

FORMATS = ["monologue_us.wav", "monologue_us.mp3", "monologue_us.webm", "monologue_us.mp4"]


@pytest.mark.parametrize("name", FORMATS)
def test_every_container_decodes_to_the_same_16k_mono_audio(name):
    reference = decode_audio(SPEECH / "monologue_us.wav")
    audio = decode_audio(SPEECH / name)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(len(audio) - len(reference)) / 16_000 < 0.15  # encoder padding only
    assert 0.05 < np.abs(audio).max() <= 1.0


def test_probe_reports_container_codec_and_duration():
    wav = probe(SPEECH / "monologue_us.wav")
    assert (wav.container, wav.audio_codec, wav.sample_rate, wav.channels) == (
        "wav",
        "pcm_s16le",
        16_000,
        1,
    )
    assert wav.duration == pytest.approx(
        len(decode_audio(SPEECH / "monologue_us.wav")) / 16_000, abs=0.01
    )
    video = probe(SPEECH / "two_speakers.mp4")
    assert video.has_video and video.audio_codec == "aac" and video.duration > 40


def test_bytes_and_file_objects_decode_like_paths():
    data = (SPEECH / "monologue_us.mp3").read_bytes()
    from_path = decode_audio(SPEECH / "monologue_us.mp3")
    assert np.array_equal(decode_audio(data), from_path)
    assert np.array_equal(decode_audio(io.BytesIO(data)), from_path)


def test_progress_reports_seconds_decoded():
    calls = []
    decode_audio(SPEECH / "monologue_us.webm", lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == pytest.approx(calls[-1][1], abs=0.2)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_empty_missing_and_directory_inputs(tmp_path):
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(MediaError, match="empty"):
        decode_audio(tmp_path / "empty.wav")
    with pytest.raises(MediaError, match="empty"):
        decode_audio(b"")
    with pytest.raises(MediaError, match="no such file"):
        probe(tmp_path / "missing.mp3")
    with pytest.raises(MediaError, match="directory"):
        probe(tmp_path)


def test_non_media_is_refused_by_content_not_extension(tmp_path):
    text = tmp_path / "notes.wav"
    text.write_text("These are meeting notes, not a recording.\n" * 20)
    with pytest.raises(MediaError, match="not an audio or video file"):
        decode_audio(text)
    noise = tmp_path / "noise.mp3"
    noise.write_bytes(random.Random(3).randbytes(4000))
    with pytest.raises(MediaError, match="not an audio or video file"):
        decode_audio(noise)


def test_corrupt_and_truncated_files_are_errors_not_silence(tmp_path):
    data = bytearray((SPEECH / "monologue_us.webm").read_bytes())
    rng = random.Random(1)
    for index in range(2000, len(data), 50):
        data[index] = rng.randrange(256)
    (tmp_path / "garbled.webm").write_bytes(bytes(data))
    with pytest.raises(MediaError, match="corrupt or truncated"):
        decode_audio(tmp_path / "garbled.webm")
    whole = (SPEECH / "monologue_us.webm").read_bytes()
    with pytest.raises(MediaError, match="corrupt or truncated"):
        decode_audio(whole[: len(whole) // 4])
    mp4 = (SPEECH / "monologue_us.mp4").read_bytes()
    with pytest.raises(MediaError, match="not an audio or video file"):
        decode_audio(mp4[: len(mp4) // 2])  # the index (moov) sits at the end


def test_video_without_audio_names_the_problem():
    with pytest.raises(MediaError, match="no audio stream \\(video only\\)"):
        probe(SPEECH / "video_only.mp4")


def test_media_extensions():
    assert looks_like_media("talk.MP4") and looks_like_media("https://x.test/a/b.webm?sig=1")
    assert not looks_like_media("notes.txt") and not looks_like_media("https://x.test/page")


@pytest.mark.parametrize(
    ("suffix", "codec", "rate"),
    [
        (".flac", "flac", 16_000),
        (".ogg", "libopus", 48_000),
        (".opus", "libopus", 48_000),
        (".m4a", "aac", 16_000),
        (".mkv", "libopus", 48_000),
        (".mov", "aac", 16_000),
    ],
)
def test_more_containers(tmp_path, suffix, codec, rate):
    """The remaining promised containers, encoded here from the wav fixture with PyAV."""
    import av

    source = decode_audio(SPEECH / "monologue_us.wav")
    pcm = (source * 32767).astype(np.int16)
    path = tmp_path / f"speech{suffix}"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=rate)
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = 16_000
        for chunk in [*resampler.resample(frame), *resampler.resample(None)]:
            for start in range(0, chunk.samples, 960):
                piece = av.AudioFrame.from_ndarray(
                    chunk.to_ndarray()[:, start : start + 960],
                    format=chunk.format.name,
                    layout="mono",
                )
                piece.sample_rate = rate
                container.mux(stream.encode(piece))
        container.mux(stream.encode(None))
    audio = decode_audio(path)
    assert abs(len(audio) - len(source)) / 16_000 < 0.2
    assert probe(path).duration == pytest.approx(len(source) / 16_000, abs=0.3)
