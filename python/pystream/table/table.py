"""``Table``, as in ``pyflink.table.table``: a query, described.

A table from ``sql_query`` holds the query's text; one from ``from_path`` the table's path; one from
``from_elements`` its rows. The Table API methods (``select``, ``where``, ``group_by`` ...) each
describe one operation over the table they are called on: a tree (``TableOperation`` in
``sql.proto``) the engine turns into a query and plans, as it plans SQL text. Running a table
(``execute``, ``execute_insert``, ``explain``) sends its text or its tree. In SQL text,
``str(table)`` names the table (it is registered as a temporary view on first use,
``UnnamedTable$0`` ..., as in PyFlink).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pystream._proto import sql_pb2
from pystream._pyflink_api import install_unsupported
from pystream.table._sql_text import quote_identifier
from pystream.table.expression import Expression
from pystream.table.expressions import _called_functions, col
from pystream.table.table_result import TableResult
from pystream.table.table_schema import TableSchema
from pystream.table.types import _parse_type
from pystream.table.window import GroupWindow, OverWindow

if TYPE_CHECKING:
    from pystream.table.table_environment import TableEnvironment

__all__ = ["Table", "GroupedTable", "GroupWindowedTable", "WindowGroupedTable", "OverWindowedTable"]

_COLUMNS = sql_pb2.TableColumns
_JOIN = sql_pb2.TableJoin


def _expressions(method: str, fields: tuple, allow_empty: bool = False) -> list[sql_pb2.TableExpression]:
    """The trees of a method's expressions; a str is a column's name, as PyFlink takes it."""
    if not fields and not allow_empty:
        raise ValueError(f"{method} needs at least one expression")
    trees = []
    for field in fields:
        if isinstance(field, str):
            trees.append(sql_pb2.TableExpression(field=field))
        elif isinstance(field, Expression):
            trees.append(field._proto)
        else:
            raise TypeError(f"{method} takes expressions (col('a'), lit(1) ...) or column names, got {field!r}")
    return trees


class Table:
    def __init__(self, query: str | None, t_env: "TableEnvironment",
                 operation: sql_pb2.TableOperation | None = None, path: list[str] | None = None) -> None:
        self._query = query
        self._path = path
        self._t_env = t_env
        self._name: str | None = None
        self._operation_tree = operation

    @property
    def _operation(self) -> sql_pb2.TableOperation:
        """The table as a Table API tree (a table from SQL text is the tree of that text)."""
        if self._operation_tree is None:
            if self._path is not None:
                return sql_pb2.TableOperation(path=sql_pb2.TablePath(parts=self._path))
            return sql_pb2.TableOperation(sql_query=self._query)
        return self._operation_tree

    def _derive(self, **operation: Any) -> "Table":
        derived = sql_pb2.TableOperation(**operation)
        for name in _called_function_names(derived):
            self._t_env._register_called(_called_functions[name])
        return Table(None, self._t_env, derived)

    # -- relational operations ----------------------------------------------------------

    def select(self, *fields: Expression | str) -> "Table":
        return self._derive(project=sql_pb2.TableProjection(input=self._operation, items=_expressions("select", fields)))

    def where(self, predicate: Expression) -> "Table":
        (condition,) = _expressions("where", (predicate,))
        return self._derive(filter=sql_pb2.TableFilter(input=self._operation, condition=condition))

    def filter(self, predicate: Expression) -> "Table":
        return self.where(predicate)

    def group_by(self, *fields: Expression | str) -> "GroupedTable":
        return GroupedTable(self, _expressions("group_by", fields))

    def window(self, window: GroupWindow) -> "GroupWindowedTable":
        if not isinstance(window, GroupWindow):
            raise NotImplementedError(f"Table.window takes a group window (Tumble, Slide, Session); got {window!r}")
        return GroupWindowedTable(self, window)

    def over_window(self, *over_windows: OverWindow) -> "OverWindowedTable":
        if not over_windows or not all(isinstance(w, OverWindow) for w in over_windows):
            raise TypeError(f"Table.over_window takes over windows (Over ... .alias('w')); got {over_windows!r}")
        return OverWindowedTable(self, list(over_windows))

    def distinct(self) -> "Table":
        return self._derive(distinct=self._operation)

    def union_all(self, right: "Table") -> "Table":
        if not isinstance(right, Table):
            raise TypeError(f"union_all takes a Table, got {right!r}")
        return self._derive(union_all=sql_pb2.TableUnionAll(left=self._operation, right=right._operation))

    def order_by(self, *fields: Expression | str) -> "Table":
        return self._sort(order=_expressions("order_by", fields))

    def offset(self, offset: int) -> "Table":
        return self._sort(offset=_count("offset", offset))

    def fetch(self, fetch: int) -> "Table":
        return self._sort(fetch=_count("fetch", fetch))

    def limit(self, fetch: int, offset: int = 0) -> "Table":
        return self._sort(fetch=_count("limit", fetch), offset=_count("limit", offset) if offset else -1)

    def _sort(self, order: list | None = None, offset: int = -1, fetch: int = -1) -> "Table":
        return self._derive(sort=sql_pb2.TableSort(input=self._operation, order=order or [], offset=offset, fetch=fetch))

    def add_columns(self, *fields: Expression) -> "Table":
        return self._columns(_COLUMNS.ADD, "add_columns", fields)

    def add_or_replace_columns(self, *fields: Expression) -> "Table":
        return self._columns(_COLUMNS.ADD_OR_REPLACE, "add_or_replace_columns", fields)

    def drop_columns(self, *fields: Expression | str) -> "Table":
        return self._columns(_COLUMNS.DROP, "drop_columns", fields)

    def rename_columns(self, *fields: Expression) -> "Table":
        return self._columns(_COLUMNS.RENAME, "rename_columns", fields)

    def _columns(self, kind: int, method: str, fields: tuple) -> "Table":
        return self._derive(columns=sql_pb2.TableColumns(input=self._operation, kind=kind,
                                                         items=_expressions(method, fields)))

    def alias(self, field: str, *fields: str) -> "Table":
        names = (field,) + fields
        for name in names:
            if not isinstance(name, str) or not name:
                raise TypeError(f"alias takes column names, got {name!r}")
        return self._derive(alias=sql_pb2.TableColumnAliases(input=self._operation, names=names))

    def join(self, right: "Table", join_predicate: Expression | None = None) -> "Table":
        """The inner join with ``right`` on ``join_predicate`` (``col('a') == col('d')``); without one, every
        pair of rows, which a following ``where`` usually narrows. The tables' column names must differ."""
        return self._join("join", right, join_predicate, _JOIN.INNER, required=False)

    def left_outer_join(self, right: "Table", join_predicate: Expression | None = None) -> "Table":
        """The left outer join with ``right``: rows of this table without a match get NULLs for ``right``'s columns."""
        return self._join("left_outer_join", right, join_predicate, _JOIN.LEFT_OUTER, required=False)

    def right_outer_join(self, right: "Table", join_predicate: Expression) -> "Table":
        """The right outer join with ``right``: rows of ``right`` without a match get NULLs for this table's columns."""
        return self._join("right_outer_join", right, join_predicate, _JOIN.RIGHT_OUTER, required=True)

    def full_outer_join(self, right: "Table", join_predicate: Expression) -> "Table":
        """The full outer join with ``right``: rows of either table without a match get NULLs for the other's columns."""
        return self._join("full_outer_join", right, join_predicate, _JOIN.FULL_OUTER, required=True)

    def _join(self, method: str, right: "Table", predicate: Expression | None, kind: int, required: bool) -> "Table":
        if not isinstance(right, Table):
            raise TypeError(f"{method} takes the Table to join with, got {right!r}")
        if right._t_env is not self._t_env:
            raise ValueError(f"{method}: only tables of the same TableEnvironment can be joined")
        if predicate is None and required:
            raise TypeError(f"{method} needs a join predicate, such as col('a') == col('d')")
        if predicate is not None and not isinstance(predicate, Expression):
            raise TypeError(f"{method}: the join predicate must be an expression, got {predicate!r}")
        return self._derive(join=sql_pb2.TableJoin(left=self._operation, right=right._operation, kind=kind,
                                                   condition=predicate._proto if predicate is not None else None))

    def join_lateral(self, table_function_call: Expression, join_predicate: Expression | None = None) -> "Table":
        """Each row joined with the rows a table function gives for it (rows it gives none for are dropped)."""
        return self._lateral("join_lateral", table_function_call, join_predicate, outer=False)

    def left_outer_join_lateral(self, table_function_call: Expression,
                                join_predicate: Expression | None = None) -> "Table":
        """Each row joined with the rows a table function gives for it, or with nulls when it gives none."""
        return self._lateral("left_outer_join_lateral", table_function_call, join_predicate, outer=True)

    def _lateral(self, method: str, call: Expression, predicate: Expression | None, outer: bool) -> "Table":
        if not isinstance(call, Expression):
            raise TypeError(f"{method} takes a table function's call (split(col('s')).alias('word', 'n')), got {call!r}")
        tree, names = call._proto, []
        if tree.WhichOneof("kind") == "alias":
            names = [tree.alias.name, *tree.alias.more_names]
            tree = tree.alias.expr
        if tree.WhichOneof("kind") != "function":
            raise TypeError(f"{method} takes a table function's call (split(col('s')).alias('word', 'n')), got {call!r}")
        if predicate is not None and not isinstance(predicate, Expression):
            raise TypeError(f"{method}: the join predicate must be an expression, got {predicate!r}")
        if call._function is not None:
            self._t_env._register_called(call._function)
        return self._derive(lateral_join=sql_pb2.TableLateralJoin(
            input=self._operation, call=tree, column_names=names, outer=outer,
            condition=predicate._proto if predicate is not None else None))

    # -- running ----------------------------------------------------------------------------

    def _request(self, **fields: Any) -> sql_pb2.TableRequest:
        return sql_pb2.TableRequest(operation=self._operation, **fields)

    def execute(self) -> TableResult:
        """Runs the query; the rows come from its result (``print()``, ``collect()``)."""
        if self._operation_tree is None:
            return self._t_env._execute(self._query)
        return self._t_env._execute(table=self._request())

    def execute_insert(self, table_path_or_descriptor: Any, overwrite: bool = False) -> TableResult:
        """Writes the rows into the table at ``table_path_or_descriptor`` (a path, or a ``TableDescriptor``)."""
        if self._operation_tree is None:
            return self._t_env._execute(self._t_env._insert_sql(table_path_or_descriptor, self, overwrite))
        target = self._t_env._sink_path(table_path_or_descriptor)
        return self._t_env._execute(table=self._request(insert_into=_path_parts(target), overwrite=overwrite))

    def explain(self, *extra_details: Any) -> str:
        """The query's plan, as the engine explains it."""
        if self._operation_tree is None:
            return self._t_env._explain(self._query, details=extra_details)
        return self._t_env._explain(table=self._request(), details=extra_details)

    def to_pandas(self) -> Any:
        """The query's final rows as a pandas DataFrame (PyFlink's ``to_pandas``): needs pandas installed."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Table.to_pandas needs pandas, which is not installed in this Python "
                              "(install it, e.g. `pip install pandas`, or read the rows with execute().collect())") from None
        result = self.execute()
        names = result.get_table_schema().get_field_names()
        final: list[tuple] = []
        with result.collect() as rows:
            for row in rows:  # a changelog's retractions take their row back out
                values = tuple(row)
                if row.get_row_kind().value in (0, 2):
                    final.append(values)
                else:
                    final.remove(values)
        return pandas.DataFrame(final, columns=names)

    def __getattr__(self, name: str) -> Expression:
        """``tab.a``: the column ``a``, as PyFlink's column access (``tab.select(tab.a)``,
        ``left.join(right, left.a == right.d)``); a name the table lacks is refused naming its columns."""
        if name.startswith("_"):
            raise AttributeError(name)
        names = self.get_schema().get_field_names()
        if name not in names:
            raise AttributeError(f"The current table has no column named '{name}', available columns: [{', '.join(names)}]")
        return col(name)

    def get_schema(self) -> TableSchema:
        """The query's columns and their types, as the engine derives them."""
        columns = self._describe()
        return TableSchema([c.name for c in columns], [_parse_type(c.type) for c in columns])

    def print_schema(self) -> None:
        """Prints the columns as Flink prints a resolved schema: ``(`a` INT, ...)``, one column a line."""
        columns = self._describe()
        print("(\n" + ",\n".join(f"  {quote_identifier(c.name)} {c.type}" for c in columns) + "\n)")

    def _describe(self) -> list[sql_pb2.ResultColumn]:
        if self._operation_tree is None:
            return self._t_env._describe(self._query)
        return self._t_env._describe(table=self._request())

    def __str__(self) -> str:
        """The table's name in SQL text: the query is registered as a temporary view on first use."""
        if self._name is None:
            self._name = self._t_env._register_unnamed(self)
        return self._name


