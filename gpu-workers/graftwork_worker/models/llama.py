"""A Llama-family decoder (RMSNorm, rotary embeddings, grouped-query attention, SwiGLU).

Parameter names mirror Hugging Face's `LlamaForCausalLM`, so a checkpoint's state dict loads
as is. The functional pieces (`rms_norm`, `rotary_cos_sin`, `apply_rotary`, `causal_attention`)
are shared with the SCALE expansion (scale/), which must reproduce the base computation bit
for bit: both call the same functions with the same shapes.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

_SUPPORTED_ROPE_TYPES = ("default", "llama3")


@dataclass
class LlamaConfig:
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int | None = None  # None: hidden_size // num_attention_heads
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0
    max_position_embeddings: int = 2048
    tie_word_embeddings: bool = False
    rope_scaling: dict[str, Any] | None = field(default=None)  # None or Llama-3 "llama3" scaling

    def __post_init__(self) -> None:
        for name in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                     "num_attention_heads", "num_key_value_heads", "max_position_embeddings"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name}: expected a positive integer, got {value!r}")
        if self.num_attention_heads % self.num_key_value_heads:
            raise ValueError(f"num_key_value_heads: expected a divisor of num_attention_heads "
                             f"({self.num_attention_heads}), got {self.num_key_value_heads}")
        if self.head_dim is None and self.hidden_size % self.num_attention_heads:
            raise ValueError(f"hidden_size: expected a multiple of num_attention_heads "
                             f"({self.num_attention_heads}) when head_dim is not set, "
                             f"got {self.hidden_size}")
        if self.dims_per_head % 2:
            raise ValueError(f"head_dim: expected an even number (rotary pairs), got {self.dims_per_head}")
        rope_type = (self.rope_scaling or {}).get("rope_type", (self.rope_scaling or {}).get("type", "default"))
        if rope_type not in _SUPPORTED_ROPE_TYPES:
            raise ValueError(f"rope_scaling.rope_type: expected one of {_SUPPORTED_ROPE_TYPES}, got {rope_type!r}")

    @property
    def dims_per_head(self) -> int:
        return self.head_dim if self.head_dim is not None else self.hidden_size // self.num_attention_heads

    @classmethod
    def from_hf_dict(cls, d: dict[str, Any]) -> "LlamaConfig":
        """Read a Hugging Face `config.json` of a Llama-family model; refuse what we do not build."""
        model_type = d.get("model_type", "llama")
        if model_type != "llama":
            raise ValueError(f"model_type: expected 'llama', got {model_type!r}")
        if d.get("hidden_act", "silu") != "silu":
            raise ValueError(f"hidden_act: expected 'silu', got {d['hidden_act']!r}")
        for flag in ("attention_bias", "mlp_bias"):
            if d.get(flag, False):
                raise ValueError(f"{flag}: expected false (biases are not supported), got true")
        missing = [k for k in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                               "num_attention_heads") if k not in d]
        if missing:
            raise ValueError(f"config.json: missing required field(s) {missing}")
        # transformers >= 5 writes `rope_parameters` (theta + scaling in one dict); older, the two keys.
        rope = dict(d.get("rope_parameters") or {})
        theta = float(rope.pop("rope_theta", d.get("rope_theta", 10000.0)))
        scaling = d.get("rope_scaling") or (rope if rope.get("rope_type", "default") != "default" else None)
        if scaling is not None:
            scaling = {k: v for k, v in scaling.items() if k != "rope_theta"}
        return cls(
            vocab_size=d["vocab_size"], hidden_size=d["hidden_size"],
            intermediate_size=d["intermediate_size"], num_hidden_layers=d["num_hidden_layers"],
            num_attention_heads=d["num_attention_heads"],
            num_key_value_heads=d.get("num_key_value_heads") or d["num_attention_heads"],
            head_dim=d.get("head_dim"), rms_norm_eps=float(d.get("rms_norm_eps", 1e-6)),
            rope_theta=theta,
            max_position_embeddings=d.get("max_position_embeddings", 2048),
            tie_word_embeddings=bool(d.get("tie_word_embeddings", False)),
            rope_scaling=scaling)

    def to_hf_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["head_dim"] = self.dims_per_head
        d.update(model_type="llama", architectures=["LlamaForCausalLM"], hidden_act="silu",
                 attention_bias=False, mlp_bias=False)
        return d

    @classmethod
    def tiny(cls, vocab_size: int, **overrides: Any) -> "LlamaConfig":
        """A model of a few hundred thousand parameters for tests and CPU demos."""
        values: dict[str, Any] = dict(vocab_size=vocab_size, hidden_size=64, intermediate_size=160,
                                      num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=2,
                                      max_position_embeddings=512)
        values.update(overrides)
        return cls(**values)


def rms_norm(x: Tensor, weight: Tensor, eps: float) -> Tensor:
    """RMSNorm computed in float32, cast back, then scaled (the order Hugging Face uses)."""
    x32 = x.float()
    x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)
    return weight * x32.to(x.dtype)


def rope_inverse_frequencies(config: LlamaConfig) -> Tensor:
    dim = config.dims_per_head
    inv_freq = 1.0 / (config.rope_theta ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    scaling = config.rope_scaling or {}
    if scaling.get("rope_type", scaling.get("type")) != "llama3":
        return inv_freq
    # Llama 3.1+: long wavelengths are slowed by `factor`, short ones kept, a smooth ramp between.
    factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
    original = scaling["original_max_position_embeddings"]
    wavelength = 2 * math.pi / inv_freq
    scaled = torch.where(wavelength > original / low, inv_freq / factor, inv_freq)
    smooth = (original / wavelength - low) / (high - low)
    blended = (1 - smooth) * scaled / factor + smooth * scaled
    in_between = (wavelength >= original / high) & (wavelength <= original / low)
    return torch.where(in_between, blended, scaled)


def rotary_cos_sin(inv_freq: Tensor, seq_len: int, dtype: torch.dtype) -> tuple[Tensor, Tensor]:
    """cos and sin of shape [T, head_dim] for positions 0..T-1 (computed in float32)."""
    positions = torch.arange(seq_len, device=inv_freq.device, dtype=torch.float32)
    angles = torch.outer(positions, inv_freq.float())
    angles = torch.cat((angles, angles), dim=-1)
    return angles.cos().to(dtype), angles.sin().to(dtype)


def apply_rotary(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    """Rotate [B, H, T, D] by position; halves are paired as Hugging Face's `rotate_half`."""
    first, second = x.chunk(2, dim=-1)
    return x * cos + torch.cat((-second, first), dim=-1) * sin


