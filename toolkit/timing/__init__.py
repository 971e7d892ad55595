"""Timing: when each cue is heard and shown.

Takes an `Episode` and the channel's subtitle rules; gives cues (subtitle-sized runs of
tokens) and a `Timeline` of segments and cues in int milliseconds, estimated from the voice
profile's rate before any audio exists, or laid out over measured speech times.

- `cue`: split sentences into subtitle cues and break their lines.
- `timeline`: the estimate model, `lay_out` under the rule profile, and timing.json.
- `calibrate`: measure a voice's real rate and write it into its profile.
"""
