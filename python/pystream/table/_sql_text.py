"""Names and strings written into SQL text: the only SQL the Python package writes is quoting."""

from __future__ import annotations

__all__ = ["quote_identifier", "quote_string", "quote_path"]


def quote_identifier(name: str) -> str:
    """``name`` as a SQL identifier in backquotes (a backquote in it doubled)."""
    return "`" + name.replace("`", "``") + "`"


def quote_string(text: str) -> str:
    """``text`` as a SQL string literal (a quote in it doubled)."""
    return "'" + text.replace("'", "''") + "'"


def quote_path(path: str) -> str:
    """A table path (``t``, ``db.t``, ``cat.db.t``) as SQL: each part in backquotes, unless the path
    quotes itself already (``cat.`my db`.t`` is taken as written)."""
    if not isinstance(path, str) or not path.strip():
        raise ValueError(f"a table path must be a non-empty str, got {path!r}")
    if "`" in path:
        return path
    return ".".join(quote_identifier(part) for part in path.split("."))
