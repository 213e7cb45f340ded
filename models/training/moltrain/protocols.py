"""Evaluation protocols. No protocol ever looks at the test subject before testing: the training budget is
fixed, and the optional model selection uses an inner validation split drawn from the TRAINING subjects.

* LOSO (leave one subject out): one fold per subject; train on all the others.
* composite (MEGC 2019): CASME II + SAMM + SMIC-HS in the 3-class mapping (data.classes), LOSO over the
  union of their (dataset-qualified) subjects; metrics from the summed confusion matrix.
* cross-dataset: train on every subject of A, test on every subject of B (one fold).

Each fold builds a fresh model with the same seed, so folds do not leak into each other.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence

import numpy as np
import torch

from .data.cached import ClipSubset, subject_of
from .metrics import scores_from_confusion, sum_confusions
from .train import (TrainOptions, confusion_of, pool_by_video, predict, seed_everything, train)


class ProtocolError(ValueError):
    """A protocol that cannot be run on the given data (too few subjects, overlapping splits, ...)."""


@dataclass(frozen=True)
class Fold:
    name: str
    train_subjects: tuple
    test_subjects: tuple


def clip_subjects(dataset) -> list[str]:
    return [subject_of(dataset, i) for i in range(len(dataset))]


def subset(dataset, subjects: Sequence[str]) -> ClipSubset:
    keep = set(subjects)
    return ClipSubset(dataset, [i for i, s in enumerate(clip_subjects(dataset)) if s in keep])


def loso_folds(subjects: Sequence[str]) -> list[Fold]:
    subs = sorted(set(subjects))
    if len(subs) < 2:
        raise ProtocolError(f"leave-one-subject-out needs at least 2 subjects, got {subs}")
    return [Fold(f"loso-{s}", tuple(x for x in subs if x != s), (s,)) for s in subs]


def cross_fold(train_subjects: Sequence[str], test_subjects: Sequence[str], name: str) -> Fold:
    overlap = set(train_subjects) & set(test_subjects)
    if overlap:
        raise ProtocolError(f"cross-dataset fold {name}: subjects on both sides: {sorted(overlap)}")
    return Fold(name, tuple(sorted(set(train_subjects))), tuple(sorted(set(test_subjects))))


def inner_validation_split(dataset, n_val_subjects: int, seed: int):
    """(train subset, validation subset, validation subjects): whole subjects, chosen by a seeded draw."""
    subs = sorted(set(clip_subjects(dataset)))
    if n_val_subjects >= len(subs):
        raise ProtocolError(f"cannot hold out {n_val_subjects} of {len(subs)} training subjects for validation")
    val = sorted(random.Random(seed).sample(subs, n_val_subjects))
    return subset(dataset, [s for s in subs if s not in val]), subset(dataset, val), val


def run_folds(dataset, folds: Sequence[Fold], *, make_model: Callable[[], torch.nn.Module],
              options: TrainOptions, classes: Sequence[str], config: dict, val_subjects: int = 0,
              test_dataset=None, on_fold: Optional[Callable[[dict], None]] = None) -> dict:
    """Trains and tests every fold; returns per-fold and summed (composite) clip- and video-level scores."""
    test_dataset = dataset if test_dataset is None else test_dataset
    k = len(classes)
    per_fold, clip_cms, video_cms = [], [], []
    for fold in folds:
        train_set = subset(dataset, fold.train_subjects)
        test_set = subset(test_dataset, fold.test_subjects)
        if len(test_set) == 0:
            continue  # a subject whose every clip was dropped (e.g. only 'others' in a 3-class setting)
        if len(train_set) == 0:
            raise ProtocolError(f"{fold.name}: no training clips")
        val_set, val_subs = None, []
        if val_subjects:
            train_set, val_set, val_subs = inner_validation_split(train_set, val_subjects, options.seed)
        seed_everything(options.seed)
        model = make_model()
        fold_opts = replace(options, out_dir=None if options.out_dir is None else f"{options.out_dir}/{fold.name}")
        final = train(model, train_set, fold_opts, classes=classes, config=config, val_set=val_set,
                      provenance={"fold": fold.name, "train_subjects": list(fold.train_subjects),
                                  "inner_val_subjects": val_subs})
        model.load_state_dict(final["model"])  # the inner-val choice, or the last step without a val set
        clip_pred = predict(model, test_set, options.device, options.eval_batch)
        video_pred = pool_by_video(clip_pred)
        ccm, vcm = confusion_of(clip_pred, k), confusion_of(video_pred, k)
        clip_cms.append(ccm)
        video_cms.append(vcm)
        rec = {"fold": fold.name, "test_subjects": list(fold.test_subjects), "inner_val_subjects": val_subs,
               "train_clips": len(train_set), "test_clips": len(test_set), "test_videos": len(video_pred["labels"]),
               "steps": final["step"], "clip": scores_from_confusion(ccm), "video": scores_from_confusion(vcm),
               "predictions": [{"video_id": v, "label": int(l), "pred": int(np.argmax(z))}
                               for v, l, z in zip(video_pred["video_ids"], video_pred["labels"], video_pred["logits"])]}
        per_fold.append(rec)
        if on_fold:
            on_fold(rec)
    if not per_fold:
        raise ProtocolError("no fold had test clips")
    return {"folds": per_fold,
            "summed": {"clip": scores_from_confusion(sum_confusions(clip_cms)),
                       "video": scores_from_confusion(sum_confusions(video_cms))}}


def score_model(model: torch.nn.Module, dataset, classes: Sequence[str], device: str = "cpu",
                batch_size: int = 16) -> dict:
    """Scores already-trained weights on a whole dataset (no training; e.g. synthetic-trained weights on
    real data): clip- and video-level scores and per-video predictions."""
    if len(dataset) == 0:
        raise ProtocolError("nothing to score: the dataset has no clips")
    clip_pred = predict(model.to(device), dataset, device, batch_size)
    video_pred = pool_by_video(clip_pred)
    k = len(classes)
    return {"clip": scores_from_confusion(confusion_of(clip_pred, k)),
            "video": scores_from_confusion(confusion_of(video_pred, k)),
            "predictions": [{"video_id": v, "label": int(l), "pred": int(np.argmax(z))}
                            for v, l, z in zip(video_pred["video_ids"], video_pred["labels"], video_pred["logits"])]}