class GroupedTable:
    """A table grouped by keys (``Table.group_by``): ``select`` its keys and aggregates."""

    def __init__(self, table: Table, keys: list[sql_pb2.TableExpression]) -> None:
        self._table = table
        self._keys = keys

    def select(self, *fields: Expression | str) -> Table:
        return self._table._derive(aggregate=sql_pb2.TableAggregation(
            input=self._table._operation, group_keys=self._keys, items=_expressions("GroupedTable.select", fields)))


class GroupWindowedTable:
    """A table with a group window (``Table.window``): ``group_by`` the window's alias and other keys."""

    def __init__(self, table: Table, window: GroupWindow) -> None:
        self._table = table
        self._window = window

    def group_by(self, *fields: Expression | str) -> "WindowGroupedTable":
        return WindowGroupedTable(self._table, self._window, _expressions("GroupWindowedTable.group_by", fields))


class WindowGroupedTable:
    def __init__(self, table: Table, window: GroupWindow, keys: list[sql_pb2.TableExpression]) -> None:
        self._table = table
        self._window = window
        self._keys = keys

    def select(self, *fields: Expression | str) -> Table:
        return self._table._derive(window_aggregate=sql_pb2.TableWindowAggregation(
            input=self._table._operation, window=self._window._proto, group_keys=self._keys,
            items=_expressions("WindowGroupedTable.select", fields)))


