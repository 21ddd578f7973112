"""QA evaluation on the biography benchmark: first-answer-token accuracy and exact match.

One teacher-forced forward pass per batch: the prediction for answer token j is the argmax
of the logits at the position before it. Exact match (every answer token right under
teacher forcing) equals greedy decoding's exact match, since greedy decoding only continues
past token j when it got token j right.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import torch

LogitsFn = Callable[[torch.Tensor], torch.Tensor]  # ids [B, T] -> eval logits [B, T, V]


@dataclass(frozen=True)
class QASet:
    prompts: list[list[int]]  # question tokens, ending with the answer marker
    answers: list[list[int]]  # answer tokens (no <eos>)
    attributes: list[str]

    def __post_init__(self) -> None:
        if not (len(self.prompts) == len(self.answers) == len(self.attributes)):
            raise ValueError("QASet: prompts, answers and attributes must have equal lengths")
        if any(not p or not a for p, a in zip(self.prompts, self.answers)):
            raise ValueError("QASet: every prompt and answer needs at least one token")

    def __len__(self) -> int:
        return len(self.prompts)

    def subset(self, limit: int) -> "QASet":
        return QASet(self.prompts[:limit], self.answers[:limit], self.attributes[:limit])


def _batch_correct(logits_fn: LogitsFn, prompts: list[list[int]], answers: list[list[int]],
                   pad_id: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per example: first answer token right, all answer tokens right, mean answer-token NLL."""
    rows = [p + a for p, a in zip(prompts, answers)]
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
    log_probs = torch.log_softmax(logits_fn(ids.to(device)).float(), dim=-1).cpu()
    predicted = log_probs.argmax(dim=-1)
    first = torch.zeros(len(rows), dtype=torch.bool)
    exact = torch.zeros(len(rows), dtype=torch.bool)
    nll = torch.zeros(len(rows))
    for i, (p, a) in enumerate(zip(prompts, answers)):
        span = slice(len(p) - 1, len(p) - 1 + len(a))
        target = torch.tensor(a)
        hits = predicted[i, span] == target
        first[i], exact[i] = hits[0], hits.all()
        nll[i] = -log_probs[i, span].gather(-1, target.unsqueeze(-1)).mean()
    return first, exact, nll


@torch.no_grad()
def qa_accuracy(logits_fn: LogitsFn, qa: QASet, pad_id: int, device: torch.device | str = "cpu",
                batch_size: int = 64) -> dict[str, float]:
    """first_token_acc, exact_match (0..1), answer_nll (mean per-question answer-token NLL:
    a continuous view of the same knowledge) and first_token_acc/<attribute>."""
    if len(qa) == 0:
        raise ValueError("qa: expected at least one question")
    device = torch.device(device)
    firsts, exacts, nlls = [], [], []
    for start in range(0, len(qa), batch_size):
        first, exact, nll = _batch_correct(logits_fn, qa.prompts[start:start + batch_size],
                                           qa.answers[start:start + batch_size], pad_id, device)
        firsts.append(first)
        exacts.append(exact)
        nlls.append(nll)
    first_all, exact_all = torch.cat(firsts), torch.cat(exacts)
    result = {"first_token_acc": float(first_all.float().mean()), "exact_match": float(exact_all.float().mean()),
              "answer_nll": float(torch.cat(nlls).mean())}
    by_attribute: dict[str, list[bool]] = defaultdict(list)
    for attribute, hit in zip(qa.attributes, first_all.tolist()):
        by_attribute[attribute].append(hit)
    for attribute, hits in sorted(by_attribute.items()):
        result[f"first_token_acc/{attribute}"] = sum(hits) / len(hits)
    return result
