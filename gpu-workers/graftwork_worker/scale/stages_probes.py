"""What the stages measure while training: biography QA accuracy and corpus perplexity.

Every probe reads `eval_logits` (routed logits for SCALE-Route). `preservation_scores`
reads a SCALE model's preservation head instead (W_lm n_x, the frozen x-stream's logits), the
quantity SCALE's Persistent Preservation keeps exactly equal to the base model's.
"""
from __future__ import annotations

from typing import Callable, Mapping

import torch
from torch import nn

from ..data.corpus import BiographyData
from ..evaluation.biography import QASet, qa_accuracy
from ..evaluation.perplexity import perplexity

Probe = Callable[[int], Mapping[str, float]]


def eval_logits_fn(model: nn.Module) -> Callable[[torch.Tensor], torch.Tensor]:
    return lambda ids: model(ids).eval_logits


def _qa(model: nn.Module, qa: QASet, pad_id: int, device: str, prefix: str) -> dict[str, float]:
    scores = qa_accuracy(eval_logits_fn(model), qa, pad_id, device)
    return {f"{prefix}_{key}": scores[key] for key in ("first_token_acc", "exact_match", "answer_nll")}


def retention_acquisition_probe(model: nn.Module, data: BiographyData, device: str) -> Probe:
    """Task-0 (retention) and Task-1 (acquisition) first-token accuracy and exact match."""
    pad = data.tokenizer.pad_id
    return lambda step: {**_qa(model, data.task0_eval, pad, device, "task0"),
                         **_qa(model, data.task1_eval, pad, device, "task1")}


def qa_probe(model: nn.Module, data: BiographyData, device: str) -> Probe:
    """Task-0 accuracy, and extraction on old people never QA-trained (when there are any)."""
    pad = data.tokenizer.pad_id

    def probe(step: int) -> dict[str, float]:
        scores = _qa(model, data.task0_eval, pad, device, "task0")
        if len(data.task0_heldout):
            scores.update(_qa(model, data.task0_heldout, pad, device, "heldout"))
        return scores

    return probe


def text_loss_probe(model: nn.Module, rows: torch.Tensor, device: str, prefix: str) -> Probe:
    def probe(step: int) -> dict[str, float]:
        scores = perplexity(eval_logits_fn(model), rows, device)
        return {f"{prefix}_loss": scores["loss"], f"{prefix}_perplexity": scores["perplexity"]}

    return probe


def forgetting_learning_probe(model: nn.Module, old_rows: torch.Tensor, new_rows: torch.Tensor,
                              device: str) -> Probe:
    """Old-domain (forgetting) and new-domain (learning) held-out perplexity."""
    old = text_loss_probe(model, old_rows, device, "old")
    new = text_loss_probe(model, new_rows, device, "new")
    return lambda step: {**old(step), **new(step)}


def preservation_scores(model: nn.Module, qa: QASet, pad_id: int, device: str) -> dict[str, float] | None:
    """Task-0 accuracy and answer NLL read from the preservation head; None for non-SCALE models."""
    with torch.no_grad():
        probe_out = model(torch.zeros((1, 2), dtype=torch.long, device=device))
    if "preservation_logits" not in getattr(probe_out, "extras", {}):
        return None
    logits_fn = lambda ids: model(ids).extras["preservation_logits"]  # noqa: E731
    with torch.no_grad():
        scores = qa_accuracy(logits_fn, qa, pad_id, device)
    return {"retention": scores["first_token_acc"], "exactMatch": scores["exact_match"],
            "answerNll": scores["answer_nll"]}
