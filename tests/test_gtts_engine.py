"""The online voice without the network: a fake transport mounted on a real requests.Session.

The fake adapter builds real urllib3 responses, so requests itself parses status, headers and
bodies (and notices a body shorter than its Content-Length) exactly as it would on the wire.
ffmpeg's decoder is replaced by a stub that records what it was given; sleeping is recorded,
never done. One test, marked `net`, asks the real service and is skipped unless run with -m net.
"""

from __future__ import annotations

import base64
import io
import socket
import subprocess
import sys
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gtts
import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPSConnection
from urllib3.exceptions import MaxRetryError, NameResolutionError
from urllib3.response import HTTPResponse

from toolkit.audio.engine import Speech
from toolkit.audio.gtts_engine import (
    MAX_BACKOFF_S,
    OFFLINE_VOICE,
    GttsEngine,
    backoff_delays,
    extract_audio,
    mp3_problem,
)
from toolkit.errors import ConfigError, EngineError, NetworkError
from toolkit.voice import VoiceProfile, load_voice, parse_voice

# One MPEG-2 Layer III frame (32 kbit/s, 24 kHz, mono): 96 bytes, as Google's voice sends.
FRAME = b"\xff\xf3\x44\xc4" + bytes(92)
LONG_SENTENCE = (
    "In 1931 the lamp at Skerry Point was still lit by hand, and Ada Morrow climbed its "
    "hundred and twelve steps twice a night, in every weather, for eleven years, until the "
    "lighthouse board finally sent an engineer, a crate of batteries and a letter of thanks."
)


def gtts_body(audio: bytes) -> bytes:
    """An answer shaped like the batchexecute endpoint's: a guard line, then JSON envelopes."""
    payload = base64.b64encode(audio).decode("ascii")
    rpc = '[["wrb.fr","jQ1olc","[\\"' + payload + '\\"]",null,null,null,"generic"]]'
    return f')]}}\'\n\n{len(rpc)}\n{rpc}\n25\n[["e",4,null,null,171]]\n'.encode()


@dataclass
class Reply:
    status: int = 200
    body: bytes = field(default_factory=lambda: gtts_body(FRAME * 3))
    headers: Mapping[str, str] = field(default_factory=dict)


Outcome = Reply | BaseException


class FakeAdapter(HTTPAdapter):
    """Answers from a script (the last entry repeats) and records every send."""

    def __init__(self, script: list[Outcome]) -> None:
        super().__init__()
        self.script = list(script)
        self.requests: list[requests.PreparedRequest] = []
        self.timeouts: list[Any] = []

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        self.requests.append(request)
        self.timeouts.append(timeout)
        outcome = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(outcome, BaseException):
            raise outcome
        raw = HTTPResponse(
            body=io.BytesIO(outcome.body),
            headers={"Content-Length": str(len(outcome.body)), **outcome.headers},
            status=outcome.status,
            preload_content=False,
            decode_content=False,
        )
        return self.build_response(request, raw)


