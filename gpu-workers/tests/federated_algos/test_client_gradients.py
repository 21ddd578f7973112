import numpy as np
import torch
import torch.nn.functional as F

from graftwork_worker.federated.client_data import build_client_data
from graftwork_worker.federated.grouping.client_gradients import full_batch_gradients
from graftwork_worker.federated.models import make_model


def test_matches_per_client_autograd() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 12)).astype(np.float32)
    y = rng.integers(0, 3, size=90)
    parts = [np.arange(0, 7), np.arange(7, 40), np.arange(40, 90)]  # uneven sizes: padding must be masked
    data = build_client_data(x, y, parts, classes=3, device="cpu")
    model = make_model("mlp", 12, 3, hidden=8)
    params = model.init(torch.Generator().manual_seed(0))
    got = full_batch_gradients(model, params, data, client_chunk=2, sample_chunk=16)
    for c in range(3):
        leaves = {k: v.clone().requires_grad_(True) for k, v in params.items()}
        xc, yc = data.client_tensors(c)
        loss = F.cross_entropy(model.apply(leaves, xc), yc)
        expected = torch.cat([g.reshape(-1) for g in torch.autograd.grad(loss, list(leaves.values()))])
        torch.testing.assert_close(got[c], expected, rtol=1e-4, atol=1e-6)
