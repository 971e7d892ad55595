"""Blog copy: the plain text a creator gets by selecting a blog page and copying it.

Nothing in the text says which short line is a section heading and which an image
caption, so each is decided from evidence, written down as the reason next to it in the
episode file. The evidence is of four kinds:

* the line itself: a question or a leading year reads as a heading; a photo credit,
  parentheses, a comma-separated description, a trailing date ("in 1934") or a long line
  reads as a caption;
* the article around it: capitalised words that the article also uses in lower case
  ("the storm") make a line title case, hence a heading, while capitalised words that are
  names ("Ada Morrow") explain the capitals of a sentence-case caption;
* the position: a heading must be followed by a paragraph before the next heading or the
  end, rarely comes before the opening paragraph, and usually comes after an image of the
  previous section rather than before the image of its own;
* the story (importers.story): names from the paragraphs around lean caption.

Posts are separated by the theme's "Posted on … Leave a comment" line; page chrome that
comes along with a copy (share buttons, widget lists, comment forms) is dropped.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from toolkit.errors import SourceError
from toolkit.importers.boilerplate import boilerplate_positions, is_signature
from toolkit.importers.chrome import is_chrome_line, is_cut_marker
from toolkit.importers.post import Block, BlockKind, LeftOut, Post, clean_text
from toolkit.importers.story import weigh_story, word_is_gerund

# A paragraph is rarely this short, a caption or heading rarely this long.
MAX_SHORT_WORDS = 30
MAX_TITLE_WORDS = 30

_TERMINAL = ".!?…:;"
_CLOSERS = "\"'”’)]»"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+[\"'“‘(]?[A-Z0-9]")
_ABBREVIATION_END = re.compile(
    r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Mt|Jr|Sr|Capt|Col|Gen|Lt|Sgt|Rev|Fr|Prof|No|vs|etc|c|ca|fig)\.$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:1[0-9]{3}|20[0-9]{2})(?:s|'s)?\b")
_YEAR_PREFIX = re.compile(
    r"^(?:(?:c\.|circa)\s*)?(?:1[0-9]{3}|20[0-9]{2})s?(?:\s*[-–—]\s*(?:1[0-9]{3}|20[0-9]{2}))?"
    r"\s*[:–—-]\s",
    re.IGNORECASE,
)
_PART_PREFIX = re.compile(
    r"^(?:part|chapter|act|book|day|step)\s+(?:[0-9]+|[ivxlc]+|one|two|three|four|five|six"
    r"|seven|eight|nine|ten)\b",
    re.IGNORECASE,
)
_YEAR_TAIL = re.compile(
    r"(?:\b(?:in|of|from|around|about|circa|c\.|ca\.|after|before)\s+(?:the\s+)?"
    r"|,\s*(?:c\.\s*|circa\s+)?|\(\s*(?:c\.\s*)?)"
    r"(?:1[0-9]{3}|20[0-9]{2})(?:s|'s)?\)?\.?$",
    re.IGNORECASE,
)
_CREDIT_PREFIX = re.compile(
    r"^(?:photo(?:graph)?|image|picture|source|credit|courtesy|illustration|map|painting"
    r"|engraving|drawing|above|below|left|right|top|bottom|pictured|via|©|\(c\))\b\s*[:.,(-]?",
    re.IGNORECASE,
)
_CREDIT_WORDS = re.compile(
    r"\b(?:photo(?:s|graph|graphs|graphed|grapher)?|engrav(?:ing|ed)|paint(?:ing|ed)|portrait"
    r"|drawing|drawn|illustrat(?:ion|ed)|sketch(?:ed)?|lithograph|woodcut|etching|mural"
    r"|fresco|map|detail|courtesy|museum|archives?|library|collection|wikimedia|commons"
    r"|public domain|pictured|shown|depict(?:ed|ing|ion)|postcard|poster|cartoon|statue"
    r"|bust|replica|reconstruction|diagram|plan of|view of|circa|c\.)\b",
    re.IGNORECASE,
)
_QUESTION_WORDS = frozenset(
    "what why how who whom whose when where which did was were is are do does can could "
    "should would will".split()
)
# Words that stay lower case inside a title-case heading; also name particles.
_MINOR_WORDS = frozenset(
    "a an the and but or nor for so yet as at by in of off on per to up via vs with from into "
    "onto over upon than that till until like near past out de la le les du des von van der "
    "den da di del della al el bin ibn y e et und".split()
)
_INITIAL = re.compile(r"^[A-Z]\.$")
# A line that is only a proper name is a portrait's caption when the name is a person's,
# but a section heading when it names a place or an event ("Monte Cassino"). Titles and
# common given names are how a reader tells; saints are left out on purpose, because a
# saint is as often a topic ("Saint Vitus") as a portrait.
_PERSON_TITLES = frozenset(
    """sir lord lady dame mr mrs ms miss dr doctor professor prof captain capt major general
    gen colonel col lieutenant lt sergeant sgt corporal private admiral commander commodore
    king queen prince princess emperor empress tsar czar sultan pope cardinal bishop
    archbishop reverend rev father brother sister president senator governor chief duke
    duchess earl count countess baron baroness marquis marquess viscount""".split()
)
_GIVEN_NAMES = frozenset(
    """aaron abraham ada adam agnes albert alexander alfred alice amelia andrew ann anna anne
    annie antoine antonio arthur augusta barbara benjamin bernard bertha betty
    carl carlos caroline catherine charles charlotte christopher clara daniel david derek
    dorothy edith edmund edward edwin eleanor elizabeth ellen emil emily emma ernest
    eugene eva fanny florence frances francis frank franz frederick george georg georgia
    grace hannah hans harold harriet harry helen henri henry herbert hugh isaac isabella
    jacob james jane jean jessie johann johannes john joseph josephine juan julia karl
    katherine kate laura leonard leonid lewis louis louisa louise lucy ludwig lyman margaret
    maria marie martha mary matthew michael nancy nellie nicholas nikolai olga oscar otto
    patrick paul peter philip pierre rachel ralph richard robert roger rose ruth samuel
    sarah sophia sophie susan thomas timothy victor vince vincent walter wilhelm william
    winifred""".split()
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
# "Monday, 21 August 1911", "14 April 1912", "March 1917": a date alone marks a step in a
# timeline, which is a section; a picture's caption says what it shows.
_DATE_ONLY = re.compile(
    rf"^(?:{_WEEKDAY},?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}"
    rf"(?:st|nd|rd|th)?,?|{_MONTH}|{_WEEKDAY})(?:,?\s+\d{{3,4}})?(?:\s*[:–—-].*)?$",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    rf"^(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}})$",
    re.IGNORECASE,
)


def is_separator(line: str) -> bool:
    """The theme's line between posts: "Posted on [date] [by name] Leave a comment".

    Copies lose the link text of the date, so "Posted on Leave a comment" is the common
    form; a sentence that merely starts with "Posted on" ends with a full stop.
    """
    text = clean_text(line)
    lowered = text.lower()
    if not lowered.startswith("posted on"):
        return False
    words = len(text.split())
    if "comment" in lowered or "repl" in lowered:
        return words <= 16
    return words <= 10 and not text.endswith((".", "!", "?"))


@dataclass(frozen=True)
class Chunk:
    """A paragraph-sized piece of the copy: lines between blank lines, joined."""

    line: int  # 1-based line number of its first line, for messages
    text: str


@dataclass(frozen=True)
class Features:
    """Evidence about one short line: `score` > 0 leans heading; `reasons` say why."""

    score: float
    heading_reasons: tuple[str, ...]
    caption_reasons: tuple[str, ...]
    style: str = ""  # "title", "sentence", "names" or "" (see _case_style)

    def weigh(self, weight: float, reason: str, *, instead_of: str = "") -> Features:
        """The same evidence plus one more piece (positive: heading, negative: caption).

        `instead_of` names a reason the new one makes redundant in the note.
        """
        heading = tuple(r for r in self.heading_reasons if r != instead_of)
        caption = tuple(r for r in self.caption_reasons if r != instead_of)
        if weight > 0:
            heading = (reason, *heading)
        else:
            caption = (reason, *caption)
        return replace(
            self, score=self.score + weight, heading_reasons=heading, caption_reasons=caption
        )


def parse_blogcopy(text: str, source: str) -> list[Post]:
    """Split blog copy into posts and decide every short line.

    Raises SourceError when a post has no title line or nothing but a title.
    """
    lines = text.split("\n")
    separators = [index for index, line in enumerate(lines) if is_separator(line)]
    bounds = [-1, *separators, len(lines)]
    pieces = [_chunks(lines, start + 1, end) for start, end in itertools.pairwise(bounds)]
    # Themes that print the title above the "Posted on" line leave each title at the end
    # of the piece before it: when every separator has a title-like line above it and some
    # post would otherwise open with a paragraph, give each title back to its post.
    joins = [i for i in range(1, len(pieces)) if pieces[i - 1] and pieces[i]]
    if (
        joins
        and all(_is_title_like(pieces[i - 1][-1].text) for i in joins)
        and any(not _is_title_like(pieces[i][0].text) for i in joins)
    ):
        for index in joins:
            pieces[index] = [pieces[index - 1][-1], *pieces[index]]
            pieces[index - 1] = pieces[index - 1][:-1]
    preamble: list[Chunk] = []
    if separators and not any(_words(chunk.text) >= 25 for chunk in pieces[0]):
        # Before the first separator: the blog's header (name, tagline, menu), unless it
        # holds an article, as with themes that put the date line under each post.
        preamble = pieces.pop(0)
    pieces = [piece for piece in pieces if piece]
    if not pieces:
        raise SourceError(
            "no post found: the file has only 'Posted on' lines and page chrome",
            path=source,
            hint="copy the posts' text too",
        )
    posts: list[Post] = []
    for piece in pieces:
        where = f"{source}, post {len(posts) + 1}" if len(pieces) > 1 else source
        posts.append(_build_post(piece, source, where))
    if preamble:
        header = tuple(LeftOut("chrome", chunk.text, 0) for chunk in preamble)
        posts[0] = replace(posts[0], left_out=header + posts[0].left_out)
    return posts


def _is_title_like(text: str) -> bool:
    """A line that could be a post's title: short, not a sentence (a question may be)."""
    return (
        _words(text) <= MAX_TITLE_WORDS
        and (not _ends_sentence(text) or text.rstrip(_CLOSERS).endswith("?"))
        and not _SENTENCE_END.search(text)
        and not is_chrome_line(text)
    )


