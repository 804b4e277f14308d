"""PyFlink's ``pyflink.util``: the exceptions a table program raises."""
