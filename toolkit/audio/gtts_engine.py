"""The online voice: Google Translate's text-to-speech, reached through gTTS.

gTTS is used only for what it does well: cleaning and splitting the text into parts of at most
100 characters and building one HTTP request per part. Sending is done here, because gTTS's
own `stream()`/`save()`:

- send with no timeout by default, so a stalled connection hangs the build forever;
- open a new `requests.Session` for every part, so tests cannot inject a transport;
- switch TLS certificate checking off (`verify=False`) and silence the warning;
- never retry, and report every failure as the same `gTTSError`;
- treat a 200 answer that has no audio line in it as zero bytes of audio, not as an error;
- (`save()`) open the output file before the first request, leaving an empty file behind.

So this engine takes gTTS's prepared requests and sends them through one `requests.Session`
(injectable), with a timeout on every send, bounded retries with exponential backoff, a pause
between requests, and a check that each answer holds complete MP3 audio. Nothing is written to
disk: the MP3 parts are joined in memory and decoded to PCM by ffmpeg.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import errno
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Literal
from urllib.parse import urlsplit

import gtts
import gtts.lang
import requests
from urllib3.exceptions import NameResolutionError

from toolkit.audio.engine import Speech
from toolkit.errors import ConfigError, EngineError, NetworkError
from toolkit.voice import VoiceProfile

__all__ = [
    "MAX_BACKOFF_S",
    "MAX_RETRY_AFTER_S",
    "OFFLINE_VOICE",
    "GttsEngine",
    "backoff_delays",
    "extract_audio",
    "mp3_problem",
]

#: The built-in offline voice that error messages point to when the online one fails.
OFFLINE_VOICE = "default"
#: No single wait between two tries is longer than this, whatever the retry count.
MAX_BACKOFF_S = 30.0
#: A Retry-After up to this long is waited out; a longer one ends the build at once, because
#: sitting silent for many minutes looks exactly like the hang this engine exists to avoid.
MAX_RETRY_AFTER_S = 60.0

# gTTS parses answers inline in `stream()` (there is no helper to reuse); this is its pattern.
# The audio sits, base64-encoded, inside a JSON string inside a JSON array on one line.
_RPC_ID = gtts.gTTS.GOOGLE_TTS_RPC
_AUDIO_RE = re.compile(re.escape(_RPC_ID) + r'","\[\\"(.*)\\"]')

_TLD_RE = re.compile(r"[a-z]{2,63}(\.[a-z]{2,63}){0,2}")

_FailureKind = Literal["connect", "timeout", "rate", "server", "incomplete"]


@dataclass(frozen=True)
class _Failure:
    """One failed try that is worth repeating, and how to describe it if it is the last."""

    kind: _FailureKind
    detail: str
    retry_after: float | None = None


class _Retryable(Exception):
    """Raised inside a try for a failure that another try may not have."""

    def __init__(self, failure: _Failure) -> None:
        super().__init__(failure.detail)
        self.failure = failure


class _GiveUp(Exception):
    """Raised inside a try when repeating it cannot help (the caller turns it into the error)."""

    def __init__(self, error: EngineError) -> None:
        super().__init__(str(error))
        self.error = error


def backoff_delays(retries: int, backoff_s: float) -> list[float]:
    """The waits before each retry: doubling from `backoff_s`, each capped at MAX_BACKOFF_S.

    No random jitter: requests go out one at a time from one machine, so there is no herd of
    clients to spread out, and a fixed sequence keeps the worst case easy to state (the sum).
    """
    return [min(backoff_s * 2**n, MAX_BACKOFF_S) for n in range(retries)]


def extract_audio(body: bytes) -> bytes:
    """The MP3 bytes in one answer of the TTS endpoint, read the way gTTS reads them.

    Raises ValueError when the answer holds no audio or the audio cannot be decoded, so that a
    cut-off or garbled answer is a failure instead of silently missing speech.
    """
    text = body.decode("utf-8", errors="replace")
    chunks: list[bytes] = []
    for line in text.splitlines():
        if _RPC_ID not in line:
            continue
        found = _AUDIO_RE.search(line)
        if found is None:
            raise ValueError("an answer line names the speech call but holds no audio")
        try:
            chunks.append(base64.b64decode(found.group(1).encode("ascii"), validate=True))
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise ValueError(f"the audio is not valid base64 ({exc})") from exc
    if not chunks:
        raise ValueError("the answer holds no audio")
    audio = b"".join(chunks)
    problem = mp3_problem(audio)
    if problem is not None:
        raise ValueError(problem)
    return audio


# MPEG audio frame header tables, indexed by (version, layer) as in the header bits.
_BITRATES_KBPS: dict[tuple[int, int], tuple[int, ...]] = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES: dict[int, tuple[int, int, int]] = {
    1: (44100, 48000, 32000),
    2: (22050, 24000, 16000),
    25: (11025, 12000, 8000),
}


def _frame_length(header: bytes) -> int | None:
    """Bytes in the MPEG audio frame starting with `header` (4 bytes); None if not a header."""
    if header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = {0b00: 25, 0b10: 2, 0b11: 1}.get((header[1] >> 3) & 0b11)
    layer = {0b01: 3, 0b10: 2, 0b11: 1}.get((header[1] >> 1) & 0b11)
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 0b11
    if version is None or layer is None or bitrate_index in (0, 15) or rate_index == 3:
        return None  # reserved values, or free format (length unknowable): not a frame we walk
    bitrate = _BITRATES_KBPS[(min(version, 2), layer)][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // sample_rate + padding) * 4
    if layer == 3 and version != 1:
        return 72 * bitrate // sample_rate + padding
    return 144 * bitrate // sample_rate + padding


def mp3_problem(data: bytes) -> str | None:
    """Why `data` is not complete MP3 audio, or None when it looks complete.

    Walks the frames from the start: the answer is cut short when the last frame's header
    promises more bytes than arrived. Anything after the last whole frame that is not a frame
    header (an ID3v1 tag, padding) is accepted, because only truncation matters here.
    """
    pos = 0
    if data[:3] == b"ID3":
        if len(data) < 10:
            return "the MP3 tag is cut short"
        size = 0
        for byte in data[6:10]:
            size = (size << 7) | (byte & 0x7F)
        pos = 10 + size + (10 if data[5] & 0x10 else 0)
        if pos > len(data):
            return "the MP3 tag is cut short"
    frames = 0
    while pos < len(data):
        header = data[pos : pos + 4]
        if len(header) < 4:
            if header[0] == 0xFF:
                return "the last MP3 frame is cut short"
            break
        length = _frame_length(header)
        if length is None:
            break
        if pos + length > len(data):
            return "the last MP3 frame is cut short"
        pos += length
        frames += 1
    if frames == 0:
        return "the audio is not MP3"
    return None


def _retry_after_s(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _root_causes(exc: BaseException) -> list[BaseException]:
    """The chain under a requests exception: urllib3 wraps the socket error several layers deep
    (in `args[0]`, `.reason` and `__context__`), and the innermost names what really happened."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(chain) < 12:
        seen.add(id(current))
        chain.append(current)
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            current = reason
        elif current.args and isinstance(current.args[0], BaseException):
            current = current.args[0]
        else:
            current = current.__cause__ or current.__context__
    return chain


