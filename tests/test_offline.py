"""Nothing reaches the network: transcribe and summarize with every non-loopback socket refused.

A child process installs an audit hook that refuses (and records) any DNS lookup or connection to
a non-loopback address, starts from an empty cache (so weights are assembled from the installed
packages under the same hook), and runs the whole pipeline.
"""

import json
import os
import subprocess
import sys

from .speech_helpers import SPEECH

CHILD = r"""
import ipaddress, json, socket, sys

attempts = []

def guard(event, args):
    if event == "socket.getaddrinfo":
        host = args[0]
        if host not in (None, "localhost", "127.0.0.1", "::1"):
            attempts.append(f"lookup {host}")
            raise OSError("network disabled by the offline test")
    elif event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[-1]
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            if not ipaddress.ip_address(address[0]).is_loopback:
                attempts.append(f"connect {address[0]}")
                raise OSError("network disabled by the offline test")

sys.addaudithook(guard)

import synopsis

transcript = synopsis.transcribe(sys.argv[1], speaker_labels=True)
summary = synopsis.summarize(transcript, style="headline", model="fast")
print(json.dumps({"attempts": attempts, "speakers": transcript.speakers, "summary": summary.text}))
"""


def test_pipeline_runs_with_the_network_refused(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HF_", "SYNOPSIS_", "TRANSFORMERS_"))
    }
    env["SYNOPSIS_CACHE_DIR"] = str(tmp_path / "cache")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(SPEECH / "two_speakers.wav")],
        capture_output=True,
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    report = json.loads(result.stdout.decode().splitlines()[-1])
    assert report["attempts"] == []
    assert report["speakers"] == ["A", "B"]
    assert report["summary"].strip()
    assert (tmp_path / "cache" / "speech" / "whisper-base" / "model.bin.verified").is_file()
