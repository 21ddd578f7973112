"""FFT (every weight trains) and Freeze (bottom layers and embeddings frozen) on the plain model."""
from __future__ import annotations

from torch import Tensor

from ...models.llama import LlamaForCausalLM
from ..method_model import MethodModel, MethodOutput
from ..method_spec import MethodSpec


class FullModelMethod(MethodModel):
    """The base model itself, trained in place (fft), or with its bottom part frozen (freeze).

    Freeze keeps the input embeddings frozen; on a tied base that is also the output layer.
    """

    def __init__(self, base: LlamaForCausalLM, spec: MethodSpec):
        super().__init__(spec, base.config)
        self.model = base
        for param in base.parameters():
            param.requires_grad_(True)
        if spec.method == "freeze":
            frozen_layers = spec.options["freeze_layers"]
            layers = base.config.num_hidden_layers
            if frozen_layers > layers:
                raise ValueError(f"options.freeze_layers: expected 0..{layers} (the base has {layers} layers), "
                                 f"got {frozen_layers}")
            base.model.embed_tokens.weight.requires_grad_(False)
            for layer in base.model.layers[:frozen_layers]:
                for param in layer.parameters():
                    param.requires_grad_(False)

    def is_new_parameter(self, name: str) -> bool:
        return False

    def forward(self, input_ids: Tensor) -> MethodOutput:  # type: ignore[override]
        logits = self.model(input_ids)
        return MethodOutput(logits=logits, eval_logits=logits)