def causal_attention(q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    """q [B, Hq, T, D], k/v [B, Hkv, T, D] -> [B, T, Hq*D]; query head i reads KV head i // (Hq/Hkv)."""
    groups = q.shape[1] // k.shape[1]
    if groups > 1:  # repeat_interleave keeps the ONNX graph simple (no enable_gqa flag needed)
        k = k.repeat_interleave(groups, dim=1)
        v = v.repeat_interleave(groups, dim=1)
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    return out.transpose(1, 2).flatten(2)


def split_heads(x: Tensor, heads: int, head_dim: int) -> Tensor:
    """[B, T, H*D] -> [B, H, T, D]."""
    return x.view(x.shape[0], x.shape[1], heads, head_dim).transpose(1, 2)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        return rms_norm(x, self.weight, self.eps)


class LlamaAttention(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = c.num_attention_heads, c.num_key_value_heads, c.dims_per_head
        self.q_proj = nn.Linear(c.hidden_size, self.heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(c.hidden_size, self.kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(c.hidden_size, self.kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.heads * self.head_dim, c.hidden_size, bias=False)

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
        q = apply_rotary(split_heads(self.q_proj(x), self.heads, self.head_dim), cos, sin)
        k = apply_rotary(split_heads(self.k_proj(x), self.kv_heads, self.head_dim), cos, sin)
        v = split_heads(self.v_proj(x), self.kv_heads, self.head_dim)
        return self.o_proj(causal_attention(q, k, v))


class LlamaMLP(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = LlamaAttention(c)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.mlp = LlamaMLP(c)

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(LlamaDecoderLayer(c) for _ in range(c.num_hidden_layers))
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.register_buffer("rope_inv_freq", rope_inverse_frequencies(c), persistent=False)

    def forward(self, input_ids: Tensor, output_hidden_states: bool = False) -> tuple[Tensor, list[Tensor]]:
        """Final normed hidden states [B, T, d], and the residual stream after each layer if asked."""
        x = self.embed_tokens(input_ids)
        cos, sin = rotary_cos_sin(self.rope_inv_freq, input_ids.shape[1], x.dtype)
        hidden: list[Tensor] = []
        for layer in self.layers:
            x = layer(x, cos, sin)
            if output_hidden_states:
                hidden.append(x)
        return self.norm(x), hidden


class LlamaForCausalLM(nn.Module):
    def __init__(self, config: LlamaConfig):
        super().__init__()
        self.config = config
        self.model = LlamaModel(config)
        # Tied models have no lm_head parameter at all: one tensor, one name, safetensors-friendly.
        self.lm_head = None if config.tie_word_embeddings else nn.Linear(
            config.hidden_size, config.vocab_size, bias=False)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)

    @property
    def output_weight(self) -> Tensor:
        return self.model.embed_tokens.weight if self.lm_head is None else self.lm_head.weight

    def forward(self, input_ids: Tensor) -> Tensor:
        """Logits [B, T, V]."""
        normed, _ = self.model(input_ids)
        return F.linear(normed, self.output_weight)

    def hidden_states(self, input_ids: Tensor) -> list[Tensor]:
        """The residual stream after each decoder layer (for preservation checks)."""
        return self.model(input_ids, output_hidden_states=True)[1]
