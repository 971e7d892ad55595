"""Intro and outro templates: sandboxed, strict, errors with the template file and line."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2.sandbox import SandboxedEnvironment

import toolkit.templates as templates_module
from toolkit.channel import Channel, Links, PatronTier, SubtitleRules
from toolkit.errors import TemplateError
from toolkit.templates import (
    INTRO,
    OUTRO,
    Templates,
    list_names,
    minutes,
    site,
    template_cache,
)
from toolkit.text.article import HEADING, PARAGRAPH, Article, Block
from toolkit.text.assemble import OUTRO_KIND, Episode, assemble
from toolkit.timing.timeline import estimate_segments_ms
from toolkit.voice import load_voice

TIERS = (
    PatronTier("Archivist", ("Helena Varga", "Tomasz Wierzbicki")),
    PatronTier("Chronicler", ()),
    PatronTier("Reader", tuple(f"Reader {i:02d}" for i in range(1, 21))),
)

CHANNEL = Channel(
    name="Footnotes of History",
    host="Mara Lindqvist",
    tagline="The small stories behind the big ones.",
    sign_off="Until next time, keep reading the footnotes.",
    voice="default",
    links=Links(
        website="https://footnotes.example/",
        shop="https://shop.footnotes.example",
        patreon="https://www.patreon.com/footnotes",
    ),
    patrons=TIERS,
    rules=SubtitleRules(),
)

ARTICLE = Article(
    title="The Lighthouse Keeper",
    number=12,
    slug="the-lighthouse-keeper",
    voice=None,
    blocks=(
        Block(PARAGRAPH, "In 1931 the lamp at Skerry Point was still lit by hand.", 5),
        Block(HEADING, "Early Years", 7),
        Block(PARAGRAPH, "Ada grew up on the mainland, the youngest of five.", 8),
        Block(HEADING, "The Storm", 10),
        Block(PARAGRAPH, "The barometer fell faster than anyone could remember.", 11),
    ),
    path="episodes/012-the-lighthouse-keeper.md",
)

CONTEXT: dict[str, Any] = {
    "channel": {
        "name": "C",
        "host": "",
        "tagline": "",
        "sign_off": "",
        "links": {"website": "", "shop": "", "patreon": ""},
    },
    "episode": {"title": "T", "number": 1, "slug": "t", "sections": ["T"], "duration_ms": 60000},
    "patrons": [],
    "patron_count": 0,
}


def channel_templates(tmp_path: Path, name: str, source: str) -> tuple[Templates, Path]:
    folder = tmp_path / "episodes" / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(source, encoding="utf-8")
    return Templates(tmp_path), path


def render_error(tmp_path: Path, source: str, name: str = INTRO) -> tuple[TemplateError, Path]:
    templates, path = channel_templates(tmp_path, name, source)
    with pytest.raises(TemplateError) as info:
        templates.render(name, CONTEXT)
    return info.value, path


def episode_with(channel: Channel, templates: Templates) -> Episode:
    voice = load_voice("default", None)
    return assemble(
        ARTICLE, channel, templates, voice.name, lambda s: estimate_segments_ms(s, voice)
    )


def segment_text(episode: Episode, kind: str) -> str:
    return " ".join(s.text for seg in episode.segments if seg.kind == kind for s in seg.sentences)


# --- the sandbox ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ channel.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ self.__init__.__globals__ }}",
        "{{ episode.title.__class__.__base__ }}",
        "{{ (1).__class__ }}",
        "{{ '{0.__class__.__mro__}'.format(channel) }}",
        "{{ channel.name.format_map.__self__.__class__ }}",
    ],
)
def test_sandbox_blocks_python_internals(tmp_path: Path, expression: str) -> None:
    exc, path = render_error(tmp_path, f"Welcome.\n\nA second line.\n{expression}\n")
    assert exc.path == str(path)
    assert exc.line == 4
    assert str(exc).startswith(f"{path}:4: ")
    assert "not allowed" in str(exc)


def test_sandbox_blocks_huge_ranges(tmp_path: Path) -> None:
    exc, path = render_error(tmp_path, "{{ range(10**9) | list | length }}\n")
    assert exc.path == str(path) and exc.line == 1


def test_undefined_name(tmp_path: Path) -> None:
    exc, path = render_error(tmp_path, "Hello.\n\n{{ channel.name }} and {{ nope }}.\n")
    assert (exc.path, exc.line) == (str(path), 3)
    assert "nope" in str(exc)
    assert "undefined" in str(exc)


def test_undefined_attribute(tmp_path: Path) -> None:
    exc, path = render_error(tmp_path, "Hello.\n{{ channel.links.youtube }}\n", OUTRO)
    assert (exc.path, exc.line) == (str(path), 2)
    assert "youtube" in str(exc)


def test_undefined_name_inside_a_block(tmp_path: Path) -> None:
    source = "Hello.\n{% if channel.name %}\n  {{ channel.nmae }}\n{% endif %}\n"
    exc, path = render_error(tmp_path, source)
    assert (exc.path, exc.line) == (str(path), 3)


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("Hello.\n{% if %}\n", 2),
        ("Hello.\n\n{% for x in patrons %}\n{{ x }}\n", 4),
        ("Hello {{ channel.name }\n", 1),
        ("Hello.\n\n\n{% endif %}\n", 4),
    ],
    ids=["empty-if", "unclosed-for", "unclosed-expression", "stray-endif"],
)
def test_syntax_error(tmp_path: Path, source: str, line: int) -> None:
    exc, path = render_error(tmp_path, source, OUTRO)
    assert exc.path == str(path)
    assert exc.line == line
    assert str(exc).startswith(f"{path}:{line}: template syntax error")


def test_runtime_error_names_the_file_and_line(tmp_path: Path) -> None:
    exc, path = render_error(tmp_path, "Hello.\n{{ 1 / 0 }}\n")
    assert (exc.path, exc.line) == (str(path), 2)


def test_error_in_a_built_in_template_names_it(tmp_path: Path) -> None:
    # The package defaults use episode.duration_ms: leaving it out is an undefined name.
    context = {**CONTEXT, "episode": {"title": "T", "number": 1, "slug": "t", "sections": []}}
    with pytest.raises(TemplateError) as info:
        Templates(None).render(INTRO, context)
    assert info.value.path is not None and info.value.path.endswith(INTRO)
    assert info.value.line is not None


def test_include_cannot_leave_the_template_folders(tmp_path: Path) -> None:
    (tmp_path / "episodes" / "secret.txt").parent.mkdir(parents=True)
    (tmp_path / "episodes" / "secret.txt").write_text("SECRET", encoding="utf-8")
    for target in ("../secret.txt", "/etc/hostname"):
        exc, path = render_error(tmp_path, f"Hello.\n{{% include '{target}' %}}\n")
        assert exc.path == str(path)
        assert "SECRET" not in str(exc)


def test_missing_include_names_the_missing_template(tmp_path: Path) -> None:
    exc, _path = render_error(tmp_path, "Hello.\n{% include 'plugs.md.j2' %}\n")
    assert "plugs.md.j2" in str(exc)
    assert exc.line == 2


def test_error_in_an_included_template_names_that_template(tmp_path: Path) -> None:
    _, plugs = channel_templates(tmp_path, "plugs.md.j2", "One.\nTwo.\n{{ nope }}\n")
    exc, _ = render_error(tmp_path, "Hello.\n{% include 'plugs.md.j2' %}\n")
    assert (exc.path, exc.line) == (str(plugs), 3)


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "cap", "expected"),
    [
        ([], 10, ""),
        (["Ann"], 10, "Ann"),
        (["Ann", "Bo"], 10, "Ann and Bo"),
        (["Ann", "Bo", "Cy"], 10, "Ann, Bo and Cy"),
        (["Ann", "", "Bo"], 10, "Ann and Bo"),
        (["Ann", "Bo", "Cy"], 3, "Ann, Bo and Cy"),
        (["Ann", "Bo", "Cy", "Di"], 3, "Ann, Bo, Cy and 1 more"),
        ([f"P{i}" for i in range(1, 21)], 8, "P1, P2, P3, P4, P5, P6, P7, P8 and 12 more"),
    ],
)
def test_list_names(names: list[str], cap: int, expected: str) -> None:
    assert list_names(names, cap) == expected


def test_list_names_default_cap_is_ten() -> None:
    assert list_names([str(i) for i in range(11)]).endswith("9 and 1 more")
    assert "more" not in list_names([str(i) for i in range(10)])


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://www.patreon.com/footnotes", "patreon.com/footnotes"),
        ("http://example.com/", "example.com"),
        ("https://shop.example.com/mugs/", "shop.example.com/mugs"),
        ("footnotes.example", "footnotes.example"),
        ("  https://a.example/  ", "a.example"),
    ],
)
def test_site(url: str, said: str) -> None:
    assert site(url) == said


@pytest.mark.parametrize(
    ("ms", "said"),
    [
        (0, "about 1 minute"),
        (89_000, "about 1 minute"),
        (91_000, "about 2 minutes"),
        (12 * 60_000, "about 12 minutes"),
    ],
)
def test_minutes(ms: int, said: str) -> None:
    assert minutes(ms) == said


def test_filters_are_available_in_templates(tmp_path: Path) -> None:
    source = "{{ ['A', 'B', 'C'] | list_names(2) }} {{ 'https://www.x.example/' | site }}\n"
    templates, _ = channel_templates(tmp_path, INTRO, source)
    assert templates.render(INTRO, CONTEXT) == "A, B and 1 more x.example\n"


# --- channel overrides and the default texts -------------------------------------------------


def test_channel_template_wins_over_the_package_default(tmp_path: Path) -> None:
    templates, path = channel_templates(tmp_path, OUTRO, "Bye from {{ channel.name }}.\n")
    assert templates.render(OUTRO, CONTEXT) == "Bye from C.\n"
    assert templates.source_of(OUTRO) == str(path)
    # The intro is not overridden: the package default is used.
    assert templates.source_of(INTRO).endswith(INTRO)
    assert templates.render(INTRO, CONTEXT).startswith("Welcome to C")


def test_channel_override_is_used_by_assembly(tmp_path: Path) -> None:
    templates, path = channel_templates(
        tmp_path, OUTRO, "Custom goodbye from {{ channel.host }}.\n"
    )
    episode = episode_with(CHANNEL, templates)
    outro = next(seg for seg in episode.segments if seg.kind == OUTRO_KIND)
    assert [s.text for s in outro.sentences] == ["Custom goodbye from Mara Lindqvist."]
    assert outro.source == str(path)


def test_init_copies_the_package_defaults(channel_dir: Path) -> None:
    for name in (INTRO, OUTRO):
        copied = Templates(channel_dir).render(name, CONTEXT)
        assert copied == Templates(None).render(name, CONTEXT)


def test_default_outro_names_patrons_by_tier_with_the_cap_and_the_links() -> None:
    outro = segment_text(episode_with(CHANNEL, Templates(None)), OUTRO_KIND)
    archivists = outro.index("Archivist")
    readers = outro.index("Reader supporters")
    assert archivists < readers  # tier order of channel.toml
    assert "Helena Varga and Tomasz Wierzbicki" in outro
    listed = ", ".join(f"Reader {i:02d}" for i in range(1, 9))
    assert f"{listed} and 12 more" in outro
    assert "Reader 09" not in outro
    assert "Chronicler" not in outro  # a tier with nobody in it is not mentioned
    assert "patreon.com/footnotes" in outro
    assert "shop.footnotes.example" in outro
    assert "footnotes.example" in outro
    assert "https://" not in outro
    assert outro.rstrip().endswith("Until next time, keep reading the footnotes.")


def test_default_outro_without_patrons_or_links() -> None:
    bare = Channel(
        name="Plain",
        host="",
        tagline="",
        sign_off="",
        voice="default",
        links=Links(),
        patrons=(PatronTier("Patron", ()),),
        rules=SubtitleRules(),
    )
    episode = episode_with(bare, Templates(None))
    outro = segment_text(episode, OUTRO_KIND)
    assert "patrons" not in outro.lower()
    assert "Patreon" not in outro
    assert "shop" not in outro
    assert "subscribe" in outro
    intro = segment_text(episode, "intro")
    assert intro.startswith("Welcome to Plain.")


def test_the_boilerplate_is_said_once_by_the_outro() -> None:
    episode = episode_with(CHANNEL, Templates(None))
    narrated = " ".join(s.text for s in episode.sentences)
    outro = segment_text(episode, OUTRO_KIND)
    for phrase in (r"\bsubscribe\b", r"\bPatreon\b", r"\bthe shop\b", "Until next time"):
        assert len(re.findall(phrase, narrated)) == 1, phrase
        assert re.search(phrase, outro), phrase


def test_default_intro_greets_and_lists_the_sections() -> None:
    intro = segment_text(episode_with(CHANNEL, Templates(None)), "intro")
    assert intro.startswith("Welcome to Footnotes of History, I'm Mara Lindqvist.")
    assert "episode 12: The Lighthouse Keeper." in intro
    assert "Early Years and The Storm" in intro
    assert re.search(r"about \d+ minutes?", intro)


# --- compiled templates kept between runs ---------------------------------------------------


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache folder, empty, for this test alone."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setattr(templates_module, "_ENVIRONMENTS", {})
    return tmp_path / "user-cache" / "toolkit" / "templates"


def new_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new process starts: no environment and no compiled template in memory."""
    monkeypatch.setattr(templates_module, "_ENVIRONMENTS", {})


