"""The aligner on recordings with known times: another espeak voice reads the script with
random pauses, clean, under a music bed or hiss, with a sentence left out and one added,
with a retake, or the wrong script altogether."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.align_fixtures import (
    Performance,
    hiss,
    mix,
    music_bed,
    perform,
    performer,
    write_channel,
)
from toolkit.align.recording import UNRECORDED, UNSCRIPTED, Alignment, align_recording
from toolkit.audio.cache import SpeechCache
from toolkit.audio.engine import Speech
from toolkit.audio.narrate import synthesize_all
from toolkit.build import plan_episode
from toolkit.channel import load_channel
from toolkit.errors import EpisodeError, InputError
from toolkit.text.article import load_article
from toolkit.text.assemble import Episode
from toolkit.voice import load_voice

OTHER_STORY = """---
title: The Salt Road
number: 8
---
Caravans crossed the desert with blocks of salt strapped to their camels.
Each block was worth its weight in gold in the markets of the south.
The traders travelled at night to spare their animals the heat.
They steered by the stars and by the shape of the dunes.

## The Market

At the end of the road a great market rose around a well.
Merchants sold cloth, copper, ivory and books.
Scholars came from distant cities to read and to argue.
The town grew rich, and then, slowly, it was forgotten.
"""


def episode_in(folder: Path, text: str | None = None) -> Episode:
    path = write_channel(folder)
    if text is not None:
        path.write_text(text, encoding="utf-8")
    return plan_episode(folder, load_article(path), load_channel(folder)).episode


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> tuple[Episode, tuple[Speech, ...]]:
    folder = tmp_path_factory.mktemp("align")
    episode = episode_in(folder / "channel")
    texts = [s.spoken for s in episode.sentences]
    speeches = synthesize_all(texts, load_voice("default", None), SpeechCache(folder / "cache"))
    return episode, speeches.speeches


def start_errors(alignment: Alignment, performance: Performance) -> list[int]:
    errors = []
    for k, truth in performance.starts.items():
        found = alignment.sentences[k]
        assert found is not None, f"sentence {k} was recorded but not found"
        errors.append(abs(found.start_ms - truth))
    return errors


def p95(errors: list[int]) -> float:
    return float(np.percentile(errors, 95))


def aligned(
    story: tuple[Episode, tuple[Speech, ...]], performance: Performance, pcm: bytes | None = None
) -> Alignment:
    episode, speeches = story
    return align_recording(episode, speeches, pcm or performance.pcm, performance.rate)


@pytest.mark.parametrize(("language", "rate", "pitch"), [("en-gb", 150, 70), ("en-us+f3", 160, 60)])
def test_clean_recording_sentence_starts_within_40_ms(
    story: tuple[Episode, tuple[Speech, ...]], language: str, rate: int, pitch: int
) -> None:
    performance = perform(story[0], performer(language, rate, pitch), seed=rate)
    alignment = aligned(story, performance)
    assert p95(start_errors(alignment, performance)) <= 40
    assert alignment.mismatches == ()
    assert all(0.0 <= c <= 1.0 for c in alignment.confidence)


def test_under_a_music_bed_within_100_ms(story: tuple[Episode, tuple[Speech, ...]]) -> None:
    performance = perform(story[0], performer(), seed=3)
    bed = music_bed(len(performance.pcm) // 2, performance.rate)
    alignment = aligned(story, performance, mix(performance.pcm, bed, 14))
    assert p95(start_errors(alignment, performance)) <= 100
    assert alignment.mismatches == ()


def test_under_hiss_within_100_ms(story: tuple[Episode, tuple[Speech, ...]]) -> None:
    performance = perform(story[0], performer(), seed=4)
    noisy = mix(performance.pcm, hiss(len(performance.pcm) // 2), 20)
    alignment = aligned(story, performance, noisy)
    assert p95(start_errors(alignment, performance)) <= 100


def test_left_out_and_added_sentences_are_reported_and_the_rest_stays_aligned(
    story: tuple[Episode, tuple[Speech, ...]],
) -> None:
    left_out = 9
    performance = perform(story[0], performer(), seed=5, drop=[left_out], add_after=12)
    alignment = aligned(story, performance)
    assert p95(start_errors(alignment, performance)) <= 60
    assert alignment.sentences[left_out] is None
    unrecorded = [m for m in alignment.mismatches if m.kind == UNRECORDED]
    assert [m.sentence for m in unrecorded] == [left_out]
    unscripted = [m for m in alignment.mismatches if m.kind == UNSCRIPTED]
    (extra,) = performance.extras
    assert len(unscripted) == 1
    overlap = min(extra[1], unscripted[0].end_ms) - max(extra[0], unscripted[0].start_ms)
    assert overlap >= 0.8 * (extra[1] - extra[0])


def test_a_retake_is_reported_and_the_last_take_aligned(
    story: tuple[Episode, tuple[Speech, ...]],
) -> None:
    performance = perform(story[0], performer(), seed=6, retake=7)
    alignment = aligned(story, performance)
    assert p95(start_errors(alignment, performance)) <= 60
    found = alignment.sentences[7]
    assert found is not None and abs(found.start_ms - performance.starts[7]) <= 60
    (fluff,) = performance.extras
    (unscripted,) = alignment.mismatches
    assert unscripted.kind == UNSCRIPTED
    assert abs(unscripted.start_ms - fluff[0]) <= 300


def test_times_are_ordered_and_inside_the_recording(
    story: tuple[Episode, tuple[Speech, ...]],
) -> None:
    performance = perform(story[0], performer(), seed=5, drop=[9], add_after=12)
    alignment = aligned(story, performance)
    clock = 0
    for found in alignment.sentences:
        if found is None:
            continue
        assert clock <= found.start_ms <= found.end_ms <= alignment.duration_ms
        assert list(found.token_starts) == sorted(found.token_starts)
        assert found.token_starts[0] == found.start_ms
        assert all(found.start_ms <= t <= found.end_ms for t in found.token_ends)
        clock = found.end_ms


def test_the_wrong_recording_is_an_error(
    story: tuple[Episode, tuple[Speech, ...]], tmp_path: Path
) -> None:
    other = episode_in(tmp_path / "other", OTHER_STORY)
    performance = perform(other, performer(), seed=9)
    with pytest.raises(EpisodeError, match="does not follow the script"):
        aligned(story, performance)


def test_a_recording_far_too_short_is_an_error(story: tuple[Episode, tuple[Speech, ...]]) -> None:
    performance = perform(story[0], performer(), seed=2)
    with pytest.raises(InputError, match="far shorter than the script"):
        aligned(story, performance, performance.pcm[: len(performance.pcm) // 5])
