from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.scaffold import init_channel

REPO = Path(__file__).resolve().parent.parent


def use_espeak(folder: Path, voice: str = "default") -> Path:
    """Make the channel in `folder` speak with the espeak voice (new channels and the samples
    use the neural `natural` one): tests that build audio stay fast. Returns `folder`."""
    path = folder / "episodes" / "channel.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('voice = "natural"', f'voice = "{voice}"', 1), encoding="utf-8")
    return folder


_USER_CACHE = tempfile.TemporaryDirectory(prefix="toolkit-tests-cache-")


def pytest_configure(config: pytest.Config) -> None:
    # The toolkit keeps compiled templates in the user's cache folder: the tests (and the
    # commands they run) use one of their own, not the developer's.
    os.environ["XDG_CACHE_HOME"] = _USER_CACHE.name


def pytest_unconfigure(config: pytest.Config) -> None:
    _USER_CACHE.cleanup()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files from the current outputs (review the diff).",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def channel_dir(tmp_path: Path) -> Path:
    """A fresh channel made by `toolkit init`."""
    folder = tmp_path / "channel"
    init_channel(folder)
    return use_espeak(folder)


@pytest.fixture
def write_episode(channel_dir: Path) -> Callable[..., Path]:
    def write(name: str, body: str, title: str = "A Test Episode", number: int = 1) -> Path:
        path = channel_dir / "episodes" / name
        path.write_text(f"---\ntitle: {title}\nnumber: {number}\n---\n{body}", encoding="utf-8")
        return path

    return write


@pytest.fixture
def sample_channel(tmp_path: Path) -> Path:
    """A copy of the repository's sample channel (episodes, templates, voices)."""
    folder = tmp_path / "samples"
    shutil.copytree(REPO / "episodes", folder / "episodes")
    shutil.copytree(REPO / "voices", folder / "voices")
    (folder / "build").mkdir()
    return use_espeak(folder)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(mix_stderr=False)


@pytest.fixture
def parsed_articles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file names the article parser is given from here on in the test (a spy on it):
    what a build read in full."""
    import toolkit.text.article as article_module

    parsed: list[str] = []
    real = article_module.parse_article

    def spy(text: str, path: str) -> article_module.Article:
        parsed.append(Path(path).name)
        return real(text, path)

    monkeypatch.setattr(article_module, "parse_article", spy)
    return parsed
