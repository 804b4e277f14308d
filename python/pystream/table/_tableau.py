"""Flink's tableau (``TableResult.print()``), laid out over the texts the engine sends.

The layout follows Flink's ``TableauStyle``:

- Widths come from the column types (``type_widths``, from the engine's ``TableauWidths``:
  a query's ``print()``) or from the data (``type_widths=None``: SHOW, DESCRIBE, EXPLAIN).
  A type-inferred column is at least as wide as its name (in UTF-16 units) and as ``<NULL>``
  (unless nulls print empty); ``max_width`` already sits in the type widths of unsized types,
  so a long name or a wide DECIMAL is never cut down. A data-inferred column is as wide as its
  name and widest value, capped at ``max_width``.
- ``streaming`` adds the ``op`` column (``+I``, ``-U``, ``+U``, ``-D``) first.
- Values are right-aligned; an over-long one is cut to ``width - 3`` and ends in ``...``;
  characters of East Asian width W or F count 2 (and, as in Java, one more for a code point
  outside the BMP, which is two UTF-16 units).
- No rows prints just ``Empty set``, with no border. Otherwise a border, the names, a border,
  the rows, a border and ``N rows in set`` (``1 row in set``). With type widths, the header is
  printed once the first row arrives and every row as it arrives; with data widths, after all.
"""
import unicodedata
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

__all__ = ["print_table", "display_width", "NULL_TEXT"]

NULL_TEXT = "<NULL>"
_ROW_KIND_COLUMN = "op"
_ROW_KINDS = ("+I", "-U", "+U", "-D")
_TRUNCATED = "..."


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def display_width(text: str) -> int:
    """Java's ``String.length()`` plus one for every full-width code point (TableauStyle.getStringDisplayWidth)."""
    if text.isascii():
        return len(text)
    return _utf16_length(text) + sum(1 for char in text if _is_wide(char))


def _truncate(text: str, target: int) -> str:
    # Walk Java's UTF-16 units: a code point outside the BMP adds one more for its low
    # surrogate. Java could keep a lone high surrogate at the cut; this keeps whole characters.
    passed = 0
    kept = 0
    for char in text:
        passed += 2 if _is_wide(char) else 1
        if ord(char) > 0xFFFF:
            passed += 1
        if passed > target:
            break
        kept += 1
    cut = text[:kept]
    return " " * max(0, target - display_width(cut)) + cut


def _cell(text: str, width: int) -> str:
    shown = display_width(text)
    if shown <= width:
        return " " * (width - shown) + text
    return _truncate(text, width - len(_TRUNCATED)) + _TRUNCATED


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "|" + "".join(" " + _cell(cell, width) + " |" for cell, width in zip(cells, widths))


def _border(widths: Sequence[int]) -> str:
    return "+" + "".join("-" * (width + 1) + "-+" for width in widths)


def print_table(names: Sequence[str], type_widths: Optional[Sequence[int]],
                rows: Iterable[Tuple[int, Sequence[Optional[str]]]], *, streaming: bool, max_width: int,
                write: Callable[[str], None], null_as_empty: bool = False) -> None:
    """Print ``rows`` (row kind, display texts with ``None`` for null) as Flink's tableau.

    ``write`` receives one line at a time, each ending in a newline.
    """
    if max_width <= 0:
        raise ValueError("max_width should be greater than 0, got %d" % max_width)
    if type_widths is not None and len(type_widths) != len(names):
        raise ValueError("%d type widths for %d columns" % (len(type_widths), len(names)))
    null_text = "" if null_as_empty else NULL_TEXT

    def cells(row: Tuple[int, Sequence[Optional[str]]]) -> List[str]:
        kind, texts = row
        if len(texts) != len(names):
            raise ValueError("a row of %d values for %d columns" % (len(texts), len(names)))
        shown = [null_text if text is None else text for text in texts]
        return [_ROW_KINDS[kind]] + shown if streaming else shown

    header = ([_ROW_KIND_COLUMN] if streaming else []) + list(names)
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        write("Empty set\n")
        return

    if type_widths is None:
        content = [cells(first)] + [cells(row) for row in iterator]
        widths = [min(max(display_width(cell) for cell in column), max_width)
                  for column in zip(header, *content)]
        pending: Iterable[List[str]] = content
    else:
        floor = 0 if null_as_empty else len(NULL_TEXT)
        widths = [max(_utf16_length(name), width, floor) for name, width in zip(names, type_widths)]
        if streaming:
            widths = [len(_ROW_KIND_COLUMN)] + widths
        pending = _chain_cells(cells(first), iterator, cells)

    border = _border(widths)
    write(border + "\n")
    write(_line(header, widths) + "\n")
    write(border + "\n")
    count = 0
    for row_cells in pending:
        write(_line(row_cells, widths) + "\n")
        count += 1
    write(border + "\n")
    write("%d %s in set\n" % (count, "rows" if count > 1 else "row"))


def _chain_cells(first: List[str], rest: Iterable[Tuple[int, Sequence[Optional[str]]]],
                 cells: Callable[[Tuple[int, Sequence[Optional[str]]]], List[str]]) -> Iterable[List[str]]:
    yield first
    for row in rest:
        yield cells(row)
