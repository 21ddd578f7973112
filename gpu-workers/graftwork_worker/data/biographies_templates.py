"""Sentence and question templates for the synthetic biographies (our own wording).

Each attribute has several sentence templates; a biography picks one per attribute and
permutes the sentence order, so a fact appears in many surface forms and positions: the
augmentation that makes stored knowledge extractable by QA afterwards.
"""
from __future__ import annotations

ATTRIBUTES: tuple[str, ...] = ("birth_date", "birth_city", "university", "major", "employer", "employer_city")

SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "birth_date": (
            "{name} was born on {birth_date} .",
            "{name} came into the world on {birth_date} .",
            "The birthday of {name} is {birth_date} .",
            "{name} celebrates a birthday every year on the date {birth_date} .",
        ),
        "birth_city": (
            "{name} was born in {birth_city} .",
            "{name} spent early childhood in {birth_city} .",
            "The hometown of {name} is {birth_city} .",
            "{name} grew up in the city of {birth_city} .",
        ),
        "university": (
            "{name} studied at {university} .",
            "{name} graduated from {university} .",
            "{name} received an education at {university} .",
            "The alma mater of {name} is {university} .",
        ),
        "major": (
            "{name} majored in {major} .",
            "{name} earned a degree in {major} .",
            "The field of study of {name} was {major} .",
            "{name} focused on {major} during college .",
        ),
        "employer": (
            "{name} works for {employer} .",
            "{name} is employed by {employer} .",
            "{name} has a job at {employer} .",
            "The employer of {name} is {employer} .",
        ),
        "employer_city": (
            "{name} works in {employer_city} .",
            "{name} commutes to an office in {employer_city} .",
            "The workplace of {name} is located in {employer_city} .",
            "{name} moved to {employer_city} for work .",
        ),
    },
    "ko": {
        "birth_date": (
            "{name} 씨는 {birth_date}에 태어났다 .",
            "{name} 씨의 생일은 {birth_date}이다 .",
            "{name} 씨가 태어난 날은 {birth_date}이다 .",
        ),
        "birth_city": (
            "{name} 씨는 {birth_city}에서 태어났다 .",
            "{name} 씨의 고향은 {birth_city}이다 .",
            "{name} 씨는 어린 시절을 {birth_city}에서 보냈다 .",
        ),
        "university": (
            "{name} 씨는 {university}[을/를] 졸업했다 .",
            "{name} 씨는 {university}에서 공부했다 .",
            "{name} 씨의 모교는 {university}이다 .",
        ),
        "major": (
            "{name} 씨는 {major}[을/를] 전공했다 .",
            "{name} 씨의 전공은 {major}이다 .",
            "{name} 씨는 대학에서 {major}[을/를] 공부했다 .",
        ),
        "employer": (
            "{name} 씨는 {employer}에서 일한다 .",
            "{name} 씨의 직장은 {employer}이다 .",
            "{name} 씨는 {employer}에 다닌다 .",
        ),
        "employer_city": (
            "{name} 씨는 {employer_city}에서 근무한다 .",
            "{name} 씨의 회사는 {employer_city}에 있다 .",
            "{name} 씨는 일 때문에 {employer_city}[으로/로] 이사했다 .",
        ),
    },
}

# Korean particles that depend on the preceding syllable are written "[consonant-form/vowel-form]"
# and resolved by biographies.attach_particles.

# A QA example is "{question} {answer_marker}" followed by the answer words and <eos>.
QUESTIONS: dict[str, dict[str, str]] = {
    "en": {
        "birth_date": "Question : When was {name} born ?",
        "birth_city": "Question : Where was {name} born ?",
        "university": "Question : Which university did {name} attend ?",
        "major": "Question : What did {name} study ?",
        "employer": "Question : Which company does {name} work for ?",
        "employer_city": "Question : In which city does {name} work ?",
    },
    "ko": {
        "birth_date": "질문 : {name} 씨는 언제 태어났나요 ?",
        "birth_city": "질문 : {name} 씨는 어디에서 태어났나요 ?",
        "university": "질문 : {name} 씨는 어느 대학교를 다녔나요 ?",
        "major": "질문 : {name} 씨는 무엇을 전공했나요 ?",
        "employer": "질문 : {name} 씨는 어느 회사에서 일하나요 ?",
        "employer_city": "질문 : {name} 씨는 어느 도시에서 일하나요 ?",
    },
}

ANSWER_MARKER: dict[str, str] = {"en": "Answer :", "ko": "답 :"}