def _words(text: str) -> int:
    return len(text.split())


def _chunks(lines: Sequence[str], start: int, end: int) -> list[Chunk]:
    """Blank-line separated pieces of lines[start:end], with hard-wrapped lines joined."""
    result: list[Chunk] = []
    group: list[tuple[int, str]] = []
    for index in range(start, end + 1):
        line = clean_text(lines[index]) if index < end else ""
        if line:
            group.append((index + 1, line))
            continue
        if group:
            result.extend(_split_group(group))
            group = []
    return result


def _split_group(group: list[tuple[int, str]]) -> list[Chunk]:
    """One blank-line separated group, split where lines are really separate blocks.

    Copies from a browser give one line per paragraph (long lines), sometimes without blank
    lines between; a text editor's copy is hard-wrapped (lines under about 80 characters)
    and its lines belong together. A short line standing alone between sentence ends is a
    heading or caption either way.
    """
    if len(group) == 1:
        number, line = group[0]
        return [Chunk(number, clean_text(line))]
    if max(len(line) for _, line in group) > 100:
        return [Chunk(number, clean_text(line)) for number, line in group]
    result: list[Chunk] = []
    current: list[tuple[int, str]] = []
    for position, (number, line) in enumerate(group):
        previous_ends = not current or _ends_sentence(current[-1][1])
        following = group[position + 1][1] if position + 1 < len(group) else ""
        stands_alone = (
            previous_ends
            and _words(line) <= 10
            and not _ends_sentence(line)
            and not line.endswith((",", "-", "–"))
            and (not following or following[:1].isupper() or following[:1] in "“\"'‘")
        )
        if stands_alone:
            if current:
                result.append(_join(current))
            result.append(Chunk(number, clean_text(line)))
            current = []
        else:
            current.append((number, line))
    if current:
        result.append(_join(current))
    return result


