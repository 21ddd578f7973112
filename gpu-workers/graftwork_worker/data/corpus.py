"""The biography benchmark's data: populations -> tokenizer -> training pools and QA sets.

Old population: pre-training biographies; part of it is Task 0 (QA fine-tuning, then the
retention probe). New population: Task 1 (biographies, optionally with its QA, learned
after expansion; the acquisition probe). The vocabulary is built over both populations at
pre-training time, so token ids stay stable across stages (as a multilingual BPE would
already cover the new language); Task-1 words simply have untrained embeddings until then.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..evaluation.biography import QASet
from .biographies import Person, QAPair, biographies, generate_populations, qa_pairs
from .packing import BatchPool, pack_texts
from .tokenization import WordTokenizer

IGNORE = -100  # label of positions that carry no loss (questions, padding)


@dataclass(frozen=True)
class BiographyConfig:
    old_people: int
    new_people: int
    bios_per_person: int = 4
    task0_fraction: float = 0.5  # share of the old population whose QA is trained in Task 0
    language: str = "en"
    task1_language: str = "en"  # "ko": Task 1 is continual pre-training into a new language
    task1_qa: bool = True  # train Task 1 on its QA too (else biographies only: pure extraction)
    seq_len: int = 128
    eval_people: int = 100  # people per evaluation set (6 questions each)
    seed: int = 0


@dataclass
class BiographyData:
    tokenizer: WordTokenizer
    pretrain: BatchPool
    task0_train: BatchPool
    task0_eval: QASet  # questions trained in Task 0: retention
    task0_heldout: QASet  # old people never QA-trained: extraction from pre-training
    task1_train: BatchPool
    task1_eval: QASet  # the new population's questions: acquisition


def populations(cfg: BiographyConfig) -> tuple[list[Person], list[Person]]:
    if cfg.task1_language == cfg.language:
        both = generate_populations(cfg.old_people, cfg.new_people, cfg.seed, cfg.language)
        return both.old, both.new
    old = generate_populations(cfg.old_people, 0, cfg.seed, cfg.language).old
    new = generate_populations(cfg.new_people, 0, cfg.seed, cfg.task1_language).old
    return old, new


def _bio_texts(people: list[Person], cfg: BiographyConfig, language: str) -> list[str]:
    return [text for p in people for text in biographies(p, cfg.bios_per_person, cfg.seed, language)]


def _qas(people: list[Person], language: str) -> list[QAPair]:
    return [qa for p in people for qa in qa_pairs(p, language)]


def qa_set(pairs: list[QAPair], tokenizer: WordTokenizer) -> QASet:
    return QASet(prompts=[tokenizer.encode(q.question) for q in pairs],
                 answers=[tokenizer.encode(q.answer) for q in pairs],
                 attributes=[q.attribute for q in pairs])


def pack_qa(pairs: list[QAPair], tokenizer: WordTokenizer, seq_len: int) -> BatchPool:
    """Whole QA examples packed greedily into rows; only answer tokens and <eos> carry loss."""
    rows_ids: list[list[int]] = []
    rows_labels: list[list[int]] = []
    ids: list[int] = []
    labels: list[int] = []
    for qa in pairs:
        prompt, answer = tokenizer.encode(qa.question), tokenizer.encode(qa.answer) + [tokenizer.eos_id]
        if len(prompt) + len(answer) > seq_len:
            raise ValueError(f"seqLen: a QA example needs {len(prompt) + len(answer)} tokens, seqLen is {seq_len}")
        if len(ids) + len(prompt) + len(answer) > seq_len:
            rows_ids.append(ids + [tokenizer.pad_id] * (seq_len - len(ids)))
            rows_labels.append(labels + [IGNORE] * (seq_len - len(labels)))
            ids, labels = [], []
        ids += prompt + answer
        labels += [IGNORE] * len(prompt) + answer
    if ids:
        rows_ids.append(ids + [tokenizer.pad_id] * (seq_len - len(ids)))
        rows_labels.append(labels + [IGNORE] * (seq_len - len(labels)))
    return BatchPool(torch.tensor(rows_ids, dtype=torch.long), torch.tensor(rows_labels, dtype=torch.long))


def text_pool(texts: list[str], tokenizer: WordTokenizer, seq_len: int) -> BatchPool:
    rows = pack_texts(texts, tokenizer, seq_len)
    if rows.shape[0] == 0:
        raise ValueError(f"seqLen: the biographies hold fewer than {seq_len} tokens; lower seqLen or add people")
    return BatchPool(rows, rows.clone())


def merge_pools(*pools: BatchPool) -> BatchPool:
    return BatchPool(torch.cat([p.ids for p in pools]), torch.cat([p.labels for p in pools]))


def build_tokenizer(cfg: BiographyConfig) -> WordTokenizer:
    old, new = populations(cfg)
    texts = _bio_texts(old, cfg, cfg.language) + _bio_texts(new, cfg, cfg.task1_language)
    texts += [f"{q.question} {q.answer}" for q in _qas(old, cfg.language) + _qas(new, cfg.task1_language)]
    return WordTokenizer.build(texts)


def build_biography_data(cfg: BiographyConfig, tokenizer: WordTokenizer | None = None) -> BiographyData:
    """All pools and probes of the benchmark; pass the tokenizer stored with a model to reuse its ids."""
    if not 0.0 < cfg.task0_fraction <= 1.0:
        raise ValueError(f"task0Fraction: expected a number in (0, 1], got {cfg.task0_fraction}")
    old, new = populations(cfg)
    tokenizer = tokenizer or build_tokenizer(cfg)
    n_task0 = max(1, round(cfg.old_people * cfg.task0_fraction))
    task0_people, heldout_people = old[:n_task0], old[n_task0:]
    task0_qas = _qas(task0_people, cfg.language)
    task1_qas = _qas(new, cfg.task1_language)
    task1_bios = text_pool(_bio_texts(new, cfg, cfg.task1_language), tokenizer, cfg.seq_len)
    task1 = merge_pools(task1_bios, pack_qa(task1_qas, tokenizer, cfg.seq_len)) if cfg.task1_qa else task1_bios
    cap = 6 * cfg.eval_people
    return BiographyData(
        tokenizer=tokenizer,
        pretrain=text_pool(_bio_texts(old, cfg, cfg.language), tokenizer, cfg.seq_len),
        task0_train=pack_qa(task0_qas, tokenizer, cfg.seq_len),
        task0_eval=qa_set(task0_qas[:cap], tokenizer),
        task0_heldout=qa_set(_qas(heldout_people[: cfg.eval_people], cfg.language), tokenizer),
        task1_train=task1,
        task1_eval=qa_set(task1_qas[:cap], tokenizer),
    )
