"""The edge around the ffmpeg binary that imageio-ffmpeg ships.

There is no ffprobe beside that binary, so everything here asks ffmpeg itself: decoding,
loudness (the ebur128 filter) and chapters (the ffmetadata muxer). Running it through
run_ffmpeg turns every failure into an EngineError that carries ffmpeg's own reason.
"""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import EngineError

# ffmpeg ends most failures with generic lines; the reason is on an earlier line.
_GENERIC_TAIL = re.compile(r"^(Conversion failed!|Exiting with exit code \d+)", re.IGNORECASE)
# "[in#0 @ 0x55e8b8941d00] reason": a component's own message. The address changes from run
# to run, so it is dropped from the text we report.
_COMPONENT_LINE = re.compile(r"^\[(?P<who>[^\]@]+?)\s*@\s*0x[0-9a-fA-F]+\]\s*(?P<text>.*)$")


@dataclass(frozen=True)
class Loudness:
    """What ffmpeg's EBU R128 meter reports for a whole file."""

    integrated_lufs: float  # -70.0 (ffmpeg's floor) for silence
    true_peak_dbtp: float  # -inf for digital silence


@functools.cache
def ffmpeg_exe() -> str:
    """The path of the ffmpeg binary shipped by imageio-ffmpeg."""
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise EngineError(
            "imageio-ffmpeg is not installed", hint="install the toolkit with its dependencies"
        ) from exc
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:  # its own message says which binary it looked for
        raise EngineError(
            f"no ffmpeg binary found: {exc}", hint="reinstall imageio-ffmpeg for this platform"
        ) from exc


def _reason(stderr: bytes) -> str:
    """The last line of ffmpeg's stderr that says why it failed."""
    lines = [
        line.strip()
        for line in stderr.decode("utf-8", errors="replace").splitlines()
        if line.strip() and not _GENERIC_TAIL.match(line.strip())
    ]
    if not lines:
        return "no message"
    # A component's own line ("Value 5 for parameter 'limit' out of range") says more than
    # ffmpeg's closing summary ("Error opening output files: Numerical result out of range").
    for line in reversed(lines[-6:]):
        match = _COMPONENT_LINE.match(line)
        if match and match["text"]:
            return f"{match['who'].strip()}: {match['text']}"
    return lines[-1]


def run_ffmpeg(args: list[str], input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with `args` (after -hide_banner -nostats), feeding `input` on stdin.

    Returns the completed process with stdout and stderr captured; raises EngineError with
    ffmpeg's last useful stderr line if it cannot start or exits non-zero.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats"]
    if input is None:
        # Without this ffmpeg reads keyboard commands from our stdin and can stall a build.
        cmd.append("-nostdin")
    cmd.extend(args)
    try:
        proc = subprocess.run(
            cmd,
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise EngineError(
            f"ffmpeg could not be started: {exc.strerror or exc}",
            hint="reinstall imageio-ffmpeg",
        ) from exc
    if proc.returncode != 0:
        raise EngineError(f"ffmpeg failed (exit code {proc.returncode}): {_reason(proc.stderr)}")
    return proc


def decode_to_pcm(data: bytes, sample_rate: int) -> bytes:
    """Decode any audio ffmpeg reads (MP3, WAV, ...) to signed 16-bit mono PCM at sample_rate."""
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, not {sample_rate}")
    if not data:
        raise EngineError("no audio data to decode")
    proc = run_ffmpeg(
        [
            "-loglevel", "error",
            # "-", not "pipe:0": only then does ffmpeg trim the MP3 encoder's end padding
            # (given in the LAME header), so decoded speech keeps its true length.
            "-i", "-",
            "-map", "0:a:0",  # the sound only: online engines may attach cover art or data
            "-map_metadata", "-1",
            "-ac", "1",
            "-ar", str(sample_rate),
            "-c:a", "pcm_s16le",
            "-f", "s16le",
            "pipe:1",
        ],
        input=data,
    )  # fmt: skip
    if not proc.stdout:
        raise EngineError(f"ffmpeg decoded no audio: {_reason(proc.stderr)}")
    return proc.stdout


_SUMMARY_I = re.compile(r"^\s*I:\s*(?P<v>-?(?:\d+(?:\.\d+)?|inf))\s*LUFS", re.MULTILINE)
_SUMMARY_PEAK = re.compile(r"^\s*Peak:\s*(?P<v>[-+]?(?:\d+(?:\.\d+)?|inf))\s*dBFS", re.MULTILINE)


def measure_loudness(path: Path) -> Loudness:
    """Integrated loudness and true peak of an audio file, by ffmpeg's ebur128 filter."""
    proc = run_ffmpeg(
        ["-loglevel", "info", "-i", str(path), "-map", "0:a:0",
         "-af", "ebur128=peak=true", "-f", "null", "-"]
    )  # fmt: skip
    log = proc.stderr.decode("utf-8", errors="replace")
    # The filter prints running values at verbose level and one summary at the end.
    start = log.rfind("Summary:")
    summary = log[start:] if start >= 0 else ""
    integrated = _SUMMARY_I.search(summary)
    peak = _SUMMARY_PEAK.search(summary)
    if integrated is None or peak is None:
        raise EngineError("ffmpeg printed no loudness summary", path=path)
    return Loudness(float(integrated["v"]), float(peak["v"]))


def _ffmetadata_lines(text: str) -> list[list[tuple[str, bool]]]:
    """Split ffmetadata into logical lines of (character, was escaped) pairs.

    The format escapes '=', ';', '#', '\\' and newlines with a backslash, so an escaped
    newline continues the value and an escaped '=' is not the key separator.
    """
    lines: list[list[tuple[str, bool]]] = [[]]
    chars = iter(text)
    for char in chars:
        if char == "\\":
            lines[-1].append((next(chars, ""), True))
        elif char == "\n":
            lines.append([])
        else:
            lines[-1].append((char, False))
    return lines


def read_chapters(path: Path) -> list[tuple[int, int, str]]:
    """The chapters ffmpeg sees in a file: (start ms, end ms, title), in ffmpeg's order.

    That order is the order of the file's chapter frames, which is what players built on
    ffmpeg show; times are as stored in the file.
    """
    # -copyts: without it ffmpeg shifts chapters by the file's start time (the MP3 encoder
    # delay, 25 ms) and reports times that differ from those stored in the file.
    proc = run_ffmpeg(
        ["-loglevel", "error", "-copyts", "-i", str(path), "-f", "ffmetadata", "pipe:1"]
    )
    sections: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in _ffmetadata_lines(proc.stdout.decode("utf-8", errors="replace")):
        if not line or (line[0][0] in ";#" and not line[0][1]):
            continue
        if line[0] == ("[", False):
            header = "".join(char for char, _ in line).strip()
            current = {} if header == "[CHAPTER]" else None
            if current is not None:
                sections.append(current)
            continue
        split = next((i for i, (char, esc) in enumerate(line) if char == "=" and not esc), None)
        if current is not None and split is not None:
            key = "".join(char for char, _ in line[:split])
            current[key] = "".join(char for char, _ in line[split + 1 :])
    chapters: list[tuple[int, int, str]] = []
    for section in sections:
        num, _, den = section.get("TIMEBASE", "1/1000").partition("/")
        scale = 1000 * int(num) / int(den or "1")
        start, end = round(int(section["START"]) * scale), round(int(section["END"]) * scale)
        chapters.append((start, end, section.get("title", "")))
    return chapters
