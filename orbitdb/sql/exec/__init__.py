"""Operators that run plans, row changes with their constraints and locks, COPY, spilling, interrupts."""
