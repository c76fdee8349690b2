"""Neural models: the INN of iPage, a plain MLP surrogate, and the baselines."""
