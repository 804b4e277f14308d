"""PyStream: run PyFlink DataStream scripts on a C# engine."""
