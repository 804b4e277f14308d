"""Runtime helpers shared by the engine bridge and the Python workers."""
