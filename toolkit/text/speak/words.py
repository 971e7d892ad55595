"""Words: abbreviations, acronyms, capitals, Roman numerals after names, plain words.

say_abbreviation (Dr., e.g., U.S.), say_acronym (FBI spelled, NATO said as a word, NOT for
emphasis), say_plain (a word as written), say_letters (a run of letters as the dispatch reads
it) and numeral_after / fix_numerals (Louis XIV -> Louis the Fourteenth, World War II -> World
War Two; a lone I, V or X is a numeral only after a regnal name). The word tables
(ABBREVIATIONS, WORD_ACRONYMS, SPELLED_ACRONYMS...) live here.
"""

from __future__ import annotations

import re
import unicodedata

from toolkit.text.speak.dates import MONTH_ABBREVIATIONS
from toolkit.text.speak.money import UNITS
from toolkit.text.speak.numbers import capitalize, cardinal, ordinal

# Abbreviations a narrator expands. Lower-case keys also match with a capital first letter
# (at the start of a sentence): "E.g." -> "For example".
ABBREVIATIONS: dict[str, str] = {
    "e.g.": "for example",
    "i.e.": "that is",
    "etc.": "et cetera",
    "etc": "et cetera",
    "vs.": "versus",
    "vs": "versus",
    "approx.": "approximately",
    "cf.": "compare",
    "viz.": "namely",
    "aka": "also known as",
    "a.k.a.": "also known as",
    "w/": "with",
    "w/o": "without",
    "c/o": "care of",
    "n/a": "not applicable",
    "and/or": "and or",
    "vol.": "volume",
    "pp.": "pages",
    "ch.": "chapter",
    "fig.": "figure",
    "a.m.": "A M",
    "p.m.": "P M",
    "A.M.": "A M",
    "P.M.": "P M",
    # Read by their neighbours in a sentence (see speak_context_word); these are the
    # readings when nothing around them tells.
    "St.": "Saint",
    "St": "Saint",
    "Dr.": "Doctor",
    "Dr": "Doctor",
    "Mr.": "Mister",
    "Mr": "Mister",
    "Mrs.": "Missus",
    "Mrs": "Missus",
    "Ms.": "Miz",
    "Prof.": "Professor",
    "Lt.": "Lieutenant",
    "Lt": "Lieutenant",
    "Gen.": "General",
    "Capt.": "Captain",
    "Capt": "Captain",
    "Col.": "Colonel",
    "Maj.": "Major",
    "Sgt.": "Sergeant",
    "Sgt": "Sergeant",
    "Cpl.": "Corporal",
    "Pvt.": "Private",
    "Adm.": "Admiral",
    "Cmdr.": "Commander",
    "Cdr.": "Commander",
    "Gov.": "Governor",
    "Sen.": "Senator",
    "Rep.": "Representative",
    "Rev.": "Reverend",
    "Pres.": "President",
    "Hon.": "Honorable",
    "Jr.": "Junior",
    "Sr.": "Senior",
    "Mt.": "Mount",
    "Ft.": "Fort",
    "Bros.": "Brothers",
    "Co.": "Company",
    "Corp.": "Corporation",
    "Inc.": "Incorporated",
    "Ltd.": "Limited",
    "Dept.": "Department",
    "Ave.": "Avenue",
    "Rd.": "Road",
    "Blvd.": "Boulevard",
    "Ph.D.": "P H D",
    "PhD": "P H D",
    "WWI": "World War One",
    "WWII": "World War Two",
    "WW1": "World War One",
    "WW2": "World War Two",
    "km/h": "kilometers per hour",
    "mph": "miles per hour",
    "kph": "kilometers per hour",
    # Symbols standing alone
    "&": "and",
    "%": "percent",
    "‰": "per mille",
    "+": "plus",
    "=": "equals",
    "@": "at",
    "§": "section",
    "°": "degrees",
    "°C": "degrees Celsius",
    "°F": "degrees Fahrenheit",
    "℃": "degrees Celsius",
    "℉": "degrees Fahrenheit",
    "×": "by",
    "~": "about",
    "$": "dollars",
    "€": "euros",
    "£": "pounds",
    "¥": "yen",
    "₽": "rubles",
    "₹": "rupees",
    "¢": "cents",
    **MONTH_ABBREVIATIONS,
}

for _key, _value in list(ABBREVIATIONS.items()):
    if _key[:1].islower():
        ABBREVIATIONS.setdefault(_key[:1].upper() + _key[1:], capitalize(_value))

