"""Align: follow the creator's own recording of an episode.

Takes a recording (any audio ffmpeg decodes) and the episode's script; gives speech times
for every sentence and token in the recording, with the mismatches between the two and a
confidence per sentence, by warping the offline voice's rendition of the script (whose word
times are exact) onto the recording; and the kit's timing, files and master MP3 from them.

- `features`: floored log-mel cepstra every 10 ms, sustained background taken out.
- `dtw`: banded, coarse-to-fine dynamic time warping with linear memory.
- `warp`: carry times from one rendition of a text onto another (one sentence or more).
- `reference`: the script spoken by the offline voice, with long known pauses.
- `recording`: the aligner itself (pure): sentence and token times, mismatches, confidence.
- `decode`: read and check the recording with the bundled ffmpeg.
- `frontmatter`: write the `recording:` line, the rest of the episode file untouched.
- `follow`: the build's side: cache, timeline, timing.json additions, episode.mp3.
"""
