"""pretrain -> qa_finetune -> continual as separate runs linked by model versions."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import torch

from fakes import FakeJobContext
from graftwork_worker.data.corpus import BiographyConfig, build_biography_data
from graftwork_worker.data.tokenization import WordTokenizer
from graftwork_worker.scale.job import run_scale_job
from graftwork_worker.export.method_checkpoint import load_method_checkpoint
from graftwork_worker.worker.job_context import JobConfigError

from .conftest import adopt_registered_versions
from .test_benchmark_stage import RESULT_SCHEMA, TINY

SHORT = {"steps": 4, "batchSize": 8, "learningRate": 0.01, "warmupSteps": 1, "evalEvery": 0, "checkpointEvery": 0}
COMMON = {"modelSize": TINY["modelSize"], "biographies": TINY["biographies"], "training": SHORT}


def _run(ctx: FakeJobContext, spec: dict) -> dict:
    ctx.spec = spec
    result = dict(run_scale_job(ctx))
    jsonschema.Draft202012Validator(json.loads(RESULT_SCHEMA.read_text())).validate(result)
    adopt_registered_versions(ctx)
    return result


@pytest.fixture(scope="module")
def protocol(tmp_path_factory: pytest.TempPathFactory) -> tuple[FakeJobContext, dict, dict, dict]:
    ctx = FakeJobContext({}, tmp_path_factory.mktemp("stages"))
    base = _run(ctx, {"stage": "pretrain", **COMMON})
    task0 = _run(ctx, {"stage": "qa_finetune", "modelVersionId": base["modelVersions"][0]["id"], **COMMON})
    child = _run(ctx, {"stage": "continual", "modelVersionId": task0["modelVersions"][0]["id"],
                       "method": "scale_route", "methodOptions": {"hidden": 16, "heads": 2, "ffn": 16},
                       "exportOnnx": True, **COMMON})
    return ctx, base, task0, child


def test_each_stage_registers_a_child_of_its_input(protocol):
    ctx, base, task0, child = protocol
    assert base["modelVersions"][0]["parentVersionId"] is None
    assert task0["modelVersions"][0]["parentVersionId"] == base["modelVersions"][0]["id"]
    record = ctx.registered[-1]
    assert record["parentVersionId"] == task0["modelVersions"][0]["id"]
    assert record["derivation"]["method"] == "scale_route"
    assert record["derivation"]["stage"] == "continual"
    assert record["derivation"]["options"]["hidden"] == 16
    assert record["architecture"]["expansion"]["expansion"]["hidden"] == 16
    assert child["table"][0]["method"] == "scale_route"


def test_continual_output_reloads_to_the_same_eval_logits(protocol):
    ctx, _, _, child = protocol
    folder = ctx.model_versions[child["modelVersions"][0]["id"]]
    assert json.loads((folder / "config.json").read_text())["graftwork_method"]["method"] == "scale_route"
    model = load_method_checkpoint(folder).eval()
    tokenizer = WordTokenizer.load(folder / "tokenizer.json")
    data = build_biography_data(BiographyConfig(old_people=40, new_people=12, bios_per_person=2, seq_len=64,
                                                eval_people=12), tokenizer)
    from graftwork_worker.evaluation.biography import qa_accuracy

    scores = qa_accuracy(lambda ids: model(ids).eval_logits, data.task1_eval, tokenizer.pad_id)
    assert scores["first_token_acc"] == child["table"][0]["acquisition"]
    assert scores["answer_nll"] == pytest.approx(child["table"][0]["acquisitionNll"], abs=1e-6)


def test_continual_output_carries_an_onnx_export(protocol):
    import onnxruntime

    ctx, _, _, child = protocol
    folder = ctx.model_versions[child["modelVersions"][0]["id"]]
    session = onnxruntime.InferenceSession(str(folder / "model.onnx"))
    outputs = session.run(None, {"input_ids": torch.ones((1, 5), dtype=torch.long).numpy()})
    assert [o.name for o in session.get_outputs()] == ["preservation_logits", "adaptation_logits", "routed_logits"]
    assert outputs[2].shape[:2] == (1, 5)


def test_stage_refuses_a_version_trained_on_other_people(protocol):
    ctx, base, _, _ = protocol
    other = {**COMMON["biographies"], "seed": 5}
    ctx.spec = {"stage": "qa_finetune", "modelVersionId": base["modelVersions"][0]["id"], **COMMON,
                "biographies": other}
    with pytest.raises(JobConfigError, match="biographies.seed"):
        run_scale_job(ctx)


def test_continual_refuses_an_already_expanded_version(protocol):
    ctx, _, _, child = protocol
    ctx.spec = {"stage": "continual", "modelVersionId": child["modelVersions"][0]["id"], **COMMON}
    with pytest.raises(JobConfigError, match="already an expanded"):
        run_scale_job(ctx)


def test_continual_on_a_corpus_reports_forgetting_and_learning_perplexity(protocol, tmp_path):
    ctx, _, task0, _ = protocol
    words = "Ada works in Larkhaven . Boris studied at Meridian University .".split()
    new_docs = [" ".join(words[i % 5:] + words[: i % 5]) for i in range(60)]
    (tmp_path / "new.jsonl").write_text("\n".join(json.dumps({"text": d}) for d in new_docs))
    (tmp_path / "old.txt").write_text("\n\n".join(new_docs[::-1]))
    ctx.dataset_versions.update({"ds-new": tmp_path / "new.jsonl", "ds-old": tmp_path / "old.txt"})
    result = _run(ctx, {"stage": "continual", "modelVersionId": task0["modelVersions"][0]["id"],
                        "method": "lora", "methodOptions": {"rank": 2},
                        "corpus": {"datasetVersionId": "ds-new", "heldOutDatasetVersionId": "ds-old", "seqLen": 32,
                                   "evalSequences": 4}, **COMMON})
    row = result["perplexityTable"][0]
    assert row["method"] == "lora"
    assert row["newPerplexityAfter"] < row["newPerplexityBefore"]
    assert set(result["phases"][0]["curve"][0]) >= {"step", "old_perplexity", "new_perplexity"}


def test_bad_method_option_names_the_spec_field(protocol):
    ctx, _, task0, _ = protocol
    ctx.spec = {"stage": "continual", "modelVersionId": task0["modelVersions"][0]["id"], "method": "scale_adapt",
                "methodOptions": {"lFp": 9}, **COMMON}
    with pytest.raises(JobConfigError, match=r"methodOptions\.l_fp"):
        run_scale_job(ctx)


def test_continual_run_resumed_after_a_crash_ends_like_the_uninterrupted_one(protocol, tmp_path):
    ctx, _, task0, _ = protocol
    training = {**SHORT, "steps": 6, "checkpointEvery": 2, "evalEvery": 3}
    spec = {"stage": "continual", "modelVersionId": task0["modelVersions"][0]["id"], "method": "scale_adapt",
            "methodOptions": {"hidden": 16, "heads": 2, "ffn": 16, "lFp": 1}, **COMMON, "training": training}

    def fresh(cancel_after: int | None = None) -> FakeJobContext:
        other = FakeJobContext(spec, tmp_path / str(cancel_after), cancel_after_checks=cancel_after)
        other.model_versions = dict(ctx.model_versions)
        return other

    straight = dict(run_scale_job(fresh()))
    first = fresh(cancel_after=5)  # stopped before step 5, after the step-4 checkpoint
    with pytest.raises(Exception, match="cancel"):
        run_scale_job(first)
    second = fresh()
    second.checkpoints = list(first.checkpoints)
    resumed = dict(run_scale_job(second))
    assert resumed["phases"][0]["resumedFrom"] == 4
    assert resumed["phases"][0]["curve"] == straight["phases"][0]["curve"]
    assert resumed["table"] == straight["table"]
