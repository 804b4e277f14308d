"""PyFlink's ``pyflink.table``: the Table API and SQL."""
