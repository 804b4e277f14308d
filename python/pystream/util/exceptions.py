"""The exceptions of PyFlink's ``pyflink.util.exceptions``, raised when the engine refuses a statement.

PyFlink turns the JVM's exceptions into these classes by the Java class name; here the engine's
exception type name (``SqlParseException``, ``SqlValidationException``, any other refusal) picks the
class, and the message stays the engine's, unchanged. ``SqlParserException`` and
``ValidationException`` carry the names of Flink's own Java classes for the same two errors.
"""

from __future__ import annotations

__all__ = [
    "JavaException", "TableException", "SqlParserException", "ValidationException", "CatalogException",
    "DatabaseAlreadyExistException", "DatabaseNotEmptyException", "DatabaseNotExistException",
    "FunctionAlreadyExistException", "FunctionNotExistException", "PartitionAlreadyExistsException",
    "PartitionNotExistException", "PartitionSpecInvalidException", "TableAlreadyExistException",
    "TableNotExistException", "TableNotPartitionedException", "from_engine",
]


class JavaException(Exception):
    """The root of the errors the engine raises for a table program (PyFlink's name kept)."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg

    def __str__(self) -> str:
        return self.msg


class TableException(JavaException):
    """General exception for all errors during table handling."""


class SqlParserException(JavaException):
    """A SQL text that does not parse: the message names line, column and the unexpected token."""


class ValidationException(JavaException):
    """A statement that parses but is invalid: an unknown table, column or function, a type error, a
    missing connector option, an unsupported construct."""


class CatalogException(JavaException):
    """A catalog-related exception."""


class DatabaseAlreadyExistException(JavaException):
    """Trying to create a database that already exists."""


class DatabaseNotEmptyException(JavaException):
    """Trying to drop a database that is not empty."""


class DatabaseNotExistException(JavaException):
    """Trying to use a database that does not exist."""


class FunctionAlreadyExistException(JavaException):
    """Trying to create a function that already exists."""


class FunctionNotExistException(JavaException):
    """Trying to use a function that does not exist."""


class PartitionAlreadyExistsException(JavaException):
    """Trying to create a partition that already exists."""


class PartitionNotExistException(JavaException):
    """Trying to use a partition that does not exist."""


class PartitionSpecInvalidException(JavaException):
    """A partition spec that does not match the table's partition keys."""


class TableAlreadyExistException(JavaException):
    """Trying to create a table (or view) that already exists."""


class TableNotExistException(JavaException):
    """Trying to use a table (or view) that does not exist."""


class TableNotPartitionedException(JavaException):
    """Trying to use partitions of a table that has none."""


# The engine's exception type (its .NET class name) and the class a script sees.
_BY_ENGINE_TYPE: dict[str, type[JavaException]] = {
    "SqlParseException": SqlParserException,
    "SqlValidationException": ValidationException,
}


def from_engine(type_name: str, message: str) -> JavaException:
    """The exception for a refusal of the engine's exception type ``type_name`` (any other: ``TableException``)."""
    return _BY_ENGINE_TYPE.get(type_name, TableException)(message)
