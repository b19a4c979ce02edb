"""Expressions compiled to closures: operators, function calls, aggregates, windows, regular expressions."""
