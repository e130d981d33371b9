"""runform: an expert system for running technique."""

__version__ = "0.1.0"
