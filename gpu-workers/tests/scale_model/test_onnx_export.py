"""ONNX export runs in onnxruntime and matches PyTorch within 1e-4."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch

from graftwork_worker.export.onnx_export import export_onnx

from .helpers import adamw_steps, base_and_method, token_batch


@pytest.mark.parametrize("method", ["scale_route", "scale_adapt", "lora"])
def test_onnx_matches_pytorch(method: str, tmp_path: Path) -> None:
    options = {"hidden": 16, "heads": 2, "kv_heads": 1, "ffn": 16} if method.startswith("scale") else {}
    _, model = base_and_method(method, options)
    adamw_steps(model, steps=2, lr=5e-2)  # W_lm12 non-zero, so the three heads differ
    path = tmp_path / "model.onnx"
    names = export_onnx(model, path)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [o.name for o in session.get_outputs()] == names
    ids = token_batch(batch=3, seq=11)  # another shape than the export example: axes are dynamic
    outputs = dict(zip(names, session.run(None, {"input_ids": ids.numpy()})))
    with torch.no_grad():
        out = model.eval()(ids)
    if method.startswith("scale"):
        assert names == ["preservation_logits", "adaptation_logits", "routed_logits"]
        expected = {"preservation_logits": out.extras["preservation_logits"],
                    "adaptation_logits": out.extras["adaptation_logits"]}
        if method == "scale_route":
            expected["routed_logits"] = out.eval_logits
        assert not np.allclose(outputs["preservation_logits"], outputs["adaptation_logits"])
    else:
        assert names == ["logits"]
        expected = {"logits": out.eval_logits}
    for name, tensor in expected.items():
        np.testing.assert_allclose(outputs[name], tensor.numpy(), atol=1e-4, rtol=0, err_msg=name)
