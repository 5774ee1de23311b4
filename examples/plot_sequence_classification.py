"""
====================================================
Classifying whole sequences with a recurrent network
====================================================

Each sample is a whole sequence: a noisy sine, square or sawtooth wave of
random frequency, phase and *length*. :class:`~skrnn.RNNClassifier` reads a
sequence step by step, carries a hidden state

.. math:: h_t = \\tanh(x_t U + h_{t-1} W + b)

and classifies it from the state at the sequence's own last step (padding
never changes a result). The sequences are given as a plain list of arrays
of different lengths.

We plot two learning curves: the training loss and the validation accuracy at
every epoch (with ``early_stopping=True`` the best weights are kept), and the
accuracy against the number of training sequences, from scikit-learn's
:func:`~sklearn.model_selection.learning_curve` — the estimator is an ordinary
scikit-learn classifier.
"""

# %%
# Sequences of three shapes and different lengths
# -----------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from scipy.signal import sawtooth
from sklearn.model_selection import learning_curve, train_test_split

from skrnn import RNNClassifier

rng = np.random.default_rng(0)
SHAPES = {
    "sine": np.sin,
    "square": lambda t: np.sign(np.sin(t)),
    "sawtooth": sawtooth,
}


def make_waves(n):
    X, y = [], []
    for _ in range(n):
        name = rng.choice(list(SHAPES))
        length = rng.integers(20, 60)
        t = rng.uniform(0.2, 0.7) * np.arange(length) + rng.uniform(0, 2 * np.pi)
        wave = SHAPES[name](t) + 0.2 * rng.normal(size=length)
        X.append(wave[:, None])  # (length, 1 feature)
        y.append(name)
    return X, np.array(y)


X, y = make_waves(900)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
print(
    f"{len(X_train)} training sequences of {min(map(len, X))}-{max(map(len, X))} steps"
)

# %%
# Training, with early stopping on 10% of the training sequences
# --------------------------------------------------------------
clf = RNNClassifier(
    hidden_layer_sizes=(24,),
    learning_rate_init=0.01,
    batch_size=32,
    max_iter=60,
    early_stopping=True,
    n_iter_no_change=8,
    random_state=0,
)
clf.fit(X_train, y_train)
print(f"{clf.n_iter_} epochs, test accuracy {clf.score(X_test, y_test):.3f}")

# %%
# The learning curves
# -------------------
sizes, train_scores, valid_scores = learning_curve(
    clf,  # cloned for each size and split
    X_train,
    y_train,
    train_sizes=[0.1, 0.25, 0.5, 1.0],
    cv=3,
)

fig, (ax_epoch, ax_size) = plt.subplots(1, 2, figsize=(10, 4))
ax_epoch.plot(clf.loss_curve_, label="training loss")
ax_epoch.set_xlabel("epoch")
ax_epoch.set_ylabel("cross-entropy")
ax_acc = ax_epoch.twinx()
ax_acc.plot(clf.validation_scores_, color="tab:orange", label="validation accuracy")
ax_acc.set_ylabel("accuracy")
ax_epoch.set_title("Per epoch")
fig.legend(loc="lower left", bbox_to_anchor=(0.12, 0.15))

ax_size.plot(sizes, train_scores.mean(axis=1), "o-", label="training")
ax_size.plot(sizes, valid_scores.mean(axis=1), "o-", label="cross-validation")
ax_size.set_xlabel("training sequences")
ax_size.set_ylabel("accuracy")
ax_size.set_title("Against the training set size")
ax_size.legend()
fig.tight_layout()
plt.show()
