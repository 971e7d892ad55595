"""Audio-timed cues obey the subtitle rule profile, however fast the voice speaks.

Real speech from both offline espeak voices: a Hypothesis property over short texts that
push the reading rate (long dense words, figures), and every kit of the samples built with
each voice. `check_cues` is the same check the linter and the page report.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, use_espeak
from toolkit.audio.cache import SpeechCache
from toolkit.audio.narrate import join_audio, synthesize_all
from toolkit.build import BuildOptions, build_episode, episode_files, plan_episode
from toolkit.channel import load_channel
from toolkit.outputs.subtitles import check_cues
from toolkit.scaffold import init_channel
from toolkit.text.article import load_article
from toolkit.timing.timeline import (
    AUDIO,
    SentenceTime,
    SpeechTimes,
    TimedCue,
    estimate_speech,
    lay_out,
)

VOICES = ("default", "uk")

# Many letters said quickly: long words with few syllables, compounds and figures.
DENSE_WORDS = (
    "strengthened",
    "straightforwardness",
    "thoroughfares",
    "breakthroughs",
    "counterstrokes",
    "shipwrights",
    "northwestwards",
    "stretched",
    "sprawl",
    "scratched",
    "playwrights",
    "bookkeepers'",
    "torchlight",
    "1,250",
    "1815",
    "42",
    "3rd",
    "straightened",
    "—",
    "(1815)",
    "“sprawl”",
    "St.",
    "HMS",
    "etc.,",
)

sentences = st.lists(st.sampled_from(DENSE_WORDS), min_size=2, max_size=16).map(
    lambda words: " ".join(words).capitalize() + "."
)
bodies = st.lists(sentences, min_size=1, max_size=4).map(" ".join)


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dense") / "channel"
    init_channel(folder)
    return use_espeak(folder)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, voice=st.sampled_from(VOICES))
def test_audio_timed_cues_never_break_the_rules(channel: Path, body: str, voice: str) -> None:
    path = channel / "episodes" / "001-dense.md"
    path.write_text(f"---\ntitle: Dense\nnumber: 1\n---\n{body}\n", encoding="utf-8")
    loaded = load_channel(channel)
    plan = plan_episode(channel, load_article(path), loaded, voice)
    cache = SpeechCache(channel / "build" / ".cache" / "speech")
    texts = [s.spoken for s in plan.episode.sentences]
    synthesis = synthesize_all(texts, plan.voice, cache)
    _, speech = join_audio(plan.episode, synthesis.speeches, plan.voice)
    timeline = lay_out(plan.episode, plan.cues, speech, loaded.rules)
    assert check_cues(timeline.cues, loaded.rules) == []
    _assert_follows_speech(timeline.cues, speech)


def _assert_follows_speech(cues: tuple[TimedCue, ...], speech: SpeechTimes) -> None:
    """Cues are in order and never shown before their words (the first word's start)."""
    starts = sorted({t for s in speech.sentences for t in s.token_starts})
    for before, after in itertools.pairwise(cues):
        assert before.end_ms <= after.start_ms
    for cue in cues:
        assert any(t <= cue.start_ms for t in starts) or cue.start_ms == starts[0]


@pytest.fixture(scope="module", params=VOICES)
def sample_kits(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[str]]:
    """The sample channel built once with audio in one offline voice, and its warnings."""
    folder = tmp_path_factory.mktemp(f"samples-{request.param}")
    shutil.copytree(REPO / "episodes", folder / "episodes")
    shutil.copytree(REPO / "voices", folder / "voices")
    (folder / "build").mkdir()
    warnings: list[str] = []
    for path in episode_files(folder):
        options = BuildOptions(audio=True, voice=request.param, workers=2)
        warnings.extend(build_episode(folder, path, options).warnings)
    return folder, warnings


def test_every_sample_kit_keeps_the_rules(sample_kits: tuple[Path, list[str]]) -> None:
    folder, warnings = sample_kits
    assert not [w for w in warnings if "subtitles" in w]  # the build reports no rule break
    rules = load_channel(folder).rules
    timings = sorted((folder / "build").glob("*/timing.json"))
    assert len(timings) == len(episode_files(folder))
    for timing in timings:
        doc = json.loads(timing.read_text(encoding="utf-8"))
        assert doc["timing_source"] == AUDIO
        cues = tuple(
            TimedCue(c["start_ms"], c["end_ms"], c["text"], c["spoken"], c["segment"])
            for c in doc["cues"]
        )
        assert check_cues(cues, rules) == [], timing.parent.name


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, factor=st.floats(1.0, 3.0))
def test_a_voice_much_faster_than_reading_still_keeps_the_rules(
    channel: Path, body: str, factor: float
) -> None:
    """The estimate sped up by `factor` (no synthesis): far faster than anyone reads."""
    path = channel / "episodes" / "001-dense.md"
    path.write_text(f"---\ntitle: Dense\nnumber: 1\n---\n{body}\n", encoding="utf-8")
    loaded = load_channel(channel)
    plan = plan_episode(channel, load_article(path), loaded, "default")
    speech = _faster(estimate_speech(plan.episode, plan.voice), factor)
    timeline = lay_out(plan.episode, plan.cues, speech, loaded.rules)
    assert check_cues(timeline.cues, loaded.rules) == []
    _assert_follows_speech(timeline.cues, speech)
    # One timed cue per cue, in order: the hand-off and the recording's confidences rely on it.
    assert [c.spoken for c in timeline.cues] == [c.spoken for c in plan.cues]


def _faster(speech: SpeechTimes, factor: float) -> SpeechTimes:
    def fast(ms: int) -> int:
        return int(ms / factor)

    return SpeechTimes(
        AUDIO,
        tuple(
            SentenceTime(
                fast(s.start_ms),
                fast(s.end_ms),
                tuple(fast(t) for t in s.token_starts),
                tuple(fast(t) for t in s.token_ends),
            )
            for s in speech.sentences
        ),
        tuple(fast(t) for t in speech.segment_starts),
        fast(speech.total_ms),
    )
