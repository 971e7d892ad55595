"""The channel lock looks for a killed run's temporary files only when the last run that
held it did not finish (test_kill.py kills real builds; these are the lock's own rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

import toolkit.lock
from toolkit.files import temp_name
from toolkit.lock import FINISHED_MARK, RUNNING_MARK, channel_lock


def litter(build: Path) -> list[str]:
    return sorted(p.relative_to(build).as_posix() for p in build.rglob(".*.tmp"))


def test_a_run_that_did_not_finish_leaves_its_litter_to_the_next(tmp_path: Path) -> None:
    build = tmp_path / "build"
    (build / ".cache").mkdir(parents=True)  # as the first build that writes a kit makes it
    with channel_lock(build):
        pass
    assert (build / FINISHED_MARK).is_file()
    with pytest.raises(RuntimeError), channel_lock(build) as removed:
        assert removed == 0
        temp_name(build / "kit" / "subtitles.srt")  # writes the run never finished
        temp_name(build / ".cache" / "speech" / "ab" / "0123.speech")
        raise RuntimeError("killed, as far as the lock can tell")
    assert not (build / FINISHED_MARK).exists()
    assert (build / RUNNING_MARK).is_file()
    assert len(litter(build)) == 2
    with channel_lock(build) as removed:
        assert removed == 2
        assert litter(build) == []
    assert (build / FINISHED_MARK).is_file()
    assert not (build / RUNNING_MARK).exists()


def test_after_a_finished_run_nobody_looks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = tmp_path / "build"
    with channel_lock(build) as removed:  # the first run: nobody said the last one finished
        assert removed == 0
    # A run that made no cache folder leaves no mark (a failed command writes nothing).
    assert sorted(p.name for p in build.iterdir()) == []
    with channel_lock(build):
        (build / ".cache" / "kits").mkdir(parents=True)  # as a build that writes a kit
        assert not (build / FINISHED_MARK).exists()  # not while a run holds the lock
    assert (build / FINISHED_MARK).is_file()

    def walk(folder: Path) -> int:
        raise AssertionError(f"{folder} was searched after a run that finished")

    monkeypatch.setattr(toolkit.lock, "remove_stale_temps", walk)
    made = (build / FINISHED_MARK).stat().st_mtime_ns
    for _ in range(2):
        with channel_lock(build) as removed:
            assert removed == 0
            assert not (build / FINISHED_MARK).exists()
            assert (build / RUNNING_MARK).is_file()
    # The mark is renamed back and forth, never made again: a build that writes nothing
    # leaves build/ as it was.
    assert (build / FINISHED_MARK).stat().st_mtime_ns == made
    assert not (build / RUNNING_MARK).exists()


def test_without_the_cache_folder_the_next_run_looks(tmp_path: Path) -> None:
    build = tmp_path / "build"
    (build / ".cache").mkdir(parents=True)
    with channel_lock(build):
        pass
    left = temp_name(build / "kit" / "timing.json")  # litter that nobody's mark speaks for
    (build / FINISHED_MARK).unlink()
    (build / FINISHED_MARK).parent.rmdir()  # the cache folder deleted by hand
    with channel_lock(build) as removed:
        assert removed == 1
    assert not left.exists()
    assert not (build / FINISHED_MARK).exists()  # (no cache folder again: the next looks too)
