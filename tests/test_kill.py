"""Builds that die: SIGKILL at random moments, two builds at once, failures halfway.

Every output is written under a temporary name and renamed into place, so whatever happens
to a build, each visible file in build/ is whole, never a partial file. A rebuild finishes
the work, and what it makes is byte for byte what a clean build makes in another folder.
The builds here use the offline voice, so the narrated MP3 and the speech cache are part
of every check.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import toolkit.build
import toolkit.files
from tests.conftest import use_espeak
from toolkit.audio.cache import decode_entry
from toolkit.cli import cli
from toolkit.errors import EngineError
from toolkit.files import write_atomic
from toolkit.scaffold import init_channel

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}

# More than narrate.PARALLEL_MIN sentences, so synthesis runs in a process pool too.
KEEPER = """\
The lighthouse at Skerry Point stood on a rock a mile from the shore. In 1931 its lamp was
still lit by hand. Ada Morrow climbed the hundred and twelve steps twice a night. She trimmed
the wick, wound the clockwork and polished the lens. The ships that passed never saw her.

## The Keeper

Ada grew up on the mainland, the youngest of five. Her father mended nets for the fleet.
Her mother kept the harbour accounts in a green ledger. When the post of keeper fell vacant,
nobody else applied. The board wrote back within a week. She packed one trunk and a lamp of
her own.

![Ada Morrow in 1934](ada.jpg)

## The Storm

On the night of 3 March 1937 the barometer fell faster than anyone could remember. The wind
tore the slates from the cottage roof. Spray reached the gallery, ninety feet above the sea.
Ada kept the lamp burning until morning. At dawn a fishing boat found its way home by its
light. The crew came to thank her a week later. They brought a cake and a bottle of rum.

## Afterwards

The lamp was electrified in 1952. Ada stayed on as keeper for six more years. She kept a log
of every ship that passed, in the same careful hand. The logs are in the county archive now.
Nobody has counted the ships. There are forty years of them.
"""

HEIST = """\
Nobody noticed the painting was gone until the next morning. The guards thought it had been
taken away to be photographed.

## The Thief

He was a glazier who had worked in the museum. He hid in a cupboard overnight and walked out
with the panel under his smock. For two years it lay in a trunk in his room.
"""

EPISODES = {
    "001-the-keeper.md": ("The Keeper of Skerry Point", 1, KEEPER),
    "002-the-heist.md": ("The Heist", 2, HEIST),
}
SLUGS = ("the-keeper", "the-heist")


def make_channel(folder: Path) -> Path:
    init_channel(folder)
    use_espeak(folder)
    for name, (title, number, body) in EPISODES.items():
        text = f"---\ntitle: {title}\nnumber: {number}\n---\n{body}"
        (folder / "episodes" / name).write_text(text, encoding="utf-8")
    return folder


def command(folder: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "toolkit", "-C", str(folder), "build", *args]


def build(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(folder, *args), capture_output=True, text=True, env=ENV, check=False, timeout=300
    )


def outputs(folder: Path) -> dict[str, bytes]:
    """Every visible file in build/ (the kits and the catalogue), without the cache."""
    found = {}
    for path in sorted((folder / "build").rglob("*")):
        name = path.relative_to(folder / "build").as_posix()
        if path.is_file() and not any(part.startswith(".") for part in name.split("/")):
            found[name] = path.read_bytes()
    return found


def litter(folder: Path) -> list[str]:
    """Temporary files (.name.XXXX.tmp) anywhere in build/, the cache included."""
    return sorted(p.relative_to(folder).as_posix() for p in (folder / "build").rglob(".*.tmp"))


def damaged_cache_entries(folder: Path) -> list[str]:
    entries = (folder / "build" / ".cache").rglob("*.speech")
    return [p.name for p in entries if decode_entry(p.read_bytes()) is None]


def stamp(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        name: (data, (folder / "build" / name).stat().st_mtime_ns)
        for name, data in outputs(folder).items()
    }


def kill_group(proc: subprocess.Popen[Any]) -> None:
    """SIGKILL the build and everything it started (synthesis workers, ffmpeg)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    # Children die at once but are reaped by init; wait until none is left running.
    for _ in range(500):
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], float]:
    """A clean build in a folder of its own: its outputs and how long it took."""
    folder = make_channel(tmp_path_factory.mktemp("reference") / "channel")
    started = time.monotonic()
    done = build(folder)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    made = outputs(folder)
    for slug in SLUGS:
        assert f"{slug}/narration.mp3" in made and f"{slug}/timing.json" in made
    return made, seconds


