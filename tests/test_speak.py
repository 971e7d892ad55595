"""Speakable text: printed -> spoken cases for every rule, and properties of the normalizer."""

from __future__ import annotations

import pickle
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from toolkit.text.speak import (
    EMPTY_LEXICON,
    Lexicon,
    Token,
    count_spoken_words,
    find_unspeakable,
    speak_sentence,
    spoken_text,
    word_core,
)


def say(text: str, lexicon: Lexicon = EMPTY_LEXICON) -> str:
    return spoken_text(speak_sentence(text, lexicon))


# (printed, spoken), grouped by rule. Sentences without a final period stay without one.
CASES = [
    # years
    ("in 1962", "in nineteen sixty-two"),
    ("in 1905", "in nineteen oh five"),
    ("in 2002", "in two thousand two"),
    ("in 2016", "in twenty sixteen"),
    ("in 1900", "in nineteen hundred"),
    ("in 1066", "in ten sixty-six"),
    ("in 2000", "in two thousand"),
    ("1500 soldiers", "one thousand five hundred soldiers"),
    # decades
    ("the 1960s", "the nineteen sixties"),
    ("the '60s", "the sixties"),
    ("the 1900s", "the nineteen hundreds"),
    ("the 1920's", "the nineteen twenties"),
    ("the 2010s", "the twenty tens"),
    # ordinals
    ("the 24th", "the twenty-fourth"),
    ("his 1st flight", "his first flight"),
    ("the 101st Airborne", "the one hundred first Airborne"),
    ("the 20th-century", "the twentieth-century"),
    # full dates
    ("November 24, 1941", "November twenty-fourth, nineteen forty-one"),
    ("On November 24, 1941, it began.", "On November twenty-fourth, nineteen forty-one, it began."),
    ("6 September 1976", "the sixth of September, nineteen seventy-six"),
    ("on the 6th of September", "on the sixth of September"),
    ("the 6th of September 1976", "the sixth of September, nineteen seventy-six"),
    ("in September 1976", "in September nineteen seventy-six"),
    ("on 3 March 1937 the", "on the third of March, nineteen thirty-seven the"),
    ("Nov. 24, 1941", "November twenty-fourth, nineteen forty-one"),
    ("1941-12-07", "December seventh, nineteen forty-one"),
    ("on 22/11/1963", "on November twenty-second, nineteen sixty-three"),
    ("on 7.12.1941", "on December seventh, nineteen forty-one"),
    # year ranges
    ("1941-2016", "nineteen forty-one to twenty sixteen"),
    ("1941–45", "nineteen forty-one to forty-five"),
    ("1939–1945", "nineteen thirty-nine to nineteen forty-five"),
    ("pages 10-20", "pages ten to twenty"),
    ("the 1960s–70s", "the nineteen sixties to seventies"),
    # times
    ("at 3 PM", "at three P M"),
    ("at 4:30", "at four thirty"),
    ("at 10:01 a.m. sharp", "at ten oh one A M sharp"),
    ("at 3pm", "at three P M"),
    ("at 4:00", "at four o'clock"),
    ("at 15:00", "at fifteen hundred"),
    ("at 9:05", "at nine oh five"),
    # money
    ("$5", "five dollars"),
    ("$1", "one dollar"),
    ("1$", "one dollar"),
    ("€20", "twenty euros"),
    ("£3.50", "three pounds fifty"),
    ("$0.25", "twenty-five cents"),
    ("$2 million", "two million dollars"),
    ("$2.5bn", "two point five billion dollars"),
    ("40.000 dollars", "forty thousand dollars"),
    ("$5,000", "five thousand dollars"),
    ("€ 20", "twenty euros"),
    # decimals
    ("1,95 meters", "one point nine five meters"),
    ("3.5 tons", "three point five tons"),
    ("0,5 liters", "zero point five liters"),
    ("1,234.56", "one thousand two hundred thirty-four point five six"),
    ("1.234,5", "one thousand two hundred thirty-four point five"),
    (".45 caliber", "point four five caliber"),
    # thousands separators
    ("1,000 men", "one thousand men"),
    ("40.000 men", "forty thousand men"),
    ("1,000,000", "one million"),
    ("10 000 men", "ten thousand men"),
    ("1,000s of", "thousands of"),
    # percentages
    ("50%", "fifty percent"),
    ("3.5%", "three point five percent"),
    ("20–30%", "twenty to thirty percent"),
    # fractions and slashes
    ("24/7", "twenty-four seven"),
    ("1/2", "one half"),
    ("3/4", "three quarters"),
    ("9/11", "nine eleven"),
    ("the winter of 1941/42", "the winter of nineteen forty-one forty-two"),
    ("a 3:2 win", "a three to two win"),
    ("and/or", "and or"),
    ("he/she", "he or she"),
    ("1 1/2 miles", "one and a half miles"),
    ("2½", "two and a half"),
    # vulgar fractions, as a narrator says them
    ("3½ million", "three and a half million"),
    ("some 2¾ miles", "some two and three quarters miles"),
    ("4 ¼ hours", "four and a quarter hours"),
    ("½ mile", "a half mile"),
    ("¼ of the crew", "a quarter of the crew"),
    ("⅓ of the fleet", "a third of the fleet"),
    ("½ of the town", "half of the town"),
    ("walked ½ a mile", "walked half a mile"),
    ("the ½ mark", "the half mark"),
    ("¾ of them", "three quarters of them"),
    ("⅛ inch", "an eighth inch"),
    ("a 3½-inch shell", "a three and a half-inch shell"),
    ("a ½-mile march", "a half-mile march"),
    # years with an era, or marked by circa
    ("c. 2560 BC", "circa twenty-five sixty B C"),
    ("AD 79", "A D seventy-nine"),
    ("in 44 BC.", "in forty-four B C."),
    ("in 1066 AD", "in ten sixty-six A D"),
    ("by 753 B.C.", "by seven fifty-three B C."),
    ("AD 410", "A D four ten"),
    ("in 3100 BCE", "in thirty-one hundred B C E"),
    ("79 CE", "seventy-nine C E"),
    ("ca. 1250 BC", "circa twelve fifty B C"),
    ("circa 2560", "circa twenty-five sixty"),
    ("c.2560", "circa twenty-five sixty"),
    ("c. 2600–2500 BC", "circa twenty-six hundred to twenty-five hundred B C"),
    ("from 300 BC–AD 200", "from three hundred B C to A D two hundred"),
    ("c. 2500 men", "circa two thousand five hundred men"),
    ("10,000 BC", "ten thousand B C"),
    ("~2500 BC", "about twenty-five hundred B C"),
    ("from 2560 to 2540 BC", "from twenty-five sixty to twenty-five forty B C"),
    ("between 753 and 509 BC", "between seven fifty-three and five oh nine B C"),
    ("£3½ million", "three and a half million pounds"),
    ("$1½ million", "one and a half million dollars"),
    ("a 2½% rise", "a two and a half percent rise"),
    ("the 5th century BC", "the fifth century B C"),
    # decades and ranges of years
    ("the 1840s", "the eighteen forties"),
    ("the mid-1800s", "the mid-eighteen hundreds"),
    ("the ’60s", "the sixties"),
    ("the 1960s and 70s", "the nineteen sixties and seventies"),
    ("1914–1918", "nineteen fourteen to nineteen eighteen"),
    ("1939-45", "nineteen thirty-nine to forty-five"),
    # designations
    ("the MiG-25", "the MiG twenty-five"),
    ("B-59", "B fifty-nine"),
    ("K-19", "K nineteen"),
    ("PPSh-41", "P P Sh forty-one"),
    ("SR-71", "S R seventy-one"),
    ("F-104", "F one oh four"),
    ("Su-27", "S U twenty-seven"),
    ("AK-47", "A K forty-seven"),
    ("B-52s", "B fifty-twos"),
    ("Tu-144", "T U one forty-four"),
    ("Y2K", "Y two K"),
    ("T-34/85", "T thirty-four eighty-five"),
    ("the Bf 109", "the B F one oh nine"),
    ("a Boeing 747", "a Boeing seven forty-seven"),
    ("the 747s", "the seven forty-sevens"),
    ("Apollo 11", "Apollo eleven"),
    # Roman numerals after names
    ("World War II", "World War Two"),
    ("World War I.", "World War One."),
    ("Pope John Paul II", "Pope John Paul the Second"),
    ("Louis XIV", "Louis the Fourteenth"),
    ("Henry VIII's wives", "Henry the Eighth's wives"),
    ("Elizabeth I", "Elizabeth the First"),
    ("Malcolm X", "Malcolm X"),
    ("then I said", "then I said"),
    ("Part IV", "Part Four"),
    ("WWII", "World War Two"),
    # acronyms
    ("the USSR", "the U S S R"),
    ("the FBI", "the F B I"),
    ("NATO", "Nato"),
    ("NASA and UNESCO", "Nasa and Unesco"),
    ("the NKVD", "the N K V D"),
    ("a CIA-backed coup", "a C I A-backed coup"),
    ("post-WWII", "post-World War Two"),
    ("POWs", "P O W's"),
    ("the FBI's files", "the F B I's files"),
    ("he did NOT return", "he did not return"),
    ("THE STOLEN JET", "The Stolen Jet"),
    # abbreviations
    ("Dr. Smith", "Doctor Smith"),
    ("St. Petersburg", "Saint Petersburg"),
    ("on Baker St.", "on Baker Street."),
    ("the U.S. Navy", "the U S Navy"),
    ("e.g. this", "for example this"),
    ("i.e. that", "that is that"),
    ("and so on, etc.", "and so on, et cetera."),
    ("Mr. and Mrs. Smith", "Mister and Missus Smith"),
    ("Lt. Gen. Capt. Smith", "Lieutenant General Captain Smith"),
    ("No. 5", "number five"),
    ("Nelson vs. Napoleon", "Nelson versus Napoleon"),
    ("John F. Kennedy", "John F Kennedy"),
    ("c. 1900", "circa nineteen hundred"),
    # ordinary numbers
    ("21-year-old", "twenty-one-year-old"),
    ("112 steps", "one hundred twelve steps"),
    ("5 km", "five kilometers"),
    ("1 km", "one kilometer"),
    ("5km", "five kilometers"),
    ("24 hrs", "twenty-four hours"),
    ("-40°C", "minus forty degrees Celsius"),
    ("#1", "number one"),
    ("mid-1960s", "mid-nineteen sixties"),
    ("007", "zero zero seven"),
    # symbols a narrator skips
    ("Wow (!) really", "Wow really"),
    ("it (sic) was", "it was"),
    ("as he said[12] then", "as he said then"),
    ("so [citation needed].", "so."),
    ("wait... what", "wait, what"),
    ("wait…", "wait."),
    ("the jet — a prototype — flew", "the jet, a prototype, flew"),
    ("the jet—a prototype—flew", "the jet, a prototype, flew"),
    ('"Stop," he said.', "Stop, he said."),
    ("*really*", "really"),
    ("R&D", "R and D"),
    ("salt & pepper", "salt and pepper"),
    ("the Molotov–Ribbentrop Pact", "the Molotov-Ribbentrop Pact"),
    ("don’t", "don't"),
    # anything else with digits still comes out as words
    ("X7Y2Z", "X seven Y two Z"),
    ("x²", "x two"),
    ("١٢٣", "one hundred twenty-three"),
    ("www.example.com", "W W W dot example dot com"),
    ("patreon.com/thechannel.", "patreon dot com slash thechannel."),
    ("mail@example.org", "mail at example dot org"),
]


