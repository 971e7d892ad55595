"""The texts of an episode kit: script.md for the narrator, narration.txt for the engine."""

from __future__ import annotations

from toolkit.outputs.chapters import clock
from toolkit.text.assemble import Episode, Paragraph, Visual
from toolkit.text.speak import spoken_text
from toolkit.timing.timeline import ESTIMATE, Timeline


def duration(ms: int) -> str:
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def compose_script(episode: Episode, timeline: Timeline) -> str:
    """The assembled script: each segment with its start and duration, captions shown as
    visual cues for the editor (they are not narrated)."""
    how = "estimated" if timeline.source == ESTIMATE else "measured from the audio"
    long = timeline.total_ms >= 3_600_000
    out = [
        f"# {episode.title}",
        "",
        f"Episode {episode.number} · voice {timeline.voice} · "
        f"{duration(timeline.total_ms)} ({how})",
        "",
    ]
    for seg, timed in zip(episode.segments, timeline.segments, strict=True):
        out.append(
            f"## {clock(timed.start_ms, long)} {seg.title} "
            f"({duration(timed.end_ms - timed.start_ms)})"
        )
        out.append("")
        for block in seg.blocks:
            if isinstance(block, Visual):
                out.append(f"> **Visual:** {block.text}")
            elif isinstance(block, Paragraph):
                out.append(" ".join(s.text for s in block.sentences))
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def compose_narration(episode: Episode) -> str:
    """Exactly the text sent to the speech engine, one sentence a line."""
    # Each sentence's `spoken`, made here rather than through the cached property (which
    # takes a lock the first time; a build without audio asks nothing else for it).
    lines = [text for s in episode.sentences if (text := spoken_text(s.tokens))]
    return "\n".join(lines) + "\n"
