"""The series family: windowing, the transformers, FIR, NARX, conformal intervals.

Rows are consecutive time steps of one series (or a panel of series).
Imports :mod:`skrnn._nn` and :mod:`skrnn._data`, never another family.
"""
