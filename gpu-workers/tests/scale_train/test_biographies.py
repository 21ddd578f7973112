import re

import pytest

from graftwork_worker.data.biographies import attach_particles, biographies, generate_populations, qa_pairs
from graftwork_worker.data.biographies_fields import LANGUAGES
from graftwork_worker.data.biographies_templates import ATTRIBUTES
from graftwork_worker.data.tokenization import KOREAN_PARTICLES, WordTokenizer, word_pieces


def test_same_seed_gives_identical_people_and_texts():
    a = generate_populations(40, 20, seed=7)
    b = generate_populations(40, 20, seed=7)
    assert a == b
    assert biographies(a.old[3], 3, seed=1) == biographies(b.old[3], 3, seed=1)


def test_different_seeds_give_different_people():
    assert generate_populations(40, 20, seed=7).old != generate_populations(40, 20, seed=8).old


@pytest.mark.parametrize("language", ["en", "ko"])
def test_old_and_new_populations_are_disjoint(language):
    pops = generate_populations(300, 200, seed=3, language=language)
    old_names = {p.name for p in pops.old}
    new_names = {p.name for p in pops.new}
    assert len(old_names) == 300 and len(new_names) == 200
    assert not old_names & new_names


def test_biography_mentions_every_attribute_and_permutes_sentences():
    person = generate_populations(5, 0, seed=0).old[0]
    texts = biographies(person, 6, seed=0)
    for text in texts:
        for value in person.attributes.values():
            assert value in text
    first_sentences = {t.split(" . ")[0] for t in texts}
    assert len(first_sentences) > 1  # the order (or wording) differs between variants


def test_qa_pairs_cover_the_six_attributes():
    person = generate_populations(5, 0, seed=0).old[1]
    pairs = qa_pairs(person)
    assert [q.attribute for q in pairs] == list(ATTRIBUTES)
    assert all(person.name in q.question and q.question.endswith("Answer :") for q in pairs)
    assert [q.answer for q in pairs] == [person.attributes[a] for a in ATTRIBUTES]


def test_too_many_people_is_a_clear_error():
    with pytest.raises(ValueError, match="population sizes"):
        generate_populations(LANGUAGES["ko"].name_space, 1, seed=0, language="ko")


def test_korean_biographies_are_hangul_with_resolved_particles():
    person = generate_populations(3, 0, seed=2, language="ko").old[0]
    text = biographies(person, 4, seed=0, language="ko")[0]
    assert re.search(r"[\uac00-\ud7a3]", text)
    assert "[" not in text and "]" not in text
    assert qa_pairs(person, "ko")[0].question.startswith("질문")


def test_particle_choice_follows_the_final_consonant():
    assert attach_particles("경제학[을/를]") == "경제학을"
    assert attach_particles("작곡[을/를]") == "작곡을"
    assert attach_particles("누리전자[을/를]") == "누리전자를"
    assert attach_particles("서울[으로/로]") == "서울로"  # final ㄹ takes 로
    assert attach_particles("부산[으로/로]") == "부산으로"
    assert attach_particles("전주[으로/로]") == "전주로"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_values_of_a_field_start_with_distinct_words(language):
    fields = LANGUAGES[language]
    for values in (fields.cities, fields.universities, fields.majors, fields.employers):
        first_words = [v.split()[0] for v in values]
        assert len(set(first_words)) == len(first_words)


def test_korean_values_tokenize_the_same_before_any_particle():
    fields = LANGUAGES["ko"]
    values = fields.cities + fields.universities + fields.majors + fields.employers + fields.last_names
    for value in values:
        for particle in KOREAN_PARTICLES:
            assert word_pieces(value + particle)[0] == value, (value, particle)


def test_korean_text_tokenizes_with_few_unknowns_and_round_trips():
    pops = generate_populations(20, 10, seed=1, language="ko")
    texts = [t for p in pops.old for t in biographies(p, 2, seed=0, language="ko")]
    tokenizer = WordTokenizer.build(texts)
    for text in texts:
        assert tokenizer.decode(tokenizer.encode(text)) == text
