import json

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers

from graftwork_worker.data.tokenization import EOS, HFTokenizer, WordTokenizer, load_tokenizer, word_pieces


def test_word_pieces_mark_glued_pieces():
    assert word_pieces("born on 3 May, 1990.") == ["born", "on", "3", "May", "##,", "1990", "##."]
    assert word_pieces("서울에서 1990년") == ["서울", "##에서", "1990", "##년"]


def test_round_trip_and_unknown_words():
    tok = WordTokenizer.build(["Ada works in Larkhaven .", "홍 은우 씨는 서울에서 태어났다 ."])
    for text in ["Ada works in Larkhaven .", "홍 은우 씨는 서울에서 태어났다 ."]:
        assert tok.decode(tok.encode(text)) == text
    assert tok.encode("Zorblax works") == [tok.unk_id, tok.index["works"]]


def test_vocabulary_is_deterministic_and_ordered_by_count():
    texts = ["b a a", "c a b"]
    first, second = WordTokenizer.build(texts), WordTokenizer.build(list(texts))
    assert first.vocab == second.vocab
    assert first.vocab[4:] == ["a", "b", "c"]


def test_save_and_load(tmp_path):
    tok = WordTokenizer.build(["one two three"])
    tok.save(tmp_path / "tokenizer.json")
    loaded = load_tokenizer(tmp_path)
    assert isinstance(loaded, WordTokenizer) and loaded.vocab == tok.vocab


def test_bad_vocabulary_names_the_field():
    with pytest.raises(ValueError, match="vocab"):
        WordTokenizer(["a", "b"])


def test_loads_a_hugging_face_tokenizer_json(tmp_path):
    vocab = {"[UNK]": 0, EOS: 1, "hello": 2, "world": 3}
    hf = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    hf.pre_tokenizer = pre_tokenizers.Whitespace()
    hf.save(str(tmp_path / "tokenizer.json"))
    tok = load_tokenizer(tmp_path)
    assert isinstance(tok, HFTokenizer)
    assert tok.encode("hello world") == [2, 3]
    assert tok.eos_id == 1 and tok.vocab_size == 4
    assert json.loads((tmp_path / "tokenizer.json").read_text())["model"]["type"] == "WordLevel"
