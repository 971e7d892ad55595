"""The speech cache: every synthesized sentence, kept under build/.cache/.

An entry's key is a hash of the spoken text and the engine's identity (name, version and
every setting that changes the audio), so an edit re-synthesizes only what it touched and
episodes share sentences. Entries are written atomically and checked on every read (length
and hash): a damaged entry is discarded and made again, never used.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from toolkit.audio.engine import Speech, WordMark
from toolkit.files import write_atomic

log = logging.getLogger("toolkit")

MAGIC = b"TKSPEECH1\n"


def cache_key(identity: str, spoken: str) -> str:
    digest = hashlib.sha256()
    digest.update(identity.encode("utf-8"))
    digest.update(b"\x00")
    digest.update(spoken.encode("utf-8"))
    return digest.hexdigest()


class SpeechCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.speech"

    def get(self, key: str) -> Speech | None:
        path = self.path(key)
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        speech = decode_entry(raw)
        if speech is None:
            log.warning("%s: damaged cache entry discarded; it will be synthesized again", path)
            path.unlink(missing_ok=True)
        return speech

    def put(self, key: str, speech: Speech) -> None:
        write_atomic(self.path(key), encode_entry(speech))


def encode_entry(speech: Speech) -> bytes:
    header = {
        "sample_rate": speech.sample_rate,
        "bytes": len(speech.pcm),
        "sha256": hashlib.sha256(speech.pcm).hexdigest(),
        "words": [[w.start, w.length, w.ms] for w in speech.words],
    }
    return MAGIC + json.dumps(header, separators=(",", ":")).encode() + b"\n" + speech.pcm


def decode_entry(raw: bytes) -> Speech | None:
    """The entry's speech, or None when it is truncated, corrupted or of another format."""
    if not raw.startswith(MAGIC):
        return None
    end = raw.find(b"\n", len(MAGIC))
    if end < 0:
        return None
    try:
        header = json.loads(raw[len(MAGIC) : end])
        pcm = raw[end + 1 :]
        if len(pcm) != header["bytes"] or hashlib.sha256(pcm).hexdigest() != header["sha256"]:
            return None
        words = tuple(WordMark(int(a), int(b), int(c)) for a, b, c in header["words"])
        return Speech(pcm, int(header["sample_rate"]), words)
    except (ValueError, KeyError, TypeError):
        return None
