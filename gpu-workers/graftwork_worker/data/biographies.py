"""Deterministic synthetic biographies (bioS style) for measuring forgetting and acquisition.

A person has a unique name and six attributes. The old population (pre-training, Task 0)
and the new one (Task 1) are drawn together without replacement from one name space, so
they are disjoint by construction. Everything is a pure function of the seed: string
seeds go through random.Random's SHA-512 seeding, independent of PYTHONHASHSEED.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .biographies_fields import LANGUAGES, FieldLists
from .biographies_templates import ANSWER_MARKER, ATTRIBUTES, QUESTIONS, SENTENCES


@dataclass(frozen=True)
class Person:
    name: str
    attributes: dict[str, str]
    name_index: int  # position in the language's name space: unique per person


@dataclass(frozen=True)
class QAPair:
    person: str
    attribute: str
    question: str  # ends with the answer marker, e.g. "... ? Answer :"
    answer: str


@dataclass(frozen=True)
class Populations:
    old: list[Person]
    new: list[Person]


def _fields(language: str) -> FieldLists:
    if language not in LANGUAGES:
        raise ValueError(f"language: expected one of {sorted(LANGUAGES)}, got {language!r}")
    return LANGUAGES[language]


def _name_at(fields: FieldLists, index: int, language: str) -> str:
    n_last = len(fields.last_names)
    n_middle = max(1, len(fields.middle_names))
    last = fields.last_names[index % n_last]
    middle_i = (index // n_last) % n_middle
    first = fields.first_names[index // (n_last * n_middle)]
    if language == "ko":  # surname, a space, given name: the given name stays one token
        return f"{first} {last}"
    return f"{first} {fields.middle_names[middle_i]} {last}"


def _birth_date(rng: random.Random, fields: FieldLists, language: str) -> str:
    day, month, year = rng.randint(1, 28), rng.randrange(12), rng.randint(1950, 2005)
    if language == "ko":
        return f"{year}년 {fields.months[month]} {day}일"
    return f"{day} {fields.months[month]} {year}"


def _person(rng: random.Random, fields: FieldLists, index: int, language: str) -> Person:
    attributes = {
        "birth_date": _birth_date(rng, fields, language),
        "birth_city": rng.choice(fields.cities),
        "university": rng.choice(fields.universities),
        "major": rng.choice(fields.majors),
        "employer": rng.choice(fields.employers),
        "employer_city": rng.choice(fields.cities),
    }
    return Person(name=_name_at(fields, index, language), attributes=attributes, name_index=index)


def generate_populations(n_old: int, n_new: int, seed: int, language: str = "en") -> Populations:
    """Draw n_old + n_new distinct people; the first n_old form the old population."""
    fields = _fields(language)
    if n_old < 1 or n_new < 0:
        raise ValueError(f"population sizes: expected n_old >= 1 and n_new >= 0, got {n_old}, {n_new}")
    if n_old + n_new > fields.name_space:
        raise ValueError(
            f"population sizes: {n_old}+{n_new} people exceed the {fields.name_space} distinct "
            f"{language} names available")
    rng = random.Random(f"graftwork-bio:{language}:{seed}")
    indices = rng.sample(range(fields.name_space), n_old + n_new)
    people = [_person(rng, fields, i, language) for i in indices]
    return Populations(old=people[:n_old], new=people[n_old:])


_PARTICLE_CHOICE = re.compile(r"(.)\[([^/\]]+)/([^\]]+)\]")


def _has_final_consonant(syllable: str) -> bool:
    code = ord(syllable) - 0xAC00
    return 0 <= code < 11172 and code % 28 != 0


def _ends_in_rieul(syllable: str) -> bool:
    code = ord(syllable) - 0xAC00
    return 0 <= code < 11172 and code % 28 == 8


def attach_particles(text: str) -> str:
    """Resolve "[consonant-form/vowel-form]" after a syllable (을/를, 이/가, 으로/로 ...)."""
    def pick(match: re.Match[str]) -> str:
        prev, after_consonant, after_vowel = match.group(1), match.group(2), match.group(3)
        # "(으)로" takes the vowel form after a final ㄹ as well (서울로, not 서울으로).
        use_consonant = _has_final_consonant(prev) and not (after_vowel == "로" and _ends_in_rieul(prev))
        return prev + (after_consonant if use_consonant else after_vowel)

    return _PARTICLE_CHOICE.sub(pick, text)


def biographies(person: Person, count: int, seed: int, language: str = "en") -> list[str]:
    """`count` biographies of one person: a random template per attribute, sentences permuted."""
    templates = SENTENCES[language]
    texts = []
    for k in range(count):
        rng = random.Random(f"graftwork-bio-text:{language}:{seed}:{person.name_index}:{k}")
        order = list(ATTRIBUTES)
        rng.shuffle(order)
        sentences = [rng.choice(templates[a]).format(name=person.name, **person.attributes) for a in order]
        texts.append(attach_particles(" ".join(sentences)))
    return texts


def qa_pairs(person: Person, language: str = "en") -> list[QAPair]:
    """One question per attribute; the answer is the attribute's value."""
    marker = ANSWER_MARKER[language]
    return [
        QAPair(person=person.name, attribute=a,
               question=f"{QUESTIONS[language][a].format(name=person.name)} {marker}",
               answer=person.attributes[a])
        for a in ATTRIBUTES
    ]
