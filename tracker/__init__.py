"""sij: guided home stretches and a pain log for sacroiliac joint pain."""

__version__ = "0.1.0"