@pytest.mark.parametrize(("printed", "spoken"), CASES, ids=[c[0] for c in CASES])
def test_printed_to_spoken(printed: str, spoken: str) -> None:
    assert say(printed) == spoken


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 70


def test_spoken_forms_are_stable() -> None:
    for _, spoken in CASES:
        assert say(spoken) == spoken, spoken


# --- tokens -------------------------------------------------------------------------------


def test_words_spoken_as_one_unit_are_one_token() -> None:
    tokens = speak_sentence("On November 24, 1941, at 3 PM, World War II reached Louis XIV.")
    displays = [t.display for t in tokens]
    assert "November 24, 1941," in displays
    assert "3 PM," in displays
    assert "World War II" in displays
    assert "Louis XIV." in displays


def test_display_is_untouched_and_spoken_is_linked() -> None:
    tokens = speak_sentence("  The  MiG-25 (!)  landed\tin 1976.  ")
    assert tokens == (
        Token("The", "The"),
        Token("MiG-25", "MiG twenty-five"),
        Token("(!)", ""),
        Token("landed", "landed"),
        Token("in", "in"),
        Token("1976.", "nineteen seventy-six."),
    )


def test_empty_text_has_no_tokens() -> None:
    assert speak_sentence("") == ()
    assert speak_sentence(" \n\t ") == ()
    assert spoken_text(()) == ""


