"""transcript.json: the Podcasting 2.0 JSON transcript (version 1.0.0).

One segment per subtitle cue, timed by whatever timed the kit (the estimate, the draft
audio or the creator's recording): speaker, startTime and endTime in seconds, body (the
cue's display text on one line).
"""

from __future__ import annotations

import json

from toolkit.files import json_text
from toolkit.timing.timeline import Timeline

TRANSCRIPT_VERSION = "1.0.0"

_json_string = json.encoder.encode_basestring  # as json.dumps(ensure_ascii=False) quotes


def compose_transcript_json(timeline: Timeline, speaker: str) -> str:
    """The transcript as json_text would write it (indent 2, UTF-8 text, a final newline),
    each segment formatted in one step: a kit has thousands of them, all alike."""
    if not timeline.cues:
        return json_text({"version": TRANSCRIPT_VERSION, "segments": []})
    head = f'    {{\n      "speaker": {_json_string(speaker)},\n      "startTime": '
    segments = ",\n".join(
        # float.__repr__ is what json writes for a float: startTime and endTime are floats.
        f"{head}{cue.start_ms / 1000!r},\n"
        f'      "endTime": {cue.end_ms / 1000!r},\n'
        f'      "body": {_json_string(" ".join(cue.text.split()))}\n'
        "    }"
        for cue in timeline.cues
    )
    version = _json_string(TRANSCRIPT_VERSION)
    return f'{{\n  "version": {version},\n  "segments": [\n{segments}\n  ]\n}}\n'
