"""Hand-off: what the video and the audio editor import, placed at the kit's own timing.

Takes the assembled Episode, its cues and the kit's Timeline (estimated, measured from the
draft audio or aligned to the creator's recording) and the channel's [video] settings;
gives text files, each a pure function of those (same inputs, same bytes):

- `shotlist`: where each visual cue (caption) is reached in the narration, the markers
  (one per chapter, one per visual) and shotlist.csv.
- `labels`: labels.txt, an Audacity label track (chapters as ranges, visuals as points).
- `markers`: markers.edl (CMX 3600 locators) and markers.fcpxml, written through
  OpenTimelineIO's adapters at the channel's exact frame rate and start timecode.
"""