def _join(lines: list[tuple[int, str]]) -> Chunk:
    text = ""
    for _, line in lines:
        if text.endswith("-") and not text.endswith(" -") and line[:1].islower():
            text = text[:-1] + line  # a word hyphenated at a line break
        else:
            text = f"{text} {line}" if text else line
    return Chunk(lines[0][0], clean_text(text))


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def _is_paragraph(text: str) -> bool:
    """True for narrated text; False for a short line that is a heading or a caption."""
    words = _words(text)
    if words > MAX_SHORT_WORDS:
        return not (_CREDIT_PREFIX.match(text) and words <= 40)
    stripped = text.rstrip(_CLOSERS)
    if text[:1] in '“"‘' and text[-1:] in '”"’' and words > 3:
        return True  # a quotation standing alone is read out
    if stripped.endswith("?"):
        return words > 14 or bool(_SENTENCE_END.search(text))
    if not _ends_sentence(text):
        return False
    # "Photo: Skerry Archive." ends with a full stop but is a credit.
    credit = _CREDIT_PREFIX.match(text) or (
        words <= 15 and "(" in text and _CREDIT_WORDS.search(text) and text.endswith((")", ")."))
    )
    return not credit


_NARRATIVE_WORDS = frozenset(
    """i you he she it we they there this these those was were is are am be been being had
    has have would could should did does do will shall may might must can went came saw
    took made fell ran began found left kept knew rode sent stood grew gave told said
    thought brought became held met lost won wrote""".split()
)