def test_count_spoken_words_counts_what_the_engine_says() -> None:
    assert count_spoken_words(speak_sentence("In 1962 (!)")) == 3


def test_a_dash_alone_at_the_start_adds_no_pause() -> None:
    assert say("— and then") == "and then"


def test_counted_years_and_dates_are_not_confused() -> None:
    assert say("November 24 soldiers") == "November twenty-four soldiers"
    assert say("24 hours") == "twenty-four hours"


@pytest.mark.parametrize(
    "text",
    [
        "1" * 20000,
        "1" * 9000 + "th",
        "$" + "1" * 5000 + ".50",
        "1" * 5000 + "/2",
        "No. " + "9" * 5000,
    ],
)
def test_huge_numbers_are_read_digit_by_digit(text: str) -> None:
    spoken = say(text)
    assert_no_digits(spoken)
    assert spoken.count("one") + spoken.count("nine") >= 5000


def test_find_unspeakable_reports_guesses_only() -> None:
    assert find_unspeakable("In 1962 the MiG-25 flew 24/7.") == ()
    found = find_unspeakable("The code ⅏ was 12:34:56:78 ✈ ok")
    assert [t.display for t in found] == ["⅏", "12:34:56:78", "✈"]
    assert all(not any(ch.isdigit() for ch in t.spoken) for t in found)


