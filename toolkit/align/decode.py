"""Read the creator's recording: any format the bundled ffmpeg decodes, checked.

Takes the recording's path; gives 16-bit mono PCM at the rate asked for (stereo is mixed
down, any sample rate is resampled), or an InputError that says in one line what is wrong
with the file: missing, not audio, cut short, silent. The file itself is only read.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

from toolkit.audio.ffmpeg import run_ffmpeg
from toolkit.errors import EngineError, InputError

ANALYSIS_RATE = 16000  # Hz: what the aligner listens to
MASTER_RATE = 44100  # Hz: episode.mp3
SILENT_DBFS = -50.0  # a recording whose loudest moment is quieter than this is silence
_SOURCE_RATE = re.compile(r"Stream #0:\d+.*?: Audio: .*?, (\d+) Hz")
_DURATION = re.compile(r"Duration:\s*(\d+):(\d\d):(\d\d(?:\.\d+)?)")
# What ffmpeg says about a file cut off mid-write or damaged (it still exits 0).
_DAMAGE = re.compile(
    r"^.*(corrupt|truncat|partial file|error while decoding|invalid frame).*$",
    re.IGNORECASE | re.MULTILINE,
)
_HINT = "export the recording again (WAV, FLAC, MP3, M4A or OGG) and build again"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def decode_recording(
    path: Path, rate: int, shown: str | None = None, at: tuple[str, int] | None = None
) -> bytes:
    """The recording as 16-bit mono PCM at `rate`. Messages name the file as `shown` and
    point at `at` (the episode file and its recording: line)."""
    shown = shown or str(path)

    def fail(what: str, hint: str) -> InputError:
        return InputError(what, path=at[0] if at else None, line=at[1] if at else None, hint=hint)

    if not path.is_file():
        raise fail(f"recording {shown} not found", "check the recording: line")
    try:
        proc = run_ffmpeg(
            ["-loglevel", "info", "-i", str(path), "-map", "0:a:0", "-map_metadata", "-1",
             "-ac", "1", "-ar", str(rate), "-c:a", "pcm_s16le", "-f", "s16le", "pipe:1"]
        )  # fmt: skip
    except EngineError as exc:
        raise fail(f"recording {shown} cannot be decoded ({exc.what})", _HINT) from exc
    pcm = proc.stdout
    log = proc.stderr.decode("utf-8", errors="replace")
    decoded_ms = (len(pcm) // 2) * 1000 // rate
    found = _DURATION.search(log)
    if found:
        hours, minutes, seconds = int(found[1]), int(found[2]), float(found[3])
        stated_ms = round(((hours * 60 + minutes) * 60 + seconds) * 1000)
        if decoded_ms < stated_ms - max(1000, stated_ms // 50):
            raise fail(
                f"recording {shown} is cut short: its header says {stated_ms / 1000:.1f} s, "
                f"it holds {decoded_ms / 1000:.1f} s",
                _HINT,
            )
    # Only ffmpeg's own diagnostics: the file's name ("Input #0 ... from '...'") and its
    # tags (indented "title : ...") may say "corrupt" too, in a history podcast.
    diagnostics = "\n".join(
        line for line in log.splitlines() if not line.startswith((" ", "\t", "Input #"))
    )
    damage = _DAMAGE.search(diagnostics)
    if damage:
        raise fail(
            f"recording {shown} is damaged or cut short (ffmpeg: {damage[0].strip()})", _HINT
        )
    if decoded_ms < 500:
        raise fail(f"recording {shown} holds no audio", _HINT)
    samples = np.frombuffer(pcm, dtype="<i2")
    peak = int(np.abs(samples.astype(np.int32)).max())
    if 20 * np.log10(max(peak, 1) / 32768) < SILENT_DBFS:
        raise fail(f"recording {shown} is silent", "check the recording's levels")
    return pcm


def source_rate(path: Path) -> int | None:
    """The sample rate the recording was made at (it bounds the bands worth comparing)."""
    try:
        proc = run_ffmpeg(["-loglevel", "info", "-i", str(path), "-t", "0", "-f", "null", "-"])
    except EngineError:
        return None
    found = _SOURCE_RATE.search(proc.stderr.decode("utf-8", errors="replace"))
    return int(found[1]) if found else None