def _is_caption_sentence(text: str, vocabulary: _Vocabulary) -> bool:
    """A caption written as a sentence ("John Harrison, painted by Thomas King in 1767.").

    Only a single short sentence with strong caption evidence and none of the pronouns and
    auxiliary verbs that narration is made of.
    """
    if not text.endswith(".") or _words(text) > 20 or _SENTENCE_END.search(text):
        return False
    raw_words = text.split()
    words = [_bare(raw).lower() for raw in raw_words]
    if set(words) & _NARRATIVE_WORDS:
        return False
    for previous, word in itertools.pairwise(raw_words):
        # "The storm lasted": a past tense straight after its subject is narration, while
        # "…, painted by" after a comma is a caption's participle.
        if (
            word.lower().endswith("ed")
            and not previous.endswith(",")
            and previous[:1].isalpha()
            and previous.lower() not in ("by", "and", "or", "then", "later", "first")
        ):
            return False
    evidence = (
        _CREDIT_PREFIX.match(text)
        or "(" in text
        or _CREDIT_WORDS.search(text)
        or _YEAR_TAIL.search(text.rstrip("."))
    )
    return bool(evidence) and features(text, vocabulary).score <= -4.0


def _build_post(chunks: list[Chunk], source: str, where: str) -> Post:
    chunks, chrome = _drop_chrome(chunks)
    if not chunks:
        raise SourceError(
            "the post has no text, only page chrome", path=source, hint="copy the article itself"
        )
    title_chunk = chunks[0]
    if _words(title_chunk.text) > MAX_TITLE_WORDS or _SENTENCE_END.search(title_chunk.text):
        raise SourceError(
            "the post has no title line (its first line is a paragraph)",
            path=source,
            line=title_chunk.line,
            hint="put the post's title on a line of its own above the text",
        )
    body = chunks[1:]
    # Dates and bylines right under the title are the theme's meta line.
    while body and _DATE_LINE.match(body[0].text):
        chrome.append(body[0].text)
        body = body[1:]
    if not body:
        raise SourceError(
            "the post has a title but no text",
            path=source,
            line=title_chunk.line,
            hint="copy the whole article, or remove the stray title",
        )
    short = [not _is_paragraph(chunk.text) for chunk in body]
    vocabulary = _Vocabulary(
        [chunk.text for chunk, is_short in zip(body, short, strict=True) if not is_short]
    )
    short = [
        is_short or _is_caption_sentence(chunk.text, vocabulary)
        for chunk, is_short in zip(body, short, strict=True)
    ]
    draft = tuple(
        Block("caption" if is_short and not is_signature(chunk.text) else "paragraph", chunk.text)
        for chunk, is_short in zip(body, short, strict=True)
    )
    dropped = boilerplate_positions(draft)
    kept = [i for i in range(len(body)) if i not in dropped]
    left_out: list[LeftOut] = []
    for position in sorted(dropped):
        before = sum(1 for i in kept if i < position)
        left_out.append(LeftOut("boilerplate", body[position].text, before))
    blocks = classify(
        [body[i].text for i in kept],
        [short[i] for i in kept],
        boilerplate_after=bool(dropped) and max(dropped) == len(body) - 1,
        title=title_chunk.text,
    )
    if not any(block.kind == "paragraph" for block in blocks):
        raise SourceError(
            "the post has no paragraph to narrate",
            path=source,
            line=title_chunk.line,
            hint="check that the article text was copied",
        )
    chrome_left = tuple(LeftOut("chrome", text, 0) for text in chrome)
    return Post(
        title=title_chunk.text,
        blocks=tuple(blocks),
        source=source,
        where=where,
        left_out=chrome_left + tuple(left_out),
    )


