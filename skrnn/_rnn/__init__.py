"""The sequence family: RNNRegressor, RNNClassifier, streaming state, Seq2Seq.

Each sample is a whole sequence. Imports :mod:`skrnn._nn` and
:mod:`skrnn._data`, never another family.
"""
