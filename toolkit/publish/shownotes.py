"""shownotes.html: the description's content in the HTML subset podcast apps keep.

Apple Podcasts and most apps keep only p, a, ul/ol/li, strong/em and h2/h3 from show notes
(the feed's content:encoded) and drop the rest, so nothing else is written. Every text is
escaped; a source that is a web address becomes a link.
"""

from __future__ import annotations

from html import escape

from toolkit.publish.notes import Notes
from toolkit.templates import list_names

ALLOWED_TAGS = frozenset({"p", "a", "ul", "ol", "li", "strong", "em", "h2", "h3"})


def _link(url: str, label: str) -> str:
    return f'<a href="{escape(url, quote=True)}">{escape(label, quote=False)}</a>'


def _source(text: str) -> str:
    if text.startswith(("https://", "http://")) and " " not in text:
        return _link(text, text)
    return escape(text, quote=False)


def compose_shownotes(notes: Notes) -> str:
    """The show notes: summary, chapters, links, patrons and sources."""
    parts = [f"<p>{escape(notes.summary, quote=False)}</p>"]
    parts.append("<h2>Chapters</h2>")
    parts.append(
        "<ul>" + "".join(f"<li>{escape(c, quote=False)}</li>" for c in notes.chapters) + "</ul>"
    )
    if notes.links:
        parts.append("<h2>Links</h2>")
        parts.append(
            "<ul>" + "".join(f"<li>{_link(x.url, x.label)}</li>" for x in notes.links) + "</ul>"
        )
    if notes.patrons:
        parts.append("<h2>Thanks to our patrons</h2>")
        parts.append(
            "<ul>"
            + "".join(
                f"<li><strong>{escape(tier.capitalize(), quote=False)}:</strong> "
                f"{escape(list_names(names, cap=len(names)), quote=False)}</li>"
                for tier, names in notes.patrons
            )
            + "</ul>"
        )
    if notes.sources:
        parts.append("<h2>Sources</h2>")
        parts.append("<ol>" + "".join(f"<li>{_source(s)}</li>" for s in notes.sources) + "</ol>")
    return "\n".join(parts) + "\n"
