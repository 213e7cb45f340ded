"""Class lists and emotion-to-class mappings.

Class order is MOL's (the label is the position in the list; MOL_SPEC section 9), so official 3- and
5-class checkpoints keep their meaning. Emotion strings from the sheets are compared lower-case and
stripped; SAMM's "Other" is the same class as CASME II's "others".

3 classes (MEGC 2019 composite): positive = happiness; negative = disgust + repression (CASME II),
anger + contempt + disgust + fear + sadness (SAMM), SMIC's own negative; surprise = surprise; everything
else (others, and fear/sadness in CASME II) is dropped, as in MEGC 2019. (MEGC's own CASME II counts,
32/88/25 P/N/S, are slightly below the sheet's 32/90/28 because the challenge also removed a few clips;
we keep every annotated clip and say so in the report.)
5 classes: per dataset, as MOL trains them (CASME II drops fear and sadness; SAMM drops disgust, fear and
sadness). SMIC has only 3 classes.
"""
from __future__ import annotations

from typing import Optional

THREE_CLASSES = ["surprise", "positive", "negative"]
FIVE_CLASSES = {
    "casme2": ["surprise", "happiness", "disgust", "repression", "others"],
    "samm": ["surprise", "happiness", "anger", "contempt", "others"],
}
DATASETS = ("casme2", "samm", "smic")

_ALIASES = {"other": "others", "happy": "happiness", "surprised": "surprise", "po": "positive",
            "ne": "negative", "sur": "surprise", "angry": "anger", "sad": "sadness"}

_MEGC3 = {
    "casme2": {"happiness": "positive", "disgust": "negative", "repression": "negative", "surprise": "surprise"},
    "samm": {"happiness": "positive", "anger": "negative", "contempt": "negative", "disgust": "negative",
             "fear": "negative", "sadness": "negative", "surprise": "surprise"},
    "smic": {"positive": "positive", "negative": "negative", "surprise": "surprise"},
}


class ClassMappingError(ValueError):
    """An unknown dataset, an unsupported class count, or a label that is not an emotion we know."""


def canonical_emotion(raw: str) -> str:
    e = str(raw).strip().lower()
    return _ALIASES.get(e, e)


def class_list(dataset: str, num_classes: int) -> list[str]:
    if dataset not in DATASETS and dataset != "composite":
        raise ClassMappingError(f"unknown dataset '{dataset}' (expected one of {DATASETS})")
    if num_classes == 3:
        return list(THREE_CLASSES)
    if num_classes == 5 and dataset in FIVE_CLASSES:
        return list(FIVE_CLASSES[dataset])
    raise ClassMappingError(f"{dataset} has no {num_classes}-class setting (3 for all; 5 for casme2 and samm)")


def map_emotion(dataset: str, emotion: str, num_classes: int) -> Optional[int]:
    """Class index, or None when the protocol drops this emotion."""
    classes = class_list(dataset, num_classes)
    e = canonical_emotion(emotion)
    if num_classes == 3:
        target = _MEGC3[dataset].get(e)
        return None if target is None else classes.index(target)
    return classes.index(e) if e in classes else None
