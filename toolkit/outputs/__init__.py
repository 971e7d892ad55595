"""Outputs: the text files of an episode kit, composed from the episode and its timeline.

Every function here is pure (data in, a string out) and deterministic, so an unchanged
rebuild writes the same bytes; build.py writes the results atomically.

- `script`: script.md for the narrator and narration.txt for the engine.
- `subtitles`: SRT and WebVTT.
- `chapters`: YouTube chapters and Podcasting 2.0 JSON chapters.
- `page`: the episode preview page and the catalogue page.
"""