@dataclass
class Rig:
    engine: GttsEngine
    adapter: FakeAdapter
    sleeps: list[float]


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any name lookup other than the loopback fails the test: nothing here may go online."""
    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise AssertionError(f"a test tried to look up {host!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


@pytest.fixture(autouse=True)
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, int]]:
    """Stands in for toolkit.audio.ffmpeg: 2 bytes of PCM per MP3 byte, and a record of calls."""
    calls: list[tuple[bytes, int]] = []

    def decode_to_pcm(data: bytes, sample_rate: int) -> bytes:
        calls.append((data, sample_rate))
        return b"\x01\x00" * len(data)

    module = types.ModuleType("toolkit.audio.ffmpeg")
    module.decode_to_pcm = decode_to_pcm  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "toolkit.audio.ffmpeg", module)
    return calls


@pytest.fixture
def voice() -> VoiceProfile:
    return load_voice("gtts-us", None)


def rig(voice: VoiceProfile, script: list[Outcome], **options: Any) -> Rig:
    adapter = FakeAdapter(script)
    session = requests.Session()
    session.trust_env = False  # no proxy or CA settings from whoever runs the tests
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    sleeps: list[float] = []
    engine = GttsEngine(voice, session=session, sleep=sleeps.append, **options)
    return Rig(engine, adapter, sleeps)


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text
    return text


# --- success ---------------------------------------------------------------------------------


def test_long_sentence_is_sent_in_gtts_parts_each_with_a_timeout(
    voice: VoiceProfile, decoded: list[tuple[bytes, int]]
) -> None:
    r = rig(voice, [Reply()])
    speech = r.engine.synthesize(LONG_SENTENCE)

    parts = gtts.gTTS(LONG_SENTENCE, lang="en", lang_check=False)._prepare_requests()
    assert len(LONG_SENTENCE) > 200
    assert len(parts) >= 3
    assert len(r.adapter.requests) == len(parts)
    assert [req.body for req in r.adapter.requests] == [p.body for p in parts]
    assert r.adapter.timeouts == [15.0] * len(parts)
    assert all(
        req.url is not None and "translate.google.com" in req.url for req in r.adapter.requests
    )
    # A pause between requests, none before the first; no other waiting.
    assert r.sleeps == [0.3] * (len(parts) - 1)
    # The parts are joined in order and decoded once, at the voice's rate.
    assert decoded == [(FRAME * 3 * len(parts), 24000)]
    assert speech == Speech(pcm=b"\x01\x00" * len(FRAME) * 3 * len(parts), sample_rate=24000)
    assert speech.words == ()


def test_requests_are_spaced_across_sentences_too(voice: VoiceProfile) -> None:
    r = rig(voice, [Reply()], request_pause_s=0.5)
    r.engine.synthesize("First sentence.")
    r.engine.synthesize("Second sentence.")
    assert len(r.adapter.requests) == 2
    assert r.sleeps == [0.5]


def test_identity_names_everything_that_changes_the_audio(voice: VoiceProfile) -> None:
    engine = GttsEngine(voice, session=requests.Session())
    assert engine.identity() == f"gtts {gtts.__version__} lang=en tld=com slow=false rate=24000"
    uk = GttsEngine(load_voice("gtts-uk", None), session=requests.Session())
    assert "tld=co.uk" in uk.identity()
    assert uk.identity() != engine.identity()


def test_nothing_speakable_sends_nothing(voice: VoiceProfile) -> None:
    r = rig(voice, [Reply()])
    for text in ("", "   ", "...", " — ! "):
        speech = r.engine.synthesize(text)
        assert speech.pcm == b""
        assert speech.sample_rate == 24000
    assert r.adapter.requests == []


# --- retries ---------------------------------------------------------------------------------


def test_timeout_is_retried_then_ends_in_one_clear_line(voice: VoiceProfile) -> None:
    r = rig(voice, [requests.exceptions.ReadTimeout("read timed out")], retries=3)
    with pytest.raises(NetworkError) as caught:
        r.engine.synthesize("Hello there.")
    assert len(r.adapter.requests) == 4
    assert r.sleeps == [1.0, 2.0, 4.0]
    message = one_line(caught.value)
    assert "did not answer within 15 s" in message
    assert "4 tries" in message
    assert f"--voice {OFFLINE_VOICE}" in message


def test_429_with_retry_after_is_waited_out_then_succeeds(voice: VoiceProfile) -> None:
    r = rig(voice, [Reply(429, b"slow down", {"Retry-After": "7"}), Reply()])
    speech = r.engine.synthesize("Hello there.")
    assert len(r.adapter.requests) == 2
    assert r.sleeps == [7.0]
    assert speech.pcm


def test_429_without_retry_after_backs_off_then_says_rate_limited(voice: VoiceProfile) -> None:
    r = rig(voice, [Reply(429, b"")], retries=2, backoff_s=0.5)
    with pytest.raises(NetworkError) as caught:
        r.engine.synthesize("Hello there.")
    assert r.sleeps == [0.5, 1.0]
    message = one_line(caught.value)
    assert "rate-limiting" in message
    assert "HTTP 429" in message
    assert f"--voice {OFFLINE_VOICE}" in message


def test_a_very_long_retry_after_stops_at_once(voice: VoiceProfile) -> None:
    r = rig(voice, [Reply(429, b"", {"Retry-After": "3600"})])
    with pytest.raises(NetworkError) as caught:
        r.engine.synthesize("Hello there.")
    assert len(r.adapter.requests) == 1
    assert r.sleeps == []
    assert "asked to wait 3600 s" in one_line(caught.value)


def test_retry_after_as_a_date_is_understood(voice: VoiceProfile) -> None:
    r = rig(voice, [Reply(429, b"", {"Retry-After": "Fri, 31 Dec 2077 23:59:59 GMT"})])
    with pytest.raises(NetworkError, match="asked to wait"):
        r.engine.synthesize("Hello there.")
    assert len(r.adapter.requests) == 1


def test_500_is_retried_and_can_recover(voice: VoiceProfile) -> None:
    r = rig(voice, [Reply(500, b"oops"), Reply(503, b"busy"), Reply()])
    assert r.engine.synthesize("Hello there.").pcm
    assert len(r.adapter.requests) == 3
    assert r.sleeps == [1.0, 2.0]


def test_server_errors_that_persist_end_in_one_clear_line(voice: VoiceProfile) -> None:
    r = rig(voice, [Reply(502, b"bad gateway")], retries=2)
    with pytest.raises(NetworkError) as caught:
        r.engine.synthesize("Hello there.")
    assert len(r.adapter.requests) == 3
    message = one_line(caught.value)
    assert "server errors" in message
    assert "HTTP 502 Bad Gateway" in message


def test_403_is_not_retried(voice: VoiceProfile) -> None:
    r = rig(voice, [Reply(403, b"forbidden")])
    with pytest.raises(EngineError) as caught:
        r.engine.synthesize("Hello there.")
    assert not isinstance(caught.value, NetworkError)
    assert len(r.adapter.requests) == 1
    assert r.sleeps == []
    message = one_line(caught.value)
    assert "refused the request (HTTP 403 Forbidden)" in message
    assert f"--voice {OFFLINE_VOICE}" in message


def test_a_failure_in_a_later_part_fails_the_sentence(voice: VoiceProfile) -> None:
    r = rig(voice, [Reply(), Reply(404, b"")])
    with pytest.raises(EngineError, match="HTTP 404"):
        r.engine.synthesize(LONG_SENTENCE)
    assert len(r.adapter.requests) == 2


def test_backoff_is_doubling_and_capped() -> None:
    assert backoff_delays(4, 1.0) == [1.0, 2.0, 4.0, 8.0]
    delays = backoff_delays(12, 1.0)
    assert len(delays) == 12
    assert max(delays) == MAX_BACKOFF_S
    assert backoff_delays(0, 1.0) == []


def test_engine_waits_are_bounded_in_number_and_length(voice: VoiceProfile) -> None:
    r = rig(voice, [requests.exceptions.ConnectionError("reset")], retries=9, backoff_s=5.0)
    with pytest.raises(NetworkError):
        r.engine.synthesize("Hello there.")
    assert len(r.adapter.requests) == 10
    assert len(r.sleeps) == 9
    assert all(0 < s <= MAX_BACKOFF_S for s in r.sleeps)
    assert r.sleeps == sorted(r.sleeps)


# --- no connection ---------------------------------------------------------------------------


class LoopbackAdapter(HTTPAdapter):
    """Sends every request to a closed port on this machine: a real 'connection refused'."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port
        self.timeouts: list[Any] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.timeouts.append(kwargs.get("timeout"))
        local = request.copy()
        local.url = f"http://127.0.0.1:{self.port}/"
        kwargs["proxies"] = {}
        return super().send(local, **kwargs)


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    yield port