def _drop_chrome(chunks: list[Chunk]) -> tuple[list[Chunk], list[str]]:
    """Remove share buttons and the like; cut at the comment section or sidebar widgets."""
    kept: list[Chunk] = []
    dropped: list[str] = []
    for index, chunk in enumerate(chunks):
        if is_cut_marker(chunk.text):
            dropped.extend(later.text for later in chunks[index:])
            break
        if is_chrome_line(chunk.text):
            dropped.append(chunk.text)
        else:
            kept.append(chunk)
    return kept, dropped


# --- deciding short lines ---------------------------------------------------------------


class _Vocabulary:
    """How the article's paragraphs use each word: capitalised mid-sentence, or lower case."""

    def __init__(self, paragraphs: Iterable[str]) -> None:
        self.capitalised: Counter[str] = Counter()
        self.lower: Counter[str] = Counter()
        self.initial: Counter[str] = Counter()
        for paragraph in paragraphs:
            sentence_start = True
            for raw in paragraph.split():
                word = _bare(raw)
                if word:
                    key = _key(word)
                    if word[0].islower():
                        self.lower[key] += 1
                    elif word[0].isupper() and not sentence_start:
                        self.capitalised[key] += 1
                    elif word[0].isupper():
                        self.initial[key] += 1
                    sentence_start = False
                stripped = raw.rstrip(_CLOSERS)
                if stripped.endswith((".", "!", "?", "…", ":")) and not _ABBREVIATION_END.search(
                    stripped
                ):
                    sentence_start = True
                if raw[:1] in '“"‘(' and len(raw) == 1:
                    sentence_start = True

    def kind(self, word: str) -> str:
        """ "name", "common" (used in lower case) or "unknown" (not in the paragraphs).

        A word the paragraphs only ever capitalise is a name, even when every use opens a
        sentence ("Bouch was…"): a common word would show up in lower case somewhere.
        """
        if _INITIAL.match(word):
            return "name"
        key = _key(word)
        if self.lower[key] or self.lower[key.rstrip("s")] or self.lower[key + "s"]:
            return "common"
        if self.capitalised[key] or self.initial[key]:
            return "name"
        return "unknown"


def _bare(raw: str) -> str:
    """A word without surrounding punctuation or a possessive ending."""
    word = raw.strip("\"'“”‘’()[]{},;:!?…*_")
    if _INITIAL.match(word):
        return word
    word = word.rstrip(".")
    for ending in ("'s", "’s", "'", "’"):
        if word.endswith(ending):
            word = word[: -len(ending)]
    return word if word[:1].isalpha() else ""


