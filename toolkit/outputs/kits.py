"""The channel's episode files and kits, read cheaply: which kits need building.

Takes the channel folder; gives the episode files (by path, slug or number), the check
that no two episodes share a number or slug (from file names and the front matter's own
`number:`/`slug:` lines, never the bodies), and for each kit the digests of everything it
is built from (`kit_inputs`, the one list of a kit's inputs) and whether the manifest kept
from its last build says it is current.

This module is light on purpose (no Markdown, speech or template code is imported), so
`toolkit build` with nothing to do finishes in a fraction of a second. It reads files;
the manifest's pure part is `toolkit.outputs.manifest`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG

from toolkit.channel import CHANNEL_FILE, Channel, channel_file
from toolkit.errors import EpisodeError, InputError
from toolkit.files import decode_text, read_text, write_all_atomic
from toolkit.outputs.manifest import (
    Manifest,
    compose_manifest,
    digest_bytes,
    is_current,
    make_manifest,
    parse_manifest,
)
from toolkit.text.frontmatter import scan_front_matter, scanned_number, split_front_matter

EPISODES_DIR = "episodes"
BUILD_DIR = "build"
TEMPLATES_DIR = Path(EPISODES_DIR) / "templates"
VOICES_DIR = "voices"
MANIFEST_DIR = Path(BUILD_DIR) / ".cache" / "kits"
CATALOGUE_MANIFEST = "_catalogue.json"  # no slug starts with "_"
CATALOGUE_ROWS = "_catalogue-rows.json"
_EPISODE_NAME = re.compile(r"^\d{1,4}-[a-z0-9][a-z0-9-]*\.md$")
_HEAD_KEYS = frozenset({"number", "slug", "recording"})
# The files of a kit that the catalogue page and the feed read.
CATALOGUE_KIT_FILES = ("timing.json", "narration.mp3", "episode.mp3")


def episode_files(root: Path) -> list[Path]:
    folder = root / EPISODES_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.md") if _EPISODE_NAME.match(p.name))


def select_episodes(
    root: Path,
    selectors: Sequence[str],
    heads: Mapping[Path, EpisodeHead | None] | None = None,
) -> list[Path]:
    """Episodes by path, slug or number; all of them when no selector is given.

    A number or slug is the episode's own: its front matter's where that overrides the
    file name's (`heads`, as episode_heads reads them; read here when not given and a
    selector is not a path). The file name without .md selects too."""
    files = episode_files(root)
    if not selectors:
        if not files:
            raise InputError(
                f"no episodes in {root / EPISODES_DIR}",
                hint="import an article with `toolkit import FILE`",
            )
        return files
    chosen: list[Path] = []
    for sel in selectors:
        path = Path(sel)
        matches = [path] if path.suffix == ".md" and path.is_file() else []
        if not matches:
            if heads is None:
                heads = episode_heads(root)
            number = int(sel) if sel.isascii() and sel.isdigit() else None
            for f in files:
                head = heads.get(f)
                own_number, own_slug = _name_parts(f)
                if head is not None:
                    # (A front matter number that is not a number leaves the file name's:
                    # building the episode says what is wrong with it.)
                    own_number = own_number if head.number is None else head.number
                    own_slug = head.slug
                if sel in (own_slug, f.stem) or (number is not None and number == own_number):
                    matches.append(f)
        if not matches:
            raise InputError(
                f"no episode matches {sel!r}",
                hint="give a path, a slug or a number (see `toolkit build --help`)",
            )
        if len(matches) > 1:
            raise InputError(
                f"{sel!r} matches {len(matches)} episodes: " + ", ".join(m.name for m in matches),
                hint="give the file path instead",
            )
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return chosen


@dataclass(frozen=True)
class EpisodeHead:
    """What an episode file says about itself before its body: its number and slug (the
    file name's unless the front matter overrides them) and its recording, if any."""

    path: Path
    number: int | None
    slug: str
    recording: str | None = None
    digest: str = ""  # of the whole file, as it was read


def _name_parts(path: Path) -> tuple[int | None, str]:
    number, _, rest = path.stem.partition("-")
    if number.isdigit() and rest:
        return int(number), rest
    return None, path.stem.lower()


# The line that closes the front matter block ("---" or "..."), in the file's bytes.
_FRONT_END = re.compile(rb"\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)")


def _front_text(path: Path) -> tuple[str, bytes]:
    """The file's front matter block as text, decoded as every input is (only that block
    when the file starts with one, so a long body costs nothing), and the file's bytes."""
    try:
        raw = path.read_bytes()
    except OSError:
        return read_text(path), b""  # raises the InputError that says what is wrong
    if raw.startswith(b"---"):
        end = _FRONT_END.search(raw, 3)
        if end is not None:
            return decode_text(raw[: end.end()], path), raw
    return read_text(path), raw


def read_head(path: Path) -> EpisodeHead:
    """The episode's number, slug and recording, reading only the front matter block (its
    plain lines; the YAML parser only for a block they cannot say exactly). Raises
    InputError when the file cannot be read or its front matter is not valid."""
    text, raw = _front_text(path)
    number, slug = _name_parts(path)
    scan = scan_front_matter(text, _HEAD_KEYS)
    fields: Mapping[str, object] = scan.fields
    plain_number = "number" not in fields or scanned_number(str(fields["number"])) is not None
    if not (scan.exact and plain_number):
        fields = split_front_matter(text, str(path))[0]  # YAML, for what the scan cannot read
    value = fields.get("number")
    if isinstance(value, str):
        value = scanned_number(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif "number" in fields:
        number = None  # not a number: building the episode says so
    if isinstance(fields.get("slug"), str):
        slug = str(fields["slug"])
    recording = fields.get("recording")
    return EpisodeHead(
        path,
        number,
        slug,
        recording if isinstance(recording, str) else None,
        digest_bytes(raw) if raw else "",
    )


def episode_heads(root: Path) -> dict[Path, EpisodeHead | None]:
    """Every episode file's head (None for one whose front matter cannot be read: building
    it reports the problem), read once for the uniqueness check and the manifests."""
    heads: dict[Path, EpisodeHead | None] = {}
    for path in episode_files(root):
        try:
            heads[path] = read_head(path)
        except InputError:
            heads[path] = None
    return heads


def check_unique(root: Path, heads: Mapping[Path, EpisodeHead | None] | None = None) -> set[str]:
    """Two episodes with the same number or slug would overwrite each other's kit.

    Returns every episode's slug. Reads file names and front matter lines only, never the
    bodies (or takes the heads `episode_heads` read). A file whose front matter cannot be
    read is counted by its file name: building it reports the problem."""
    seen: dict[str, Path] = {}
    slugs: set[str] = set()
    for path, head in (episode_heads(root) if heads is None else heads).items():
        if head is None:
            slugs.add(path.stem.partition("-")[2])
            continue
        slugs.add(head.slug)
        keys = [f"slug {head.slug}"]
        if head.number is not None:
            keys.insert(0, f"number {head.number}")
        for key in keys:
            if key in seen:
                raise EpisodeError(
                    f"episode {key} is used twice (also in {seen[key].name})",
                    path=path,
                    hint="renumber or rename one of them",
                )
            seen[key] = path
    return slugs


# --- what a kit is built from ------------------------------------------------------------


@lru_cache(maxsize=1)
def toolkit_digest() -> str:
    """The toolkit's own code and data (every file of the package): a change to any of
    them, not only a new version number, builds every kit again."""
    package = str(Path(__file__).resolve().parent.parent)
    parts: list[bytes] = []
    # Plain strings, not paths: every build process works this out (some 200 files).
    for dirpath, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        folder = os.path.relpath(dirpath, package).replace(os.sep, "/")
        prefix = "" if folder == "." else folder + "/"
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")) or name.startswith("."):
                continue
            with open(os.path.join(dirpath, name), "rb") as handle:
                data = handle.read()
            parts.append(f"{prefix}{name}".encode())
            parts.append(digest_bytes(data).encode("ascii"))
    return digest_bytes(b"\n".join(parts))


def _file_digest(path: Path) -> str:
    try:
        return digest_bytes(path.read_bytes())
    except FileNotFoundError:
        return "missing"
    except IsADirectoryError:
        return "folder"


def _media_digest(path: Path | str) -> str:
    """Recordings and music can be large: their size and modification time stand for them
    (any save or copy changes the time), so an unchanged build never reads them."""
    try:
        return _stamp(os.stat(path))
    except FileNotFoundError:
        return "missing"


def _stamp(stat: os.stat_result) -> str:
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _folder_digests(folder: Path, label: str) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        f"{label}/{p.name}": _file_digest(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }


def channel_inputs(root: Path) -> dict[str, str]:
    """The inputs every kit of the channel shares (part of `kit_inputs`): the toolkit,
    channel.toml, the templates and voices/. A build reads them once, before any episode."""
    return {
        "toolkit": toolkit_digest(),
        "channel": _file_digest(root / CHANNEL_FILE),
        **_folder_digests(root / TEMPLATES_DIR, "templates"),
        **_folder_digests(root / VOICES_DIR, "voices"),
    }


def kit_inputs(
    root: Path,
    path: Path,
    channel: Channel,
    *,
    audio: bool,
    voice: str | None,
    head: EpisodeHead | None = None,
    shared: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Everything one episode's kit is built from, as label -> digest: THE list of a kit's
    inputs (a new input of the build belongs here, and nowhere else).

    The episode file, channel.toml (every setting: [feed], [video], [music] ...), the
    channel's templates, every voice profile and lexicon in voices/ (any may be chosen or
    named by the profile), the recording and the music files where they are set, the build
    options and the toolkit itself (its code, default templates and built-in voices).
    `shared` is `channel_inputs(root)` when the caller has read it already."""
    if head is None:
        try:
            head = read_head(path)
        except InputError:  # building the episode says what is wrong, where
            head = EpisodeHead(path, *_name_parts(path))
    inputs = {
        **(channel_inputs(root) if shared is None else shared),
        "options": f"audio={audio} voice={voice or ''}",
        "episode": head.digest or _file_digest(path),
    }
    if head.recording:
        recording = Path(head.recording).expanduser()  # as the aligner finds it
        inputs["recording"] = _media_digest(root / recording)
    music = (("music/intro", channel.music.intro), ("music/outro", channel.music.outro))
    for label, name in music:
        if name:
            inputs[label] = _media_digest(root / name)
    pictures = (("feed/image", channel.feed.image), ("video/background", channel.video.background))
    for label, name in pictures:
        if name:
            inputs[label] = _channel_media_digest(root, name)
    return inputs


def _channel_media_digest(root: Path, name: str) -> str:
    """A picture the channel names, found where the feed and the video look for it."""
    found = channel_file(root, name)
    return _media_digest(found) if found is not None else "missing"


def manifest_path(root: Path, slug: str) -> str:
    """Where the kit's manifest is kept (a plain string: a build checks one for every
    kit), spelt the same by everything that reads, writes or forgets it."""
    return os.path.join(root, MANIFEST_DIR, f"{slug}.json")


def read_manifest(root: Path, slug: str) -> Manifest | None:
    """The kit's manifest, None when there is none or it cannot be used.

    A build reads each manifest twice (is the kit current? then for the catalogue's
    inputs): one already read in this process is taken again while its file is the same
    (device, inode, size and times). The toolkit's own writes forget it first (_forget),
    since a file system with coarse times could give the next one the same of all four."""
    path = manifest_path(root, slug)
    try:
        stat = os.stat(path)
        seen = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        known = _MANIFESTS_READ.get(path)
        if known is not None and known[0] == seen:
            return known[1]
        with open(path, encoding="utf-8") as handle:
            manifest = parse_manifest(handle.read())
    except (OSError, UnicodeDecodeError):
        return None
    if len(_MANIFESTS_READ) >= _MAX_MANIFESTS_READ:
        _MANIFESTS_READ.clear()
    _MANIFESTS_READ[path] = (seen, manifest)
    return manifest


_MANIFESTS_READ: dict[str, tuple[tuple[int, ...], Manifest | None]] = {}
_MAX_MANIFESTS_READ = 65536


def _forget(root: Path, slug: str) -> Path:
    """The path of a manifest about to be removed or written, no longer taken as read."""
    path = manifest_path(root, slug)
    _MANIFESTS_READ.pop(path, None)
    return Path(path)


def _sizes(folder: Path | str, names: Iterable[str]) -> dict[str, int | None]:
    sizes: dict[str, int | None] = {}
    base = os.path.join(folder, "")  # (plain strings: a catalogue has thousands of files)
    for name in names:
        try:
            sizes[name] = os.stat(base + name).st_size
        except OSError:
            sizes[name] = None
    return sizes


def kit_is_current(
    root: Path,
    path: Path,
    channel: Channel,
    *,
    audio: bool,
    voice: str | None,
    head: EpisodeHead | None = None,
    shared: Mapping[str, str] | None = None,
) -> bool:
    """Whether the episode's kit was built from exactly these inputs and is still whole.
    Anything unreadable counts as "not current": building it says what is wrong.
    `head` and `shared` may be given when already read (`episode_heads`, `channel_inputs`)."""
    try:
        if head is None:
            head = read_head(path)
        inputs = kit_inputs(root, path, channel, audio=audio, voice=voice, head=head, shared=shared)
    except InputError:
        return False
    old = read_manifest(root, head.slug)
    if old is None:
        return False
    folder = os.path.join(root, BUILD_DIR, head.slug)
    return is_current(old, inputs, _sizes(folder, (name for name, _ in old.outputs)))


def forget_kit(root: Path, slug: str) -> None:
    """Drop a kit's manifest before its files change, so a build killed halfway is never
    taken for current (whatever its inputs are then)."""
    _forget(root, slug).unlink(missing_ok=True)


def record_kit(root: Path, slug: str, inputs: Mapping[str, str], files: Iterable[str]) -> None:
    """Keep the manifest of a kit just written: its inputs and its files' sizes."""
    folder = root / BUILD_DIR / slug
    sizes = {name: size for name, size in _sizes(folder, files).items() if size is not None}
    manifest = make_manifest(inputs, sizes)
    write_all_atomic({_forget(root, slug): compose_manifest(manifest)})


# --- the catalogue page and the feed -----------------------------------------------------


def catalogue_inputs(root: Path, slugs: Iterable[str], channel_image: str = "") -> dict[str, str]:
    """What build/index.html (and the feed) are made from: the channel, the toolkit and
    every listed kit (its manifest's key, and its timing and audio files as they are now,
    in case another command changed them)."""
    inputs = {
        "toolkit": toolkit_digest(),
        "channel": _file_digest(root / CHANNEL_FILE),
    }
    if channel_image:  # the feed's cover art, copied into build/
        inputs["feed/image"] = _channel_media_digest(root, channel_image)
    build = os.path.join(root, BUILD_DIR)
    for slug in sorted(slugs):
        # (Plain strings, and one stat a file: this runs for every kit of every build.)
        folder = os.path.join(build, slug, "")
        try:
            timing = os.stat(folder + CATALOGUE_KIT_FILES[0])
        except OSError:
            continue  # no kit (or none that can be read)
        if not S_ISREG(timing.st_mode):
            continue
        manifest = read_manifest(root, slug)
        inputs[f"kit/{slug}"] = manifest.key if manifest is not None else "unknown"
        inputs[f"{CATALOGUE_KIT_FILES[0]}/{slug}"] = _stamp(timing)
        for name in CATALOGUE_KIT_FILES[1:]:
            inputs[f"{name}/{slug}"] = _media_digest(folder + name)
    return inputs


def catalogue_is_current(root: Path, inputs: Mapping[str, str]) -> bool:
    old = read_manifest(root, CATALOGUE_MANIFEST.removesuffix(".json"))
    if old is None:
        return False
    return is_current(old, inputs, _sizes(root / BUILD_DIR, (name for name, _ in old.outputs)))


def record_catalogue(root: Path, inputs: Mapping[str, str], files: Iterable[str]) -> None:
    """Keep the manifest of the catalogue files just written (names relative to build/)."""
    name = CATALOGUE_MANIFEST.removesuffix(".json")
    sizes = _sizes(root / BUILD_DIR, files)
    manifest = make_manifest(inputs, {k: v for k, v in sizes.items() if v is not None})
    write_all_atomic({_forget(root, name): compose_manifest(manifest)})


def forget_catalogue(root: Path) -> None:
    forget_kit(root, CATALOGUE_MANIFEST.removesuffix(".json"))


def timing_stamp(path: Path) -> str:
    """What stands for a kit's timing.json in the catalogue's inputs (its size and time)."""
    return _media_digest(path)


def read_kept_rows(root: Path, name: str) -> dict[str, tuple[str, list[object]]]:
    """Rows a build kept in build/.cache/kits/NAME (write_kept_rows), by key: the stamp or
    digest of the file each was read from, and its values. Empty when there is no such
    file or it is not one this version wrote: the rows are then read from their files
    again. The catalogue keeps its rows (CATALOGUE_ROWS) by kit, from each timing.json;
    the feed its episodes' (toolkit.publish.feed) by episode file."""
    try:
        doc = json.loads((root / MANIFEST_DIR / name).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    rows = doc.get("rows") if isinstance(doc, dict) and doc.get("format") == 1 else None
    if not isinstance(rows, dict):
        return {}
    return {
        key: (row[0], row[1:])
        for key, row in rows.items()
        if isinstance(row, list) and row and isinstance(row[0], str)
    }


def write_kept_rows(
    root: Path, name: str, rows: Mapping[str, tuple[str, Sequence[object]]]
) -> None:
    """Keep rows made from files, so the next build reads only the files that changed
    since (see read_kept_rows)."""
    doc = {"format": 1, "rows": {key: [stamp, *row] for key, (stamp, row) in rows.items()}}
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=0) + "\n"
    write_all_atomic({root / MANIFEST_DIR / name: text})