class OverWindowedTable:
    """A table with over windows (``Table.over_window``): ``select`` columns and aggregates ``.over(col('w'))``."""

    def __init__(self, table: Table, windows: list[OverWindow]) -> None:
        self._table = table
        self._windows = {w._alias: w for w in windows}

    def select(self, *fields: Expression | str) -> Table:
        items = [self._with_windows(item) for item in _expressions("OverWindowedTable.select", fields)]
        return self._table._derive(project=sql_pb2.TableProjection(input=self._table._operation, items=items))

    def _with_windows(self, tree: sql_pb2.TableExpression) -> sql_pb2.TableExpression:
        """The tree with the window of each ``.over(col('w'))`` written out, as the engine reads it."""
        copy = sql_pb2.TableExpression()
        copy.CopyFrom(tree)
        for expression in _walk(copy):
            call = expression.call
            if expression.WhichOneof("kind") != "call" or call.name != "over" or len(call.args) != 2:
                continue
            alias = call.args[1].field if call.args[1].WhichOneof("kind") == "field" else None
            if alias not in self._windows:
                raise ValueError(f"over takes the alias of one of this table's over windows "
                                 f"({', '.join(sorted(self._windows))}), got {call.args[1]}".replace("\n", " "))
            call.args[1].CopyFrom(self._windows[alias]._spec())
        return copy


