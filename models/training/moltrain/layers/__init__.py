"""MOL building blocks, one module per stage; attribute names follow the official state_dict."""