def test_compiled_templates_are_kept_in_the_users_cache(
    tmp_path: Path, user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = tmp_path / "channel"
    templates, _ = channel_templates(channel, OUTRO, "Bye from {{ channel.name }}.\n")
    assert templates.render(OUTRO, CONTEXT) == "Bye from C.\n"
    assert stat.S_IMODE(user_cache.stat().st_mode) == 0o700  # the user's alone
    assert list(user_cache.glob("sandboxed-*.cache"))
    assert not list(channel.rglob("*.cache"))  # never in the channel folder
    # The next run takes the compiled template from the cache instead of compiling it.
    new_run(monkeypatch)

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(SandboxedEnvironment, "compile", no_compiling)
    assert Templates(channel).render(OUTRO, CONTEXT) == "Bye from C.\n"


def test_an_edited_template_is_compiled_again(
    tmp_path: Path, user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates, path = channel_templates(tmp_path, OUTRO, "Bye from {{ channel.name }}.\n")
    assert templates.render(OUTRO, CONTEXT) == "Bye from C.\n"
    path.write_text("So long from {{ channel.name }}.\n", encoding="utf-8")
    new_run(monkeypatch)
    assert Templates(tmp_path).render(OUTRO, CONTEXT) == "So long from C.\n"


def test_a_cached_template_still_runs_in_the_sandbox_and_names_its_lines(
    tmp_path: Path, user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = "Welcome.\n\n{{ channel.__class__ }}\n"
    first, path = render_error(tmp_path, source)
    new_run(monkeypatch)
    with pytest.raises(TemplateError) as info:
        Templates(tmp_path).render(INTRO, CONTEXT)
    again = info.value
    assert (again.path, again.line) == (first.path, first.line) == (str(path), 3)
    assert "not allowed" in str(again)


def test_a_damaged_cache_only_costs_a_compile(
    tmp_path: Path, user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates, _ = channel_templates(tmp_path, OUTRO, "Bye from {{ channel.name }}.\n")
    templates.render(OUTRO, CONTEXT)
    for cached in user_cache.glob("*.cache"):
        cached.write_bytes(cached.read_bytes()[:20])  # cut short, as by a full disk
    new_run(monkeypatch)
    assert Templates(tmp_path).render(OUTRO, CONTEXT) == "Bye from C.\n"


def test_no_cache_folder_only_costs_a_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    new_run(monkeypatch)
    assert template_cache("sandboxed", SandboxedEnvironment()) is None
    templates, _ = channel_templates(tmp_path, OUTRO, "Bye from {{ channel.name }}.\n")
    assert templates.render(OUTRO, CONTEXT) == "Bye from C.\n"


def test_a_cache_folder_open_to_others_is_made_private_first(
    user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_cache.mkdir(parents=True)
    user_cache.chmod(0o777)
    assert template_cache("sandboxed", SandboxedEnvironment()) is not None
    assert stat.S_IMODE(user_cache.stat().st_mode) == 0o700
    monkeypatch.setattr(os, "getuid", lambda: 12345)  # the folder is someone else's
    assert template_cache("sandboxed", SandboxedEnvironment()) is None


def test_code_compiled_by_another_jinja_or_setting_is_never_run(
    tmp_path: Path, user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jinja2 checks a cached template only against its text; the toolkit also names its
    entries by Jinja2's version and the environment's settings."""
    templates, _ = channel_templates(tmp_path, OUTRO, "Bye from {{ channel.name }}.\n")
    templates.render(OUTRO, CONTEXT)
    before = {p.name for p in user_cache.glob("*.cache")}
    sandboxed = template_cache("sandboxed", SandboxedEnvironment())
    plain = template_cache("sandboxed", jinja2.Environment())
    escaping = template_cache("sandboxed", SandboxedEnvironment(autoescape=True))
    tags = {getattr(c, "pattern", None) for c in (sandboxed, plain, escaping)}
    assert len(tags) == 3
    monkeypatch.setattr(jinja2, "__version__", "99.0.0")
    new_run(monkeypatch)
    assert Templates(tmp_path).render(OUTRO, CONTEXT) == "Bye from C.\n"
    assert {p.name for p in user_cache.glob("*.cache")} > before  # compiled again


def test_a_crowded_cache_is_emptied(user_cache: Path) -> None:
    user_cache.mkdir(parents=True, mode=0o700)
    for n in range(templates_module._MAX_CACHED_TEMPLATES + 1):
        (user_cache / f"page-old-{n}.cache").write_bytes(b"x")
    assert template_cache("page", jinja2.Environment()) is not None
    assert not list(user_cache.glob("*.cache"))
