import torch

from graftwork_worker.data.corpus import IGNORE, BiographyConfig, build_biography_data


def test_korean_task1_shares_one_vocabulary_without_unknown_words():
    cfg = BiographyConfig(old_people=20, new_people=10, bios_per_person=2, task1_language="ko", seq_len=64,
                          eval_people=10)
    data = build_biography_data(cfg)
    unk = data.tokenizer.unk_id
    for qa in (data.task0_eval, data.task1_eval):
        assert all(unk not in p and unk not in a for p, a in zip(qa.prompts, qa.answers))
    assert "질문" in data.tokenizer.vocab and "Question" in data.tokenizer.vocab
    assert int((data.task1_train.ids == unk).sum()) == 0


def test_task_pools_hold_the_expected_people_and_loss_positions():
    cfg = BiographyConfig(old_people=30, new_people=10, bios_per_person=2, task0_fraction=0.5, seq_len=64,
                          eval_people=100)
    data = build_biography_data(cfg)
    assert len(data.task0_eval) == 15 * 6 and len(data.task0_heldout) == 15 * 6 and len(data.task1_eval) == 10 * 6
    assert torch.equal(data.pretrain.ids, data.pretrain.labels)  # plain LM rows: every token is a target
    assert int((data.task0_train.labels != IGNORE).sum()) < data.task0_train.labels.numel() // 2
    without_qa = build_biography_data(BiographyConfig(**{**cfg.__dict__, "task1_qa": False}))
    assert len(without_qa.task1_train) < len(data.task1_train)
