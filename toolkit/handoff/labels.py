"""labels.txt: an Audacity label track (File > Import > Labels).

One label a line: start, end and text separated by tabs, times in seconds with six
decimals. Chapters are range labels (start to end), visual cues point labels (start equals
end). Lines are in time order; a label's text is one line without tabs.
"""

from __future__ import annotations

from toolkit.handoff.shotlist import CHAPTER, Marker


def seconds(ms: int) -> str:
    return f"{ms // 1000}.{ms % 1000:03d}000"


def compose_labels(markers: tuple[Marker, ...]) -> str:
    lines = []
    for mark in markers:
        end = mark.end_ms if mark.kind == CHAPTER else mark.at_ms
        lines.append(f"{seconds(mark.at_ms)}\t{seconds(end)}\t{mark.name}")
    return "".join(line + "\n" for line in lines)