def _key(word: str) -> str:
    return word.lower().replace("’", "'")


def features(text: str, vocabulary: _Vocabulary, previous: str = "") -> Features:
    """Weigh one short line. Positive scores lean heading, negative caption."""
    heading: list[tuple[float, str]] = [(0.5, "")]  # most lone short lines are headings
    caption: list[tuple[float, str]] = []
    raw_words = text.split()
    count = len(raw_words)
    bare = [_bare(word) for word in raw_words]

    question = text.rstrip(_CLOSERS).endswith("?")
    if question:
        heading.append((2.5, "a question"))
    date = bool(_DATE_ONLY.match(text.rstrip(".")))
    if _YEAR_PREFIX.match(text):
        heading.append((3.0, "starts with a year, like a timeline"))
    elif date:
        heading.append((3.0, "a date, like a timeline"))
    elif _PART_PREFIX.match(text):
        heading.append((3.0, "numbered like a chapter"))
    if bare and bare[0].lower() in _QUESTION_WORDS and count <= 8:
        heading.append((1.0, "" if question else "opens like a question"))
    if count <= 3:
        heading.append((1.0, "very short"))
    elif count <= 5:
        heading.append((0.5, "short"))

    if _CREDIT_PREFIX.match(text):
        caption.append((6.0, "a picture credit"))
    if "(" in text and ")" in text:
        caption.append((3.0, "has parentheses"))
    credit_words = {match.group(0).lower() for match in _CREDIT_WORDS.finditer(text)}
    if credit_words:
        caption.append((2.0, f"picture words ({', '.join(sorted(credit_words)[:2])})"))
    if _YEAR_TAIL.search(text.rstrip(".")):
        caption.append((2.5, "ends with a date"))
    elif _YEAR.search(text) and not _YEAR_PREFIX.match(text):
        caption.append((0.5, "has a year"))
    comma = None if date else re.search(r",(?!\d)", text)  # "Monday, 21 August" is a date
    if comma:
        caption.append((2.0, "a comma, like a description"))
        before = [_bare(word) for word in text[: comma.start()].split()]
        capitalised = [word for word in before if word[:1].isupper()]
        if (
            1 <= len(before) <= 4
            and capitalised
            and all(word in _MINOR_WORDS or word[:1].isupper() for word in before if word)
            and all(vocabulary.kind(word) == "name" for word in capitalised)
        ):
            caption.append((1.5, "a name, then who or what it is"))
    if count >= 12:
        caption.append((2.5, "long"))
    elif count >= 9:
        caption.append((1.5, "long"))
    if any(_INITIAL.match(word) for word in raw_words):
        caption.append((1.0, "initials"))
    first = bare[0] if bare else ""
    if first.lower().endswith("ing") and first.lower() not in _QUESTION_WORDS and count > 2:
        caption.append((1.0, "starts like a description"))
    if text.rstrip(_CLOSERS).endswith("."):
        caption.append((1.0, "ends with a full stop"))

    style, names = _case_style(raw_words, vocabulary)
    if style == "title":
        heading.append((2.0, "title case"))
    elif style == "names" and _is_person(raw_words):
        shown = " ".join(_bare(word) for word in raw_words)
        caption.append((1.5, f"a person's name ({shown})"))
        if len(names) >= 2:
            caption.append((0.75, "a full name"))
    if names and previous and _mentions(previous, raw_words):
        caption.append((1.5, "shows who or what the paragraph above mentions"))

    score = sum(weight for weight, _ in heading) - sum(weight for weight, _ in caption)
    return Features(
        score=score,
        heading_reasons=tuple(reason for _, reason in sorted(heading, reverse=True) if reason),
        caption_reasons=tuple(reason for _, reason in sorted(caption, reverse=True) if reason),
        style=style,
    )


