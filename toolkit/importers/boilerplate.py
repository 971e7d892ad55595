"""The channel's own end-of-post text: thanks, subscribe and Patreon plugs, merch, sign-offs.

The outro template already says all of this, so the importer leaves it out of the narrated
body and reports what it left out. Only the trailing run of such paragraphs goes (plus a
paragraph that is nothing but a plug, wherever it is): a narrative paragraph that merely
says "thanks" ("Thanks to the fog, the ship slipped past") must stay.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from toolkit.importers.post import Block, LeftOut, Post

# Each group is one kind of evidence; a paragraph's score is the number of groups it hits,
# so "subscribe and like" counts once while "thanks for watching ... Patreon" counts twice.
# Only phrases a story would hardly use: "patrons", "subscription", "the shop" and "take
# care of" belong to history as much as to a channel, so they are weak (below).
_STRONG: dict[str, re.Pattern[str]] = {
    "thanks": re.compile(
        r"\bthank(s| you)( so much| again| very much)?( all)? for (watching|reading|listening"
        r"|sticking|joining|being here|your support|tuning in|following)"
        r"|\bthanks for (coming|spending)|\bthat'?s (it|all) for (this|today|now)"
        r"|\bhope you enjoyed",
    ),
    "subscribe": re.compile(
        r"\bsubscrib(e|ing)\b|\bring the bell|\bhit the bell|\bnotification bell"
        r"|\b(like|thumbs up)( on)? (the|this) video|\bleave a like|\bsmash (that|the) like"
        r"|\bfollow (us|me|the channel) on|\bnewsletter\b|\bshare (this|the) (video|post|episode)"
        r"|\b(let (us|me) know|tell (us|me))\b[^.!?]* in the comments|\bcomments? below",
    ),
    "support": re.compile(
        r"\bpatreon|\bko-?fi\b|\bbuy (me|us) a coffee|\bsupport (the|our|this) "
        r"(channel|show|podcast|blog)|\bsupport us\b|\bjoin the channel|\bchannel member"
        r"|\bbecome a (member|patron)|\bsponsored by|\bthis (video|episode) is sponsored",
    ),
    "merch": re.compile(
        r"\bmerch(andise)?\b|\bour (online )?(shop|store)\b|\bchannel'?s? (shop|store)\b",
    ),
    "signoff": re.compile(
        r"\bsee you (next time|soon|in the next|next week)|\buntil next time|\btill next time"
        r"|\bbye for now|\btake care\s*[!.,]|\btake care$|\bstay curious|\bhappy (reading|watching"
        r"|listening|gardening)\b|\bcatch you (next time|later)",
    ),
}
_WEAK: dict[str, re.Pattern[str]] = {
    "support": re.compile(
        r"\bpatrons?\b|\bsupporters\b|\bmembers? (get|receive)|\bmembership\b|\bpledge"
        r"|\bdonat(e|ion)|\bsubscription",
    ),
    "merch": re.compile(r"\bt-?shirts?\b|\bmugs?\b|\bhoodies?\b|\bstickers?\b"),
    "channel": re.compile(
        r"\b(this|our|my) (channel|podcast)\b|\b(this|the|our) (video|episode)\b"
        r"|\bin the description\b|\blink (is )?(below|in)|\bmore (episodes|videos|stories) like"
        r"|\bkeep the lights on\b|\bnew (episode|video|story) (goes up|every|each)",
    ),
}

_ADDRESS_YOU = re.compile(r"\byou('d|'ll|'re|'ve)?\b|\byour\b")
_ADDRESS_US = re.compile(r"\b(us|our|we|we're|we'll|we've)\b")

# Evidence that a paragraph tells the story rather than addresses the audience.
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b")
_NARRATIVE_THANKS = re.compile(r"\bthanks to\b|\bthanked\b|\bthanking\b", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(?:[-–—~]+ ?)?[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3}[.!]?$")


def signals(text: str) -> tuple[str, ...]:
    """The groups of channel-boilerplate evidence found in `text`.

    Weak evidence only counts next to strong evidence: "patrons" in a paragraph that also
    says "Patreon" is a plug, "the theatre's patrons" alone is history.
    """
    lowered = text.lower().replace("’", "'")
    strong = [name for name, pattern in _STRONG.items() if pattern.search(lowered)]
    weak = [
        name for name, pattern in _WEAK.items() if name not in strong and pattern.search(lowered)
    ]
    if strong:
        return tuple(strong + weak)
    if weak and _ADDRESS_YOU.search(lowered) and _ADDRESS_US.search(lowered):
        # "If you'd like to help us keep the lights on, membership starts at…": the
        # channel speaking to its audience about itself, without a stock phrase.
        return (*weak, "address")
    return ()


def is_boilerplate(text: str) -> bool:
    """True for a paragraph that speaks to the audience about the channel, not the story.

    A short paragraph needs one group of evidence, a longer one two or more, and a
    paragraph that reads like narrative (a year, "thanks to") needs more still.
    """
    found = signals(text)
    if not found:
        return False
    words = len(text.split())
    needed = 1
    if words > 45:
        needed = 2
    if words > 90:
        needed = 3
    if _YEAR.search(text) or _NARRATIVE_THANKS.search(text):
        needed += 1
    return len(found) >= needed


def is_promotion(text: str) -> bool:
    """True for a plug that is nothing else, wherever it sits in the post.

    Stricter than `is_boilerplate`: two kinds of call to action and no sign of narrative.
    """
    if len(text) > 600 or len(text.split()) > 60:
        return False
    found = set(signals(text)) - {"signoff", "thanks"}
    return len(found) >= 2 and not _YEAR.search(text) and not _NARRATIVE_THANKS.search(text)


def is_signature(text: str) -> bool:
    """A sign-off name on its own line ("— Anna", "Tom and the team") after the boilerplate."""
    return len(text.split()) <= 5 and bool(_SIGNATURE.match(text))


def boilerplate_positions(blocks: Sequence[Block]) -> frozenset[int]:
    """Indexes of the blocks that are the channel's boilerplate, not the article.

    That is the trailing run of boilerplate paragraphs (a sign-off name and a promotional
    heading or caption inside that run go with it), a heading that would be left with
    nothing after it, and anywhere a paragraph that is only a plug.
    """
    found_any = False
    index = len(blocks) - 1
    while index >= 0:
        block = blocks[index]
        if block.kind == "paragraph" and is_boilerplate(block.text):
            found_any = True
        elif block.kind in ("heading", "caption") and signals(block.text):
            pass  # "Support the channel", a Patreon banner's alt text
        elif block.kind == "paragraph" and is_signature(block.text) and not found_any:
            pass  # may be the name under the sign-off; kept unless boilerplate sits above it
        else:
            break
        index -= 1
    start = len(blocks)
    if found_any:
        start = index + 1
        # A heading that only introduced the boilerplate would become an empty section.
        while start > 0 and blocks[start - 1].kind == "heading":
            start -= 1
    return frozenset(
        position
        for position, block in enumerate(blocks)
        if position >= start or (block.kind == "paragraph" and is_promotion(block.text))
    )


def split_boilerplate(blocks: Sequence[Block]) -> tuple[tuple[Block, ...], tuple[LeftOut, ...]]:
    """The kept blocks, and the boilerplate left out (with the count of kept blocks before)."""
    positions = boilerplate_positions(blocks)
    kept: list[Block] = []
    left: list[LeftOut] = []
    for position, block in enumerate(blocks):
        if position in positions:
            left.append(LeftOut("boilerplate", block.text, len(kept)))
        else:
            kept.append(block)
    return tuple(kept), tuple(left)


def finish_post(
    title: str,
    blocks: Sequence[Block],
    *,
    source: str,
    where: str,
    meta: tuple[tuple[str, object], ...] = (),
) -> Post:
    """A post from structured markup: the boilerplate split off, the rest kept as it is."""
    kept, left = split_boilerplate(blocks)
    return Post(title=title, blocks=kept, source=source, where=where, meta=meta, left_out=left)
