"""The reader for the package's data tables, ``src/llmpick/data/<name>.csv``.

A table is a CSV file that contributors extend: lines starting with ``#`` explain it (what a row is, the units,
where figures must come from) and are skipped, the first other line is the header, and every row carries a
non-empty ``source``.  A malformed table is a bug in the package, reported as ``llmpick/data/x.csv:12: problem``
so the line to fix is named.  Tables are read on first use, never at import time.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator, Mapping


class TableError(ValueError):
    """A data table that cannot be read; the message starts with ``file:line:``."""


class Row(Mapping[str, str]):
    """One row: its cells by column name (whitespace stripped, absent cells empty) and where it was read."""

    __slots__ = ("_cells", "file", "line")

    def __init__(self, cells: dict[str, str], file: str, line: int) -> None:
        self._cells = cells
        self.file = file
        self.line = line

    def __getitem__(self, column: str) -> str:
        return self._cells[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self._cells)

    def __len__(self) -> int:
        return len(self._cells)

    def __repr__(self) -> str:
        return f"Row({self._cells!r}, {self.file}:{self.line})"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def error(self, problem: str) -> TableError:
        """A :class:`TableError` that names this row's file and line."""
        return TableError(f"{self.where}: {problem}")

    def number(self, column: str) -> float | None:
        """The cell as a float, ``None`` when empty; a cell that is not a number is a :class:`TableError`."""
        text = self._cells[column]
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise self.error(f"{column}: {text!r} is not a number") from None


def parse_table(text: str, file: str, required: tuple[str, ...], key: str | None = None) -> tuple[Row, ...]:
    """Rows of CSV ``text`` read as the table ``file`` (the name errors show).

    Checks: the header has every ``required`` column and ``source``, and no column twice; every row has as many
    cells as the header and a non-empty ``source``; with ``key``, no two rows share that column's value.
    """
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")]
    if not lines:
        raise TableError(f"{file}:1: no header line (the first line that is not a # comment)")
    reader = csv.reader(line for _, line in lines)
    header = [c.strip() for c in next(reader)]
    header_at = f"{file}:{lines[0][0]}"
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise TableError(f"{header_at}: column {', '.join(twice)} appears twice")
    missing = [c for c in (*required, "source") if c not in header]
    if missing:
        raise TableError(
            f"{header_at}: missing column {', '.join(dict.fromkeys(missing))} (header: {','.join(header)})"
        )
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = lines[reader.line_num - 1][0]
        if len(cells) != len(header):
            raise TableError(
                f"{file}:{line}: {len(cells)} cells for {len(header)} columns (quote a cell that contains a comma)"
            )
        row = Row({c: v.strip() for c, v in zip(header, cells, strict=True)}, file, line)
        if not row["source"]:
            raise row.error("source is empty: every row says where its figures come from")
        if key is not None:
            k = row[key]
            if not k:
                raise row.error(f"{key} is empty")
            if k in seen:
                raise row.error(f"{key} {k!r} is already on line {seen[k]}")
            seen[k] = line
        rows.append(row)
    return tuple(rows)


@functools.cache
def read_table(name: str, required: tuple[str, ...], key: str | None = None) -> tuple[Row, ...]:
    """The rows of ``llmpick/data/<name>.csv`` (see :func:`parse_table`), read once per process."""
    from importlib.resources import files

    text = files("llmpick.data").joinpath(f"{name}.csv").read_text(encoding="utf-8")
    return parse_table(text, f"llmpick/data/{name}.csv", required, key)
