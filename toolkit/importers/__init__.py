"""Import articles into episode files: blog copy, Markdown, a saved page, a WordPress export.

`import_sources` is the whole job (read, parse, plan, write, report); the format modules
can be used on their own to parse text into a `Post`.
"""

from toolkit.importers.episodes import (
    ImportReport,
    Skipped,
    Written,
    import_sources,
    slugify,
)
from toolkit.importers.post import Block, LeftOut, Post
from toolkit.importers.render import render_episode
from toolkit.importers.sources import detect_format, read_source

__all__ = [
    "Block",
    "ImportReport",
    "LeftOut",
    "Post",
    "Skipped",
    "Written",
    "detect_format",
    "import_sources",
    "read_source",
    "render_episode",
    "slugify",
]
