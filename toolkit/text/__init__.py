"""Text: from the episode file to narrated sentences.

Takes an episode file (Markdown with front matter), the channel and its templates; gives an
`Episode` whose segments hold paragraphs of sentences, each sentence with its printed text
and the tokens that link it to what the engine says.

- `article`: parse the episode file into an Article (blocks: heading, paragraph, caption).
- `assemble`: intro + one segment per section + outro, captions kept as visual cues.
- `sentences`: split paragraphs into sentences.
- `speak`: speakable text, one module per kind of thing a narrator reads (numbers, dates,
  money, codes, words) and the grouping of neighbouring words into one spoken unit.
- `lexicon`: the channel's and the voice's pronunciation files.
- `lint`: what will sound or read wrong, reported as `file:line: message`.
"""
