"""
==========================================================
Classifying spoken vowels: a real multivariate, ragged set
==========================================================

The JapaneseVowels problem of the UEA archive: nine speakers each uttered
the vowels /ae/, and every utterance is a sequence of 7 to 29 frames of 12
LPC cepstrum coefficients. Which speaker is it? The sequences have different
lengths, so they are kept as a plain list of ``(n_frames, 12)`` arrays:
:class:`~skrnn.SequenceScaler` standardises each coefficient over every real
frame of the training utterances and returns a list again, and
:class:`~skrnn.RNNClassifier` (a GRU layer of 32 units by default) reads each
utterance frame by frame and keeps, unit by unit, the largest state over its
real frames (``pooling="max"``, the classifier's default). The pipeline needs
no reshaping and no padding by hand.

The data (the archive's own split: 270 training, 370 test utterances) ship
with the examples as ``examples/data/japanese_vowels.npz``, read from disk:
building the documentation needs no network. Their provenance and licence
are in ``examples/data/PROVENANCE.md``.
"""

# %%
# The utterances
# --------------
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.pipeline import Pipeline

from skrnn import RNNClassifier, SequenceScaler

try:
    HERE = Path(__file__).resolve().parent
except NameError:  # sphinx-gallery runs the file from the examples folder
    HERE = Path.cwd()
data = np.load(HERE / "data" / "japanese_vowels.npz")


def sequences(part):
    """The utterances of one part as a list of (n_frames, 12) float arrays."""
    frames = data[f"X_{part}"].astype(float)
    ends = np.cumsum(data[f"lengths_{part}"])[:-1]
    return np.split(frames, ends), data[f"y_{part}"]


X_train, y_train = sequences("train")
X_test, y_test = sequences("test")
lengths = [len(x) for x in X_train]
print(f"{len(X_train)} training utterances of {min(lengths)}-{max(lengths)} frames")
print(f"{len(X_test)} test utterances, {X_train[0].shape[1]} coefficients a frame")

fig, axes = plt.subplots(1, 3, figsize=(10, 2.6), sharey=True)
for ax, speaker in zip(axes, [1, 5, 9], strict=True):
    x = X_train[int(np.flatnonzero(y_train == speaker)[0])]
    ax.plot(x, lw=1)
    ax.set(title=f"speaker {speaker}, {len(x)} frames", xlabel="frame")
axes[0].set_ylabel("LPC cepstrum")
fig.tight_layout()

# %%
# Scaler and network in one pipeline
# ----------------------------------
# ``early_stopping=True`` holds out 10 % of the training utterances, records
# the accuracy on them after every epoch (``validation_scores_``), stops when
# it has not improved for ``n_iter_no_change`` epochs and keeps the weights of
# the best epoch. With 27 held-out utterances the accuracy moves in steps of
# 4 %: a patience of 20 epochs (instead of 10) lets it pass a flat stretch.
# (Without early stopping the same pipeline stops on its training loss
# after 87 epochs, at a test accuracy of 0.968.)
model = Pipeline(
    [
        ("scale", SequenceScaler()),
        (
            "rnn",
            RNNClassifier(early_stopping=True, n_iter_no_change=20, random_state=0),
        ),
    ]
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    model.fit(X_train, y_train)
rnn = model.named_steps["rnn"]
print(f"{rnn.n_iter_} epochs, test accuracy {model.score(X_test, y_test):.3f}")

# %%
# Which speakers are confused
# ---------------------------
fig, ax = plt.subplots(figsize=(5, 4.5))
ConfusionMatrixDisplay.from_predictions(
    y_test, model.predict(X_test), ax=ax, colorbar=False
)
ax.set_title("JapaneseVowels, test utterances")
fig.tight_layout()

# %%
# The learning curve
# ------------------
# The training loss (cross-entropy, left axis) and the accuracy on the
# held-out training utterances (right axis), epoch by epoch; the weights kept
# are those of the best validation epoch.
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(rnn.loss_curve_, color="C0", label="training loss")
ax.set(xlabel="epoch", ylabel="cross-entropy")
ax2 = ax.twinx()
ax2.plot(rnn.validation_scores_, color="C1", label="validation accuracy")
best = int(np.argmax(rnn.validation_scores_))
ax2.axvline(best, color="grey", ls=":", lw=1)
ax2.set_ylabel("accuracy")
fig.legend(loc="center right", bbox_to_anchor=(0.85, 0.5))
fig.tight_layout()
plt.show()
