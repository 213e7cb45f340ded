"""MOL training package: the model (paper and rt configurations), golden parity, FLOP counts, the web-weight
exporter, and (TTRAIN) the training loop, losses, metrics, protocols and dataset readers."""
