"""ipage: inverse materials design with invertible networks, space-filling latent sampling
and gradient localization (Zhang, Bi & Fung, AAAI 2023) as a reproducible workflow."""

__version__ = "0.1.0"
