"""Lexicon files: loading, override order, case rules, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import ConfigError
from toolkit.text.lexicon import LexiconEntry, build_lexicon, load_lexicon, parse_lexicon
from toolkit.text.speak import EMPTY_LEXICON, speak_sentence, spoken_text


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def say(text: str, paths: list[Path]) -> str:
    return spoken_text(speak_sentence(text, load_lexicon(paths)))


def test_loads_plain_and_table_entries(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "lexicon.toml",
        "# how the channel says names\n"
        "[words]\n"
        '"Belenko" = "bell yen koh"\n'
        'Tambora = { say = "tam bora" }\n'
        '"nato" = { say = "nay toe", case = "any" }\n',
    )
    lexicon = load_lexicon([path])
    assert lexicon.words == {"Belenko": "bell yen koh", "Tambora": "tam bora"}
    assert lexicon.folded == {"nato": "nay toe"}


def test_no_files_and_empty_files_give_an_empty_lexicon(tmp_path: Path) -> None:
    assert load_lexicon([]) == EMPTY_LEXICON
    assert load_lexicon([write(tmp_path, "a.toml", "")]) == EMPTY_LEXICON
    assert load_lexicon([write(tmp_path, "b.toml", "[words]\n")]) == EMPTY_LEXICON


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes('\ufeff[words]\nBelenko = "bell yen koh"\n'.encode())
    assert load_lexicon([path]).words == {"Belenko": "bell yen koh"}


def test_later_files_override_earlier_ones(tmp_path: Path) -> None:
    shared = write(tmp_path, "lexicon.toml", '[words]\nBelenko = "bell enko"\nLisa = "lee za"\n')
    voice = write(tmp_path, "uk-lexicon.toml", '[words]\nBelenko = "bell yen koh"\n')
    assert say("Belenko and Lisa", [shared, voice]) == "bell yen koh and lee za"
    assert say("Belenko and Lisa", [voice, shared]) == "bell enko and lee za"


def test_a_later_entry_replaces_the_case_rule_too(tmp_path: Path) -> None:
    shared = write(tmp_path, "a.toml", '[words]\nnato = { say = "nay toe", case = "any" }\n')
    voice = write(tmp_path, "b.toml", '[words]\nnato = "natto"\n')
    lexicon = load_lexicon([shared, voice])
    assert lexicon.words == {"nato": "natto"} and lexicon.folded == {}
    assert say("nato NATO", [shared, voice]) == "natto Nato"


def test_among_any_case_entries_the_latest_wins(tmp_path: Path) -> None:
    first = write(tmp_path, "a.toml", '[words]\nNato = { say = "one", case = "any" }\n')
    second = write(tmp_path, "b.toml", '[words]\nNATO = { say = "two", case = "any" }\n')
    assert say("nato", [first, second]) == "two"
    assert say("nato", [second, first]) == "one"


def test_exact_entries_are_case_sensitive_and_whole_words(tmp_path: Path) -> None:
    path = write(tmp_path, "a.toml", '[words]\nReading = "redding"\nMig = "mig"\n')
    assert say("Reading, reading and READING.", [path]) == "redding, reading and reading."
    assert say("Migration", [path]) == "Migration"


def test_any_case_entries_match_every_capitalisation(tmp_path: Path) -> None:
    path = write(tmp_path, "a.toml", '[words]\n"nato" = { say = "nay toe", case = "any" }\n')
    assert say("NATO, Nato and nato's", [path]) == "nay toe, nay toe and nay toe's"


def test_an_exact_entry_wins_over_an_any_case_one(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.toml",
        '[words]\nnato = { say = "nay toe", case = "any" }\nNATO = "N A T O"\n',
    )
    assert say("NATO Nato", [path]) == "N A T O nay toe"


def test_lexicon_changes_speech_only(tmp_path: Path) -> None:
    path = write(tmp_path, "a.toml", '[words]\nBelenko = "bell yen koh"\n')
    tokens = speak_sentence('"Belenko," he said (Belenko).', load_lexicon([path]))
    assert [t.display for t in tokens] == ['"Belenko,"', "he", "said", "(Belenko)."]
    assert spoken_text(tokens) == "bell yen koh, he said bell yen koh."


def test_entries_remember_where_they_were_written() -> None:
    entries = parse_lexicon('[words]\n\nBelenko = "bell yen koh"\n', "voices/lexicon.toml")
    assert entries == (LexiconEntry("Belenko", "bell yen koh", False, "voices/lexicon.toml", 3),)


def test_build_lexicon_from_entries() -> None:
    lexicon = build_lexicon(
        [
            LexiconEntry("a", "one", False, "x", 1),
            LexiconEntry("b", "two", True, "x", 2),
            LexiconEntry("a", "three", False, "y", 1),
        ]
    )
    assert lexicon.words == {"a": "three"} and lexicon.folded == {"b": "two"}


MALFORMED = [
    ('[words]\nBelenko = "bell yen koh"\nTambora = \n', 3, "not valid TOML"),
    ('[words]\nBelenko = "bell yen koh\n', 2, "not valid TOML"),
    ("[words]\nBelenko = 5\n", 2, "must be a string or a table"),
    ('[words]\n"Belenko," = "b"\n', 2, "punctuation around it"),
    ('[words]\n"two words" = "b"\n', 2, "not a single word"),
    ('[words]\nx = { say = "y", case = "ANY" }\n', 2, '"exact" or "any"'),
    ('[words]\nx = { sound = "y" }\n', 2, "unknown field 'sound'"),
    ('[words]\n\nx = { case = "any" }\n', 3, "has no `say`"),
    ('[words]\nx = "   "\n', 2, "says nothing"),
    ("[words]\nx = { say = 3 }\n", 2, "must be a string"),
    ('Belenko = "bell yen koh"\n', 1, "put pronunciations under a [words] table"),
    ('# comment\nwords = "no"\n', 2, "must be a table"),
]


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED)
def test_malformed_lexicon_names_file_line_and_fix(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, "lexicon.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_lexicon([path])
    error = caught.value
    assert error.path == str(path) and error.line == line
    assert str(error).startswith(f"{path}:{line}: ")
    assert message in str(error)
    assert error.hint  # every error says what to do next


def test_the_failing_file_is_named_among_several(tmp_path: Path) -> None:
    good = write(tmp_path, "lexicon.toml", '[words]\nBelenko = "bell yen koh"\n')
    bad = write(tmp_path, "voice.toml", "[words]\nBelenko = \n")
    with pytest.raises(ConfigError, match=r"voice\.toml:2: "):
        load_lexicon([good, bad])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="lexicon file not found") as caught:
        load_lexicon([tmp_path / "nope.toml"])
    assert caught.value.path == str(tmp_path / "nope.toml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes('[words]\nCafé = "ka fay"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin\.toml:2: the lexicon is not UTF-8"):
        load_lexicon([path])


def test_a_folder_is_not_a_lexicon(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="folder"):
        load_lexicon([tmp_path])
