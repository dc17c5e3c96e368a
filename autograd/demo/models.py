"""The demo's networks, each built from the public node API.

Every builder takes a numpy Generator (for the initial weights) and returns a
`Model`: the `image` input, of shape (N, 28, 28) with pixels in [0, 1], and the
`logits` node, of shape (N, 10). Every layer is named explicitly, so parameter
names (`fc1.weight`, `block2.attn.q.weight`...) are the same in every run and
checkpoints can be keyed by them.

Each model's docstring names the PyTorch module it corresponds to:
`model.state_dict(layout="torch")` is that module's state dict (numpy
arrays), and a model loaded with `model.load_state_dict(state, layout="torch")`
from such a module's state dict gives its outputs (its `forward` takes the
same (N, 28, 28) images, and runs in eval mode).
"""

import dataclasses

import numpy as np

from autograd import Graph, Input, Node, scope
from autograd.state import check_fits, group_state_dict, load_group_state_dict, root_blocks
from nodes import (
    GRU,
    LSTM,
    BatchNorm,
    Conv2d,
    Linear,
    PatchEmbedding,
    PositionalEmbedding,
    TransformerBlock,
    dropout,
    flatten,
    max_pool2d,
    mean,
    relu,
    reshape,
)

CLASSES = 10


@dataclasses.dataclass
class Model:
    """A network wired from `image` to `logits`; `summary` is one line for the console."""

    name: str
    image: Input
    logits: Node
    summary: str
    #: Changes of the whole model's state in the layout "torch" beyond its blocks' own (`flatten_nchw`).
    torch_export: object = None
    torch_import: object = None

    @property
    def blocks(self):
        """The top-level blocks of the network, whose names start the keys of its state dict."""
        return root_blocks(Graph(self.logits).parameters)

    def state_dict(self, layout="nodegrad"):
        """{key: array} of every parameter and buffer: nodegrad's names, or the PyTorch module's (`layout="torch"`)."""
        state = group_state_dict(self.blocks, layout)
        if layout == "torch" and self.torch_export is not None:
            state = self.torch_export(state)
        return state

    def load_state_dict(self, state, layout="nodegrad"):
        """Check `state` in full against the model (refusing a misfit by name), then write it in."""
        check_fits(state, self.state_dict(layout))
        if layout == "torch" and self.torch_import is not None:
            state = self.torch_import(state)
        load_group_state_dict(self.blocks, state, layout)


def image_input():
    return Input(name="image", shape=(None, 28, 28))


def logistic(rng):
    """Softmax regression: 784 -> 10, one Linear layer whose weights start at zero.

    Its loss is convex, so there is no symmetry to break: zeros are the
    natural start, and they spare the gradient-free trainers (`--trainer es`,
    `--trainer genetic`) the work of undoing random weights (`rng` is taken
    for the builders' common signature). PyTorch: a module whose one
    `nn.Linear(784, 10)` is called `classifier`, applied to `images.flatten(1)`.
    """
    image = image_input()
    weight = np.zeros((28 * 28, CLASSES))
    logits = Linear(28 * 28, CLASSES, name="classifier", weight=weight, rng=rng)(flatten(image, name="flatten"))
    return Model("logistic", image, logits, "logistic 784-10 (softmax regression)")


def mlp(rng, hidden=(512, 256)):
    """Multi-layer perceptron: 784 -> hidden... -> 10 with ReLU between layers.

    `hidden=(256,)` gives the classic 784-256-10 baseline. PyTorch: a module
    with `fc1`, `fc2`... (one `nn.Linear` per hidden width) and `classifier`
    (`nn.Linear(hidden[-1], 10)`), whose forward is
    `x = images.flatten(1)`, then `x = F.relu(fc_i(x))` for each i, then
    `classifier(x)`.
    """
    image = image_input()
    x = flatten(image, name="flatten")
    widths = (28 * 28, *hidden)
    for i, (n_in, n_out) in enumerate(zip(widths, widths[1:]), start=1):
        x = Linear(n_in, n_out, name=f"fc{i}", rng=rng)(x)
        x = relu(x, name=f"relu{i}")
    logits = Linear(widths[-1], CLASSES, name="classifier", rng=rng)(x)
    return Model("mlp", image, logits, "mlp " + "-".join(str(w) for w in (*widths, CLASSES)))


