"""transcript.json: the Podcasting 2.0 JSON transcript (version 1.0.0).

One segment per subtitle cue, timed by whatever timed the kit (the estimate, the draft
audio or the creator's recording): speaker, startTime and endTime in seconds, body (the
cue's display text on one line).
"""

from __future__ import annotations

from toolkit.files import json_text
from toolkit.timing.timeline import Timeline

TRANSCRIPT_VERSION = "1.0.0"


def compose_transcript_json(timeline: Timeline, speaker: str) -> str:
    doc = {
        "version": TRANSCRIPT_VERSION,
        "segments": [
            {
                "speaker": speaker,
                "startTime": cue.start_ms / 1000,
                "endTime": cue.end_ms / 1000,
                "body": " ".join(cue.text.split()),
            }
            for cue in timeline.cues
        ],
    }
    return json_text(doc)
