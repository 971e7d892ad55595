"""Compose subtitle files: SRT (the blocks `srt.compose` writes) and WebVTT (W3C syntax).

Both are written directly, a few lines a cue, rather than through the `srt` library (which
builds a timedelta and a Subtitle per cue for the same text). A cue that breaks the rules
is refused (_check) and the SRT is counted back block by block: a bad cue is a bug, never
a silent loss. The tests read every SRT back with `srt.parse`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count
from operator import le, lt

from toolkit.channel import SubtitleRules
from toolkit.errors import ToolkitError
from toolkit.timing.timeline import TimedCue


def _lines(text: str) -> list[str]:
    """A blank line would end a cue early in both formats: cue text never has one."""
    return [stripped for line in text.split("\n") if (stripped := line.strip())]


# White space other than a space or a line break: what str.isspace() says of the rest.
# Looking for each in a text is several times faster than one regular expression.
_OTHER_SPACE = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _tidy(whole: str) -> bool:
    """Whether cue texts joined by line breaks (`whole`) are as cue text normally is: no
    blank line, no white space around a line, none but spaces and line breaks (a cue's
    lines end where the next cue's begin, so one look at them all is enough)."""
    return not (
        "\n\n" in whole
        or " \n" in whole
        or "\n " in whole
        or whole[:1].isspace()
        or whole[-1:].isspace()
        or any([char in whole for char in _OTHER_SPACE])
    )


def _contents(cues: tuple[TimedCue, ...]) -> list[str]:
    """Each cue's text as its lines (_lines) joined by line breaks: never a blank line,
    never white space around a line, so never "\n\n" and no break at either end.

    Cue text normally is like that already (_tidy); only otherwise is each cue tidied."""
    texts = [cue.text for cue in cues]
    return texts if _tidy("\n".join(texts)) else ["\n".join(_lines(text)) for text in texts]


def one_line_texts(cues: Sequence[TimedCue]) -> list[str]:
    """Each cue's text on one line, every run of white space made one space (as
    " ".join(text.split()) gives it): what the page's script and transcript.json show.
    For tidy text (_tidy) without double spaces, that is its line breaks made spaces."""
    texts = [cue.text for cue in cues]
    whole = "\n".join(texts)
    if _tidy(whole) and "  " not in whole:
        return [text.replace("\n", " ") for text in texts]
    return [" ".join(text.split()) for text in texts]


def _check(cues: tuple[TimedCue, ...], starts: list[int], ends: list[int]) -> None:
    """Refuse cues with impossible times (`starts` and `ends` are theirs) or no text."""
    # One look at all of them first (the usual case: all fine); the loop says which is not.
    if (
        (not starts or starts[0] >= 0)
        and all(map(lt, starts, ends))
        and all(map(le, ends, starts[1:]))
        and all(map(str.strip, [cue.text for cue in cues]))
    ):
        return
    previous_end = -1
    for i, cue in enumerate(cues, 1):
        if cue.start_ms < 0 or cue.end_ms <= cue.start_ms or cue.start_ms < previous_end:
            raise ToolkitError(f"cue {i} has impossible times {cue.start_ms}-{cue.end_ms} ms")
        if not cue.text.strip():
            raise ToolkitError(f"cue {i} is empty")
        previous_end = cue.end_ms


# "MM:SS" for each second of an hour and ",mmm" (SRT) or ".mmm" (WebVTT) for each
# millisecond of a second: the writers format two timestamps a cue, and looking these up is
# several times faster. (Every process that writes a kit builds the tables: joined from
# pieces as here, they take a fourth of the time formatting 5,600 numbers would.)
_TWO_DIGITS = [f"{n:02d}" for n in range(60)]
_MINUTES_SECONDS = tuple([m + ":" + s for m in _TWO_DIGITS for s in _TWO_DIGITS])
_SRT_MILLIS = tuple([f",{ms:03d}" for ms in range(1000)])
_VTT_MILLIS = tuple(["." + millis[1:] for millis in _SRT_MILLIS])


def _timestamp(ms: int, millis: tuple[str, ...]) -> str:
    seconds, rest = divmod(ms, 1000)
    hours, seconds = divmod(seconds, 3600)
    return f"{hours:02d}:{_MINUTES_SECONDS[seconds]}{millis[rest]}"


def _timestamps(values: list[int], millis: tuple[str, ...]) -> list[str]:
    """_timestamp of each of `values` (not negative: _check saw to it), the first hour's
    written out in one expression: a kit has thousands."""
    minutes_seconds = _MINUTES_SECONDS
    return [
        f"00:{minutes_seconds[ms // 1000]}{millis[ms % 1000]}"
        if ms < 3_600_000
        else _timestamp(ms, millis)
        for ms in values
    ]


def srt_time(ms: int) -> str:
    """SRT timestamp, as `srt` writes it: hours always present, a comma before the
    milliseconds."""
    return _timestamp(ms, _SRT_MILLIS)


def compose_srt(cues: tuple[TimedCue, ...]) -> str:
    """subtitles.srt: numbered blocks, each ended by a blank line (what `srt.compose` writes
    with reindex=False, strict=True, for cues that have no blank line)."""
    starts, ends = [cue.start_ms for cue in cues], [cue.end_ms for cue in cues]
    _check(cues, starts, ends)
    text = "".join(
        [
            f"{i}\n{start} --> {end}\n{content}\n\n"
            for i, start, end, content in zip(
                count(1),
                _timestamps(starts, _SRT_MILLIS),
                _timestamps(ends, _SRT_MILLIS),
                _contents(cues),
            )
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
    return _timestamp(ms, _VTT_MILLIS)


def vtt_escape(text: str) -> str:
    """Cue text may not hold "&", "<" or "-->" raw (W3C WebVTT, cue text syntax)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def compose_vtt(cues: tuple[TimedCue, ...]) -> str:
    """subtitles.vtt: the header, then numbered cues separated by blank lines."""
    starts, ends = [cue.start_ms for cue in cues], [cue.end_ms for cue in cues]
    _check(cues, starts, ends)
    if not cues:
        return "WEBVTT\n"
    # No content holds "\n\n" or starts or ends with "\n" (_contents), and escaping adds no
    # line break: all of it is escaped at once.
    contents = vtt_escape("\n\n".join(_contents(cues))).split("\n\n")
    blocks = [
        f"{i}\n{start} --> {end}\n{content}\n"
        for i, start, end, content in zip(
            count(1),
            _timestamps(starts, _VTT_MILLIS),
            _timestamps(ends, _VTT_MILLIS),
            contents,
        )
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)


def check_cues(cues: tuple[TimedCue, ...], rules: SubtitleRules) -> list[str]:
    """Every way the cues break the rule profile, as readable lines (empty when clean)."""
    problems: list[str] = []
    max_lines, max_line_chars = rules.max_lines, rules.max_line_chars
    shortest, longest, min_gap = rules.min_duration_ms, rules.max_duration_ms, rules.min_gap_ms
    max_cps = rules.max_cps + 1e-9
    last = len(cues)
    for i, cue in enumerate(cues, 1):
        # Most cues keep every rule: one look at each, and a message only for those that do
        # not. (A cue's characters, `chars`, are its text's: a line break counts as a space.)
        text = cue.text
        length = cue.end_ms - cue.start_ms
        if (
            shortest <= length <= longest
            and len(text) * 1000 / max(length, 1) <= max_cps
            and (i == last or cues[i].start_ms - cue.end_ms >= min_gap)
            and text.count("\n") < max_lines
            and (len(text) <= max_line_chars or max(map(len, text.split("\n"))) <= max_line_chars)
        ):
            continue
        problems.extend(_cue_problems(cues, i, rules))
    return problems


def _cue_problems(cues: tuple[TimedCue, ...], i: int, rules: SubtitleRules) -> list[str]:
    """How cue `i` (1-based) breaks the rule profile, as check_cues says it."""
    problems: list[str] = []
    cue = cues[i - 1]
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