def assert_complete(folder: Path, expected: dict[str, bytes]) -> None:
    """Each visible output is a whole file: exactly the clean build's bytes."""
    for name, data in outputs(folder).items():
        assert name in expected, f"unexpected output {name}"
        assert data == expected[name], f"{name} is partial or different ({len(data)} bytes)"


def test_sigkill_at_random_moments_then_rebuild(
    tmp_path: Path, reference: tuple[dict[str, bytes], float]
) -> None:
    expected, seconds = reference
    folder = make_channel(tmp_path / "channel")
    rng = random.Random(1937)
    kills = 0
    for attempt in range(14):
        if kills == 6:
            break
        if attempt % 3 == 0:
            # A cold cache makes the kill land in synthesis as well as in the writes.
            shutil.rmtree(folder / "build" / ".cache", ignore_errors=True)
        delay = rng.uniform(0.05, seconds)
        proc = subprocess.Popen(
            command(folder),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=ENV,
            start_new_session=True,
        )
        time.sleep(delay)
        if proc.poll() is None:
            kills += 1
        else:
            # It finished first (the cache made it quick): start the next one cold.
            shutil.rmtree(folder / "build" / ".cache", ignore_errors=True)
        kill_group(proc)
        assert_complete(folder, expected)
        assert damaged_cache_entries(folder) == []
    assert kills >= 4, "most kills should land while the build runs"
    done = build(folder)
    assert done.returncode == 0, done.stderr
    assert outputs(folder) == expected


