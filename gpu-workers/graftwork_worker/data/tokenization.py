"""Tokenizers: a word-level one for the synthetic data, and `tokenizer.json` of uploaded models.

The word-level tokenizer splits text into runs of Latin letters, Hangul, digits and single
punctuation marks. A piece glued to the previous one (no space between) is stored with a
"##" prefix, so decoding restores the text exactly (for text with single spaces). Korean
particles glued to a Hangul word are split off ("서울에서" -> "서울", "##에서") so that a
value is the same token whatever particle follows it.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Protocol

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIAL_TOKENS = (PAD, UNK, BOS, EOS)
GLUE = "##"

# Longest first, so "에서" wins over "에" and "이다" over "이".
KOREAN_PARTICLES = ("에서", "에게", "으로", "부터", "까지", "이다", "은", "는", "이", "가", "을", "를",
                    "에", "의", "로", "와", "과", "도")

_PIECE = re.compile(r"\s*([A-Za-z]+|[\uac00-\ud7a3]+|[0-9]+|[^\sA-Za-z0-9\uac00-\ud7a3])")


class TextTokenizer(Protocol):
    """What training and evaluation need from any tokenizer."""

    @property
    def vocab_size(self) -> int: ...
    @property
    def pad_id(self) -> int: ...
    @property
    def eos_id(self) -> int: ...
    def encode(self, text: str) -> list[int]: ...
    def decode(self, ids: Iterable[int]) -> str: ...


def _split_particle(word: str) -> list[str]:
    for particle in KOREAN_PARTICLES:
        if len(word) > len(particle) and word.endswith(particle):
            return [word[: -len(particle)], GLUE + particle]
    return [word]


def word_pieces(text: str) -> list[str]:
    """Split text into word-level pieces, "##"-marking pieces glued to their predecessor."""
    pieces: list[str] = []
    position = 0
    for match in _PIECE.finditer(text):
        piece = match.group(1)
        glued = bool(pieces) and match.start(1) == position
        position = match.end(1)
        parts = _split_particle(piece) if "\uac00" <= piece[0] <= "\ud7a3" else [piece]
        parts[0] = GLUE + parts[0] if glued else parts[0]
        pieces.extend(parts)
    return pieces


class WordTokenizer:
    """Deterministic word-level vocabulary: special tokens, then pieces by (-count, piece)."""

    def __init__(self, vocab: list[str]):
        if list(vocab[: len(SPECIAL_TOKENS)]) != list(SPECIAL_TOKENS):
            raise ValueError(f"vocab: expected the special tokens {SPECIAL_TOKENS} first")
        self.vocab = list(vocab)
        self.index = {piece: i for i, piece in enumerate(self.vocab)}
        if len(self.index) != len(self.vocab):
            raise ValueError("vocab: expected distinct pieces")

    @classmethod
    def build(cls, texts: Iterable[str], min_count: int = 1) -> "WordTokenizer":
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(word_pieces(text))
        kept = sorted((p for p, c in counts.items() if c >= min_count and p not in SPECIAL_TOKENS),
                      key=lambda p: (-counts[p], p))
        return cls(list(SPECIAL_TOKENS) + kept)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    @property
    def pad_id(self) -> int:
        return self.index[PAD]

    @property
    def eos_id(self) -> int:
        return self.index[EOS]

    @property
    def unk_id(self) -> int:
        return self.index[UNK]

    def encode(self, text: str) -> list[int]:
        return [self.index.get(p, self.unk_id) for p in word_pieces(text)]

    def decode(self, ids: Iterable[int]) -> str:
        out: list[str] = []
        for i in ids:
            piece = self.vocab[i]
            if piece in (PAD, BOS, EOS):
                continue
            if piece.startswith(GLUE) and out:
                out.append(piece[len(GLUE):])
            else:
                out.append((" " if out else "") + piece.removeprefix(GLUE))
        return "".join(out)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"type": "graftwork-word", "vocab": self.vocab}, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> "WordTokenizer":
        data = json.loads(path.read_text())
        if data.get("type") != "graftwork-word":
            raise ValueError(f"{path}: expected a graftwork word tokenizer (type 'graftwork-word')")
        return cls(data["vocab"])


class HFTokenizer:
    """A `tokenizer.json` (Hugging Face `tokenizers`) of an uploaded model."""

    def __init__(self, path: Path, eos_token: str | None = None, pad_token: str | None = None):
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(path))
        self._eos = self._find_id(eos_token, ("</s>", "<|end_of_text|>", "<|endoftext|>", "<eos>"))
        pad = self._find_id(pad_token, ("<pad>", "<|pad|>", "<unk>"))
        self._pad = self._eos if pad is None else pad
        if self._eos is None:
            raise ValueError(f"{path}: no end-of-sequence token found; name it in the spec (eosToken)")

    def _find_id(self, wanted: str | None, candidates: tuple[str, ...]) -> int | None:
        for token in ((wanted,) if wanted else candidates):
            token_id = self._tok.token_to_id(token)
            if token_id is not None:
                return int(token_id)
        return None

    @property
    def vocab_size(self) -> int:
        return int(self._tok.get_vocab_size(with_added_tokens=True))

    @property
    def pad_id(self) -> int:
        return int(self._pad)  # type: ignore[arg-type]

    @property
    def eos_id(self) -> int:
        return int(self._eos)  # type: ignore[arg-type]

    def encode(self, text: str) -> list[int]:
        return list(self._tok.encode(text, add_special_tokens=False).ids)

    def decode(self, ids: Iterable[int]) -> str:
        return str(self._tok.decode(list(ids), skip_special_tokens=True))


def load_tokenizer(folder: Path) -> TextTokenizer:
    """The tokenizer stored with a model version: ours (word) or a Hugging Face tokenizer.json."""
    path = folder / "tokenizer.json"
    if not path.exists():
        raise FileNotFoundError(f"{folder}: expected a tokenizer.json beside the model")
    data = json.loads(path.read_text())
    if data.get("type") == "graftwork-word":
        return WordTokenizer(data["vocab"])
    return HFTokenizer(path)
