"""Audio: speech engines, the sentence cache, the narrated draft and the MP3.

Takes an `Episode` with its cues and a voice profile; gives PCM per sentence (cached),
the joined narration with real times for every cue, and a tagged, chaptered MP3 at podcast
loudness.

- `engine`: what every engine returns (PCM and word marks).
- `espeak`, `gtts_engine`: the offline and the online engine.
- `piper_engine`: the natural offline voice (Piper on onnxruntime), word times carried
  over from espeak's rendering by toolkit.align.warp.
- `cache`: synthesized sentences under build/.cache, keyed by text and engine identity.
- `wordmarks`: from an engine's word marks to a time for every token.
- `narrate`: synthesize, join once with the voice's pauses, time the cues.
- `mp3`: loudness, limiter and the one MP3 encode with ID3 tags and chapters.
- `music`: the channel's theme mixed under the intro and outro (before the encode).
- `ffmpeg`: the edge around the bundled ffmpeg binary.
"""
