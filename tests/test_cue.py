"""Cues under the rule profile: properties over generated articles, and line breaking."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.channel import RULE_PROFILES, Channel, Links, PatronTier, SubtitleRules
from toolkit.outputs.subtitles import check_cues
from toolkit.templates import Templates
from toolkit.text.article import CAPTION, HEADING, PARAGRAPH, Article, Block
from toolkit.text.assemble import Episode, assemble
from toolkit.timing.cue import break_cost, layout, split_cues
from toolkit.timing.timeline import RateModel, estimate_segments_ms, estimate_speech, lay_out
from toolkit.voice import load_voice

WORDS = (
    "the a of and in to was his her ship harbour storm lamp keeper island night "
    "morning letters government treaty emperor soldiers village river bridge winter "
    "extraordinary circumstances nevertheless approximately Morrow Ada Lisbon Vienna "
    "1931 112 3.5 $40 Dr. St. U.S. J. W. however, meanwhile, (briefly) “quietly” — "
    "it's 1,000 twenty-one-year-old 6th"
).split()

CHANNEL = Channel(
    name="Test Channel",
    host="Host",
    tagline="A tagline.",
    sign_off="Bye for now.",
    voice="default",
    links=Links("https://example.com", "", "https://patreon.example/x"),
    patrons=(PatronTier("Gold", tuple(f"Patron {i}" for i in range(15))),),
    rules=SubtitleRules(),
)


@st.composite
def sentences(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=45))
    end = draw(st.sampled_from([".", "!", "?", "...", ".”"]))
    text = " ".join(words)
    return text[0].upper() + text[1:] + end


@st.composite
def articles(draw: st.DrawFn) -> Article:
    blocks: list[Block] = []
    line = 5
    for _section in range(draw(st.integers(1, 4))):
        heading: bool = draw(st.booleans())
        if blocks or heading:
            blocks.append(Block(HEADING, draw(st.sampled_from(WORDS)).title() + " Years", line))
        if draw(st.booleans()):
            blocks.append(Block(CAPTION, "A photograph of the harbour", line))
        for _ in range(draw(st.integers(1, 3))):
            text = " ".join(draw(st.lists(sentences(), min_size=1, max_size=4)))
            blocks.append(Block(PARAGRAPH, text, line))
            line += 2
        # Long enough to be read: every section says at least a few words.
        blocks.append(Block(PARAGRAPH, "The keeper wrote it all down in the log.", line))
    return Article("A Generated Episode", 3, "generated", None, tuple(blocks), "gen.md")


def build(
    article: Article, rules: SubtitleRules, voice_name: str = "default"
) -> tuple[Episode, object]:
    voice = load_voice(voice_name, None)
    episode = assemble(
        article, CHANNEL, Templates(None), voice.name, lambda s: estimate_segments_ms(s, voice)
    )
    cues = split_cues(episode, rules, voice, RateModel.for_voice(voice).token_ms)
    timeline = lay_out(episode, cues, estimate_speech(episode, voice), rules)
    return episode, timeline


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles(), st.sampled_from([("netflix", "default"), ("netflix", "uk")]))
def test_generated_articles_meet_the_rules(article: Article, combo: tuple[str, str]) -> None:
    # The default profile with both offline voices. (The BBC profile's 17 characters a
    # second is slower than these voices speak dense text, so it is not guaranteed there.)
    profile, voice = combo
    rules = RULE_PROFILES[profile]
    episode, timeline = build(article, rules, voice)
    cues = timeline.cues  # type: ignore[attr-defined]
    assert check_cues(cues, rules) == []
    # Cues joined give back the narrated text, display and spoken alike.
    shown = " ".join(c.text.replace("\n", " ") for c in cues)
    assert shown == " ".join(s.text for s in episode.sentences)
    spoken = " ".join(c.spoken for c in cues if c.spoken)
    assert spoken == " ".join(s.spoken for s in episode.sentences if s.spoken)
    # Times strictly increase and never overlap.
    for a, b in itertools.pairwise(cues):
        assert a.start_ms < a.end_ms < b.start_ms
    # Every caption is a visual of its segment, and never narrated.
    captions = [b.text for b in article.blocks if b.kind == CAPTION]
    visuals = [v for seg in timeline.segments for v in seg.visuals]  # type: ignore[attr-defined]
    assert visuals == captions
    assert "A photograph of the harbour" not in shown


RULES = SubtitleRules()


@pytest.mark.parametrize(
    ("words", "forbidden"),
    [
        ("In the winter of that year the keeper climbed the tower stairs again", ("the",)),
        ("Nobody in the village had ever heard of Ada Morrow before that night", ("Ada",)),
        (
            "The letters were carried across the bay by a fisherman from Lisbon",
            ("the", "by", "a", "from"),
        ),
    ],
)
def test_lines_never_break_after_articles_prepositions_or_first_names(
    words: str, forbidden: tuple[str, ...]
) -> None:
    lines = layout(words.split(), RULES)
    assert lines is not None and len(lines) == 2
    assert all(len(line) <= 42 for line in lines)
    assert lines[0].split()[-1] not in forbidden


def test_short_text_stays_on_one_line() -> None:
    assert layout("The storm broke at dawn.".split(), RULES) == ("The storm broke at dawn.",)


def test_lines_prefer_punctuation() -> None:
    lines = layout("When the boat finally came, she had been awake for three days".split(), RULES)
    assert lines == ("When the boat finally came,", "she had been awake for three days")


def test_break_costs_rank_natural_places_first() -> None:
    assert break_cost("came,", "she") < break_cost("boat", "finally") < break_cost("the", "boat")
    assert break_cost("Ada", "Morrow") > break_cost("Morrow", "climbed")


def test_impossible_layout_is_none() -> None:
    assert layout(["x" * 50], RULES) is None
