"""Assemble an episode: the rendered intro, one segment per section, the rendered outro.

The text before the first heading is the opening section. Captions stay in their segment
as visual cues (never narrated). Every sentence carries its display text and the tokens
that link it to what the engine says (toolkit.text.speak).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from toolkit.channel import Channel
from toolkit.errors import EpisodeError
from toolkit.templates import INTRO, OUTRO, Templates
from toolkit.text.article import CAPTION, HEADING, Article
from toolkit.text.sentences import split_sentences
from toolkit.text.speak import (
    EMPTY_LEXICON,
    Lexicon,
    Token,
    find_unspeakable,
    speak_checked,
    spoken_text,
)

INTRO_KIND = "intro"
SECTION_KIND = "section"
OUTRO_KIND = "outro"


@dataclass(frozen=True)
class Sentence:
    text: str  # as printed (subtitles, script.md)
    tokens: tuple[Token, ...]  # printed words linked to what is said
    line: int  # line in the episode file (0 for template text)
    # The tokens whose spoken form is a guess, found while speaking with `lexicon` (for lint).
    guessed: tuple[Token, ...] = field(default=(), compare=False, repr=False)
    lexicon: Lexicon | None = field(default=None, compare=False, repr=False)

    @cached_property
    def spoken(self) -> str:
        return spoken_text(self.tokens)

    def unspeakable(self, lexicon: Lexicon) -> tuple[Token, ...]:
        """find_unspeakable(self.text, lexicon), without speaking the text again when it was
        spoken with this lexicon."""
        if lexicon is self.lexicon:
            return self.guessed
        return find_unspeakable(self.text, lexicon)


@dataclass(frozen=True)
class Paragraph:
    sentences: tuple[Sentence, ...]

    @property
    def line(self) -> int:
        return self.sentences[0].line if self.sentences else 0


@dataclass(frozen=True)
class Visual:
    text: str
    line: int


@dataclass(frozen=True)
class Segment:
    kind: str  # intro, section or outro
    title: str
    blocks: tuple[Paragraph | Visual, ...]
    source: str  # episode file or template the text came from

    @cached_property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    @cached_property
    def visuals(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.blocks if isinstance(b, Visual))

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for p in self.paragraphs for s in p.sentences)


@dataclass(frozen=True)
class Episode:
    title: str
    number: int
    slug: str
    voice: str
    segments: tuple[Segment, ...]
    path: str

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for seg in self.segments for s in seg.sentences)


def make_paragraph(text: str, line: int, lexicon: Lexicon) -> Paragraph | None:
    sentences = []
    for sentence in split_sentences(text):
        tokens, guessed = speak_checked(sentence, lexicon)
        sentences.append(Sentence(sentence, tokens, line, guessed, lexicon))
    return Paragraph(tuple(sentences)) if sentences else None


def _body_segments(article: Article, lexicon: Lexicon) -> list[Segment]:
    segments: list[Segment] = []
    title = article.title
    blocks: list[Paragraph | Visual] = []
    started = False

    def close() -> None:
        if blocks or started:
            segments.append(Segment(SECTION_KIND, title, tuple(blocks), article.path))

    for block in article.blocks:
        if block.kind == HEADING:
            close()
            title, blocks, started = block.text, [], True
        elif block.kind == CAPTION:
            blocks.append(Visual(block.text, block.line))
        else:
            paragraph = make_paragraph(block.text, block.line, lexicon)
            if paragraph is not None:
                blocks.append(paragraph)
    close()
    # A section that is only a heading (or only captions) has nothing to narrate: its
    # captions move to the previous section so no visual cue is lost.
    kept: list[Segment] = []
    for seg in segments:
        if seg.paragraphs:
            kept.append(seg)
        elif kept and seg.visuals:
            prev = kept[-1]
            extra = tuple(b for b in seg.blocks if isinstance(b, Visual))
            kept[-1] = Segment(prev.kind, prev.title, prev.blocks + extra, prev.source)
    return kept


@dataclass
class _Made:
    """What one episode's template renderings gave, by rendered text. The second rendering
    differs from the first only where the episode's length is spoken of: the rest is not
    spoken again, and an unchanged segment is the same object (timed once)."""

    segments: dict[tuple[str, str], Segment] = field(default_factory=dict)


# Template paragraphs, spoken, by text and lexicon: most of a channel's intro and outro
# (the patrons' thanks, the plugs, the sign-off) reads the same in every episode, so a
# build of many episodes speaks each such paragraph once. Only template text is kept here:
# an article's own paragraphs are its own.
_TEMPLATE_PARAGRAPHS: dict[tuple[str, Lexicon], Paragraph | None] = {}
_MAX_TEMPLATE_PARAGRAPHS = 4096


def _template_paragraph(text: str, lexicon: Lexicon) -> Paragraph | None:
    key = (text, lexicon)
    try:
        return _TEMPLATE_PARAGRAPHS[key]
    except KeyError:
        pass
    if len(_TEMPLATE_PARAGRAPHS) >= _MAX_TEMPLATE_PARAGRAPHS:
        _TEMPLATE_PARAGRAPHS.clear()
    paragraph = _TEMPLATE_PARAGRAPHS[key] = make_paragraph(text, 0, lexicon)
    return paragraph


def _template_segment(
    kind: str,
    title: str,
    templates: Templates,
    name: str,
    context: dict[str, Any],
    lexicon: Lexicon,
    made: _Made,
) -> Segment:
    rendered = templates.render(name, context)
    known = made.segments.get((name, rendered))
    if known is not None:
        return known
    blocks: list[Paragraph | Visual] = []
    for chunk in rendered.split("\n\n"):
        paragraph = _template_paragraph(chunk, lexicon)
        if paragraph is not None:
            blocks.append(paragraph)
    segment = Segment(kind, title, tuple(blocks), templates.source_of(name))
    made.segments[name, rendered] = segment
    return segment


def template_context(
    channel: Channel, article: Article, sections: list[Segment], duration_ms: int
) -> dict[str, Any]:
    """The names a template can use (documented in the README)."""
    return {
        "channel": {
            "name": channel.name,
            "host": channel.host,
            "tagline": channel.tagline,
            "sign_off": channel.sign_off,
            "links": {
                "website": channel.links.website,
                "shop": channel.links.shop,
                "patreon": channel.links.patreon,
            },
        },
        "episode": {
            "title": article.title,
            "number": article.number,
            "slug": article.slug,
            "sections": [
                s.title for s in sections if s.title != article.title or s is not sections[0]
            ],
            "duration_ms": duration_ms,
        },
        "patrons": [{"tier": t.tier, "names": list(t.names)} for t in channel.patrons if t.names],
        "patron_count": channel.patron_count,
    }


def assemble(
    article: Article,
    channel: Channel,
    templates: Templates,
    voice: str,
    estimate_ms: Callable[[tuple[Segment, ...]], int],
    lexicon: Lexicon = EMPTY_LEXICON,
) -> Episode:
    """Build the episode; `estimate_ms` gives the estimated length of a run of segments."""
    body = _body_segments(article, lexicon)
    if not body:
        raise EpisodeError(
            "the episode has nothing to narrate",
            path=article.path,
            hint="write at least one paragraph of text",
        )
    duration = estimate_ms(tuple(body))
    segments: tuple[Segment, ...] = ()
    made = _Made()
    # Render twice: the templates may speak of the episode's length, which includes them.
    for _ in range(2):
        context = template_context(channel, article, body, duration)
        intro = _template_segment(INTRO_KIND, "Intro", templates, INTRO, context, lexicon, made)
        outro = _template_segment(OUTRO_KIND, "Outro", templates, OUTRO, context, lexicon, made)
        segments = tuple(s for s in (intro, *body, outro) if s.paragraphs)
        total = estimate_ms(segments)
        if round(total / 60000) == round(duration / 60000):
            break
        duration = total
    return Episode(
        title=article.title,
        number=article.number,
        slug=article.slug,
        voice=voice,
        segments=segments,
        path=article.path,
    )
