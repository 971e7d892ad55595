"""Compose subtitle files: SRT (through the `srt` library) and WebVTT (W3C syntax).

`srt.compose` silently drops cues it considers bad and `srt.parse` is lenient, so both
sides are validated here: a cue that breaks the rules is a bug, never a silent loss.
"""

from __future__ import annotations

from datetime import timedelta

import srt

from toolkit.channel import SubtitleRules
from toolkit.errors import ToolkitError
from toolkit.timing.timeline import TimedCue


def _lines(text: str) -> list[str]:
    """A blank line would end a cue early in both formats: cue text never has one."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _check(cues: tuple[TimedCue, ...]) -> None:
    previous_end = -1
    for i, cue in enumerate(cues, 1):
        if cue.start_ms < 0 or cue.end_ms <= cue.start_ms or cue.start_ms < previous_end:
            raise ToolkitError(f"cue {i} has impossible times {cue.start_ms}-{cue.end_ms} ms")
        if not cue.text.strip():
            raise ToolkitError(f"cue {i} is empty")
        previous_end = cue.end_ms


def compose_srt(cues: tuple[TimedCue, ...]) -> str:
    _check(cues)
    subs = [
        srt.Subtitle(
            index=i,
            start=timedelta(milliseconds=c.start_ms),
            end=timedelta(milliseconds=c.end_ms),
            content="\n".join(_lines(c.text)),
        )
        for i, c in enumerate(cues, 1)
    ]
    text: str = srt.compose(subs, reindex=False, strict=True)
    # Every cue must come out as one block (a reader splits blocks at blank lines, and cue
    # text has none): counting them is what parsing the text back would find, without
    # parsing every timestamp again.
    if text.count("\n\n") != len(cues) or (cues and not text.endswith("\n\n")):
        raise ToolkitError("the SRT writer dropped cues")
    return text


def vtt_time(ms: int) -> str:
    """WebVTT timestamp: hours always present, a period before the milliseconds."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def vtt_escape(text: str) -> str:
    """Cue text may not hold "&", "<" or "-->" raw (W3C WebVTT, cue text syntax)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def compose_vtt(cues: tuple[TimedCue, ...]) -> str:
    _check(cues)
    parts = ["WEBVTT", ""]
    for i, cue in enumerate(cues, 1):
        parts.append(str(i))
        parts.append(f"{vtt_time(cue.start_ms)} --> {vtt_time(cue.end_ms)}")
        parts.extend(vtt_escape(line) for line in _lines(cue.text))
        parts.append("")
    return "\n".join(parts)


def check_cues(cues: tuple[TimedCue, ...], rules: SubtitleRules) -> list[str]:
    """Every way the cues break the rule profile, as readable lines (empty when clean)."""
    problems: list[str] = []
    for i, cue in enumerate(cues, 1):
        lines = cue.text.split("\n")
        length = cue.end_ms - cue.start_ms
        where = f"cue {i} ({vtt_time(cue.start_ms)})"
        if len(lines) > rules.max_lines:
            problems.append(f"{where}: {len(lines)} lines, at most {rules.max_lines}")
        for line in lines:
            if len(line) > rules.max_line_chars:
                problems.append(
                    f"{where}: a line of {len(line)} characters, at most {rules.max_line_chars}"
                )
        if length < rules.min_duration_ms:
            problems.append(f"{where}: on screen {length} ms, at least {rules.min_duration_ms}")
        if length > rules.max_duration_ms:
            problems.append(f"{where}: on screen {length} ms, at most {rules.max_duration_ms}")
        cps = cue.chars * 1000 / max(length, 1)
        if cps > rules.max_cps + 1e-9:
            problems.append(f"{where}: {cps:.1f} characters a second, at most {rules.max_cps:g}")
        if i < len(cues) and cues[i].start_ms - cue.end_ms < rules.min_gap_ms:
            problems.append(
                f"{where}: {cues[i].start_ms - cue.end_ms} ms before the next cue, "
                f"at least {rules.min_gap_ms}"
            )
    return problems
