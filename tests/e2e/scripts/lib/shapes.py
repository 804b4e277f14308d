"""A module shipped with add_python_file and imported inside user functions."""


def area(width, height):
    return width * height
