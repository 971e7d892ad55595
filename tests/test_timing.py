"""The timing estimate, the laid-out timeline and the timing.json contract."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.channel import Channel, Links, PatronTier, SubtitleRules
from toolkit.templates import Templates
from toolkit.text.article import CAPTION, HEADING, PARAGRAPH, Article, Block
from toolkit.text.assemble import Episode, Sentence, assemble
from toolkit.text.speak import Token
from toolkit.timing.cue import split_cues
from toolkit.timing.timeline import (
    ESTIMATE,
    RateModel,
    Timeline,
    compose_timing_json,
    estimate_segments_ms,
    estimate_speech,
    lay_out,
    pause_after,
    syllables,
)
from toolkit.voice import VoiceProfile, load_voice

VOICE = load_voice("default", None)
RULES = SubtitleRules()
CHANNEL = Channel(
    name="Footnotes of History",
    host="Mara",
    tagline="Small stories.",
    sign_off="Until next time.",
    voice="default",
    links=Links("https://footnotes.example", "", "https://patreon.example/f"),
    patrons=(PatronTier("Gold", ("Ann Lee", "Bo Chan")),),
    rules=RULES,
)

ARTICLE = Article(
    title="The Lighthouse Keeper",
    number=3,
    slug="the-lighthouse-keeper",
    voice=None,
    blocks=(
        Block(PARAGRAPH, "In 1931 the lamp was lit by hand. Ada climbed the steps.", 5),
        Block(PARAGRAPH, "She kept a log, every night, of every ship.", 7),
        Block(HEADING, "The Storm", 9),
        Block(CAPTION, "The lighthouse in 1937", 11),
        Block(PARAGRAPH, "The barometer fell. The wind rose. The lamp stayed lit.", 13),
    ),
    path="episodes/003-the-lighthouse-keeper.md",
)

WORDS = (
    "the lamp keeper island storm harbour extraordinary government Lisbon Ada Morrow "
    "1931 112 approximately however, meanwhile; ship was of a night village — letters"
).split()


@st.composite
def articles(draw: st.DrawFn) -> Article:
    blocks: list[Block] = []
    line = 5
    for section in range(draw(st.integers(1, 4))):
        if section:
            blocks.append(Block(HEADING, f"Section {section}", line))
        if draw(st.booleans()):
            blocks.append(Block(CAPTION, f"Photo {section}", line))
        for _ in range(draw(st.integers(1, 3))):
            sentences = []
            for _ in range(draw(st.integers(1, 4))):
                words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=20))
                sentences.append("The " + " ".join(words) + ".")
            blocks.append(Block(PARAGRAPH, " ".join(sentences), line))
            line += 2
    return Article("Generated", 1, "generated", None, tuple(blocks), "episodes/001-generated.md")


def make_episode(article: Article = ARTICLE, voice: VoiceProfile = VOICE) -> Episode:
    return assemble(
        article, CHANNEL, Templates(None), voice.name, lambda s: estimate_segments_ms(s, voice)
    )


def make_timeline(episode: Episode, voice: VoiceProfile = VOICE) -> Timeline:
    cues = split_cues(episode, RULES, voice, RateModel.for_voice(voice).token_ms)
    return lay_out(episode, cues, estimate_speech(episode, voice), RULES)


def positions(episode: Episode) -> list[tuple[int, int, int]]:
    """(segment, paragraph, sentence-in-paragraph) of every sentence, in order."""
    out: list[tuple[int, int, int]] = []
    for si, seg in enumerate(episode.segments):
        for pi, para in enumerate(seg.paragraphs):
            out.extend((si, pi, ti) for ti in range(len(para.sentences)))
    return out


def check_estimate(episode: Episode, voice: VoiceProfile) -> None:
    speech = estimate_speech(episode, voice)
    model = RateModel.for_voice(voice)
    assert speech.source == ESTIMATE
    assert len(speech.sentences) == len(episode.sentences)
    where = positions(episode)
    spoken_ms = 0
    for k, (sentence, time) in enumerate(zip(episode.sentences, speech.sentences, strict=True)):
        values = [time.start_ms, time.end_ms, *time.token_starts, *time.token_ends]
        assert all(type(v) is int for v in values)
        assert len(time.token_starts) == len(time.token_ends) == len(sentence.tokens)
        clock = time.start_ms
        last = len(sentence.tokens) - 1
        for i, (token, start, end) in enumerate(
            zip(sentence.tokens, time.token_starts, time.token_ends, strict=True)
        ):
            assert start == clock
            # The last word also carries the sentence's own time (onset, final lengthening).
            extra = voice.sentence_ms if i == last else 0
            assert end - start == model.token_ms(token) + extra >= 0
            clock = end
        assert time.end_ms == clock
        spoken_ms += time.end_ms - time.start_ms
        if k + 1 < len(speech.sentences):
            gap = speech.sentences[k + 1].start_ms - time.end_ms
            (seg, para, _), (next_seg, next_para, _) = where[k], where[k + 1]
            if next_seg != seg:
                assert gap == voice.segment_pause_ms
            elif next_para != para:
                assert gap == voice.paragraph_pause_ms
            else:
                assert gap == voice.sentence_pause_ms
    assert speech.total_ms == speech.sentences[-1].end_ms  # no pause after the last word
    pauses = sum(
        b.start_ms - a.end_ms for a, b in zip(speech.sentences, speech.sentences[1:], strict=False)
    )
    assert speech.total_ms == spoken_ms + pauses
    assert speech.total_ms == estimate_segments_ms(episode.segments, voice)
    firsts = [
        next(k for k, w in enumerate(where) if w[0] == si) for si in range(len(episode.segments))
    ]
    assert speech.segment_starts == tuple(speech.sentences[k].start_ms for k in firsts)
    assert list(speech.segment_starts) == sorted(set(speech.segment_starts))


def test_estimate_of_a_fixed_episode() -> None:
    check_estimate(make_episode(), VOICE)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles(), st.sampled_from(["default", "uk", "gtts-us"]))
def test_estimate_properties(article: Article, voice_name: str) -> None:
    voice = load_voice(voice_name, None)
    check_estimate(make_episode(article, voice), voice)


def test_pauses_come_from_the_voice() -> None:
    voice = replace(VOICE, sentence_pause_ms=111, paragraph_pause_ms=2222, segment_pause_ms=3333)
    check_estimate(make_episode(voice=voice), voice)
    silent = replace(VOICE, sentence_pause_ms=0, paragraph_pause_ms=0, segment_pause_ms=0)
    episode = make_episode()
    with_pauses = estimate_speech(episode, voice).total_ms
    without = estimate_speech(episode, silent).total_ms
    sentences = len(episode.sentences)
    segments = len(episode.segments)
    paragraphs = sum(len(seg.paragraphs) for seg in episode.segments)
    expected = (
        111 * (sentences - paragraphs) + 2222 * (paragraphs - segments) + 3333 * (segments - 1)
    )
    assert with_pauses - without == expected


@pytest.mark.parametrize(
    ("flags", "pause"),
    [
        ((False, False, False), 350),
        ((True, False, False), 750),
        ((True, True, False), 1500),
        ((True, True, True), 0),
    ],
)
def test_pause_after(flags: tuple[bool, bool, bool], pause: int) -> None:
    voice = replace(VOICE, sentence_pause_ms=350, paragraph_pause_ms=750, segment_pause_ms=1500)
    assert pause_after(voice, *flags) == pause


def test_a_faster_voice_gives_a_shorter_estimate() -> None:
    episode = make_episode()
    times = [
        estimate_speech(episode, replace(VOICE, words_per_minute=wpm)).total_ms
        for wpm in (100.0, 150.0, 200.0, 300.0)
    ]
    assert times == sorted(times, reverse=True)
    assert len(set(times)) == len(times)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles(), st.floats(60, 300), st.floats(1.05, 1.5))
def test_faster_is_never_longer(article: Article, wpm: float, factor: float) -> None:
    episode = make_episode(article)
    slow = estimate_speech(episode, replace(VOICE, words_per_minute=wpm))
    fast = estimate_speech(episode, replace(VOICE, words_per_minute=min(wpm * factor, 450)))
    assert fast.total_ms < slow.total_ms
    for a, b in zip(fast.sentences, slow.sentences, strict=True):
        assert a.start_ms <= b.start_ms and a.end_ms <= b.end_ms


def test_rate_model() -> None:
    model = RateModel.for_voice(replace(VOICE, words_per_minute=120.0))
    assert model.ms_per_word == 500.0
    assert model.token_ms(Token("—", "")) == 0
    assert model.token_ms(Token("extraordinary", "extraordinary")) > model.token_ms(Token("a", "a"))
    plain = model.token_ms(Token("night", "night"))
    assert model.token_ms(Token("night,", "night")) == plain + model.comma_pause_ms
    assert isinstance(model.token_ms(Token("Ada", "Ada")), int)


@pytest.mark.parametrize(
    ("word", "count"),
    [("a", 1), ("lamp", 1), ("keeper", 2), ("extraordinary", 5), ("—", 0), ("1931", 1), ("", 0)],
)
def test_syllables(word: str, count: int) -> None:
    assert syllables(word) == count


# --- the laid-out timeline ---------------------------------------------------------------------


def test_timeline_segments_tile_the_episode() -> None:
    episode = make_episode()
    timeline = make_timeline(episode)
    segments = timeline.segments
    assert [s.kind for s in segments] == ["intro", "section", "section", "outro"]
    assert [s.title for s in segments] == ["Intro", "The Lighthouse Keeper", "The Storm", "Outro"]
    assert segments[0].start_ms == 0
    for a, b in itertools.pairwise(segments):
        assert a.end_ms == b.start_ms and a.start_ms < a.end_ms
    assert segments[-1].end_ms == estimate_speech(episode, VOICE).total_ms
    assert timeline.total_ms >= segments[-1].end_ms
    assert timeline.total_ms == max(segments[-1].end_ms, timeline.cues[-1].end_ms)
    assert segments[2].visuals == ("The lighthouse in 1937",)
    # Words as spoken ("1931" is said as more than one word).
    spoken = " ".join(s.spoken for s in episode.segments[1].sentences)
    assert segments[1].words == len(spoken.split()) > 21
    assert timeline.source == ESTIMATE and timeline.voice == "default"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_timeline_times_are_int_ms_and_increase(article: Article) -> None:
    timeline = make_timeline(make_episode(article))
    times = [timeline.total_ms]
    for seg in timeline.segments:
        times += [seg.start_ms, seg.end_ms, seg.words]
    for cue in timeline.cues:
        times += [cue.start_ms, cue.end_ms, cue.segment]
        assert cue.start_ms < cue.end_ms
    assert all(type(t) is int for t in times)
    starts = [c.start_ms for c in timeline.cues]
    assert starts == sorted(starts)
    for cue in timeline.cues:
        seg = timeline.segments[cue.segment]
        assert seg.start_ms <= cue.start_ms < seg.end_ms


# --- timing.json ---------------------------------------------------------------------------------

CONTRACT_TOP = {"episode", "timing_source", "voice", "total_ms", "segments", "cues"}
CONTRACT_EPISODE = {"title": str, "slug": str, "number": int}
CONTRACT_SEGMENT = {
    "kind": str,
    "title": str,
    "start_ms": int,
    "end_ms": int,
    "words": int,
    "visuals": list,
}
CONTRACT_CUE = {"start_ms": int, "end_ms": int, "text": str, "spoken": str, "segment": int}


def check_contract(doc: dict[str, Any]) -> None:
    assert set(doc) == CONTRACT_TOP
    assert set(doc["episode"]) == set(CONTRACT_EPISODE)
    for key, kind in CONTRACT_EPISODE.items():
        assert type(doc["episode"][key]) is kind
    assert doc["timing_source"] in ("estimate", "audio")
    assert isinstance(doc["voice"], str)
    assert type(doc["total_ms"]) is int
    assert doc["segments"] and doc["cues"]
    for seg in doc["segments"]:
        assert set(seg) == set(CONTRACT_SEGMENT)
        for key, kind in CONTRACT_SEGMENT.items():
            assert type(seg[key]) is kind, key
        assert seg["kind"] in ("intro", "section", "outro")
        assert all(isinstance(v, str) for v in seg["visuals"])
    for cue in doc["cues"]:
        assert set(cue) == set(CONTRACT_CUE)
        for key, kind in CONTRACT_CUE.items():
            assert type(cue[key]) is kind, key
        assert 0 <= cue["segment"] < len(doc["segments"])


def test_timing_json_has_exactly_the_contract_keys() -> None:
    episode = make_episode()
    timeline = make_timeline(episode)
    text = compose_timing_json(timeline, episode.title, episode.slug, episode.number)
    doc = json.loads(text)
    check_contract(doc)
    assert doc["episode"] == {
        "title": "The Lighthouse Keeper",
        "slug": "the-lighthouse-keeper",
        "number": 3,
    }
    assert doc["timing_source"] == "estimate"
    assert doc["voice"] == "default"
    assert doc["total_ms"] == timeline.total_ms
    assert [s["visuals"] for s in doc["segments"]] == [[], [], ["The lighthouse in 1937"], []]
    assert [c["text"] for c in doc["cues"]] == [c.text for c in timeline.cues]
    assert [c["spoken"] for c in doc["cues"]] == [c.spoken for c in timeline.cues]
    assert text.endswith("}\n")


def test_timing_json_is_deterministic_and_utf8() -> None:
    article = replace(ARTICLE, title="Café “Noir” — Über")
    episode = make_episode(article)
    timeline = make_timeline(episode)
    first = compose_timing_json(timeline, episode.title, episode.slug, episode.number)
    second = compose_timing_json(
        make_timeline(make_episode(article)), episode.title, episode.slug, episode.number
    )
    assert first == second
    assert "Café “Noir” — Über" in first


# --- what a build remembers between stages and episodes ------------------------------------


def test_tokens_ms_is_a_fresh_list_of_token_ms_every_time() -> None:
    """A sentence is timed by assembling, cue packing and laying out, each through
    tokens_ms (remembered per tokens object): every call gives a new list with exactly
    token_ms of each token, and what one model remembers never answers for another."""
    episode = make_episode()
    slow = RateModel.for_voice(replace(VOICE, words_per_minute=100.0))
    fast = RateModel.for_voice(replace(VOICE, words_per_minute=200.0))
    for sentence in episode.sentences:
        tokens = sentence.tokens
        first = slow.tokens_ms(tokens)
        assert first == [slow.token_ms(t) for t in tokens]
        first.append(-1)  # a caller may change its list (estimate_speech does)
        assert slow.tokens_ms(tokens) == [slow.token_ms(t) for t in tokens]
        assert fast.tokens_ms(tokens) == [fast.token_ms(t) for t in tokens]
        # An equal tuple that is another object is timed the same, and a list that
        # changes after it was timed is timed as it is now.
        assert slow.tokens_ms(tuple(list(tokens))) == slow.tokens_ms(tokens)
        changing = list(tokens)
        assert slow.tokens_ms(changing) == slow.tokens_ms(tokens)
        changing.reverse()
        assert slow.tokens_ms(changing) == [slow.token_ms(t) for t in reversed(tokens)]


def test_template_paragraphs_are_spoken_with_each_episodes_lexicon() -> None:
    """The intro and outro paragraphs are spoken once per text and lexicon in a process:
    an episode with another lexicon hears its own pronunciations, and one with the first
    lexicon again gets the very same sentences."""
    from toolkit.text.speak import EMPTY_LEXICON, Lexicon

    def intro(lexicon: Lexicon) -> tuple[Sentence, ...]:
        episode = assemble(
            ARTICLE,
            CHANNEL,
            Templates(None),
            VOICE.name,
            lambda s: estimate_segments_ms(s, VOICE),
            lexicon,
        )
        return episode.segments[0].sentences

    plain = intro(EMPTY_LEXICON)
    assert any("Mara" in s.spoken for s in plain)
    respelled = intro(Lexicon(words={"Mara": "Marra"}))
    assert any("Marra" in s.spoken for s in respelled)
    assert not any("Mara " in s.spoken for s in respelled)
    again = intro(EMPTY_LEXICON)
    assert all(a is b for a, b in zip(again, plain, strict=True))