# Acronyms said as words rather than spelled. Written in capitals so engines may spell them;
# the spoken text gives them a capital initial only ("Nato"), which every engine says as a word.
WORD_ACRONYMS = frozenset(
    """NATO NASA UNESCO UNICEF OPEC NAFTA AWOL SWAT NORAD ASEAN SEATO ANZAC ANZUS UEFA FIFA
    AIDS LASER RADAR SONAR SCUBA COVID TASS SALT START DARPA FEMA OSHA HAMAS ISIS INTERPOL
    SMERSH SPETSNAZ GULAG STASI GESTAPO COMECON COMINTERN CENTCOM NAVSTAR UNITA SWAPO
    FRELIMO ZANU NASCAR CERN WASP OVRA UNRRA SHAEF SACEUR NOAA ECOWAS MERCOSUR""".split()
)

# Acronyms always spelled, including ones with vowels that a rule would say as a word.
SPELLED_ACRONYMS = frozenset(
    """USSR USA US UK UN EU FBI CIA KGB GRU NKVD MGB OGPU GPU MVD FSB SVR BBC CBS NBC ABC CNN
    RAF RN USN USAF USAAF USMC HMS USS SS SA SD POW MIA KIA GI NCO HQ IRA PLO ANC CCCP SSSR
    RSFSR GDR FRG DDR BRD PRC ROC DPRK ROK UAE IBM TV DNA GDP CEO VIP UFO ICBM SLBM MP PM
    JFK FDR LBJ MLK RFK NYC LA DC NYPD LAPD UCLA MIT BC AD BCE CE AM OSS SOE MI SIS NSA DIA
    ATF DEA IRS EPA NAACP KKK HBO AP UPI SOS LSD TNT IED RPG AK MG APC IFV MBT UAV VC NVA
    ARVN GPS PC CD CDS DVD ID OK MGM RKO IOU AWACS FAQ""".split()
)

# Ordinary words a writer may set in capitals for emphasis ("he did NOT return").
_CAPS_WORDS = frozenset(
    """A AN THE AND OR BUT NOT NOR FOR SO YET OF TO IN ON AT BY IS IT BE AS IF UP WE HE ME MY
    NO DO GO OH HIS HER WAS ARE CAN DID HAD HAS GET GOT LET MAY OUR OUT OWN SAY SEE SHE TOO
    WHO WHY YES YOU ALL WAR ONE TWO TEN NOW NEW OLD BIG END HOW ANY FEW""".split()
)

# Regnal and papal names: the only names after which a lone "I", "V" or "X" is a numeral
# ("Elizabeth I", "Henry V", "Pius X"), since "I" is otherwise the pronoun.
_REGNAL_NAMES = frozenset(
    """Elizabeth Charles James Henry Edward George William Richard Louis Napoleon Peter
    Catherine Nicholas Alexander Francis Frederick Wilhelm Philip Philippe John Paul Pius Leo
    Mary Victoria Ferdinand Leopold Alfonso Carlos Juan Pedro Ivan Boris Gregory Innocent
    Benedict Clement Urban Boniface Sixtus Julius Constantine Otto Rudolf Franz Joseph Karl
    Gustav Gustavus Christian Haakon Olaf Umberto Victor Emmanuel Manuel Selim Suleiman Mehmed
    Murad Ramesses Ramses Thutmose Amenhotep Ptolemy Darius Xerxes Cyrus Artaxerxes Antiochus
    David Robert Duncan Alexios Basil Justinian Theodosius Stephen Matilda Anne Isabella
    Ludwig Maximilian Sigismund Casimir Sancho Jaime Enrique Fernando Felipe Hussein Abdullah
    Faisal Rama Vasily Fyodor Michael Mikhail Alexei Anna Harold Edmund Ethelred Henri Jean
    Johann Friedrich Heinrich Konrad Conrad Hugh Baldwin Bohemond Amalric Hadrian Adrian
    Sergius Felix Lucius Marcus Nero Tiberius""".split()
)

# Words after which a Roman numeral is a cardinal: "World War II" -> "World War Two".
_NUMBERED_THINGS = frozenset(
    """War Part Chapter Volume Vol. Book Act Scene Type Class Mark Mk Apollo Vatican Phase
    Stage Round Series Model Block Article Title Section Bowl Annex Appendix Level Grade
    Corps Army Division Fleet Group Wing""".split()
)

ROMAN_RE = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}

DOTTED_RE = re.compile(r"(?:[A-Za-z]\.){2,}")

CAPS_RE = re.compile(r"([A-Z]{2,})(s|'s|’s)?")

POSSESSIVE_RE = re.compile(r"(.+?)(['’]s)")

_PLAIN_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def is_plain(core: str) -> bool:
    """Letters with inner apostrophes or hyphens ("don't", "Franco-Prussian"), in any script."""
    if _PLAIN_RE.fullmatch(core):
        return core.isascii() or not any(ch.isnumeric() for ch in core)
    if core.isascii():
        return False
    # Decomposed accents and scripts with combining vowel signs (category M) are letters too.
    if not core[0].isalpha() or any(ch.isnumeric() for ch in core):
        return False
    letters = "".join(ch for ch in core if unicodedata.category(ch)[0] != "M")
    return _PLAIN_RE.fullmatch(letters) is not None


