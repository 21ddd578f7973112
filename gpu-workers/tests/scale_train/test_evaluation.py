import math

import pytest
import torch

from graftwork_worker.evaluation.biography import QASet, qa_accuracy
from graftwork_worker.evaluation.perplexity import perplexity

V = 6


def _oracle(table: dict[tuple[int, ...], int]):
    """Logits that put all mass on table[prefix] after each known prefix (else token 0)."""
    def logits_fn(ids: torch.Tensor) -> torch.Tensor:
        out = torch.full((*ids.shape, V), -1e4)
        for b in range(ids.shape[0]):
            for t in range(ids.shape[1]):
                out[b, t, table.get(tuple(ids[b, : t + 1].tolist()), 0)] = 0.0
        return out
    return logits_fn


def test_first_token_and_exact_match_are_scored_on_the_answer_positions():
    qa = QASet(prompts=[[1, 2], [1, 3], [1, 4]], answers=[[5, 4], [5, 5], [3]], attributes=["a", "a", "b"])
    # Q1: both right; Q2: first right, second wrong; Q3: first wrong.
    fn = _oracle({(1, 2): 5, (1, 2, 5): 4, (1, 3): 5, (1, 3, 5): 1, (1, 4): 2})
    scores = qa_accuracy(fn, qa, pad_id=0, batch_size=2)
    assert scores["first_token_acc"] == pytest.approx(2 / 3)
    assert scores["exact_match"] == pytest.approx(1 / 3)
    assert scores["first_token_acc/a"] == 1.0 and scores["first_token_acc/b"] == 0.0
    assert scores["answer_nll"] > 0


def test_empty_qa_set_is_an_error():
    with pytest.raises(ValueError, match="qa"):
        qa_accuracy(_oracle({}), QASet([], [], []), pad_id=0)


def test_perplexity_of_uniform_logits_is_the_vocabulary_size():
    rows = torch.randint(0, V, (3, 5))
    scores = perplexity(lambda ids: torch.zeros(*ids.shape, V), rows, batch_size=2)
    assert scores["perplexity"] == pytest.approx(V)
    assert scores["loss"] == pytest.approx(math.log(V))


def test_perplexity_ignores_pad_targets():
    rows = torch.tensor([[1, 2, 0, 0]])
    perfect = _oracle({(1,): 2})
    assert perplexity(perfect, rows, ignore_id=0)["perplexity"] == pytest.approx(1.0)
