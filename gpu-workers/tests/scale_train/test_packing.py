import json

import pytest
import torch

from graftwork_worker.data.corpus import IGNORE, pack_qa
from graftwork_worker.data.biographies import generate_populations, qa_pairs
from graftwork_worker.data.packing import BatchPool, pack_dataset_file, pack_token_streams, read_documents
from graftwork_worker.data.tokenization import WordTokenizer


def test_streams_are_joined_with_eos_and_cut_into_rows():
    rows = pack_token_streams([[1, 2, 3], [4, 5], [6, 7, 8, 9]], seq_len=4, eos_id=0)
    assert rows.tolist() == [[1, 2, 3, 0], [4, 5, 0, 6], [7, 8, 9, 0]]


def test_max_sequences_stops_early():
    rows = pack_token_streams([[1] * 50], seq_len=4, eos_id=0, max_sequences=2)
    assert rows.shape == (2, 4)


def test_reads_jsonl_json_and_text(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "one"}\n\n{"text": "two"}\n')
    (tmp_path / "b.json").write_text(json.dumps(["x", {"body": "y"}]))
    (tmp_path / "c.txt").write_text("first line\nsame doc\n\nsecond doc\n")
    assert list(read_documents(tmp_path / "a.jsonl")) == ["one", "two"]
    assert list(read_documents(tmp_path / "c.txt")) == ["first line same doc", "second doc"]
    with pytest.raises(ValueError, match="'text'"):
        list(read_documents(tmp_path / "b.json"))
    assert list(read_documents(tmp_path / "b.json", text_field="body")) == ["x", "y"]


def test_pack_dataset_file_and_too_short_file(tmp_path):
    tok = WordTokenizer.build(["a b c d e"])
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps({"text": "a b c d e"}) for _ in range(3)))
    rows = pack_dataset_file(path, tok, seq_len=6)
    assert rows.shape == (3, 6) and rows[0, 5].item() == tok.eos_id
    with pytest.raises(ValueError, match="seq_len=100"):
        pack_dataset_file(path, tok, seq_len=100)


def test_qa_packing_puts_loss_on_answers_only():
    person = generate_populations(1, 0, seed=0).old[0]
    pairs = qa_pairs(person)
    tok = WordTokenizer.build([f"{q.question} {q.answer}" for q in pairs])
    pool = pack_qa(pairs, tok, seq_len=48)
    answer_tokens = sum(len(tok.encode(q.answer)) + 1 for q in pairs)
    assert int((pool.labels != IGNORE).sum()) == answer_tokens
    kept = pool.labels[pool.labels != IGNORE]
    assert int((kept == tok.eos_id).sum()) == len(pairs)
    assert torch.equal(pool.ids[pool.labels != IGNORE], kept)


def test_batch_pool_visits_every_row_once_per_epoch_and_is_deterministic():
    pool = BatchPool(torch.arange(10).unsqueeze(1).repeat(1, 3), torch.zeros(10, 3, dtype=torch.long))
    epoch = torch.cat([pool.batch(5, start, 4)[0][:, 0] for start in (0, 4)] + [pool.batch(5, 8, 2)[0][:, 0]])
    assert sorted(epoch.tolist()) == list(range(10))
    assert torch.equal(pool.batch(5, 6, 7)[0], pool.batch(5, 6, 7)[0])
    assert not torch.equal(pool.batch(5, 0, 10)[0], pool.batch(6, 0, 10)[0])
