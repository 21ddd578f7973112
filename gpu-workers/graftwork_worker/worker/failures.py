"""Maps an exception raised by a job handler to the run's terminal reason."""
from __future__ import annotations

from dataclasses import dataclass

from .job_context import JobCancelled, JobConfigError, NonFiniteLoss


@dataclass(frozen=True)
class Failure:
    reason: str  # one of contracts/README.md's terminal reasons
    message: str
    retryable: bool


def _is_out_of_memory(error: BaseException) -> bool:
    try:
        import torch
    except ImportError:  # the classifier must work in a process without torch
        return False
    if isinstance(error, torch.OutOfMemoryError):
        return True
    # Some allocators (e.g. MPS, older CUDA paths) raise a plain RuntimeError.
    return isinstance(error, RuntimeError) and "out of memory" in str(error).lower()


def classify(error: BaseException) -> Failure:
    message = f"{type(error).__name__}: {error}"[:4000]
    if isinstance(error, JobCancelled):
        return Failure("user_cancelled", message, retryable=False)
    if isinstance(error, JobConfigError):
        return Failure("config_error", message, retryable=False)
    if isinstance(error, NonFiniteLoss):
        return Failure("non_finite_loss", message, retryable=False)
    if _is_out_of_memory(error):
        # The same spec on the same kind of GPU runs out of memory again: not retried.
        return Failure("out_of_memory", message, retryable=False)
    return Failure("internal_error", message, retryable=True)
