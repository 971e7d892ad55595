"""`toolkit calibrate VOICE`: measure how fast a voice really speaks and write it into the
voice profile, so estimates before any audio exists land close to the real length.

A reference passage is synthesized sentence by sentence; a least-squares fit of each
sentence's measured length against the estimate model (RateModel: a share per word and per
syllable and letter, plus a pause at each clause break) gives the speaking rate and the
clause pause. Pauses between sentences, paragraphs and segments are inserted by the toolkit,
not the engine, so they need no measuring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from toolkit.audio.narrate import make_engine
from toolkit.errors import ConfigError
from toolkit.files import read_text, write_atomic
from toolkit.text.assemble import make_paragraph
from toolkit.text.speak import EMPTY_LEXICON
from toolkit.timing.timeline import RateModel
from toolkit.voice import VoiceProfile


@dataclass(frozen=True)
class Calibration:
    words_per_minute: float
    comma_pause_ms: int
    sentence_ms: int
    sentences: int
    measured_ms: int  # speech only, without the toolkit's pauses
    estimated_before_ms: int
    estimated_after_ms: int


def reference_passage() -> list[str]:
    text = (resources.files("toolkit") / "data" / "calibration.txt").read_text(encoding="utf-8")
    return [p for p in text.split("\n\n") if p.strip()]


def calibrate_voice(voice: VoiceProfile) -> Calibration:
    engine = make_engine(voice)
    unit_model = RateModel(ms_per_word=1.0, comma_pause_ms=0)
    rows: list[tuple[float, float, float]] = []  # (units, clause breaks, measured ms)
    before = RateModel.for_voice(voice)
    estimated_before = 0
    for chunk in reference_passage():
        paragraph = make_paragraph(chunk, 0, EMPTY_LEXICON)
        if paragraph is None:
            continue
        for sentence in paragraph.sentences:
            speech = engine.synthesize(sentence.spoken)
            units = sum(unit_model.token_ms_exact(t) for t in sentence.tokens)
            breaks = sum(1 for t in sentence.tokens if t.spoken and unit_model.is_clause_end(t))
            rows.append((units, float(breaks), float(speech.duration_ms)))
            estimated_before += sum(before.token_ms(t) for t in sentence.tokens)
    ms_per_unit, pause, overhead = _fit(rows)
    after = RateModel(ms_per_word=ms_per_unit, comma_pause_ms=round(pause))
    estimated_after = round(
        sum(after.ms_per_word * u + after.comma_pause_ms * b + overhead for u, b, _ in rows)
    )
    return Calibration(
        words_per_minute=round(60000.0 / ms_per_unit, 1),
        comma_pause_ms=round(pause),
        sentence_ms=round(overhead),
        sentences=len(rows),
        measured_ms=round(sum(m for _, _, m in rows)),
        estimated_before_ms=estimated_before,
        estimated_after_ms=estimated_after,
    )


def _fit(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Least squares of measured = a * units + b * clause breaks + c (per sentence), with
    b and c kept within 0..600 ms; a term that comes out out of range is dropped."""
    measured = np.array([m for _, _, m in rows], dtype=float)
    for use_b, use_c in ((True, True), (True, False), (False, True), (False, False)):
        columns = [[u for u, _, _ in rows]]
        if use_b:
            columns.append([b for _, b, _ in rows])
        if use_c:
            columns.append([1.0 for _ in rows])
        matrix = np.array(columns, dtype=float).T
        solution, *_ = np.linalg.lstsq(matrix, measured, rcond=None)
        values = [float(v) for v in solution]
        a = values.pop(0)
        b = values.pop(0) if use_b else 0.0
        c = values.pop(0) if use_c else 0.0
        if a > 0 and 0 <= b <= 600 and 0 <= c <= 600:
            return a, b, c
    raise ConfigError("the voice produced no audio to measure", hint="check the voice")


_ESTIMATE = re.compile(r"^\s*\[estimate\]\s*(#.*)?$")
_TABLE = re.compile(r"^\s*\[")


def write_estimate(
    text: str, words_per_minute: float, comma_pause_ms: int, sentence_ms: int = 0
) -> str:
    """The profile text with [estimate] updated in place; comments and the rest are kept."""
    lines = text.rstrip("\n").split("\n")
    values = {
        "words_per_minute": f"{words_per_minute:g}",
        "comma_pause_ms": str(comma_pause_ms),
        "sentence_ms": str(sentence_ms),
    }
    start = next((i for i, line in enumerate(lines) if _ESTIMATE.match(line)), None)
    if start is None:
        lines += ["", "[estimate]          # measured with `toolkit calibrate`"]
        lines += [f"{k} = {v}" for k, v in values.items()]
        return "\n".join(lines) + "\n"
    end = next((i for i in range(start + 1, len(lines)) if _TABLE.match(lines[i])), len(lines))
    for key, value in values.items():
        for i in range(start + 1, end):
            if re.match(rf"^\s*{key}\s*=", lines[i]):
                lines[i] = f"{key} = {value}"
                break
        else:
            lines.insert(end, f"{key} = {value}")
            end += 1
    return "\n".join(lines) + "\n"


def save_calibration(root: Path, voice: VoiceProfile, result: Calibration) -> Path:
    """Write into the channel's voices/<name>.toml (copying a built-in profile there first)."""
    target = root / "voices" / f"{voice.name}.toml"
    if target.is_file():
        text = read_text(target)
    else:
        text = (resources.files("toolkit") / "voices" / f"{voice.name}.toml").read_text(
            encoding="utf-8"
        )
    values = (result.words_per_minute, result.comma_pause_ms, result.sentence_ms)
    write_atomic(target, write_estimate(text, *values))
    return target
