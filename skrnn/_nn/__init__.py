"""The numerical core: numpy and scipy only, no scikit-learn, no ``self``.

- :mod:`._activations`: activation, derivative and loss tables;
- :mod:`._cellmath`: initialisers, ragged-batch counts, shared gated math;
- :mod:`._elman`, :mod:`._gru`, :mod:`._lstm`: the cells (one interface,
  documented in :mod:`._elman`); :mod:`._bidirectional` runs any of them
  both ways;
- :mod:`._stack`: the one parameter layout, stacked layers, output layer,
  losses, truncated BPTT; :mod:`._seq2seq`: the encoder–decoder kernel;
- :mod:`._optimizers`: SGD, Adam, L-BFGS and gradient clipping;
  :mod:`._training`: the one trainer (epoch loop, L-BFGS driver, stopping);
- :mod:`._runtime`: the BLAS thread limit and the helper thread;
  :mod:`._workspace`: the buffer pool.

Nothing here imports anything of skrnn outside this package.
"""
