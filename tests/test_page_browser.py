"""The preview page in a real headless Chromium, opened from file:// like a creator would.

One kit is built with real narration (the offline voice) for the whole module and one
browser serves every test, which keeps the module to a few seconds. The tests skip, saying
why, where Playwright for Python or the system's Chromium is missing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import use_espeak
from toolkit.build import BuildOptions, build_episode, plan_episode
from toolkit.channel import load_channel
from toolkit.outputs.page import compose_page
from toolkit.scaffold import init_channel
from toolkit.text.article import load_article
from toolkit.timing.timeline import AUDIO, Timeline

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright for Python is not installed (pip install playwright)",
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip(
        "no chromium on PATH (apt-get install chromium); .ci/run installs it",
        allow_module_level=True,
    )

# No network, no first-run or update machinery: the page must work entirely offline.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

BODY = """The opening lines set the scene. It was 1815 when the mountain blew, and the sky over
Sumbawa turned black for three days.

## The Eruption
The first blast was heard a thousand miles away. Soldiers marched out, thinking it was cannon fire.

![The crater & the "caldera" <today>](crater.jpg)

Nobody in the villages below lived to tell of it.

## The Year Without A Summer
Snow fell in June. Crops failed across two continents, and prices rose everywhere.
"""


@dataclass(frozen=True)
class Kit:
    folder: Path
    timeline: Timeline  # measured from narration.mp3 (index.html)
    estimated: Timeline  # the plan's (no-audio.html)

    def url(self, name: str = "index.html") -> str:
        return (self.folder / name).as_uri()

    def first_cue(self, segment: int) -> int:
        return next(i for i, c in enumerate(self.timeline.cues) if c.segment == segment)


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    """A real kit with narration.mp3, and its page with audio and without."""
    root = tmp_path_factory.mktemp("browser") / "channel"
    init_channel(root)
    use_espeak(root)
    path = root / "episodes" / "001-tambora.md"
    path.write_text(
        '---\ntitle: "Tambora & the <Year> Without a Summer"\nnumber: 1\n---\n' + BODY,
        encoding="utf-8",
    )
    result = build_episode(root, path, BuildOptions(audio=True))
    assert result.timeline.source == AUDIO
    channel = load_channel(root)
    plan = plan_episode(root, load_article(path), channel)
    findings = ["only an example finding & <b>it</b> shows as text"]
    pages = {
        "index.html": compose_page(
            plan.episode, result.timeline, channel, findings, "narration.mp3"
        ),
        "no-audio.html": compose_page(plan.episode, plan.timeline, channel, [], None),
    }
    for name, html in pages.items():
        (result.folder / name).write_text(html, encoding="utf-8")
    assert (result.folder / "narration.mp3").is_file()
    return Kit(result.folder, result.timeline, plan.timeline)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def errors() -> list[str]:
    return []


@pytest.fixture
def open_page(browser: Any, errors: list[str]) -> Iterator[Any]:
    """Opens a page from file:// and fails the test on any console error or page error."""
    contexts: list[Any] = []

    def open_(url: str, width: int = 1280, height: int = 860) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        page.wait_for_function("document.documentElement.classList.contains('js')")
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == []


def current_cue(page: Any) -> int:
    """Index of the highlighted cue in the script (-1 when none is)."""
    found: str | None = page.evaluate(
        "() => { const c = document.querySelector('.cue.current'); return c ? c.id : null; }"
    )
    return -1 if found is None else int(found.removeprefix("cue-"))


def subtitle(page: Any) -> str:
    text: str = page.inner_text("#subtitle")
    return " ".join(text.split())


def shown(text: str) -> str:
    return " ".join(text.split())


def audio_time_ms(page: Any) -> int:
    seconds: float = page.evaluate("document.getElementById('narration').currentTime")
    return round(seconds * 1000)


IN_VIEW = """(i) => { const r = document.getElementById('cue-' + i).getBoundingClientRect();
                     return r.top >= 0 && r.bottom <= window.innerHeight; }"""


def cue_in_view(page: Any, index: int) -> bool:
    return bool(page.evaluate(IN_VIEW, index))


def wait_in_view(page: Any, index: int) -> None:
    """The page scrolls smoothly: wait for the cue to arrive in the window."""
    page.wait_for_function(IN_VIEW, arg=index, timeout=3000)


def test_page_loads_and_shows_everything(kit, open_page, tmp_path):
    page = open_page(kit.url())
    assert page.locator("audio#narration").count() == 1
    assert page.locator("a[data-chapter]").count() == len(kit.timeline.segments)
    assert page.locator(".cue").count() == len(kit.timeline.cues)
    assert page.locator(".caption").inner_text() == 'The crater & the "caldera" <today>'
    assert "<b>it</b> shows as text" in page.locator("#findings").inner_text()
    # The audio really loads from disk next to the page.
    page.wait_for_function("document.getElementById('narration').readyState >= 1")
    duration_ms = page.evaluate("document.getElementById('narration').duration") * 1000
    assert abs(duration_ms - kit.timeline.total_ms) < 1500
    # At the start the first cue is both the subtitle and the highlighted line.
    assert current_cue(page) == 0
    assert subtitle(page) == shown(kit.timeline.cues[0].text)
    page.screenshot(path=str(tmp_path / "page-desktop.png"), full_page=False)