def _case_style(raw_words: Sequence[str], vocabulary: _Vocabulary) -> tuple[str, list[str]]:
    """ "title", "sentence", "names" (its only capitals are names) or "" (cannot tell).

    The first word, and the word after a colon, are capitalised in every style, so they
    only count when they are names. A capitalised word the article never uses elsewhere
    but that stands next to a name ("Sir Thomas Bouch") is taken as part of the name.
    """
    words = [_bare(raw) for raw in raw_words]
    kinds = [
        vocabulary.kind(word) if word[:1].isupper() and not _is_acronym(word) else ""
        for word in words
    ]
    for index, kind in enumerate(kinds):
        if kind != "unknown" or (index == 0 and word_is_gerund(words[0])):
            continue  # "Inventing Major Martin": a verb, not part of the name after it
        before = index > 0 and kinds[index - 1] == "name" and raw_words[index - 1][-1:] not in ",:;"
        after = (
            index + 1 < len(kinds)
            and kinds[index + 1] == "name"
            and raw_words[index][-1:] not in ",:;"
        )
        if before or after:
            kinds[index] = "adjacent"
    lower = capitalised = 0
    names: list[str] = []
    first_is_common = False
    for index, (word, kind) in enumerate(zip(words, kinds, strict=True)):
        if not word:
            continue
        initial = index == 0 or raw_words[index - 1].endswith(":")
        if word[0].islower():
            if not initial and word not in _MINOR_WORDS:
                lower += 1
        elif kind in ("name", "adjacent"):
            names.append(word)
        elif not kind:
            continue  # an acronym says nothing about case
        elif initial:
            # "Enter Mr. Bazalgette": an opening word that is not a name makes the line
            # more than a name, even when the article never uses that word elsewhere.
            first_is_common = first_is_common or (
                word.lower() not in _MINOR_WORDS and word.lower() not in _PERSON_TITLES
            )
        else:
            capitalised += 1
    if lower:
        return "sentence", names
    if capitalised:
        return "title", names
    if names and not first_is_common:
        return "names", names
    return "", names


def _is_acronym(word: str) -> bool:
    return word.isupper() and len(word) > 1 and not _INITIAL.match(word)


def _is_person(raw_words: Sequence[str]) -> bool:
    """True when the line names a person: a title, a common given name, or initials."""
    words = [_bare(word) for word in raw_words]
    return any(
        _INITIAL.match(word) or word.lower() in _PERSON_TITLES or word.lower() in _GIVEN_NAMES
        for word in words
        if word[:1].isupper()
    )


def _mentions(paragraph: str, raw_words: Sequence[str]) -> bool:
    """True when the paragraph names the same person or place (two capitalised words)."""
    capitalised = [_bare(word) for word in raw_words if _bare(word)[:1].isupper()]
    for first, second in itertools.pairwise(capitalised):
        if f"{first} {second}" in paragraph:
            return True
    return False


def classify(
    texts: Sequence[str], short: Sequence[bool], *, boilerplate_after: bool = False, title: str = ""
) -> list[Block]:
    """Give every piece its kind: paragraphs stay, each run of short lines is decided together.

    A run is scored for every way of labelling it (runs are short, so this is exhaustive)
    and the best labelling wins: each heading adds its own evidence; position rules add
    penalties (two headings without a paragraph between them, a heading with nothing after
    it, a heading before the opening paragraph).
    """
    paragraphs = [text for text, is_short in zip(texts, short, strict=True) if not is_short]
    vocabulary = _Vocabulary(paragraphs)
    runs: list[tuple[int, list[Features], bool, bool]] = []
    index = 0
    while index < len(texts):
        if not short[index]:
            index += 1
            continue
        end = index
        while end < len(texts) and short[end]:
            end += 1
        previous = texts[index - 1] if index > 0 else ""
        features_ = [features(texts[i], vocabulary, previous) for i in range(index, end)]
        runs.append((index, features_, not any(not s for s in short[:index]), end == len(texts)))
        index = end
    # What the paragraphs around each line talk about, and whether the post has headings.
    lines = [texts[first + i] for first, run, _, _ in runs for i in range(len(run))]
    around = [
        (texts[first - 1] if first else "", "" if last else texts[first + len(run)])
        for first, run, _, last in runs
        for _ in run
    ]
    weighed = iter(
        weigh_story(
            lines,
            [f for r in runs for f in r[1]],
            around,
            title,
            vocabulary.kind,
        )
    )
    runs = [(first, [next(weighed) for _ in run], a, b) for first, run, a, b in runs]
    labels = [_best_labels(run, at_start=start, at_end=end) for _, run, start, end in runs]
    runs = _match_heading_style(runs, labels)
    decided: dict[int, Block] = {}
    for first, run, at_start, at_end in runs:
        for offset, (feature, label) in enumerate(
            zip(run, _best_labels(run, at_start=at_start, at_end=at_end), strict=True)
        ):
            context = _context_reason(label, at_start, at_end, boilerplate_after)
            kind: BlockKind = "heading" if label == "heading" else "caption"
            decided[first + offset] = Block(
                kind, texts[first + offset], _note(label, feature, context)
            )
    return [decided.get(i, Block("paragraph", text)) for i, text in enumerate(texts)]


