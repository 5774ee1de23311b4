"""
=========================================================
Classifying sequences of different lengths: order matters
=========================================================

Each sample is a noisy oscillation whose frequency rises, falls or stays
steady, and the sequences have different lengths, from 20 to 80 steps.
Rising and falling "chirps" sweep through the same frequencies, so a model
that looks at which frequencies are present (the spectrum, a histogram, any
summary that ignores the order of the steps) cannot tell them apart: only the
order in which the frequencies come can.

:class:`~skrnn.RNNClassifier` reads each sequence step by step,

.. math:: h_t = \\tanh(x_t U + h_{t-1} W + b), \\qquad
          P(\\text{class} \\mid x_{0..T-1}) = \\operatorname{softmax}(h_{T-1} V + c),

and classifies it from the state at the sequence's *own* last step. The
sequences are passed as a plain Python list of arrays of different lengths:
they are padded and masked inside the estimator, never truncated, and padding
never changes a prediction.
"""

# %%
# Chirps of different lengths
# ---------------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import RNNClassifier

rng = np.random.default_rng(0)
CLASSES = ["falling", "rising", "steady"]
LOW, HIGH = 0.05, 0.25  # frequencies, in cycles per step


def make_chirps(n_sequences):
    """Noisy sine waves with a rising, falling or steady frequency."""
    X, y = [], []
    for _ in range(n_sequences):
        label = rng.choice(CLASSES)
        length = int(rng.integers(20, 81))
        u = np.linspace(0.0, 1.0, length)
        frequency = {
            "rising": LOW + (HIGH - LOW) * u,
            "falling": HIGH - (HIGH - LOW) * u,
            "steady": np.full(length, rng.uniform(LOW, HIGH)),
        }[label]
        phase = 2 * np.pi * np.cumsum(frequency) + rng.uniform(0, 2 * np.pi)
        wave = np.sin(phase) + 0.3 * rng.normal(size=length)
        X.append(wave[:, None])  # (length, 1 feature)
        y.append(label)
    return X, np.array(y)


X, y = make_chirps(900)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
lengths = np.array([len(x) for x in X])
print(f"{len(X_train)} training and {len(X_test)} test sequences")
print(f"lengths from {lengths.min()} to {lengths.max()} steps")
print(f"X is a {type(X).__name__} of arrays shaped like {X[0].shape}")

fig, axes = plt.subplots(1, 3, figsize=(10, 2.6), sharey=True)
for ax, label in zip(axes, CLASSES, strict=True):
    i = np.flatnonzero(y == label)[0]
    ax.plot(X[i][:, 0], lw=1)
    ax.set_title(f"{label} ({len(X[i])} steps)")
    ax.set_xlabel("time step")
fig.tight_layout()

# %%
# Training the recurrent classifier
# ---------------------------------
# A list in, a fit like any scikit-learn classifier's. The string labels are
# kept in ``classes_``; training runs for a fixed 50 epochs of mini-batches
# of 32 sequences (about five seconds), so we silence the warning that it
# could go on.
clf = RNNClassifier(
    hidden_layer_sizes=(32,),
    learning_rate_init=0.003,
    batch_size=32,
    max_iter=50,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf.fit(X_train, y_train)
y_pred = clf.predict(X_test)
print(f"classes: {clf.classes_}")
print(f"RNN test accuracy: {accuracy_score(y_test, y_pred):.3f}")

# %%
# An order-free baseline
# ----------------------
# A logistic regression on each sequence's power spectrum (resampled to 32
# frequency bins, so that every length gives the same features) sees which
# frequencies are present, but not when. It does better than chance (one in
# three) -- a steady wave has one peak, a chirp a band of frequencies -- but
# rising and falling chirps have the same spectrum, and it is left guessing
# between them.


def spectrum(X, n_bins=32):
    """Power spectrum of each sequence on a common grid of n_bins frequencies."""
    grid = np.linspace(0.0, 0.5, n_bins)
    rows = []
    for x in X:
        x = x[:, 0] - x[:, 0].mean()
        power = np.abs(np.fft.rfft(x)) ** 2 / len(x)
        rows.append(np.interp(grid, np.fft.rfftfreq(len(x)), power))
    return np.array(rows)


baseline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
baseline.fit(spectrum(X_train), y_train)
y_base = baseline.predict(spectrum(X_test))
accuracy = accuracy_score(y_test, y_base)
print(f"spectrum + logistic regression test accuracy: {accuracy:.3f}")

fig, (ax_rnn, ax_base) = plt.subplots(1, 2, figsize=(9, 4))
ConfusionMatrixDisplay.from_predictions(
    y_test, y_pred, ax=ax_rnn, colorbar=False, cmap="Blues"
)
ax_rnn.set_title("RNNClassifier (reads the order)")
ConfusionMatrixDisplay.from_predictions(
    y_test, y_base, ax=ax_base, colorbar=False, cmap="Greys"
)
ax_base.set_title("Spectrum + logistic regression")
fig.tight_layout()

# %%
# Accuracy against the length of the sequence
# -------------------------------------------
# A short sequence holds fewer cycles of its chirp, so it is harder; a model
# that read the zero padding of short sequences in a batch of long ones would
# be hurt most there.
test_lengths = np.array([len(x) for x in X_test])
edges = np.array([20, 35, 50, 65, 81])
bins = np.digitize(test_lengths, edges[1:-1])
for b in range(len(edges) - 1):
    in_bin = bins == b
    accuracy = accuracy_score(y_test[in_bin], y_pred[in_bin])
    span = f"{edges[b]:2d}-{edges[b + 1] - 1:2d}"
    print(f"length {span}: {in_bin.sum():3d} sequences, accuracy {accuracy:.3f}")

# %%
# The probabilities, step by step
# -------------------------------
# A fitted network takes sequences of any length, so feeding it the first
# k steps of one test sequence, for every k, shows when it makes up its mind:
# the class probabilities after each step. Every prefix is one element of a
# list, all predicted in one call. The network was trained on whole
# sequences only: its belief after k steps is the answer it would give if
# the sequence ended there. A few cycles at one frequency look steady, and
# only once the frequency has visibly fallen does it settle on "falling".
falling = max(
    (x for x, label in zip(X_test, y_test, strict=True) if label == "falling"), key=len
)
prefixes = [falling[:k] for k in range(1, len(falling) + 1)]
proba = clf.predict_proba(prefixes)  # (n_prefixes, n_classes)

fig, (ax_x, ax_p) = plt.subplots(2, 1, figsize=(9, 5), sharex=True)
ax_x.plot(falling[:, 0], color="black", lw=1)
ax_x.set_ylabel("x")
ax_x.set_title("A falling chirp, and the classifier's belief after each step")
for j, label in enumerate(clf.classes_):
    ax_p.plot(np.arange(1, len(falling) + 1), proba[:, j], lw=2, label=label)
ax_p.set_xlabel("steps read")
ax_p.set_ylabel("probability")
ax_p.set_ylim(-0.02, 1.02)
ax_p.legend(loc="center right")
fig.tight_layout()
plt.show()