def say_plain(core: str) -> str:
    """A word is said as written; typographic apostrophes become plain ones for the engine."""
    word = core.replace("’", "'")
    return word if word.isascii() else unicodedata.normalize("NFC", word)


def spell(letters: str) -> str:
    """USSR -> "U S S R": engines say single capital letters by their names."""
    return " ".join(letters.upper())


def say_acronym(core: str) -> str | None:
    """Capitals are spelled (FBI -> F B I) unless they are a known word-acronym (NATO, said
    as a word), an ordinary word set in capitals for emphasis (NOT), or a long pronounceable
    word (NEVER). Plurals and possessives keep their ending: POWs -> P O W's."""
    m = CAPS_RE.fullmatch(core)
    if m is None:
        return None
    base, ending = m.group(1), m.group(2) or ""
    if ROMAN_RE.fullmatch(base):
        return cardinal(_roman_value(base)) + ("'s" if ending[:1] in "'’" and ending else "")
    if base in WORD_ACRONYMS:
        return base.capitalize() + ("s" if ending else "")
    spelled_ending = "'s" if ending else ""
    if base in SPELLED_ACRONYMS:
        return spell(base) + spelled_ending
    if set(base) <= {"I", "V", "X"}:
        # Not a valid numeral: never spell I, V or X apart, since a lone "I" after a name
        # would read as a numeral when the spoken text is read again.
        return base.lower() + ("s" if ending else "")
    word_ending = "'s" if ending[:1] in "'’" and ending else ("s" if ending else "")
    if base in _CAPS_WORDS:
        return base.lower() + word_ending
    if len(base) <= 3 or not VOWEL_RE.search(base):
        return spell(base) + spelled_ending
    return base.lower() + word_ending


def say_abbreviation(core: str) -> str | None:
    """Abbreviations a narrator expands: Dr., e.g., etc., Lt., Gen., vs. (see ABBREVIATIONS);
    dotted initials are spelled: U.S. -> U S, J.F.K. -> J F K."""
    said = ABBREVIATIONS.get(core)
    if said is not None:
        return said
    if DOTTED_RE.fullmatch(core):
        return spell(core.replace(".", ""))
    if len(core) == 2 and core[1] == "." and core[0].isascii() and core[0].isalpha():
        return core[0]  # a middle initial: "John F. Kennedy"
    return None


def _roman_value(numeral: str) -> int:
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " ", strict=True):
        value = _ROMAN_VALUES[ch]
        total += -value if nxt in _ROMAN_VALUES and _ROMAN_VALUES[nxt] > value else value
    return total


VOWEL_RE = re.compile(r"[aeiouyAEIOUY]")

_SINGLE_NUMERALS = frozenset({"I", "V", "X"})


def fix_numerals(words: str) -> str:
    """Inside one token, a lone I, V or X after a regnal name is still a numeral
    ("Henry(I" -> Henry the First), as it would be once the spoken text is read again."""
    if not any(f" {numeral}" in words for numeral in _SINGLE_NUMERALS):
        return words
    parts = words.split(" ")
    for k in range(1, len(parts)):
        if parts[k] in _SINGLE_NUMERALS:
            nxt = parts[k + 1] if k + 1 < len(parts) else ""
            said = numeral_after(parts[k - 1], parts[k], nxt)
            if said is not None:
                parts[k] = said
    return " ".join(parts)


def numeral_after(name: str, numeral: str, following: str) -> str | None:
    """How a Roman numeral is said after the word `name`, or None if it is not a numeral:
    World War II -> Two, Louis XIV -> the Fourteenth, Elizabeth I -> the First."""
    if not name.isalpha() or len(name) < 2:
        return None
    value = _roman_value(numeral)
    if len(numeral) == 1:
        if name not in _REGNAL_NAMES and name not in _NUMBERED_THINGS:
            return None
        # "Henry I R A" is a name and a spelled acronym, not a king.
        if len(following) == 1 and following.isascii() and following.isupper():
            return None
    if name in _NUMBERED_THINGS:
        return capitalize(cardinal(value))
    if name in _REGNAL_NAMES or (name[0].isupper() and name[1:].islower()):
        return "the " + capitalize(ordinal(value))
    return None


def say_letters(run: str) -> str:
    """A run of letters alone (a part of a designation: "Sh" in PPSh-41), exactly as the
    dispatch in rules.say_core reads it: an abbreviation, capitals, a unit or a plain word."""
    said = ABBREVIATIONS.get(run)
    if said is None:
        if CAPS_RE.fullmatch(run):
            said = say_acronym(run) or run
        else:
            unit = UNITS.get(run)
            said = unit[1] if unit and len(run) > 1 else say_plain(run)
    return fix_numerals(said)
