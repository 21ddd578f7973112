"""Starting values of SCALE's new blocks W21 and W22 ("svd", "random" or "zero"). W12 is always 0.

"svd" [reconstruction of the recommended recipe]: from the frozen W = U S V^T, the k-th new
output unit reads the k-th principal input direction, W21[k] = c * sqrt(S_k) * V_k^T, so the
new units start on what the old layer found important; units beyond rank(W) and all of W22
are small random. Random values come from a seeded generator on the CPU, so a given seed gives
the same model on any device.
"""
from __future__ import annotations

import torch
from torch import Tensor

from .block_linear import BlockLinear


def _normal(shape: torch.Size, std: float, generator: torch.Generator) -> Tensor:
    return torch.randn(shape, generator=generator, dtype=torch.float32) * std


def svd_rows(weight: Tensor, rows: int, scale: float, std: float, generator: torch.Generator) -> Tensor:
    """`rows` x d_in: c * sqrt(S_k) V_k^T for the top min(rows, rank) directions, random after."""
    # On the weight's device (a GPU SVD of a 2048 x 8192 block takes milliseconds, the CPU seconds).
    _, singular, vh = torch.linalg.svd(weight.detach().float(), full_matrices=False)
    k = min(rows, singular.shape[0])
    top = scale * singular[:k].sqrt().unsqueeze(1) * vh[:k]
    rest = _normal(torch.Size((rows - k, weight.shape[1])), std, generator).to(top.device)
    return torch.cat((top, rest), dim=0)


@torch.no_grad()
def init_block(block: BlockLinear, method: str, scale: float, std: float, generator: torch.Generator) -> None:
    if block.w12 is not None:
        block.w12.zero_()
    for param in (block.w21, block.w22):
        if param is not None:
            param.zero_()
    if method == "zero":
        return
    if block.w21 is not None:
        values = (svd_rows(block.weight, block.new_out, scale, std, generator) if method == "svd"
                  else _normal(block.w21.shape, std, generator))
        block.w21.copy_(values)
    if block.w22 is not None:
        block.w22.copy_(_normal(block.w22.shape, std, generator))


@torch.no_grad()
def init_normal(param: Tensor, std: float, generator: torch.Generator) -> None:
    param.copy_(_normal(param.shape, std, generator))
