"""Parsing XML from outside without the classic traps.

KML and CoT come from other systems and USB sticks. A DOCTYPE with entity declarations can
expand to gigabytes (billion laughs) or pull in local files (external entities); neither
format needs one, so we refuse any DOCTYPE or ENTITY declaration before building the tree.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

from commandcenter.interop.errors import InteropError


class _Refused(Exception):
    def __init__(self, what: str) -> None:
        self.what = what


def parse_xml(path: str | Path, data: bytes) -> ET.Element:
    """The root element; InteropError naming the line for DOCTYPE/ENTITY or malformed XML."""
    probe = expat.ParserCreate()

    def refuse_doctype(*_args):
        raise _Refused("DOCTYPE")

    def refuse_entity(*_args):
        raise _Refused("ENTITY")

    probe.StartDoctypeDeclHandler = refuse_doctype
    probe.EntityDeclHandler = refuse_entity
    try:
        probe.Parse(data, True)
    except _Refused as exc:
        raise InteropError(path, f"line {probe.CurrentLineNumber}", exc.what,
                           "DOCTYPE and ENTITY declarations are refused (entity expansion attack)") from None
    except expat.ExpatError as exc:
        raise InteropError(path, f"line {exc.lineno}", "xml", f"malformed XML: {expat.ErrorString(exc.code)}") from None
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise InteropError(path, f"line {exc.position[0]}", "xml", f"malformed XML: {exc}") from None


def local(tag: str) -> str:
    """Tag without namespace: KML 2.0/2.1/2.2 and namespace-less files are read alike."""
    return tag.rsplit("}", 1)[-1]


def children(elem: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in elem if local(c.tag) == name]


def child(elem: ET.Element, name: str) -> ET.Element | None:
    for c in elem:
        if local(c.tag) == name:
            return c
    return None


def read_bytes(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InteropError(path, "line 1", "file", exc.strerror or str(exc)) from None