def test_connection_refused_names_an_offline_voice(voice: VoiceProfile, closed_port: int) -> None:
    adapter = LoopbackAdapter(closed_port)
    session = requests.Session()
    session.trust_env = False
    session.mount("https://", adapter)
    sleeps: list[float] = []
    engine = GttsEngine(voice, session=session, sleep=sleeps.append, retries=2)
    with pytest.raises(NetworkError) as caught:
        engine.synthesize("Hello there.")
    assert adapter.timeouts == [15.0] * 3
    assert sleeps == [1.0, 2.0]
    message = one_line(caught.value)
    assert message.startswith("could not reach the online voice 'gtts-us'")
    assert "connection was refused" in message
    assert f"use an offline voice: --voice {OFFLINE_VOICE}" in message


def test_name_lookup_failure_says_so(voice: VoiceProfile) -> None:
    conn = HTTPSConnection("translate.google.com")
    try:
        raise NameResolutionError(
            "translate.google.com", conn, socket.gaierror(-3, "Temporary failure")
        ) from socket.gaierror(-3, "Temporary failure")
    except NameResolutionError as lookup:
        failure = requests.exceptions.ConnectionError(
            MaxRetryError(None, "/", lookup)  # type: ignore[arg-type]
        )
    r = rig(voice, [failure], retries=1)
    with pytest.raises(NetworkError) as caught:
        r.engine.synthesize("Hello there.")
    message = one_line(caught.value)
    assert "translate.google.com could not be looked up" in message
    assert f"--voice {OFFLINE_VOICE}" in message


# --- incomplete answers ----------------------------------------------------------------------


def test_body_shorter_than_its_length_is_retried(voice: VoiceProfile) -> None:
    body = gtts_body(FRAME * 3)
    cut = Reply(200, body[:-40], {"Content-Length": str(len(body))})
    r = rig(voice, [cut, Reply()])
    assert r.engine.synthesize("Hello there.").pcm
    assert len(r.adapter.requests) == 2


