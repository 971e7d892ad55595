"""Reading text the way creators save it, and writing outputs atomically."""

from __future__ import annotations

import codecs
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from toolkit.errors import InputError
from toolkit.files import decode_text, read_text, write_all_atomic, write_atomic

TEXT = "Ada Morrow climbed the 112 steps.\nShe kept the lamp lit — all night.\n"


@pytest.fixture
def toolkit_log(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI turns propagation off for its own handler; caplog listens on the root logger.
    monkeypatch.setattr(logging.getLogger("toolkit"), "propagate", True)


# --- write_atomic -------------------------------------------------------------------------


def test_write_atomic_writes_text_as_utf8_and_bytes_as_given(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.txt", "café — ok\n")
    write_atomic(tmp_path / "b.bin", b"\x00\x01\xff")
    assert (tmp_path / "a.txt").read_bytes() == "café — ok\n".encode()
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01\xff"


def test_write_atomic_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "build" / "slug" / "script.md"
    write_atomic(target, "x")
    assert target.read_text(encoding="utf-8") == "x"


def test_write_atomic_replaces_old_content_and_leaves_only_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_write_atomic_writes_a_readable_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, "x")
    # mkstemp makes 0600 files; outputs must be readable like any other file.
    assert target.stat().st_mode & 0o444 == 0o444


def test_a_temporary_name_already_taken_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Temporary names count up per process; one a killed process of the same number left
    behind is not written through: the write takes another name and the old file stays."""
    import toolkit.files

    monkeypatch.setattr(toolkit.files, "_TEMP_NUMBERS", iter([7, 8]))
    left = tmp_path / f".out.txt.{os.getpid()}-7.tmp"
    left.write_text("someone else's", encoding="utf-8")
    write_atomic(tmp_path / "out.txt", "mine")
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "mine"
    assert left.read_text(encoding="utf-8") == "someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == [left.name, "out.txt"]
    write_atomic(tmp_path / "out.txt", "again")  # the next number is free
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "again"
    assert sorted(p.name for p in tmp_path.iterdir()) == [left.name, "out.txt"]


def test_failed_rename_keeps_old_content_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "subtitles.srt"
    target.write_text("old content", encoding="utf-8")

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new content")
    assert target.read_text(encoding="utf-8") == "old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["subtitles.srt"]


def test_a_rename_failing_halfway_through_a_kit_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_all_atomic renames its staged files one by one: when one rename fails, the
    files renamed before it are in place and no temporary file is left behind."""
    files = {tmp_path / f"{name}.txt": name for name in ("a", "b", "c", "d")}
    real_replace = os.replace
    calls: list[str] = []

    def third_fails(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", third_fails)
    with pytest.raises(OSError, match="No space left"):
        write_all_atomic(files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_failed_write_leaves_no_file_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "timing.json"

    def fail(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError):
        write_atomic(target, "{}")
    assert list(tmp_path.iterdir()) == []


def test_interrupt_during_write_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "narration.txt"
    target.write_text("kept", encoding="utf-8")

    def interrupt(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "lost")
    assert target.read_text(encoding="utf-8") == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["narration.txt"]


# --- decode_text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.replace("\n", "\r\n").encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.replace("\n", "\r\n").encode("utf-16-le"),
        TEXT.replace("\n", "\r").encode("utf-8"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "crlf",
        "utf8-bom-crlf",
        "utf16-crlf",
        "cr",
    ],
)
def test_decode_text_reads_what_creators_save(raw: bytes) -> None:
    text = decode_text(raw, "post.txt")
    assert text == TEXT
    assert "\ufeff" not in text and "\r" not in text


def test_decode_text_falls_back_to_cp1252_with_a_warning_naming_the_file(
    caplog: pytest.LogCaptureFixture, toolkit_log: None
) -> None:
    raw = "Café “quoted” – déjà vu\n".encode("cp1252")
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        text = decode_text(raw, "posts/old-post.txt")
    assert text == "Café “quoted” – déjà vu\n"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "posts/old-post.txt" in message
    assert "1252" in message


def test_utf8_reads_without_a_warning(caplog: pytest.LogCaptureFixture, toolkit_log: None) -> None:
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        decode_text("Café\n".encode(), "post.txt")
    assert caplog.records == []


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"some text\x00with a NUL",
    ],
    ids=["png", "zip", "nul"],
)
def test_decode_text_refuses_binary(raw: bytes) -> None:
    with pytest.raises(InputError) as info:
        decode_text(raw, "picture.txt")
    assert info.value.path == "picture.txt"
    assert "binary" in str(info.value)
    assert str(info.value).startswith("picture.txt: ")


@pytest.mark.parametrize(
    "raw",
    [b"", b"   ", b"\n\n\r\n\t \n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF8 + b" \n"],
    ids=["empty", "spaces", "blank-lines", "bom-only", "utf16-bom-only", "bom-blank"],
)
def test_decode_text_refuses_empty_and_blank(raw: bytes) -> None:
    with pytest.raises(InputError) as info:
        decode_text(raw, "empty.txt")
    assert info.value.path == "empty.txt"
    assert "empty" in str(info.value)


def test_decode_text_refuses_broken_utf16() -> None:
    with pytest.raises(InputError) as info:
        decode_text(codecs.BOM_UTF16_LE + b"a\x00\x00\xd8", "odd.txt")
    assert info.value.path == "odd.txt"


# --- read_text ------------------------------------------------------------------------------


def test_read_text_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_text(tmp_path / "nope.txt")
    assert info.value.path == str(tmp_path / "nope.txt")
    assert "no such file" in str(info.value)


def test_read_text_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        read_text(tmp_path)


def test_read_text_decodes(tmp_path: Path) -> None:
    path = tmp_path / "post.txt"
    path.write_bytes(codecs.BOM_UTF8 + TEXT.replace("\n", "\r\n").encode("utf-8"))
    assert read_text(path) == TEXT
