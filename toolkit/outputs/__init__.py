"""Outputs: the text files of an episode kit, composed from the episode and its timeline.

Every function here is pure (data in, a string out) and deterministic, so an unchanged
rebuild writes the same bytes; build.py writes the results atomically. The one exception
is `kits`, which reads the channel's files (cheaply) to say which kits need building.

- `script`: script.md for the narrator and narration.txt for the engine.
- `subtitles`: SRT and WebVTT.
- `chapters`: YouTube chapters and Podcasting 2.0 JSON chapters.
- `page`: the episode preview page and the catalogue page.
- `manifest`: what a kit was built from (input digests, output sizes), composed and compared.
- `kits`: the episode files, the uniqueness check, each kit's inputs and whether it is current.
"""
