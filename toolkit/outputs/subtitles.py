"""Compose subtitle files: SRT (the blocks `srt.compose` writes) and WebVTT (W3C syntax).

Both are written directly, a few lines a cue, rather than through the `srt` library (which
builds a timedelta and a Subtitle per cue for the same text). A cue that breaks the rules
is refused (_check) and the SRT is counted back block by block: a bad cue is a bug, never
a silent loss. The tests read every SRT back with `srt.parse`.
"""

from __future__ import annotations

import re

from toolkit.channel import SubtitleRules
from toolkit.errors import ToolkitError
from toolkit.timing.timeline import TimedCue


def _lines(text: str) -> list[str]:
    """A blank line would end a cue early in both formats: cue text never has one."""
    return [stripped for line in text.split("\n") if (stripped := line.strip())]


# White space other than a space or a line break.
_OTHER_SPACE = re.compile(r"[^\S \n]")


def _contents(cues: tuple[TimedCue, ...]) -> list[str]:
    """Each cue's text as its lines (_lines) joined by line breaks: never a blank line,
    never white space around a line, so never "\n\n" and no break at either end.

    Cue text normally is like that already, and one look at all of it together shows
    it (a cue's lines end where the next cue's begin); only otherwise is each cue tidied."""
    texts = [cue.text for cue in cues]
    whole = "\n".join(texts)
    tidy = not (
        "\n\n" in whole
        or " \n" in whole
        or "\n " in whole
        or whole[:1].isspace()
        or whole[-1:].isspace()
        or _OTHER_SPACE.search(whole)
    )
    return texts if tidy else ["\n".join(_lines(text)) for text in texts]


def _check(cues: tuple[TimedCue, ...]) -> None:
    previous_end = -1
    for i, cue in enumerate(cues, 1):
        if cue.start_ms < 0 or cue.end_ms <= cue.start_ms or cue.start_ms < previous_end:
            raise ToolkitError(f"cue {i} has impossible times {cue.start_ms}-{cue.end_ms} ms")
        if not cue.text.strip():
            raise ToolkitError(f"cue {i} is empty")
        previous_end = cue.end_ms


# "MM:SS" for each second of an hour and "mmm" for each millisecond of a second: the
# writers format two timestamps a cue, and looking these up is several times faster.
_MINUTES_SECONDS = tuple(f"{m:02d}:{s:02d}" for m in range(60) for s in range(60))
_MILLIS = tuple(f"{ms:03d}" for ms in range(1000))


def srt_time(ms: int) -> str:
    """SRT timestamp, as `srt` writes it: hours always present, a comma before the
    milliseconds."""
    seconds, millis = divmod(ms, 1000)
    hours, seconds = divmod(seconds, 3600)
    return f"{hours:02d}:{_MINUTES_SECONDS[seconds]},{_MILLIS[millis]}"


def compose_srt(cues: tuple[TimedCue, ...]) -> str:
    """subtitles.srt: numbered blocks, each ended by a blank line (what `srt.compose` writes
    with reindex=False, strict=True, for cues that have no blank line)."""
    _check(cues)
    text = "".join(
        [
            f"{i}\n{srt_time(cue.start_ms)} --> {srt_time(cue.end_ms)}\n{content}\n\n"
            for i, (cue, content) in enumerate(zip(cues, _contents(cues), strict=True), 1)
        ]
    )
    # Every cue must come out as one block (a reader splits blocks at blank lines, and cue
    # text has none): counting them is what parsing the text back would find, without
    # parsing every timestamp again.
    if text.count("\n\n") != len(cues) or (cues and not text.endswith("\n\n")):
        raise ToolkitError("the SRT writer dropped cues")
    return text


def vtt_time(ms: int) -> str:
    """WebVTT timestamp: hours always present, a period before the milliseconds."""
    seconds, millis = divmod(ms, 1000)
    hours, seconds = divmod(seconds, 3600)
    return f"{hours:02d}:{_MINUTES_SECONDS[seconds]}.{_MILLIS[millis]}"


def vtt_escape(text: str) -> str:
    """Cue text may not hold "&", "<" or "-->" raw (W3C WebVTT, cue text syntax)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def compose_vtt(cues: tuple[TimedCue, ...]) -> str:
    """subtitles.vtt: the header, then numbered cues separated by blank lines."""
    _check(cues)
    if not cues:
        return "WEBVTT\n"
    # No content holds "\n\n" or starts or ends with "\n" (_contents), and escaping adds no
    # line break: all of it is escaped at once.
    contents = vtt_escape("\n\n".join(_contents(cues))).split("\n\n")
    blocks = [
        f"{i}\n{vtt_time(cue.start_ms)} --> {vtt_time(cue.end_ms)}\n{content}\n"
        for i, (cue, content) in enumerate(zip(cues, contents, strict=True), 1)
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)


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
