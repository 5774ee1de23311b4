"""Diagnostics: metrics, scorers, backtests, residual tests, correlations, displays.

Imports :mod:`skrnn._data` only: it judges any fitted series model through
its public methods.
"""
