"""Publish: what a creator uploads, written from the kit.

Takes an episode's article, channel and Timeline (the kit's, however it was timed); gives
the YouTube description, podcast show notes, a Podcasting 2.0 JSON transcript, the podcast
feed over every built kit, and a video for YouTube.

- `notes`: the content the description and show notes share (summary, chapters, links).
- `description`: description.txt from a channel-overridable template, within YouTube's limits.
- `shownotes`: shownotes.html in the HTML subset podcast apps keep.
- `transcript`: transcript.json (Podcasting 2.0 JSON transcript).
- `feed`: build/feed.xml (RSS 2.0, iTunes and Podcasting 2.0 namespaces) from the kits.
- `video`: video.mp4 (cover or colour, chapter title cards, burned-in subtitles).
"""
