"""Data: the clip contract and normalisation (clip), class mappings (classes), dataset readers (casme2, samm,
smic over records and sheets), the one preprocessing path through the app's tracking (y4m, tracking,
preprocess), cached clip datasets (cached) and write-then-rename (atomic)."""
