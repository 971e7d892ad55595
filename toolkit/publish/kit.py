"""The publishing files of one kit: description.txt, shownotes.html and transcript.json.

Pure: the article, channel, templates and the kit's timeline (estimate, draft audio or
recording) in; the files by name and any warnings out. build.py writes them with the kit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.channel import Channel
from toolkit.errors import InputError
from toolkit.publish.description import compose_description
from toolkit.publish.notes import gather_notes
from toolkit.publish.shownotes import compose_shownotes
from toolkit.publish.transcript import compose_transcript_json
from toolkit.templates import Templates
from toolkit.text.article import Article
from toolkit.timing.timeline import Timeline


def speaker_of(channel: Channel) -> str:
    return channel.host or channel.name


def compose_publish_files(
    article: Article, channel: Channel, timeline: Timeline, templates: Templates
) -> tuple[dict[str, str], list[str]]:
    notes = gather_notes(article, channel, timeline)
    description = compose_description(notes, channel, templates)
    files = {
        "description.txt": description.text,
        "shownotes.html": compose_shownotes(notes),
        "transcript.json": compose_transcript_json(timeline, speaker_of(channel)),
    }
    return files, list(description.warnings)


# A kit's audio, best first: the creator's recording, else the narrated draft.
KIT_AUDIO = ("episode.mp3", "narration.mp3")


def kit_audio(folder: Path) -> Path | None:
    return next((folder / n for n in KIT_AUDIO if (folder / n).is_file()), None)


def audio_length_ms(path: Path) -> int:
    """An MP3's length, from its header (mutagen), in milliseconds."""
    from mutagen.mp3 import MP3

    try:
        info: Any = MP3(path).info  # type: ignore[no-untyped-call]
        return round(float(info.length) * 1000)
    except Exception as exc:  # mutagen raises several kinds for a damaged file
        raise InputError(
            f"cannot read this MP3: {exc}", path=path, hint="build the episode's audio again"
        ) from exc
