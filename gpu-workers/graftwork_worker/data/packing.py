"""Uploaded text / JSONL datasets, tokenized and packed into fixed-length sequences.

Documents are joined with <eos> between them and cut into rows of `seq_len` tokens (the
ragged tail is dropped), so no compute is spent on padding; a row may span documents, as
in ordinary causal-LM pre-training.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

import torch

from .tokenization import TextTokenizer


def read_documents(path: Path, text_field: str = "text") -> Iterator[str]:
    """Documents of a dataset file: JSONL (one object a line, `text_field`), a JSON list of
    strings or objects, or plain text (documents separated by blank lines)."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield _text_of(json.loads(line), text_field, f"{path.name} line {number}")
    elif suffix == ".json":
        items = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(items, list):
            raise ValueError(f"{path.name}: expected a JSON list of documents")
        for number, item in enumerate(items):
            yield _text_of(item, text_field, f"{path.name} item {number}")
    else:
        block: list[str] = []
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    block.append(line.strip())
                elif block:
                    yield " ".join(block)
                    block = []
        if block:
            yield " ".join(block)


def _text_of(item: object, text_field: str, where: str) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get(text_field), str):
        return item[text_field]
    raise ValueError(f"{where}: expected a string field {text_field!r} (set textField in the spec)")


def pack_token_streams(docs: Iterable[list[int]], seq_len: int, eos_id: int,
                       max_sequences: int | None = None) -> torch.Tensor:
    """Concatenate documents (each followed by <eos>) and cut into [n, seq_len] rows."""
    if seq_len < 2:
        raise ValueError(f"seq_len: expected at least 2, got {seq_len}")
    rows: list[list[int]] = []
    buffer: list[int] = []
    for doc in docs:
        buffer.extend(doc)
        buffer.append(eos_id)
        while len(buffer) >= seq_len:
            rows.append(buffer[:seq_len])
            buffer = buffer[seq_len:]
            if max_sequences is not None and len(rows) >= max_sequences:
                return torch.tensor(rows, dtype=torch.long)
    if not rows:
        return torch.empty((0, seq_len), dtype=torch.long)
    return torch.tensor(rows, dtype=torch.long)


def pack_texts(texts: Iterable[str], tokenizer: TextTokenizer, seq_len: int,
               max_sequences: int | None = None) -> torch.Tensor:
    return pack_token_streams((tokenizer.encode(t) for t in texts), seq_len, tokenizer.eos_id, max_sequences)


def pack_dataset_file(path: Path, tokenizer: TextTokenizer, seq_len: int, text_field: str = "text",
                      max_sequences: int | None = None) -> torch.Tensor:
    """Tokenize and pack an uploaded dataset file; fails when it yields not one full row."""
    packed = pack_texts(read_documents(path, text_field), tokenizer, seq_len, max_sequences)
    if packed.shape[0] == 0:
        raise ValueError(f"{path.name}: fewer than seq_len={seq_len} tokens, nothing to train or evaluate on")
    return packed


class BatchPool:
    """Rows of (ids, labels) sampled without replacement per epoch, by a seeded permutation."""

    def __init__(self, ids: torch.Tensor, labels: torch.Tensor):
        if ids.shape != labels.shape or ids.dim() != 2 or ids.shape[0] == 0:
            raise ValueError(f"pool: expected equal non-empty [rows, seq] ids and labels, got "
                             f"{tuple(ids.shape)} and {tuple(labels.shape)}")
        self.ids, self.labels = ids, labels

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def batch(self, seed: int, first_row: int, size: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Rows first_row .. first_row+size of the endless stream of seeded epoch permutations."""
        n = len(self)
        picks: list[int] = []
        position = first_row
        while len(picks) < size:
            epoch, offset = divmod(position, n)
            take = min(size - len(picks), n - offset)
            generator = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
            picks.extend(torch.randperm(n, generator=generator)[offset:offset + take].tolist())
            position += take
        index = torch.tensor(picks, dtype=torch.long)
        return self.ids[index], self.labels[index]