def cnn(rng, dropout_p=0.25):
    """A LeNet-like convolutional network on NHWC images (channels last):

        28x28x1 -> conv 5x5, 16 -> batch norm -> relu -> max pool 2 -> 14x14x16
                -> conv 5x5, 32 -> batch norm -> relu -> max pool 2 -> 7x7x32
                -> flatten 1568 -> dropout -> fc 128 -> relu -> dropout -> fc 10

    PyTorch: a module with `conv1`, `conv2` (each a module holding
    `conv = nn.Conv2d(c_in, c_out, 5, padding=2, bias=False)` and
    `bn = nn.BatchNorm2d(c_out)`, whose forward is
    `F.max_pool2d(F.relu(bn(conv(x))), 2)`), `fc1 = nn.Linear(1568, 128)` and
    `classifier = nn.Linear(128, 10)`, whose forward is `x = images.unsqueeze(1)`,
    conv1, conv2, `x.flatten(1)`, dropout, `F.relu(fc1(x))`, dropout,
    `classifier(x)`. PyTorch flattens the 32x7x7 maps channel first, ours
    (channels last) pixel first: fc1's weight columns are permuted between
    the two (`flatten_nchw`).
    """
    image = image_input()
    x = reshape(image, (-1, 28, 28, 1), name="channels")
    x = conv_block(x, 1, 16, name="conv1", rng=rng)
    x = conv_block(x, 16, 32, name="conv2", rng=rng)
    x = flatten(x, name="flatten")
    x = dropout(x, dropout_p, rng=child_generator(rng), name="drop1")
    x = relu(Linear(7 * 7 * 32, 128, name="fc1", rng=rng)(x), name="relu")
    x = dropout(x, dropout_p, rng=child_generator(rng), name="drop2")
    logits = Linear(128, CLASSES, name="classifier", rng=rng)(x)
    export, import_ = flatten_nchw("fc1.weight", channels=32, side=7)
    return Model("cnn", image, logits, "cnn conv16-conv32-fc128-10", torch_export=export, torch_import=import_)


def flatten_nchw(key, channels, side):
    """(export, import) of the PyTorch layout of the Linear weight `key` that reads flattened feature maps.

    Its columns (PyTorch's (out, in) weight) follow NHWC's flattening,
    (row, column, channel), here, and NCHW's, (channel, row, column), there.
    """

    def export(state):
        w = state[key]
        return {**state, key: np.ascontiguousarray(
            w.reshape(len(w), side, side, channels).transpose(0, 3, 1, 2).reshape(len(w), -1))}

    def import_(state):
        w = state[key]
        return {**state, key: w.reshape(len(w), channels, side, side).transpose(0, 2, 3, 1).reshape(len(w), -1)}

    return export, import_


def conv_block(x, in_channels, out_channels, name, rng, padding=2, pool_first=False):
    """conv 5x5 -> batch norm -> relu -> 2x2 max pool, in one scope: halves the image side.

    `padding=2` keeps the side through the convolution ('same'); 0 takes 4
    pixels off it ('valid', LeNet's). No conv bias: the batch norm's shift
    (beta) plays its part. `pool_first` pools before the ReLU: the same
    values and gradients (max pooling and ReLU commute, and where a window's
    maximum is not positive both send it no gradient), with the ReLU on a
    quarter of the data.
    """
    with scope(name):
        x = Conv2d(in_channels, out_channels, 5, padding=padding, bias=False, name="conv", rng=rng)(x)
        x = BatchNorm(out_channels, name="bn")(x)
        if pool_first:
            return relu(max_pool2d(x, 2, name="pool"), name="relu")
        x = relu(x, name="relu")
        return max_pool2d(x, 2, name="pool")


