"""Structured errors for imports and exports.

The command line prints them as one line; the UI may show the parts separately. Every reader
raises before anything is written, so an error always means "nothing changed".
"""
from __future__ import annotations


class InteropError(Exception):
    """A problem in an input file (or a layer that cannot be written in the asked format).

    `where` is "line N" for line-based formats and an item path such as "features[3]" for
    the others, so the user can find the spot in the file.
    """

    def __init__(self, path: object, where: str, field: str, problem: str) -> None:
        self.path = str(path)
        self.where = where
        self.field = field
        self.problem = problem
        super().__init__(f"{self.path}:{where}: {field}: {problem}")


class LayerError(Exception):
    """A problem with a layer name or with the layer folder, not with file content."""
