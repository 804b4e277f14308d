"""Table and aggregate functions that CREATE FUNCTION ... LANGUAGE PYTHON names by module path."""

from pyflink.table import DataTypes
from pyflink.table.udf import AggregateFunction, udaf, udtf


@udtf(result_types=[DataTypes.STRING(), DataTypes.INT()])
def words(s):
    """Each word of s with its length; nothing for a null or empty s."""
    for word in (s or "").split():
        yield word, len(word)


class LongestWord(AggregateFunction):
    """The longest word aggregated (the first of equal lengths), retractable: it keeps every word."""

    def create_accumulator(self):
        return []

    def accumulate(self, accumulator, word):
        if word is not None:
            accumulator.append(word)

    def retract(self, accumulator, word):
        if word is not None:
            accumulator.remove(word)

    def get_value(self, accumulator):
        return max(accumulator, key=len) if accumulator else None


longest_word = udaf(LongestWord(), result_type=DataTypes.STRING())
