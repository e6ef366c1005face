"""Build notebooks/07_digits.ipynb and execute it so the saved file shows its outputs.

    python notebooks/make_07_digits.py
"""
from nbformat.v4 import new_code_cell, new_markdown_cell

md, code = new_markdown_cell, new_code_cell

cells = [
    md("# Training a small network on handwritten digits\n\n"
       "A two-layer network classifies scikit-learn's digits data set (1,797 greyscale images "
       "of 8×8 pixels, digits 0 to 9, shipped with scikit-learn), written the way one writes it "
       "in JAX: parameters in a dict, initialised from explicit random keys (`fungrad.random`, "
       "`fungrad.nn.initializers`), activations and the loss from `fungrad.nn`, and a training "
       "step that `jit` compiles once and then runs as generated numpy code."),
    code("import matplotlib.pyplot as plt\n"
         "import numpy as np\n"
         "from sklearn.datasets import load_digits\n\n"
         "import fungrad as fg\n"
         "import fungrad.nn as nn\n"
         "import fungrad.numpy as fnp\n"
         "import fungrad.random as random\n"
         "from fungrad.tree_util import tree_map\n\n"
         "digits = load_digits()\n"
         "images = digits.images / 16.0            # pixel values 0..16 scaled to 0..1\n"
         "labels = digits.target\n"
         "print(images.shape, labels.shape, np.bincount(labels))"),
    md("## Data: a random split\n\n"
       "Keys are explicit values, split to get independent streams, as in JAX: one key shuffles "
       "the examples into a training and a test set, others initialise the weights and shuffle "
       "each epoch."),
    code("key = random.key(0)\n"
         "split_key, init_key, train_key = random.split(key, 3)\n\n"
         "order = np.asarray(random.permutation(split_key, len(labels)))\n"
         "test_idx, train_idx = order[:360], order[360:]\n"
         "X = images.reshape(len(images), -1)\n"
         "X_train, y_train = X[train_idx], labels[train_idx]\n"
         "X_test, y_test = X[test_idx], labels[test_idx]\n"
         "print('train', X_train.shape, 'test', X_test.shape)\n\n"
         "fig, axes = plt.subplots(1, 10, figsize=(10, 1.3))\n"
         "for digit, ax in enumerate(axes):\n"
         "    ax.imshow(X_train[y_train == digit][0].reshape(8, 8), cmap='gray_r')\n"
         "    ax.set_title(str(digit))\n"
         "    ax.axis('off')\n"
         "plt.show()"),
    md("## The model\n\n"
       "64 pixels → 128 hidden units (ReLU) → 10 logits. The weights start from He-normal "
       "initialisers, each from its own key; the loss is the mean cross-entropy, computed with "
       "`log_softmax` and `one_hot`."),
    code("def init(key, sizes=(64, 128, 10)):\n"
         "    keys = random.split(key, len(sizes) - 1)\n"
         "    params = {}\n"
         "    for i, (k, n_in, n_out) in enumerate(zip(keys, sizes[:-1], sizes[1:])):\n"
         "        params[f'w{i}'] = nn.initializers.he_normal()(k, (n_in, n_out))\n"
         "        params[f'b{i}'] = fnp.zeros(n_out)\n"
         "    return params\n\n"
         "def predict(params, x):\n"
         "    h = nn.relu(x @ params['w0'] + params['b0'])\n"
         "    return h @ params['w1'] + params['b1']\n\n"
         "def loss_fn(params, x, y):\n"
         "    log_p = nn.log_softmax(predict(params, x))\n"
         "    return -fnp.mean(fnp.sum(nn.one_hot(y, 10) * log_p, axis=-1))\n\n"
         "params = init(init_key)\n"
         "print({name: p.shape for name, p in params.items()})\n"
         "print('loss before training:', float(loss_fn(params, X_train, y_train)),\n"
         "      ' log(10) =', np.log(10))"),
    md("## Training\n\n"
       "Stochastic gradient descent with momentum on minibatches of 64. `update` is jitted: the "
       "first call traces `value_and_grad` of the loss and the two `tree_map`s into one program, "
       "optimises it and generates numpy source; every later call (same shapes) runs that "
       "source directly."),
    code("learning_rate, momentum, batch_size = 0.05, 0.9, 64\n\n"
         "@fg.jit\n"
         "def update(params, velocity, x, y):\n"
         "    loss, grads = fg.value_and_grad(loss_fn)(params, x, y)\n"
         "    velocity = tree_map(lambda v, g: momentum * v + g, velocity, grads)\n"
         "    params = tree_map(lambda p, v: p - learning_rate * v, params, velocity)\n"
         "    return params, velocity, loss\n\n"
         "accuracy = fg.jit(lambda params, x, y: fnp.mean(fnp.argmax(predict(params, x), axis=-1) == y))\n"
         "test_loss = fg.jit(loss_fn)\n\n"
         "velocity = tree_map(fnp.zeros_like, params)\n"
         "step_losses, epoch_test_losses = [], []\n"
         "steps_per_epoch = len(y_train) // batch_size\n"
         "for epoch in range(30):\n"
         "    perm = np.asarray(random.permutation(random.fold_in(train_key, epoch), len(y_train)))\n"
         "    for i in range(steps_per_epoch):\n"
         "        batch = perm[i * batch_size:(i + 1) * batch_size]\n"
         "        params, velocity, loss = update(params, velocity, X_train[batch], y_train[batch])\n"
         "        step_losses.append(float(loss))\n"
         "    epoch_test_losses.append(float(test_loss(params, X_test, y_test)))\n"
         "    if epoch % 5 == 4:\n"
         "        print(f'epoch {epoch + 1:2d}  train loss {np.mean(step_losses[-steps_per_epoch:]):.4f}'\n"
         "              f'  test loss {epoch_test_losses[-1]:.4f}'\n"
         "              f'  test accuracy {float(accuracy(params, X_test, y_test)):.4f}')"),
    md("The loss per minibatch step, and the test loss after each epoch:"),
    code("fig, ax = plt.subplots(figsize=(7, 3.5))\n"
         "ax.semilogy(step_losses, lw=0.6, alpha=0.6, label='training minibatch')\n"
         "ax.semilogy(np.arange(1, 31) * steps_per_epoch, epoch_test_losses, 'o-', label='test set')\n"
         "ax.set_xlabel('step')\n"
         "ax.set_ylabel('cross-entropy')\n"
         "ax.legend()\n"
         "plt.show()"),
    md("## Results on the test set\n\n"
       "The test images were never used for training. The accuracy, the digits it confuses "
       "most, and the first 24 test images with their predicted labels (red where the "
       "prediction is wrong):"),
    code("predicted = np.asarray(fnp.argmax(predict(params, X_test), axis=-1))\n"
         "print('test accuracy:', np.mean(predicted == y_test),\n"
         "      f'({np.sum(predicted != y_test)} of {len(y_test)} wrong)')\n"
         "confusion = np.zeros((10, 10), int)\n"
         "np.add.at(confusion, (y_test, predicted), 1)\n"
         "off = confusion - np.diag(np.diag(confusion))\n"
         "for t, p in zip(*np.unravel_index(np.argsort(off, axis=None)[::-1][:3], off.shape)):\n"
         "    if off[t, p]:\n"
         "        print(f'  true {t} predicted as {p}: {off[t, p]} times')\n\n"
         "fig, axes = plt.subplots(3, 8, figsize=(9, 4))\n"
         "for ax, image, p, t in zip(axes.flat, X_test, predicted, y_test):\n"
         "    ax.imshow(image.reshape(8, 8), cmap='gray_r')\n"
         "    ax.set_title(f'predicted {p}', color='black' if p == t else 'red', fontsize=9)\n"
         "    ax.axis('off')\n"
         "plt.show()"),
    md("The test images it gets wrong, with their true labels:"),
    code("wrong = np.flatnonzero(predicted != y_test)\n"
         "fig, axes = plt.subplots(1, max(len(wrong[:8]), 1), figsize=(9, 1.6), squeeze=False)\n"
         "for ax, i in zip(axes.flat, wrong[:8]):\n"
         "    ax.imshow(X_test[i].reshape(8, 8), cmap='gray_r')\n"
         "    ax.set_title(f'{predicted[i]} (true {y_test[i]})', color='red', fontsize=9)\n"
         "for ax in axes.flat:\n"
         "    ax.axis('off')\n"
         "plt.show()"),
]

if __name__ == "__main__":
    from _build import build
    build(cells, __file__)