def test_two_builds_at_once(tmp_path: Path, reference: tuple[dict[str, bytes], float]) -> None:
    expected, _ = reference
    folder = make_channel(tmp_path / "channel")
    procs = [
        subprocess.Popen(
            command(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
        )
        for _ in range(2)
    ]
    results = [proc.communicate(timeout=300) for proc in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    assert outputs(folder) == expected
    assert litter(folder) == []
    assert damaged_cache_entries(folder) == []


# A build that SIGKILLs itself just before renaming a finished temporary file into place:
# the moment a kill leaves the most behind. `os.replace` is what write_atomic and the MP3
# encoder both end with.
KILL_BEFORE_RENAME = """
import os, signal, sys
target = sys.argv[1]
real_replace = os.replace
def replace(src, dst, *args, **kwargs):
    if str(dst).endswith(target):
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, *args, **kwargs)
os.replace = replace
sys.argv = ["toolkit", *sys.argv[2:]]
from toolkit.cli import main
main()
"""

TARGETS = ["narration.mp3", "subtitles.srt", ".speech"]
_KILLED: dict[str, dict[str, Any]] = {}


def killed_before_rename(target: str, workspace: Path) -> dict[str, Any]:
    """Build, then build again dying at `target`'s rename, then build once more (cached)."""
    if target in _KILLED:
        return _KILLED[target]
    folder = make_channel(workspace / target.strip("."))
    first = build(folder)
    assert first.returncode == 0, first.stderr
    before = outputs(folder)
    if target != "subtitles.srt":
        # Without the cache the sentences are synthesized and the MP3 encoded again.
        shutil.rmtree(folder / "build" / ".cache")
    else:
        # Unchanged outputs are not rewritten: remove the file so it must be renamed in.
        sorted((folder / "build").glob("*/subtitles.srt"))[0].unlink()
    # Only the build process dies: its synthesis workers outlive it, holding any pipe it
    # had, so its output goes to a file and the workers are killed once it is gone.
    with (workspace / f"{target.strip('.')}.log").open("w") as log:
        dying = subprocess.Popen(
            [sys.executable, "-c", KILL_BEFORE_RENAME, target, "-C", str(folder), "build"],
            stdout=log,
            stderr=log,
            env=ENV,
            start_new_session=True,
        )
        code = dying.wait(timeout=300)
        kill_group(dying)
    state: dict[str, Any] = {
        "code": code,
        "before": before,
        "after_kill": outputs(folder),
        "litter_after_kill": litter(folder),
        "damaged": damaged_cache_entries(folder),
    }
    rebuilt = build(folder)
    state.update(
        rebuilt=rebuilt.returncode,
        rebuilt_err=rebuilt.stderr,
        after_rebuild=outputs(folder),
        litter_after_rebuild=litter(folder),
    )
    _KILLED[target] = state
    return state


@pytest.fixture(scope="module")
def kill_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("killed")


@pytest.mark.parametrize("target", TARGETS)
def test_sigkill_before_a_rename_keeps_every_output_whole(
    target: str, kill_workspace: Path, reference: tuple[dict[str, bytes], float]
) -> None:
    expected, _ = reference
    state = killed_before_rename(target, kill_workspace)
    assert state["code"] == -signal.SIGKILL, "the build should have died at the rename"
    assert state["before"] == expected
    removed = sorted(k for k in expected if k.endswith("/subtitles.srt"))[0]
    missing = {k: v for k, v in expected.items() if k != removed}
    after = state["after_kill"]
    # Nothing partial, nothing lost (the removed subtitles.srt is simply not back yet).
    assert after == (missing if target == "subtitles.srt" else expected)
    assert state["damaged"] == []
    assert state["rebuilt"] == 0, state["rebuilt_err"]
    assert state["after_rebuild"] == expected


@pytest.mark.parametrize("target", TARGETS)
def test_sigkill_before_a_rename_leaves_no_litter_after_a_rebuild(
    target: str, kill_workspace: Path
) -> None:
    state = killed_before_rename(target, kill_workspace)
    assert state["litter_after_kill"], "the kill should have left a temporary file"
    assert state["rebuilt"] == 0
    assert state["litter_after_rebuild"] == []


# ---------------------------------------------------------------- failures in-process


def cli_build(folder: Path, *args: str) -> Any:
    return CliRunner(mix_stderr=False).invoke(cli, ["-C", str(folder), "build", *args])


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Path]:
    """A channel with its heist episode built without audio (a text kit)."""
    folder = make_channel(tmp_path / "channel")
    (folder / "episodes" / "001-the-keeper.md").unlink()
    result = cli_build(folder, "--no-audio")
    assert result.exit_code == 0, result.stderr
    yield folder


def edit_heist(folder: Path) -> None:
    """A change to the text, so a rebuild would change every output of the kit."""
    path = folder / "episodes" / "002-the-heist.md"
    path.write_text(path.read_text("utf-8").replace("two years", "three years"), "utf-8")


def test_template_failure_leaves_the_kit_untouched(built: Path) -> None:
    before = stamp(built)
    edit_heist(built)
    (built / "episodes" / "templates" / "outro.md.j2").write_text("Bye {{ nobody }}.\n", "utf-8")
    result = cli_build(built, "--no-audio")
    assert result.exit_code == 1
    assert "outro.md.j2" in result.stderr
    assert stamp(built) == before
    assert litter(built) == []


def test_encoder_failure_leaves_the_kit_untouched(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli_build(built).exit_code == 0  # now with narration.mp3
    before = stamp(built)
    assert "the-heist/narration.mp3" in before
    edit_heist(built)

    def broken_ffmpeg(*args: Any, **kwargs: Any) -> None:
        raise EngineError("ffmpeg failed: No space left on device")

    monkeypatch.setattr("toolkit.audio.mp3.run_ffmpeg", broken_ffmpeg)
    result = cli_build(built)
    assert result.exit_code == 1
    assert "ffmpeg failed" in result.stderr
    assert stamp(built) == before
    assert litter(built) == []


def test_failed_write_keeps_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "kit" / "subtitles.srt"
    write_atomic(target, "1\n00:00:00,000 --> 00:00:01,000\nOld\n")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_atomic(target, "1\n00:00:00,000 --> 00:00:01,000\nNew\n" * 1000)
    assert target.read_text("utf-8").endswith("Old\n")
    assert [p.name for p in target.parent.iterdir()] == ["subtitles.srt"]


def fail_on_call(number: int, real: Callable[..., Path]) -> Any:
    """A stand-in for toolkit.files.stage whose `number`th file finds the disk full."""
    calls = []

    def write(path: Path, data: bytes | str, **kwargs: Any) -> Path:
        calls.append(path.name)
        if len(calls) == number:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data, **kwargs)

    return write


def test_failure_halfway_through_the_writes_leaves_the_old_kit(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stamp(built)
    edit_heist(built)
    monkeypatch.setattr(toolkit.files, "stage", fail_on_call(4, toolkit.files.stage))
    result = cli_build(built, "--no-audio")
    assert result.exit_code == 1
    assert "No space left" in result.stderr
    assert litter(built) == []
    after = stamp(built)
    assert after == before, [n for n in after if after[n] != before.get(n)]
