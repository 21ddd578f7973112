"""The federated engine's models, and the functional wrapper the vectorised trainer needs.

The modules hold no BatchNorm: running statistics are state that does not average and
does not vmap cleanly. The CNN optionally uses GroupNorm, which has neither problem.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import Tensor, nn
from torch.func import functional_call
from torch.utils.flop_counter import FlopCounterMode

from .params import Params, num_bytes, num_parameters


def stacked_linear(x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    """nn.Linear for K models at once: x [K, B, in], weight [K, out, in], bias [K, out]."""
    return torch.baddbmm(bias.unsqueeze(1), x, weight.transpose(1, 2))


class SoftmaxRegression(nn.Module):
    def __init__(self, in_features: int, classes: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x.flatten(1))

    @staticmethod
    def forward_stacked(p: Params, x: Tensor) -> Tensor:
        return stacked_linear(x.flatten(2), p["linear.weight"], p["linear.bias"])


class MLP(nn.Module):
    """784-200-200-C in the FedAvg paper; the hidden width is configurable."""

    def __init__(self, in_features: int, classes: int, hidden: int = 200) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, classes)

    def forward(self, x: Tensor) -> Tensor:
        h = torch.relu(self.fc1(x.flatten(1)))
        return self.out(torch.relu(self.fc2(h)))

    @staticmethod
    def forward_stacked(p: Params, x: Tensor) -> Tensor:
        h = torch.relu(stacked_linear(x.flatten(2), p["fc1.weight"], p["fc1.bias"]))
        h = torch.relu(stacked_linear(h, p["fc2.weight"], p["fc2.bias"]))
        return stacked_linear(h, p["out.weight"], p["out.bias"])


class SmallCNN(nn.Module):
    """Two 5x5 conv blocks and a linear head, for square single-channel images."""

    def __init__(self, side: int, classes: int, channels: int = 16, group_norm: bool = False) -> None:
        super().__init__()
        self.side = side
        self.conv1 = nn.Conv2d(1, channels, 5, padding=2)
        self.conv2 = nn.Conv2d(channels, 2 * channels, 5, padding=2)
        self.norm1: nn.Module = nn.GroupNorm(4, channels) if group_norm else nn.Identity()
        self.norm2: nn.Module = nn.GroupNorm(4, 2 * channels) if group_norm else nn.Identity()
        pooled = side // 4
        self.head = nn.Linear(2 * channels * pooled * pooled, classes)

    def forward(self, x: Tensor) -> Tensor:
        h = x.reshape(x.shape[0], 1, self.side, self.side)
        h = torch.max_pool2d(torch.relu(self.norm1(self.conv1(h))), 2)
        h = torch.max_pool2d(torch.relu(self.norm2(self.conv2(h))), 2)
        return self.head(h.flatten(1))


MODEL_NAMES = ("softmax", "mlp", "cnn")


def build_module(name: str, in_features: int, classes: int, *, hidden: int = 200, cnn_channels: int = 16,
                 group_norm: bool = False) -> nn.Module:
    if name == "softmax":
        return SoftmaxRegression(in_features, classes)
    if name == "mlp":
        return MLP(in_features, classes, hidden)
    if name == "cnn":
        side = int(round(in_features ** 0.5))
        if side * side != in_features or side < 4:
            raise ValueError(f"model.name 'cnn' needs square images (features a square >= 16), got {in_features}")
        return SmallCNN(side, classes, cnn_channels, group_norm)
    raise ValueError(f"model.name: expected one of {list(MODEL_NAMES)}, got {name!r}")


@dataclass
class FunctionalModel:
    """A module used only as a function of an explicit parameter dict (vmap-able)."""

    name: str
    module: nn.Module  # holds the architecture; its own parameters are never trained
    in_features: int
    classes: int
    flops_per_sample: float  # training FLOPs (forward + backward) for one sample
    num_params: int
    bytes: int  # bytes of one model on the wire (float32)

    def init(self, rng: torch.Generator, device: torch.device | str = "cpu") -> Params:
        """Fresh parameters drawn from `rng` (PyTorch's default init, on a forked RNG)."""
        seed = int(torch.randint(0, 2**62, (1,), generator=rng))
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            for m in self.module.modules():
                if hasattr(m, "reset_parameters") and m is not self.module:
                    m.reset_parameters()
            return {k: v.detach().clone().to(device) for k, v in self.module.named_parameters()}

    def apply(self, params: Params, x: Tensor) -> Tensor:
        return functional_call(self.module, params, (x,))

    @property
    def apply_stacked(self) -> Callable[[Params, Tensor], Tensor] | None:
        """Logits of K stacked models on x [K, B, ...] in plain batched ops, when the
        architecture has such a form (linear layers: batched matmuls). None: use
        vmap(apply). Same numbers either way; this form skips vmap's per-call overhead,
        which dominates small models on a CPU."""
        return getattr(self.module, "forward_stacked", None)


def make_model(name: str, in_features: int, classes: int, **options: int | bool) -> FunctionalModel:
    module = build_module(name, in_features, classes, **options)  # type: ignore[arg-type]
    module.requires_grad_(False)
    params = {k: v.detach() for k, v in module.named_parameters()}
    return FunctionalModel(name=name, module=module, in_features=in_features, classes=classes,
                           flops_per_sample=_training_flops(module, params, in_features),
                           num_params=num_parameters(params), bytes=num_bytes(params))


def _training_flops(module: nn.Module, params: Params, in_features: int) -> float:
    """Counted, not estimated: one forward and backward pass of one sample."""
    trainable = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    counter = FlopCounterMode(display=False)
    with counter:
        out = functional_call(module, trainable, (torch.zeros(1, in_features),))
        out.sum().backward()
    return float(counter.get_total_flops())


ModelFactory = Callable[[int, int], FunctionalModel]