def test_truncated_answers_end_in_an_error(voice: VoiceProfile) -> None:
    body = gtts_body(FRAME * 3)
    cut = Reply(200, body[:-40], {"Content-Length": str(len(body))})
    r = rig(voice, [cut], retries=2)
    with pytest.raises(NetworkError) as caught:
        r.engine.synthesize("Hello there.")
    assert len(r.adapter.requests) == 3
    assert "incomplete answers" in one_line(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        gtts_body(FRAME * 2 + FRAME[:50]),  # the last MP3 frame cut short
        gtts_body(FRAME)[:60],  # the JSON cut inside the audio, with a matching length
        b"<html><body>Before you continue to Google</body></html>",  # a consent page
        b')]}\'\n[["wrb.fr","jQ1olc",null,null,null,[3],"generic"]]\n',  # an error envelope
        gtts_body(b"not audio at all"),
    ],
)
def test_undecodable_answers_count_as_failures(voice: VoiceProfile, body: bytes) -> None:
    r = rig(voice, [Reply(200, body)], retries=1)
    with pytest.raises(NetworkError, match="incomplete answers"):
        r.engine.synthesize("Hello there.")
    assert len(r.adapter.requests) == 2


def test_nothing_is_written_to_disk(
    voice: VoiceProfile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = rig(voice, [Reply(), requests.exceptions.ReadTimeout("stalled")])
    with pytest.raises(NetworkError):
        r.engine.synthesize(LONG_SENTENCE)
    r2 = rig(voice, [Reply()])
    r2.engine.synthesize(LONG_SENTENCE)
    assert list(tmp_path.iterdir()) == []


# --- parsing ---------------------------------------------------------------------------------


def test_extract_audio_reads_the_gtts_envelope() -> None:
    assert extract_audio(gtts_body(FRAME * 4)) == FRAME * 4
    with pytest.raises(ValueError):
        extract_audio(b"")


def test_mp3_check_on_audio_made_by_ffmpeg() -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    made = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            *("-hide_banner", "-loglevel", "error", "-f", "lavfi"),
            *("-i", "sine=frequency=440:duration=0.5:sample_rate=24000"),
            *("-ac", "1", "-b:a", "32k", "-f", "mp3", "-"),
        ],
        capture_output=True,
        check=True,
    ).stdout
    assert mp3_problem(made) is None
    assert mp3_problem(made + made) is None  # parts are joined back to back
    assert mp3_problem(made[:-7]) == "the last MP3 frame is cut short"
    assert mp3_problem(made[:20]) == "the MP3 tag is cut short"
    assert mp3_problem(b"ID3") == "the MP3 tag is cut short"
    assert mp3_problem(b"RIFF....WAVEfmt ") == "the audio is not MP3"


# --- configuration ---------------------------------------------------------------------------


def test_unknown_language_is_a_config_error_before_any_request() -> None:
    bad = parse_voice("odd", 'engine = "gtts"\nlanguage = "xx-nope"\n', "voices/odd.toml")
    with pytest.raises(ConfigError) as caught:
        GttsEngine(bad, session=requests.Session())
    assert "voices/odd.toml" in one_line(caught.value)


def test_strange_tld_is_a_config_error() -> None:
    bad = parse_voice("odd", 'engine = "gtts"\ntld = "evil.example/x?"\n', "voices/odd.toml")
    with pytest.raises(ConfigError, match="tld"):
        GttsEngine(bad, session=requests.Session())


def test_offline_profiles_are_refused() -> None:
    with pytest.raises(ValueError):
        GttsEngine(load_voice("default", None))


def test_a_timeout_is_required(voice: VoiceProfile) -> None:
    with pytest.raises(ValueError):
        GttsEngine(voice, timeout=0)


def test_an_own_session_is_closed(voice: VoiceProfile) -> None:
    with GttsEngine(voice) as engine:
        assert engine.identity().startswith("gtts ")


# --- the real service ------------------------------------------------------------------------


@pytest.mark.net
def test_real_service_speaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asks Google for real (run with -m net); decodes with the real ffmpeg helper."""
    monkeypatch.undo()  # lift the DNS guard and the decoder stub
    pytest.importorskip("toolkit.audio.ffmpeg")
    with GttsEngine(load_voice("gtts-us", None), retries=2) as engine:
        speech = engine.synthesize("The lamp at Skerry Point was still lit by hand.")
    assert speech.sample_rate == 24000
    assert 1000 < speech.duration_ms < 10000
