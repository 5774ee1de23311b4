"""Diagnostics: metrics, scorers, residual tests, correlation kernels, displays.

Imports :mod:`skrnn._data` only: it judges any fitted series model through
its public methods.
"""