def _called_function_names(operation: sql_pb2.TableOperation) -> set[str]:
    """Names of Python function objects the operation's own expressions call (not its inputs', registered before)."""
    names: set[str] = set()

    def visit(message, top: bool) -> None:
        if isinstance(message, sql_pb2.TableOperation) and not top:
            return
        if isinstance(message, sql_pb2.TableCall) and message.name in _called_functions:
            names.add(message.name)
        for field, value in message.ListFields():
            if field.message_type is None:
                continue
            for item in (value if field.label == field.LABEL_REPEATED else [value]):
                visit(item, False)

    for _, value in operation.ListFields():
        visit(value, True)
    return names


def _walk(tree: sql_pb2.TableExpression):
    """Every node of an expression tree, the root first."""
    yield tree
    kind = tree.WhichOneof("kind")
    if kind in ("call", "function"):
        for arg in getattr(tree, kind).args:
            yield from _walk(arg)
    elif kind in ("cast", "alias"):
        yield from _walk(getattr(tree, kind).expr)
    elif kind == "interval":
        yield from _walk(tree.interval.value)


def _count(method: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{method} takes a number of rows (an int >= 0), got {value!r}")
    return value


def _path_parts(path: str) -> list[str]:
    """A table path's parts: ``db.t`` is ``[db, t]``; backquoted parts (``cat.`my.db`.t``) keep their dots."""
    if not isinstance(path, str) or not path.strip():
        raise ValueError(f"a table path must be a non-empty str, got {path!r}")
    parts, current, quoted, i = [], "", False, 0
    while i < len(path):
        ch = path[i]
        if ch == "`":
            if quoted and path[i + 1:i + 2] == "`":
                current += "`"
                i += 1
            else:
                quoted = not quoted
        elif ch == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
        i += 1
    if quoted:
        raise ValueError(f"the table path {path!r} has an unclosed backquote")
    parts.append(current)
    if any(not part for part in parts):
        raise ValueError(f"the table path {path!r} has an empty part")
    return parts


install_unsupported(Table)