def test_chapter_click_seeks_and_shows_its_first_cue(kit, open_page):
    page = open_page(kit.url())
    segment = len(kit.timeline.segments) - 2  # a chapter far from the start
    first = kit.first_cue(segment)
    before = subtitle(page)
    page.click(f"a[data-chapter='{segment}']")
    page.wait_for_function(
        "(i) => document.getElementById('cue-' + i).classList.contains('current')", arg=first
    )
    cue = kit.timeline.cues[first]
    assert abs(audio_time_ms(page) - cue.start_ms) <= 5
    assert subtitle(page) == shown(cue.text) != before
    assert page.get_attribute(f"a[data-chapter='{segment}']", "aria-current") == "true"
    wait_in_view(page, first)


def test_playing_advances_the_highlighted_cue(kit, open_page):
    """Start just before a cue and play: the highlight must move when the audio gets there."""
    page = open_page(kit.url())
    target = kit.first_cue(2)
    start = kit.timeline.cues[target].start_ms
    page.evaluate(
        """(ms) => { const a = document.getElementById('narration');
                     a.muted = true; a.currentTime = (ms - 400) / 1000; }""",
        start,
    )
    page.wait_for_function(
        "(i) => document.querySelector('.cue.current').id === 'cue-' + (i - 1)", arg=target
    )
    played = page.evaluate(
        """() => document.getElementById('narration').play().then(() => true, () => false)"""
    )
    if not played:  # autoplay refused: move the clock as playback would, and say so
        page.evaluate(
            """(ms) => { const a = document.getElementById('narration');
                         a.currentTime = (ms + 50) / 1000;
                         a.dispatchEvent(new Event('timeupdate')); }""",
            start,
        )
    page.wait_for_function(
        "(i) => document.querySelector('.cue.current').id === 'cue-' + i", arg=target
    )
    assert audio_time_ms(page) >= start
    assert subtitle(page) == shown(kit.timeline.cues[target].text)
    if played:
        assert page.evaluate("document.getElementById('narration').paused") is False
        page.evaluate("document.getElementById('narration').pause()")


def test_keyboard_steps_cues_plays_and_reaches_chapters(kit, open_page):
    page = open_page(kit.url())
    page.evaluate("document.getElementById('narration').muted = true")
    assert current_cue(page) == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert current_cue(page) == 2
    assert abs(audio_time_ms(page) - kit.timeline.cues[2].start_ms) <= 5
    assert subtitle(page) == shown(kit.timeline.cues[2].text)
    page.keyboard.press("ArrowLeft")
    assert current_cue(page) == 1
    assert abs(audio_time_ms(page) - kit.timeline.cues[1].start_ms) <= 5

    page.keyboard.press(" ")
    page.wait_for_function("!document.getElementById('narration').paused")
    page.keyboard.press(" ")
    page.wait_for_function("document.getElementById('narration').paused")

    # Tab reaches the chapter links, and Enter on one seeks like a click.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-chapter')"):
            break
    else:
        pytest.fail("Tab never reached a chapter link")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('data-chapter')") == "1"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus ring
    page.keyboard.press("Enter")
    first = kit.first_cue(1)
    assert current_cue(page) == first
    assert abs(audio_time_ms(page) - kit.timeline.cues[first].start_ms) <= 5


def test_reader_scrolling_is_not_fought(kit, open_page):
    """After the reader scrolls, a new cue does not drag the page back for a while."""
    page = open_page(kit.url(), height=500)
    page.mouse.move(900, 300)
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(300)
    scrolled = page.evaluate("window.scrollY")
    last = len(kit.timeline.cues) - 1
    page.evaluate(
        "(ms) => { document.getElementById('narration').currentTime = ms / 1000; }",
        kit.timeline.cues[last].start_ms,
    )
    page.wait_for_function(
        "(i) => document.querySelector('.cue.current').id === 'cue-' + i", arg=last
    )
    page.wait_for_timeout(400)
    assert page.evaluate("window.scrollY") == scrolled
    assert not cue_in_view(page, last)


def test_page_without_audio(kit, open_page, tmp_path):
    page = open_page(kit.url("no-audio.html"))
    assert page.locator("audio").count() == 0
    assert "No narration in this kit" in page.inner_text(".player")
    assert current_cue(page) == -1
    segment = 2
    first = next(i for i, c in enumerate(kit.estimated.cues) if c.segment == segment)
    page.click(f"a[data-chapter='{segment}']")
    assert current_cue(page) == first
    assert subtitle(page) == shown(kit.estimated.cues[first].text)
    page.keyboard.press("ArrowRight")
    assert current_cue(page) == first + 1
    wait_in_view(page, first + 1)
    page.screenshot(path=str(tmp_path / "page-no-audio.png"))


def test_phone_layout(kit, open_page, tmp_path):
    page = open_page(kit.url(), width=390, height=844)
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("a[data-chapter='2']")
    first = kit.first_cue(2)
    wait_in_view(page, first)
    page.wait_for_timeout(300)  # let the smooth scroll settle before the screenshot
    # The player stays at the top while the script scrolls under it.
    assert page.evaluate("document.querySelector('.player').getBoundingClientRect().top") <= 1
    page.screenshot(path=str(tmp_path / "page-phone.png"))
