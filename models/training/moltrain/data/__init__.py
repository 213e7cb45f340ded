"""Data: the clip contract and normalisation (clip), class mappings (classes), dataset readers (casme2,
samm, smic), the preprocessing path through the app's tracking (preprocess) and cached clip datasets."""