def _connect_detail(exc: BaseException, host: str) -> str:
    """A few words on why a connection could not be made, for the one-line message."""
    for cause in reversed(_root_causes(exc)):
        if isinstance(cause, socket.gaierror | NameResolutionError):
            return f"the name {host} could not be looked up"
        if isinstance(cause, ConnectionRefusedError):
            return "the connection was refused"
        if isinstance(cause, OSError) and cause.errno is not None:
            if cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
                return "there is no route to the network"
            return cause.strerror or f"error {cause.errno}"
    if isinstance(exc, requests.exceptions.SSLError):
        return "the secure connection failed"
    if isinstance(exc, requests.exceptions.ProxyError):
        return "the proxy could not be reached"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connecting timed out"
    return "the connection failed"


def _status_text(status: int, reason: str | None) -> str:
    if not reason:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"HTTP {status} {reason}".strip()


class GttsEngine:
    """Speaks with Google Translate's voice (needs the internet), as a toolkit Engine.

    `session` carries every request (tests mount a fake adapter on one); when none is given the
    engine makes its own and `close()` releases it. A session is not shared between threads,
    so parallel builds give each worker its own engine.
    """

    def __init__(
        self,
        voice: VoiceProfile,
        *,
        session: requests.Session | None = None,
        timeout: float = 15.0,
        retries: int = 4,
        backoff_s: float = 1.0,
        request_pause_s: float = 0.3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if voice.engine != "gtts":
            raise ValueError(f"voice {voice.name!r} is for engine {voice.engine!r}, not gtts")
        if not timeout > 0:
            raise ValueError(
                "timeout must be positive: without one a stalled request waits forever"
            )
        if retries < 0 or backoff_s < 0 or request_pause_s < 0:
            raise ValueError("retries, backoff_s and request_pause_s must not be negative")
        # Checked here, offline, so a typo in a profile fails before any request is sent
        # (gTTS's own check would also print a deprecation warning for tags like "en-us").
        if voice.language not in gtts.lang.tts_langs():
            raise ConfigError(
                f"gTTS does not speak language {voice.language!r}",
                path=voice.source,
                hint="use a gTTS language code such as 'en' (see `gtts-cli --all`)",
            )
        if not _TLD_RE.fullmatch(voice.tld):
            raise ConfigError(
                f"tld must be a Google domain ending such as 'com' or 'co.uk', not {voice.tld!r}",
                path=voice.source,
                hint="fix the voice profile",
            )
        self.voice = voice
        self._owns_session = session is None
        self._session = requests.Session() if session is None else session
        self._timeout = float(timeout)
        self._retries = retries
        self._delays = backoff_delays(retries, backoff_s)
        self._request_pause_s = request_pause_s
        self._sleep = sleep
        self._sent_any = False

    def identity(self) -> str:
        """Everything that changes the audio, for the synthesis cache key."""
        v = self.voice
        return (
            f"gtts {gtts.__version__} lang={v.language} tld={v.tld} "
            f"slow={str(v.slow).lower()} rate={v.sample_rate}"
        )

    def close(self) -> None:
        """Release the connection pool, if this engine made the session."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> GttsEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def synthesize(self, text: str) -> Speech:
        """Speak one sentence: one request per gTTS part, MP3 joined, decoded to PCM.

        gTTS gives no word times, so `words` is empty. Text with nothing speakable in it (only
        spaces or punctuation) gives empty audio without contacting the service.
        """
        prepared = self._prepare(text)
        if not prepared:
            return Speech(pcm=b"", sample_rate=self.voice.sample_rate)
        mp3 = b"".join(self._fetch(request) for request in prepared)

        # Imported here so that the module (and its tests) load without the ffmpeg helper.
        from toolkit.audio.ffmpeg import decode_to_pcm

        pcm = decode_to_pcm(mp3, self.voice.sample_rate)
        if not pcm:
            raise EngineError(
                f"the online voice {self.voice.name!r} sent audio that decodes to nothing",
                hint=f"try again later, or use an offline voice: --voice {OFFLINE_VOICE}",
            )
        return Speech(pcm=pcm, sample_rate=self.voice.sample_rate)

    def _prepare(self, text: str) -> list[requests.PreparedRequest]:
        if not text.strip():
            return []
        tts = gtts.gTTS(
            text,
            tld=self.voice.tld,
            lang=self.voice.language,
            slow=self.voice.slow,
            lang_check=False,  # done once in __init__
            timeout=self._timeout,
        )
        try:
            # Private, but it is exactly the part of gTTS worth reusing: its text cleaning,
            # the <=100-character split and the RPC packaging. The version is in identity().
            requests_: list[requests.PreparedRequest] = tts._prepare_requests()
        except AssertionError:  # gTTS asserts when cleaning leaves nothing to say
            return []
        return requests_

    def _fetch(self, request: requests.PreparedRequest) -> bytes:
        """Send one part until it yields audio, a reason to stop, or the retries run out."""
        if self._sent_any and self._request_pause_s > 0:
            self._sleep(self._request_pause_s)  # spacing requests is what keeps 429s away
        self._sent_any = True
        failure: _Failure | None = None
        cause: BaseException | None = None
        for attempt in range(self._retries + 1):
            if failure is not None:
                delay = self._delays[attempt - 1]
                if failure.retry_after is not None:
                    delay = max(delay, failure.retry_after)
                self._sleep(delay)
            try:
                return self._try_once(request)
            except _GiveUp as stop:
                raise stop.error from stop.__cause__
            except _Retryable as retry:
                failure, cause = retry.failure, retry.__cause__
                if failure.retry_after is not None and failure.retry_after > MAX_RETRY_AFTER_S:
                    break  # told to wait longer than is sensible: stop now, say how long
        assert failure is not None
        raise self._exhausted(failure, attempt + 1) from cause

    def _try_once(self, request: requests.PreparedRequest) -> bytes:
        url = request.url or ""
        host = urlsplit(url).hostname or url
        # Session.send (unlike Session.request) skips the environment's CA bundle settings.
        settings = self._session.merge_environment_settings(url, {}, None, None, None)
        try:
            response = self._session.send(request, timeout=self._timeout, **settings)
        except requests.exceptions.ConnectTimeout as exc:
            raise _Retryable(_Failure("connect", _connect_detail(exc, host))) from exc
        except requests.exceptions.Timeout as exc:
            raise _Retryable(_Failure("timeout", "no answer in time")) from exc
        except requests.exceptions.ConnectionError as exc:
            raise _Retryable(_Failure("connect", _connect_detail(exc, host))) from exc
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise _Retryable(_Failure("incomplete", "the answer was cut off")) from exc
        except requests.exceptions.RequestException as exc:
            raise _GiveUp(
                EngineError(
                    f"the online voice {self.voice.name!r} could not be asked: {exc}",
                    path=self.voice.source,
                    hint="check the voice profile's language and tld",
                )
            ) from exc

        status = response.status_code
        status_text = _status_text(status, response.reason)
        if status == 429:
            wait = _retry_after_s(response.headers.get("Retry-After"))
            raise _Retryable(_Failure("rate", status_text, wait))
        if status >= 500:
            wait = _retry_after_s(response.headers.get("Retry-After"))
            raise _Retryable(_Failure("server", status_text, wait))
        if status >= 400:
            hint = (
                "gTTS may be out of date after a change at Google: update it (pip install -U gTTS)"
            )
            if status == 404 and self.voice.tld != "com":
                hint = f"the domain translate.google.{self.voice.tld} may not offer speech"
            raise _GiveUp(
                EngineError(
                    f"the online voice {self.voice.name!r} refused the request ({status_text})",
                    hint=f"{hint}, or use an offline voice: --voice {OFFLINE_VOICE}",
                )
            )
        try:
            return extract_audio(response.content)
        except ValueError as exc:
            raise _Retryable(_Failure("incomplete", str(exc))) from exc

    def _exhausted(self, failure: _Failure, tries: int) -> NetworkError:
        """The one-line error for a failure that kept happening."""
        name = self.voice.name
        offline = f"use an offline voice: --voice {OFFLINE_VOICE}"
        attempts = f"{tries} {'try' if tries == 1 else 'tries'}"
        if failure.kind == "connect":
            return NetworkError(
                f"could not reach the online voice {name!r} ({failure.detail})",
                hint=f"check the internet connection, or {offline}",
            )
        if failure.kind == "timeout":
            return NetworkError(
                f"the online voice {name!r} did not answer within {self._timeout:g} s ({attempts})",
                hint=f"try again later, or {offline}",
            )
        if failure.kind == "rate":
            if failure.retry_after is not None and failure.retry_after > MAX_RETRY_AFTER_S:
                return NetworkError(
                    f"the online voice {name!r} is rate-limiting this computer "
                    f"({failure.detail}, asked to wait {failure.retry_after:.0f} s)",
                    hint=f"try again after that, or {offline}",
                )
            return NetworkError(
                f"the online voice {name!r} is rate-limiting this computer "
                f"({failure.detail}, {attempts})",
                hint=f"wait an hour or so before trying again, or {offline}",
            )
        if failure.kind == "server":
            return NetworkError(
                f"the online voice {name!r} kept failing with server errors "
                f"({failure.detail}, {attempts})",
                hint=f"try again later, or {offline}",
            )
        return NetworkError(
            f"the online voice {name!r} kept sending incomplete answers "
            f"({failure.detail}, {attempts})",
            hint=f"try again later, or {offline}",
        )