def _match_heading_style(
    runs: list[tuple[int, list[Features], bool, bool]], labels: list[tuple[str, ...]]
) -> list[tuple[int, list[Features], bool, bool]]:
    """Weigh each line against the style of the article's own headings.

    Writers keep one style for headings. When the first decisions give clearly title-case
    headings (three or more, at least three to one), a sentence-case line is more likely a
    caption ("The restored beam engines at Crossness", among "Building Under a Living
    City" and "Chains on the River"), and a title-case line a heading.
    """
    styles = [
        feature.style
        for (_, run, _, _), chosen in zip(runs, labels, strict=True)
        for feature, label in zip(run, chosen, strict=True)
        if label == "heading"
    ]
    title, sentence = styles.count("title"), styles.count("sentence")
    if title < 3 or title < 3 * sentence:
        return runs
    adjusted = []
    for first, run, at_start, at_end in runs:
        weighed = [
            feature.weigh(-2.0, "sentence case, unlike this article's headings")
            if feature.style == "sentence"
            else feature.weigh(
                1.0, "title case, like this article's headings", instead_of="title case"
            )
            if feature.style == "title"
            else feature
            for feature in run
        ]
        adjusted.append((first, weighed, at_start, at_end))
    return adjusted


def _best_labels(run: Sequence[Features], *, at_start: bool, at_end: bool) -> tuple[str, ...]:
    if len(run) > 10:
        # Nobody writes ten short lines in a row by hand: decide each on its own evidence.
        return tuple("heading" if item.score > 1.5 else "caption" for item in run)
    best: tuple[float, tuple[str, ...]] = (float("-inf"), ())
    for labels in itertools.product(("caption", "heading"), repeat=len(run)):
        value = 0.0
        headings = [i for i, label in enumerate(labels) if label == "heading"]
        value += sum(run[i].score for i in headings)
        value -= 6.0 * max(0, len(headings) - 1)
        if headings and at_end:
            value -= 4.0
        if headings and at_start:
            value -= 2.0
        if headings and headings[-1] != len(run) - 1:
            value -= 0.5
        for i in range(len(run) - 1):
            if labels[i] == labels[i + 1] == "caption":
                value -= 1.0  # an image's caption is more often followed by a heading
        if value > best[0]:
            best = (value, labels)
    return best[1]


def _context_reason(label: str, at_start: bool, at_end: bool, boilerplate_after: bool) -> str:
    if label == "caption" and at_end:
        return "nothing follows it" if not boilerplate_after else "only the sign-off follows"
    if label == "caption" and at_start:
        return "before the opening paragraph"
    return ""


def _note(label: str, feature: Features, context: str) -> str:
    reasons = list(feature.heading_reasons if label == "heading" else feature.caption_reasons)
    if context:
        reasons.insert(0, context)
    if label == "heading":
        because = "; ".join(reasons[:3]) or "a short line before a paragraph"
        return f"guessed heading: {because}. If it is a caption, write it as ![...]()"
    because = "; ".join(reasons[:3]) or "the lines around it"
    return f"guessed caption: {because}. If it is a heading, write it as ## ..."
