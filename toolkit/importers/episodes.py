"""Turning parsed posts into episodes/NNN-slug.md: numbering, slugs, re-import, writing.

Everything is parsed and planned before the first byte is written, so a bad source never
leaves half an import behind. Each file is written atomically; with `force`, an episode
that is replaced under a new name is removed only after every new file is in place.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import frontmatter

from toolkit.errors import SourceError, ToolkitError
from toolkit.files import decode_text, write_atomic
from toolkit.importers.post import Draft, LeftOut, Post, Unusable
from toolkit.importers.render import render_episode
from toolkit.importers.sources import read_source

SLUG_LIMIT = 60
_EPISODE_NAME = re.compile(r"^(\d+)-(.+)\.md$")
# Letters that Unicode decomposition does not turn into ASCII on its own.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
        "&": " and ",
    }
)


def slugify(title: str, *, limit: int = SLUG_LIMIT) -> str:
    """An ASCII file-name slug: lower-case words joined by hyphens.

    Guarantees: only a-z, 0-9 and single inner hyphens; at most `limit` characters, cut
    at a word boundary where possible; never empty ("episode" when nothing is left), so
    never ".", "..", or anything with a slash that could leave the episodes folder.
    """
    folded = unicodedata.normalize("NFKD", title.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = ascii_text.replace("'", "").replace("’", "")
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            if not slug:
                slug = word[:limit]
            break
        slug = candidate
    return slug or "episode"


@dataclass(frozen=True)
class Existing:
    """An episode file already in the folder, as far as re-import matching needs it."""

    path: Path
    number: int
    slug: str
    source: str
    link: str


def scan_episodes(directory: Path) -> list[Existing]:
    """The NNN-slug.md files in `directory`; unreadable front matter only loses the match."""
    found: list[Existing] = []
    if not directory.is_dir():
        return found
    for path in sorted(directory.iterdir()):
        match = _EPISODE_NAME.match(path.name)
        if not match or not path.is_file():
            continue
        source = link = ""
        try:
            meta = frontmatter.loads(decode_text(path.read_bytes(), path)).metadata
            source = str(meta.get("source") or "")
            link = str(meta.get("link") or "")
        except Exception:  # a broken episode file must not stop an import, only its match
            pass
        found.append(Existing(path, int(match.group(1)), match.group(2), source, link))
    return found


@dataclass(frozen=True)
class Written:
    path: Path
    title: str
    sections: int
    captions: int
    guessed: int  # headings and captions decided from plain text
    left_out: tuple[LeftOut, ...]
    replaced: Path | None = None


@dataclass(frozen=True)
class Skipped:
    where: str
    title: str
    existing: Path | None  # None when the post itself could not be used
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did, for the CLI to print (the library never prints)."""

    written: tuple[Written, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    def lines(self) -> list[str]:
        out: list[str] = []
        for item in self.written:
            counts = f"{_plural(item.sections, 'section')}, {_plural(item.captions, 'caption')}"
            replacing = ""
            if item.replaced is not None:
                replacing = (
                    " (replaced the earlier import)"
                    if item.replaced == item.path
                    else f" (replaced {item.replaced})"
                )
            out.append(f"wrote {item.path}: {counts}{replacing}")
            boilerplate = [left.text for left in item.left_out if left.kind == "boilerplate"]
            chrome = [left.text for left in item.left_out if left.kind == "chrome"]
            if boilerplate:
                out.append(
                    f"  left out {_plural(len(boilerplate), 'boilerplate paragraph')}: "
                    + ", ".join(_short_quote(text) for text in boilerplate)
                )
            if chrome:
                out.append(
                    f"  left out {_plural(len(chrome), 'line')} of page chrome: "
                    + ", ".join(_short_quote(text) for text in chrome[:4])
                    + (", …" if len(chrome) > 4 else "")
                )
            if item.guessed:
                guessed = _plural(item.guessed, "heading or caption", "headings and captions")
                out.append(f"  guessed {guessed} from plain text: check the 'import:' notes")
        for skipped in self.skipped:
            if skipped.existing is not None:
                out.append(
                    f'skipped {skipped.where} "{skipped.title}": already imported as '
                    f"{skipped.existing} ({skipped.reason}); use --force to replace it"
                )
            else:
                out.append(f'skipped {skipped.where} "{skipped.title}": {skipped.reason}')
        return out


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _short_quote(text: str, limit: int = 30) -> str:
    words = " ".join(text.split())
    if len(words) <= limit:
        return f'"{words}"'
    cut = words[:limit].rsplit(" ", 1)[0].rstrip(",;:.!?")
    return f'"{cut}…"'


def section_count(post: Post) -> int:
    """Sections as the assembly sees them: one per heading, plus the opening if it has text."""
    headings = post.count("heading")
    opening = False
    for block in post.blocks:
        if block.kind == "heading":
            break
        opening = opening or block.kind == "paragraph"
    return headings + (1 if opening else 0)


@dataclass(frozen=True)
class _Plan:
    post: Post
    path: Path
    number: int
    replaces: Existing | None


def _same_place(first: str, second: str) -> bool:
    """Sources are compared as written and, for file paths, after normalising the path."""
    if not first or not second:
        return False
    if first == second:
        return True
    if "://" in first or "://" in second:
        return first.rstrip("/") == second.rstrip("/")
    return os.path.normpath(first) == os.path.normpath(second)


def _match(
    post: Post, slug: str, single_from_source: bool, existing: Sequence[Existing]
) -> tuple[Existing, str] | None:
    link = post.link
    if link:
        for item in existing:
            if _same_place(item.link, link) or _same_place(item.source, link):
                return item, "same link"
    for item in existing:
        if _same_place(item.source, post.source) and (single_from_source or item.slug == slug):
            return item, "same source"
    for item in existing:
        if item.slug == slug:
            return item, "same title"
    return None


def plan_import(
    posts: Sequence[Post], existing: Sequence[Existing], directory: Path, *, force: bool
) -> tuple[list[_Plan], list[Skipped]]:
    """Decide the file of every post: new number, skip (already imported) or replace."""
    per_source: dict[str, int] = {}
    for post in posts:
        per_source[post.source] = per_source.get(post.source, 0) + 1
    next_number = max([item.number for item in existing], default=0) + 1
    taken_slugs = {item.slug for item in existing}
    claimed: set[Path] = set()
    plans: list[_Plan] = []
    skipped: list[Skipped] = []
    planned_slugs: set[str] = set()
    for post in posts:
        slug = slugify(post.title)
        free = [item for item in existing if item.path not in claimed]
        found = _match(post, slug, per_source[post.source] == 1, free)
        if found is not None:
            match, reason = found
            claimed.add(match.path)
            if not force:
                skipped.append(Skipped(post.where, post.title, match.path, reason))
                continue
            if slug != match.slug and (slug in taken_slugs or slug in planned_slugs):
                slug = match.slug
            planned_slugs.add(slug)
            path = directory / f"{match.number:03d}-{slug}.md"
            plans.append(_Plan(post, path, match.number, match))
            continue
        slug = _unique(slug, taken_slugs | planned_slugs)
        planned_slugs.add(slug)
        plans.append(_Plan(post, directory / f"{next_number:03d}-{slug}.md", next_number, None))
        next_number += 1
    return plans, skipped


def _unique(slug: str, taken: set[str]) -> str:
    if slug not in taken:
        return slug
    counter = 2
    while True:
        suffix = f"-{counter}"
        candidate = slug[: SLUG_LIMIT - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        counter += 1


def write_plans(plans: Sequence[_Plan]) -> list[Written]:
    """Write every planned file; remove replaced files only once all new ones exist.

    If a write fails (a full disk), the files this import created are removed again, so
    the folder is as it was, apart from episodes replaced in place under --force, which
    are each either the old or the new file, never a mix.
    """
    texts = [(plan, render_episode(plan.post, plan.number)) for plan in plans]
    fresh = [(plan, text) for plan, text in texts if not plan.path.exists()]
    in_place = [(plan, text) for plan, text in texts if plan.path.exists()]
    created: list[Path] = []
    try:
        for plan, text in fresh:
            write_atomic(plan.path, text)
            created.append(plan.path)
        for plan, text in in_place:
            write_atomic(plan.path, text)
    except OSError as exc:
        for path in created:
            path.unlink(missing_ok=True)
        raise ToolkitError(
            f"could not write the episode file ({exc.strerror or exc})",
            path=exc.filename or (plans[0].path.parent if plans else None),
            hint="check free space and permissions, then import again",
        ) from exc
    for plan in plans:
        if plan.replaces is not None and plan.replaces.path != plan.path:
            plan.replaces.path.unlink(missing_ok=True)
    return [
        Written(
            path=plan.path,
            title=plan.post.title,
            sections=section_count(plan.post),
            captions=plan.post.count("caption"),
            guessed=sum(1 for block in plan.post.blocks if block.note),
            left_out=plan.post.left_out,
            replaced=None if plan.replaces is None else plan.replaces.path,
        )
        for plan in plans
    ]


def import_sources(
    sources: Sequence[Path],
    episodes_dir: Path,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import every source into `episodes_dir` and say what happened.

    All sources are read and parsed first; any SourceError stops the import before a
    file is written. `progress(done, total)` is called after each post is parsed (a
    WordPress export of hundreds of posts takes a few seconds).
    """
    drafts: list[tuple[Path, Draft]] = []
    seen: set[Path] = set()
    for source in sources:
        key = source.resolve()
        if key in seen:
            continue
        seen.add(key)
        drafts.extend((source, draft) for draft in read_source(source))
    posts: list[Post] = []
    unusable: list[Unusable] = []
    usable_per_source: dict[Path, int] = {}
    for done, (source, draft) in enumerate(drafts, start=1):
        for outcome in draft():
            if isinstance(outcome, Post):
                posts.append(outcome)
                usable_per_source[source] = usable_per_source.get(source, 0) + 1
            else:
                unusable.append(outcome)
        if progress is not None:
            progress(done, len(drafts))
    for source in dict.fromkeys(source for source, _ in drafts):
        if not usable_per_source.get(source):
            reasons = sorted({item.reason for item in unusable if item.source == str(source)})
            raise SourceError(
                "no post with text to import" + (f" ({reasons[0]})" if reasons else ""),
                path=source,
                hint="export published posts with their content",
            )
    plans, skipped = plan_import(posts, scan_episodes(episodes_dir), episodes_dir, force=force)
    written = write_plans(plans)
    skipped.extend(Skipped(item.where, item.title, None, item.reason) for item in unusable)
    return ImportReport(tuple(written), tuple(skipped))
