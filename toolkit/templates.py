"""Render the channel's intro and outro from Jinja2 templates, safely.

Templates come only from the channel's episodes/templates/ folder and the defaults shipped
in the package. They run in Jinja2's sandbox (no reaching into Python internals) with
undefined names as errors, and every error names the template file and line.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import traceback
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from stat import S_IMODE, S_ISDIR
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from toolkit import __version__
from toolkit.errors import TemplateError
from toolkit.files import decode_text

TEMPLATE_DIR = Path("episodes") / "templates"
INTRO = "intro.md.j2"
OUTRO = "outro.md.j2"


def list_names(names: Sequence[str], cap: int = 10) -> str:
    """ "Ann", "Ann and Bo", "Ann, Bo and Cy", "Ann, Bo, Cy and 12 more" (capped)."""
    names = [n for n in names if n]
    if not names:
        return ""
    if len(names) > cap:
        rest = len(names) - cap
        return ", ".join(names[:cap]) + f" and {rest} more"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


class _TextLoader(jinja2.FileSystemLoader):
    """Reads templates the way every other input is read: UTF-8 with or without a BOM,
    UTF-16 with a BOM, else cp1252 with a warning (see toolkit.files.decode_text)."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)  # refuses ".." and the like
        for folder in self.searchpath:
            path = Path(folder, *pieces)
            if path.is_file():
                raw = path.read_bytes()
                text = decode_text(raw, path) if raw.strip() else ""
                mtime = path.stat().st_mtime_ns

                def uptodate(path: Path = path, mtime: int = mtime) -> bool:
                    try:
                        return path.stat().st_mtime_ns == mtime
                    except OSError:
                        return False

                return text, str(path), uptodate
        raise jinja2.TemplateNotFound(template)


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's compiled templates kept on disk between runs. Each is found by its
    template's file name and checked against its source, so an edited template is compiled
    again; a cache that cannot be read or written only makes a run slower."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry (pickle and marshal raise all sorts): compile
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def user_cache_dir() -> Path | None:
    """The user's own cache folder for the toolkit ($XDG_CACHE_HOME/toolkit, else
    ~/.cache/toolkit), None where there is no home to put it in."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        home = Path("~").expanduser()
        if not home.is_absolute():
            return None
        base = str(home / ".cache")
    return Path(base) / "toolkit"


def template_cache(kind: str, env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """Where `env` keeps its compiled templates between runs: in the user's own cache
    folder (made private, and refused when it is not the user's alone), never in a channel
    folder (whoever could write there could change what the sandbox runs). Compiling a
    build's templates takes longer than building one episode.

    The code a template compiles to depends on Jinja2's version and on the environment's
    settings (the sandbox, autoescaping, whitespace), not only on the template's text, which
    is all Jinja2 checks an entry against: they name the entries (with `kind`, "sandboxed"
    for the channel's templates, "page" for the package's pages), so an upgrade or another
    setting never runs code compiled for something else. None (compile every run) where
    the folder cannot be had."""
    base = user_cache_dir()
    if base is None:
        return None
    folder = base / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder):
            return None
        entries = os.listdir(folder)
        if len(entries) > _MAX_CACHED_TEMPLATES:  # templates of channels long gone
            for name in entries:
                if name.endswith(".cache"):
                    (folder / name).unlink(missing_ok=True)
    except OSError:
        return None
    settings = (
        jinja2.__version__,
        __version__,
        type(env).__qualname__,
        env.sandboxed,
        repr(env.autoescape),
        env.trim_blocks,
        env.lstrip_blocks,
        env.keep_trailing_newline,
        env.newline_sequence,
        env.optimized,
        sorted(env.extensions),
        (env.block_start_string, env.variable_start_string, env.comment_start_string),
    )
    tag = hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()[:16]
    return _TemplateCache(str(folder), f"{kind}-{tag}-%s.cache")


_MAX_CACHED_TEMPLATES = 500


def _private(folder: Path) -> bool:
    """Whether `folder` is a real folder of this user's that nobody else can open (made so
    when it is the user's)."""
    stat = os.lstat(folder)
    if not S_ISDIR(stat.st_mode) or stat.st_uid != os.getuid():
        return False
    if S_IMODE(stat.st_mode) != 0o700:
        os.chmod(folder, 0o700)
        stat = os.lstat(folder)
    return S_ISDIR(stat.st_mode) and S_IMODE(stat.st_mode) == 0o700


_ENVIRONMENTS: dict[tuple[object, ...], Templates] = {}


def _cache_key(channel_dir: Path | None) -> tuple[object, ...]:
    """Which environment fits: the channel folder and the state of its template files."""
    if channel_dir is None:
        return (None,)
    folder = channel_dir / TEMPLATE_DIR
    files: list[tuple[str, int, int]] = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            stat = path.stat()
            files.append((path.name, stat.st_mtime_ns, stat.st_size))
    return (str(channel_dir.resolve()), tuple(files))


def site(url: str) -> str:
    """A link as a narrator says it and a viewer types it: "patreon.com/footnotes"."""
    bare = url.strip()
    for prefix in ("https://", "http://"):
        if bare.startswith(prefix):
            bare = bare[len(prefix) :]
    if bare.startswith("www."):
        bare = bare[4:]
    return bare.rstrip("/")


def minutes(ms: int) -> str:
    """A duration as a narrator says it: "about 12 minutes"."""
    total = max(1, round(ms / 60000))
    return f"about {total} minute" + ("" if total == 1 else "s")


class Templates:
    """A sandboxed Jinja2 environment over the channel's templates and the package defaults.

    Compiled templates are shared between episodes of one process (Jinja2 reloads a
    template whose file changed, since auto_reload is on)."""

    def __new__(cls, channel_dir: Path | None) -> Templates:
        key = _cache_key(channel_dir)
        cached = _ENVIRONMENTS.get(key)
        if cached is not None:
            return cached
        made = super().__new__(cls)
        made._setup(channel_dir)
        _ENVIRONMENTS[key] = made
        return made

    def __init__(self, channel_dir: Path | None) -> None:
        pass  # set up once in __new__

    def _setup(self, channel_dir: Path | None) -> None:
        package_dir = Path(str(resources.files("toolkit") / "templates"))
        search = [package_dir]
        self.channel_dir = None
        self._sources: dict[str, str] = {}
        if channel_dir is not None and (channel_dir / TEMPLATE_DIR).is_dir():
            self.channel_dir = channel_dir / TEMPLATE_DIR
            search.insert(0, self.channel_dir)
        self.env = SandboxedEnvironment(
            loader=_TextLoader([str(p) for p in search]),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            auto_reload=True,
        )
        self.env.bytecode_cache = template_cache("sandboxed", self.env)
        self.env.filters["list_names"] = list_names
        self.env.filters["minutes"] = minutes
        self.env.filters["site"] = site

    def source_of(self, name: str) -> str:
        """The file template `name` is read from: the channel's, or the built-in default.
        Looked up once per environment (an environment fits one state of the folder)."""
        source = self._sources.get(name)
        if source is None:
            if self.channel_dir is not None and (self.channel_dir / name).is_file():
                source = str(self.channel_dir / name)
            else:
                source = f"<built-in>/{name}"
            self._sources[name] = source
        return source

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            template = self.env.get_template(name)
            return template.render(**context)
        except (
            jinja2.TemplateError,
            TypeError,
            ValueError,
            ArithmeticError,
            AttributeError,
        ) as exc:
            raise self._error(exc, name) from exc

    def _error(self, exc: Exception, name: str) -> TemplateError:
        """What went wrong, in which template file and line, and what to do."""
        if isinstance(exc, jinja2.TemplateSyntaxError):
            where, line = self._where(exc, name, exc.name, exc.lineno)
            what, hint = f"template syntax error: {exc.message}", "fix the template"
        elif isinstance(exc, jinja2.TemplateNotFound):
            where, line = self._where(exc, name)
            what = f"template {exc.name} not found"
            hint = "templates can include only files from episodes/templates/"
        elif isinstance(exc, jinja2.exceptions.SecurityError):
            where, line = self._where(exc, name)
            what = f"the template tried something not allowed: {exc}"
            hint = "templates may only use the channel, episode and patrons values"
        elif isinstance(exc, jinja2.UndefinedError):
            where, line = self._where(exc, name)
            what = f"the template uses an undefined name: {exc.message}"
            hint = "see the README for the names templates can use"
        else:
            where, line = self._where(exc, name)
            what, hint = f"the template failed: {exc}", "fix the template"
        return TemplateError(what, path=where, line=line, hint=hint)

    def _where(
        self,
        exc: BaseException,
        name: str,
        failing: str | None = None,
        line: int | None = None,
    ) -> tuple[str, int | None]:
        """The template file and line an error comes from: the innermost template frame
        (an included template, not the one that included it)."""
        if failing is not None:
            return self.source_of(failing), line
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith(".j2"):
                return self.source_of(Path(frame.filename).name), frame.lineno
        return self.source_of(name), line
