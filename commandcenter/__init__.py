"""commandcenter: a desktop client for city emergency command centers."""

__version__ = "0.1.0"
