"""Sportello: an open-source multimedia contact center."""

__version__ = "0.1.0"
