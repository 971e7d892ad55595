"""The bad-input corpus: every case in fixtures/bad/cases.toml through the real command line.

Each case starts from a fresh channel made by `toolkit init`, puts its files in place and
runs `python -m toolkit -C CHANNEL ...` in a process of its own, so exit codes pass through
`main()` exactly as a creator sees them. An input problem must end with exit 1 (2 for a
usage problem) and one line on stderr, "error: ...", naming the file (and line, where there
is one); there must be no traceback, and every file in the channel must be exactly as it
was, bytes and modification time. Inputs a creator would expect to work must build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from toolkit.scaffold import init_channel

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "fixtures" / "bad"
CASES: list[dict[str, Any]] = tomllib.loads((CORPUS / "cases.toml").read_text("utf-8"))["case"]
# Generous: the slowest case (an audio build) takes a couple of seconds. A hang fails.
TIMEOUT_S = 120

Snapshot = dict[str, tuple[bytes, int] | None]  # path -> (bytes, mtime_ns); None: a folder


@dataclass(frozen=True)
class Run:
    channel: Path
    code: int
    stdout: str
    stderr: str
    before: Snapshot
    after: Snapshot

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def read(self, name: str) -> str:
        return (self.channel / name).read_text("utf-8")


def snapshot(folder: Path) -> Snapshot:
    found: Snapshot = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_dir():
            found[name + "/"] = None
        else:
            found[name] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def changes(run: Run) -> list[str]:
    """Every path added, removed or changed (bytes or mtime) by the command."""
    names = set(run.before) | set(run.after)
    return sorted(n for n in names if run.before.get(n, "absent") != run.after.get(n, "absent"))


def prepare(case: dict[str, Any], channel: Path) -> None:
    init_channel(channel)
    for name in case.get("remove", []):
        (channel / name).unlink()
    for source, target in case.get("place", []):
        (channel / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / source, channel / target)
    for folder in case.get("dirs", []):
        (channel / folder).mkdir(parents=True)
    for spec in case.get("generate", []):
        (channel / spec["to"]).parent.mkdir(parents=True, exist_ok=True)
        (channel / spec["to"]).write_text(spec["text"] * spec["repeat"], "utf-8")


_RUNS: dict[str, Run] = {}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad-inputs")


def run_case(case: dict[str, Any], workspace: Path) -> Run:
    """Run a case once; the tests below each check a part of the same run."""
    if case["name"] in _RUNS:
        return _RUNS[case["name"]]
    channel = workspace / case["name"]
    prepare(case, channel)
    before = snapshot(channel)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "toolkit", "-C", str(channel), *case["command"]],
        cwd=channel,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT_S,
        env=env,
        check=False,
    )
    run = Run(channel, proc.returncode, proc.stdout, proc.stderr, before, snapshot(channel))
    _RUNS[case["name"]] = run
    return run


def param(case: dict[str, Any]) -> Any:
    marks = []
    if "xfail" in case:
        marks.append(pytest.mark.xfail(strict=True, reason=" ".join(case["xfail"].split())))
    return pytest.param(case, id=case["name"], marks=marks)


def explain(run: Run) -> str:
    return f"exit {run.code}\n--- stdout\n{run.stdout[-2000:]}\n--- stderr\n{run.stderr[-2000:]}"


def check_files(run: Run, present: dict[str, list[str]], absent: dict[str, list[str]]) -> None:
    for name, fragments in present.items():
        text = run.read(name)
        for fragment in fragments:
            assert fragment in text, f"{name} lacks {fragment!r}"
    for name, fragments in absent.items():
        text = run.read(name)
        for fragment in fragments:
            assert fragment not in text, f"{name} holds {fragment!r}"


def check_one_line(run: Run) -> None:
    """Warnings may come first; then exactly one line, the error, and nothing else."""
    lines = run.lines
    assert lines, explain(run)
    assert all(line.startswith("warning: ") for line in lines[:-1]), explain(run)
    assert lines[-1].startswith("error: "), explain(run)


@pytest.mark.parametrize("case", [param(c) for c in CASES])
def test_bad_input(case: dict[str, Any], workspace: Path) -> None:
    run = run_case(case, workspace)
    assert run.code == case["exit"], explain(run)
    assert "Traceback" not in run.stderr + run.stdout, explain(run)
    warnings = [line for line in run.lines if line.startswith("warning: ")]
    for fragment in case.get("warnings", []):
        assert any(fragment in line for line in warnings), f"no warning with {fragment!r}"
    if case["exit"] == 0:
        allowed = case["writes"]
        stray = [n for n in changes(run) if not n.startswith(tuple(allowed))]
        assert stray == [], f"wrote outside {allowed}: {stray}"
        assert changes(run), "the command wrote nothing"
        check_files(run, case.get("outputs", {}), case.get("absent", {}))
        return
    assert changes(run) == [], "the failed command wrote or changed files"
    if case.get("lint"):
        # lint reports findings on stdout and a count on stderr
        output = run.stdout + run.stderr
        for fragment in case["message"]:
            assert fragment in output, explain(run)
        return
    if not case.get("bug", {}).get("one_line"):
        check_one_line(run)
    message = run.lines[-1] if run.lines else ""
    for fragment in case["message"]:
        assert fragment in message, f"{fragment!r} not in the message\n{explain(run)}"


BUGS = [c for c in CASES if "bug" in c]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c["name"],
            marks=[
                pytest.mark.xfail(
                    strict=True, reason="bug: " + " ".join(c["bug"]["reason"].split())
                )
            ]
            if c["bug"].get("open")
            else [],
        )
        for c in BUGS
    ],
)
def test_known_bug(case: dict[str, Any], workspace: Path) -> None:
    """What a case should also do: found as bugs, fixed since (those still open, with
    `open = true`, are expected to fail)."""
    bug = case["bug"]
    run = run_case(case, workspace)
    assert run.code == case["exit"], explain(run)
    if bug.get("one_line"):
        check_one_line(run)
    message = run.lines[-1] if run.lines else ""
    for fragment in bug.get("message", []):
        assert fragment in message, f"{fragment!r} not in the message\n{explain(run)}"
    for fragment in bug.get("once", []):
        assert run.stderr.count(fragment) == 1, explain(run)
    check_files(run, bug.get("outputs", {}), bug.get("absent", {}))


def test_corpus_covers_enough_and_every_fixture_is_used() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    refused = [c for c in CASES if c["exit"] != 0]
    assert len(refused) >= 34
    assert {c["exit"] for c in refused} == {1, 2}
    used = {source for c in CASES for source, _ in c.get("place", [])}
    on_disk = {
        p.relative_to(CORPUS).as_posix()
        for p in CORPUS.rglob("*")
        if p.is_file() and p.name not in ("cases.toml", ".gitattributes")
    }
    assert used - on_disk == set(), "cases name fixtures that do not exist"
    assert on_disk - used == set(), "fixtures that no case uses"
    for case in CASES:
        assert case["about"] and case["command"], case["name"]
        if case["exit"] == 0:
            assert case["writes"], case["name"]
        else:
            assert case["message"], case["name"]