def test_unspeakable_tokens_are_the_speak_sentence_tokens() -> None:
    text = "November 24, 1941 12:34:56:78"
    assert set(find_unspeakable(text)) <= set(speak_sentence(text))


# --- lexicon in speech ----------------------------------------------------------------------


def test_lexicon_changes_speech_not_display() -> None:
    lexicon = Lexicon(words={"Belenko": "bell yen koh"})
    tokens = speak_sentence("Viktor Belenko's MiG, Belenko.", lexicon)
    assert spoken_text(tokens) == "Viktor bell yen koh's MiG, bell yen koh."
    assert " ".join(t.display for t in tokens) == "Viktor Belenko's MiG, Belenko."


def test_lexicon_exact_entries_are_case_sensitive() -> None:
    lexicon = Lexicon(words={"Reading": "redding"})
    assert say("Reading is reading", lexicon) == "redding is reading"


def test_lexicon_folded_entries_match_any_case() -> None:
    lexicon = Lexicon(folded={"nato": "nay toe"})
    assert say("NATO nato Nato", lexicon) == "nay toe nay toe nay toe"


def test_lexicon_exact_entry_wins_over_folded() -> None:
    lexicon = Lexicon(words={"NATO": "N A T O"}, folded={"nato": "nay toe"})
    assert say("NATO Nato", lexicon) == "N A T O nay toe"


def test_lexicon_comes_before_normalization() -> None:
    lexicon = Lexicon(words={"1984": "nineteen eighty-four, the novel", "B-29": "B 29"})
    assert say("1984 and 1984", lexicon).startswith("nineteen eighty-four, the novel")
    assert say("a B-29", lexicon) == "a B twenty-nine"


def test_lexicon_is_hashable_comparable_and_picklable() -> None:
    one = Lexicon(words={"a": "b"}, folded={"C": "d"})
    two = Lexicon(words={"a": "b"}, folded={"c": "d"})
    assert one == two and hash(one) == hash(two)
    assert {one: 1}[two] == 1
    speak_sentence("a c", one)
    copy = pickle.loads(pickle.dumps(one))
    assert copy == one and hash(copy) == hash(one)
    assert say("a c", copy) == "b d"
    assert hash(EMPTY_LEXICON) == hash(Lexicon())