def vit(rng, dim=64, depth=2, heads=4, mlp_hidden=128):
    """A small vision transformer:

        16 patches of 7x7 -> linear 49 -> 64 -> + learned positions
        -> 2 pre-norm transformer blocks (4 heads, MLP 64-128-64)
        -> mean over the 16 tokens -> linear 64 -> 10

    PyTorch: a module with `patch_embed` (holding `proj = nn.Conv2d(1, 64, 7,
    stride=7)`), `positions = nn.Embedding(16, 64)`, `block1`, `block2`
    (each `nn.TransformerEncoderLayer(64, 4, 128, dropout=0.0,
    activation="gelu", batch_first=True, norm_first=True)`, the exact GELU)
    and `head = nn.Linear(64, 10)`, whose forward is
    `x = patch_embed.proj(images.unsqueeze(1)).flatten(2).transpose(1, 2)`,
    `x = x + positions.weight`, block1, block2, `head(x.mean(1))`.
    """
    image = image_input()
    embed = PatchEmbedding(image_size=28, patch_size=7, dim=dim, name="patch_embed", rng=rng)
    tokens = PositionalEmbedding(embed.tokens, dim, name="positions", rng=rng)(embed(image))
    for i in range(1, depth + 1):
        tokens = TransformerBlock(dim, heads, mlp_hidden, name=f"block{i}", rng=rng)(tokens)
    pooled = mean(tokens, axis=1, name="pool")
    logits = Linear(dim, CLASSES, name="head", init="xavier", rng=rng)(pooled)
    return Model("vit", image, logits, f"vit 16 patches 7x7, dim {dim}, {depth} blocks of {heads} heads")


def lstm(rng, hidden=128):
    """An LSTM that reads each digit row by row:

        28 steps of 28 pixels -> LSTM 128 (one fused layer node, forget-gate bias 1) -> the last step's h -> linear 10

    PyTorch: a module with `lstm = nn.LSTM(28, 128, batch_first=True)` and
    `classifier = nn.Linear(128, 10)`, whose forward is
    `classifier(lstm(images)[0][:, -1])` (rows as steps). The LSTM's tensors
    (`lstm.weight_ih_l0` (512, 28), `lstm.weight_hh_l0` (512, 128),
    `lstm.bias_ih_l0`, `lstm.bias_hh_l0` (512,), gate blocks i, f, g, o) are
    ours as they are; the head's weight is transposed to `(10, 128)`. The
    forget-gate bias is only how the weights start (b_ih's f block 1, b_hh's 0).
    """
    return recurrent("lstm", LSTM(28, hidden, forget_bias=1.0, fused="layer", name="lstm", rng=rng), hidden, rng)


def gru(rng, hidden=128):
    """A GRU reading each digit row by row: 28 steps of 28 pixels -> GRU 128 (a fused layer) -> last h -> linear 10.

    PyTorch: as `lstm`'s module with `gru = nn.GRU(28, 128, batch_first=True)`:
    `gru.weight_ih_l0` (384, 28), `gru.weight_hh_l0` (384, 128) and the
    biases (384,), gate blocks r, z, n, as they are here; `classifier` is
    `nn.Linear(128, 10)`, its weight transposed.
    """
    return recurrent("gru", GRU(28, hidden, fused="layer", name="gru", rng=rng), hidden, rng)


def recurrent(name, block, hidden, rng):
    """The image's rows as the steps of `block`, its last output read out by a linear layer."""
    image = image_input()
    last = block(image, last=True)
    logits = Linear(hidden, CLASSES, name="classifier", init="xavier", rng=rng)(last)
    return Model(name, image, logits, f"{name} {hidden} reading rows")


def child_generator(rng):
    """A generator of its own for a dropout node, seeded from the model's, so a seed fixes every mask."""
    return np.random.default_rng(rng.integers(2**63))


BUILDERS = {"logistic": logistic, "mlp": mlp, "cnn": cnn, "vit": vit, "lstm": lstm, "gru": gru}


def build(name, seed=0, **options):
    """The model called `name`, its weights drawn from a generator seeded with `seed`."""
    if name not in BUILDERS:
        raise ValueError(f"unknown model {name!r}; choose one of {sorted(BUILDERS)}")
    return BUILDERS[name](np.random.default_rng(seed), **options)
