"""A module beside cluster_files.py: it travels with the job as the script's own."""

DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def spell(n):
    return "-".join(DIGITS[int(digit)] for digit in str(n))
