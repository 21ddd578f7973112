import pytest

from graftwork_worker.scale.spec import ALL_METHODS, fill_defaults, parse_spec
from graftwork_worker.worker.job_context import JobConfigError


def test_defaults_are_filled_at_every_depth_from_the_schema():
    filled = fill_defaults({"stage": "benchmark", "training": {"steps": 7}, "methods": [{"method": "lora"}]})
    assert filled["training"] == {**filled["training"], "steps": 7, "batchSize": 16, "gradAccum": 1}
    assert filled["biographies"]["oldPeople"] == 400
    assert filled["methods"][0]["options"] == {}


def test_parse_spec_builds_typed_settings():
    spec = parse_spec({"stage": "benchmark", "seed": 3, "training": {"steps": 7, "newLearningRate": 0.01}})
    assert spec.training.steps == 7 and spec.training.new_lr == 0.01 and spec.training.seed == 3
    assert [m.method for m in spec.methods] == list(ALL_METHODS)
    freeze = next(m for m in spec.methods if m.method == "freeze")
    assert freeze.options == {"freezeLayers": 1}  # a 2-layer default model keeps one layer trainable


@pytest.mark.parametrize("raw, field", [
    ({"stage": "continual"}, "modelVersionId"),
    ({"stage": "pretrain", "modelSize": {"heads": 3}}, "modelSize.heads"),
    ({"stage": "pretrain", "modelSize": {"hiddenSize": 48, "heads": 4, "kvHeads": 3}}, "modelSize.kvHeads"),
    ({"stage": "pretrain", "training": {"steps": 0}}, "spec.training.steps"),
    ({"stage": "benchmark", "methodOptions": {"bogus": 1}}, "spec.methodOptions"),
    ({"stage": "pretrain", "corpus": {"datasetVersionId": "a", "heldOutDatasetVersionId": "b"}}, "corpus"),
])
def test_bad_specs_name_the_field(raw, field):
    with pytest.raises(JobConfigError, match=field.replace(".", r"\.")):
        parse_spec(raw)
