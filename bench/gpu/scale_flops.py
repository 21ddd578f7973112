"""FLOP counts for one training step, used by scale_step_bench.py to report model FLOP utilisation.

Two conventions, both over the tokens of the step (T = batch x sequence):

- standard:        6 * N_total * T  (forward 2N, backward 4N), the figure papers quote.
- trainable-aware: 2 * N_total * T (forward: every weight multiplies every token)
                 + 2 * N_backprop * T (gradients w.r.t. activations, only where some trainable
                   parameter lies below)
                 + 2 * N_trainable * T (gradients w.r.t. trainable weights only).
  N_backprop is N_total for methods whose gradient reaches the bottom of the network (FFT,
  Freeze, LoRA, LLaMA Pro, SCALE-Adapt), and N_new for SCALE-Preserve / SCALE-Route, whose
  frozen x-stream has no trainable parameter and so no backward pass at all. It is an upper
  bound (Freeze does not backpropagate below its frozen layers; in SCALE, W21 needs no
  activation gradient), so the aware MFU is, if anything, optimistic for those.
Attention's T^2 term (score and value products) is left out of both, as in the 6NT convention;
at sequence 2048 and d = 2048 it adds about 10% to a dense model's count.
"""
from __future__ import annotations

NO_FROZEN_BACKWARD = ("scale_preserve", "scale_route")

# Dense bf16 peak of the accelerators we run on (tensor cores, no sparsity), in FLOP/s.
PEAK_BF16 = {"H100": 989e12, "H200": 989e12, "A100": 312e12, "L40S": 362e12}


def step_flops(method: str, report: dict[str, int], tokens: int) -> tuple[float, float]:
    """(standard, trainable-aware) FLOPs of one optimiser step over `tokens` tokens."""
    total, trainable, new = report["total"], report["trainable"], report["new"]
    backprop = new if method in NO_FROZEN_BACKWARD else total
    return 6.0 * total * tokens, 2.0 * (total + backprop + trainable) * tokens


def peak_flops(device_name: str, override_tflops: float | None) -> float | None:
    if override_tflops:
        return override_tflops * 1e12
    for key, value in PEAK_BF16.items():
        if key in device_name:
            return value
    return None