def test_lexicon_does_not_leak_into_other_lexicons() -> None:
    assert say("Belenko", Lexicon(words={"Belenko": "bell yen koh"})) == "bell yen koh"
    assert say("Belenko") == "Belenko"


def test_word_core_strips_marks_but_keeps_abbreviation_periods() -> None:
    assert word_core("(Belenko’s,") == "Belenko’s"
    assert word_core('"Dr.') == "Dr."
    assert word_core("U.S.)") == "U.S."


# --- properties -----------------------------------------------------------------------------

# Words that exercise the rules and their interactions, mixed into random text.
VOCABULARY = [w for case in CASES for w in case[0].split()] + [
    "Henry", "I", "V", "X", "War", "World", "the", "(!)", "—", "…", "May", "of", "PM",
    "a.m.", "million", "No.", "St.", "Dr.", "km", "c.", "A", "I.", "F.", "II", "IRA", "USSR",
    "1", "24", "1941", "1941,", "September", "$", "€", "1/2", "R", ",", ".", "?", "'s",
    "Louis", "XIV", "Paul", "Pope", "St", "Baker", "Dr", "Bf", "109", "10", "000", "5", "ca.",
    "[citation", "needed]", "m", "V0", "Part", "&", "%", "Nov.", "6th", "$2", "billion",
]  # fmt: skip


def assert_no_digits(text: str) -> None:
    assert not any(ch.isnumeric() for ch in text), text


core = st.sampled_from(VOCABULARY)
marked_word = st.builds(
    lambda lead, word, trail: lead + word + trail,
    st.sampled_from(["", "", "", "(", '"', "“", "—", "…", "'", "*"]),
    core,
    st.sampled_from(["", "", "", ",", ".", ")", "?!", "...", "—", '"', ".)", ":", "'s", ".."]),
)
glued_words = st.builds(
    lambda left, sep, right: left + sep + right,
    core,
    st.sampled_from(["-", "/", "—", "–", "", ".", ",", "(", "&"]),
    core,
)
random_word = st.text(min_size=1, max_size=8)
number_word = st.from_regex(
    r"\A[$€£#~(-]?[0-9]{1,20}(?:[.,:/–-][0-9]{1,20}){0,3}(?:st|th|s|%|km|pm|[$)])?\Z"
)
mixed_text = st.lists(
    st.one_of(marked_word, glued_words, random_word, number_word), max_size=12
).map(" ".join)
any_text = st.one_of(st.text(), mixed_text)


@settings(max_examples=400, deadline=None)
@given(any_text)
@example("Henry (!) I")
@example("Henry(I R")
@example("FBI CIA KGB")
@example("½²³⁴Ⅻ五")
def test_spoken_text_has_no_digits(text: str) -> None:
    assert_no_digits(say(text))


@settings(max_examples=400, deadline=None)
@given(any_text)
@example("Henry (!) I")
@example("Henry IRA")
@example("THE FBI AND MR SMITH")
@example("a––b")
@example("in/Nov.")
@example("24,–in")
@example("1962-Mrs.")
def test_speaking_is_idempotent(text: str) -> None:
    once = say(text)
    assert say(once) == once


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_display_joined_equals_normalised_input(text: str) -> None:
    tokens = speak_sentence(text)
    assert " ".join(t.display for t in tokens) == " ".join(text.split())
    assert all(t.display and t.display == " ".join(t.display.split()) for t in tokens)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_spoken_text_is_plain(text: str) -> None:
    spoken = say(text)
    assert spoken == " ".join(spoken.split())
    for token in speak_sentence(text):
        assert token.spoken == token.spoken.strip()
        assert token.spoken[:1] not in set(",.;:!?")
    # No symbol a narrator would not say: letters, apostrophes, hyphens and pause marks.
    for ch in spoken:
        assert ch.isalpha() or ch in " '-,.;:!?" or unicodedata.category(ch)[0] == "M", ch


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_unspeakable_never_raises_and_has_no_digits(text: str) -> None:
    for token in find_unspeakable(text):
        assert_no_digits(token.spoken)
