"""Find the line of a value in TOML source text (tomllib reports no positions).

`locate(text)` scans the source once and returns a map from a path such as
("criteria", 3, "kind") or ("criteria", 3, "items", 1, "points") to its 1-based line:
table headers, [[array]] tables (by their index), keys, and the elements of inline
arrays (also multi-line ones) with the keys of their inline tables. `line_of(map, loc)`
falls back to the longest known prefix, i.e. to the enclosing table's header line.
"""
from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*((?:[A-Za-z0-9_\-]+|"[^"]*"|\'[^\']*\')'
                  r'(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"))*)\s*=(.*)$')
_INLINE_KEY = re.compile(r"([A-Za-z0-9_\-]+)\s*=")

Path = tuple


def _key_parts(key: str) -> tuple[str, ...]:
    return tuple(p.strip().strip("\"'") for p in key.split("."))


class _Scanner:
    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self.counters: dict[Path, int] = {}
        self.table: Path = ()
        self.stack: list[dict] = []   # open arrays and inline tables of a value

    def record(self, path: Path, lineno: int) -> None:
        self.lines.setdefault(path, lineno)

    def resolve(self, parts: tuple[str, ...]) -> Path:
        """A dotted header name -> a path with array-of-tables indices filled in."""
        path: Path = ()
        for part in parts:
            path = path + (part,)
            if path in self.counters:
                path = path + (self.counters[path],)
        return path

    def header(self, lineno: int, brackets: str, name: str) -> None:
        parts = _key_parts(name)
        if brackets == "[[":
            parent = self.resolve(parts[:-1]) + (parts[-1],)
            self.record(parent, lineno)   # the array itself: its first table
            self.counters[parent] = self.counters.get(parent, -1) + 1
            self.table = parent + (self.counters[parent],)
        else:
            self.table = self.resolve(parts)
        self.record(self.table, lineno)

    def value_text(self, lineno: int, path: Path, text: str) -> None:
        """Scan a value (possibly the start of a multi-line array) character by character."""
        self.stack = [{"path": path, "kind": "value", "index": 0, "expect": False}]
        self.continue_text(lineno, text)

    def continue_text(self, lineno: int, text: str) -> None:
        quote = None
        for i, ch in enumerate(text):
            if quote:
                if ch == quote and text[i - 1] != "\\":
                    quote = None
                continue
            if ch == "#":
                break
            if ch.isspace():
                continue
            top = self.stack[-1]
            if ch == ",":
                top["expect"] = True
                continue
            if ch in "]}":
                if len(self.stack) > 1:
                    self.stack.pop()
                continue
            path = self._element(lineno, top)
            if ch in "[{":
                self.stack.append({"path": path, "kind": ch, "index": 0, "expect": ch == "["})
                if ch == "{":
                    self._inline_keys(lineno, path, text[i + 1:])
            elif ch in "\"'":
                quote = ch
        if len(self.stack) <= 1:
            self.stack = []

    def _element(self, lineno: int, top: dict) -> Path:
        """At the start of a token: if an array expects an element, this starts it."""
        if top["kind"] == "[" and top["expect"]:
            path = top["path"] + (top["index"],)
            self.record(path, lineno)
            top["index"] += 1
            top["expect"] = False
            return path
        if top["kind"] == "[":
            return top["path"] + (top["index"] - 1,)
        return top["path"]

    def _inline_keys(self, lineno: int, path: Path, rest: str) -> None:
        depth = 0
        for m in re.finditer(r"[{}\[\]]|" + _INLINE_KEY.pattern, rest):
            tok = m.group(0)
            if tok in "{[":
                depth += 1
            elif tok in "}]":
                if depth == 0:
                    return
                depth -= 1
            elif depth == 0:
                self.record(path + (m.group(1),), lineno)


def locate(text: str) -> dict[Path, int]:
    """Map every table, key and inline array element of `text` to its line number."""
    sc = _Scanner()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if sc.stack:
            sc.continue_text(lineno, line)
            continue
        m = _HEADER.match(line)
        if m:
            sc.header(lineno, m.group(1), m.group(2))
            continue
        m = _KEY.match(line)
        if m:
            path = sc.table + _key_parts(m.group(1))
            sc.record(path, lineno)
            sc.value_text(lineno, path, m.group(2))
    return sc.lines


def line_of(lines: dict[Path, int], loc: Path) -> int:
    """The line of `loc`, or of its longest known prefix; 1 if nothing matches."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return 1
