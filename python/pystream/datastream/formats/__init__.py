"""Record formats, as in ``pyflink.datastream.formats``: JSON and CSV rows."""

from pystream.datastream.formats.csv import CsvRowDeserializationSchema, CsvRowSerializationSchema
from pystream.datastream.formats.json import JsonRowDeserializationSchema, JsonRowSerializationSchema

__all__ = ["CsvRowDeserializationSchema", "CsvRowSerializationSchema", "JsonRowDeserializationSchema",
           "JsonRowSerializationSchema"]
