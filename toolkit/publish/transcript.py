"""transcript.json: the Podcasting 2.0 JSON transcript (version 1.0.0).

One segment per subtitle cue, timed by whatever timed the kit (the estimate, the draft
audio or the creator's recording): speaker, startTime and endTime in seconds, body (the
cue's display text on one line).
"""

from __future__ import annotations

import json

from toolkit.files import json_text
from toolkit.outputs.subtitles import one_line_texts
from toolkit.timing.timeline import Timeline

TRANSCRIPT_VERSION = "1.0.0"

_json_string = json.encoder.encode_basestring  # as json.dumps(ensure_ascii=False) quotes


# What repr() (and so json) writes for ms / 1000 after the whole seconds, by ms % 1000:
# ".0", ".001", ..., ".5", ... (no trailing zeros).
_FRACTIONS = tuple(f".{ms:03d}".rstrip("0") if ms else ".0" for ms in range(1000))


def _seconds(values: list[int]) -> list[str]:
    """json's text for the float ms / 1000 of each of `values`: its repr, the shortest that
    reads back the same, which for a whole number of milliseconds is its decimals without
    trailing zeros."""
    fractions = _FRACTIONS
    return [
        f"{ms // 1000}{fractions[ms % 1000]}" if 0 <= ms < 10**12 else repr(ms / 1000)
        for ms in values
    ]


def compose_transcript_json(timeline: Timeline, speaker: str) -> str:
    """The transcript as json_text would write it (indent 2, UTF-8 text, a final newline),
    each segment formatted in one step: a kit has thousands of them, all alike."""
    if not timeline.cues:
        return json_text({"version": TRANSCRIPT_VERSION, "segments": []})
    head = f'    {{\n      "speaker": {_json_string(speaker)},\n      "startTime": '
    # startTime and endTime are floats in seconds (_seconds), body the cue's text on one line.
    cues = timeline.cues
    segments = ",\n".join(
        [
            f'{head}{start},\n      "endTime": {end},\n      "body": {_json_string(body)}\n    }}'
            for start, end, body in zip(
                _seconds([cue.start_ms for cue in cues]),
                _seconds([cue.end_ms for cue in cues]),
                one_line_texts(cues),
                strict=True,
            )
        ]
    )
    version = _json_string(TRANSCRIPT_VERSION)
    return f'{{\n  "version": {version},\n  "segments": [\n{segments}\n  ]\n}}\n'
