"""The speedrun's recipe in PyTorch, for `python -m autograd.demo.speedrun --against torch`.

PyTorch is not a dependency of nodegrad: it is imported here only when a
`TorchRun` is made, and `require_torch()` turns its absence into one
sentence. What makes the two runs the same recipe:

- the network: `nn.Conv2d(1, 16, 5, bias=False)`, `nn.BatchNorm2d(16)`,
  `F.max_pool2d(., 2)`, ReLU, the same with 16 -> 32, then
  `nn.Linear(512, 10)` on `x.flatten(1)`, in channels_last memory (NHWC,
  nodegrad's layout);
- the initial weights: nodegrad's model exported with
  `state_dict(layout="torch")` (HWIO conv weights turned OIHW, the Linear's
  transposed and its columns permuted from NHWC's flattening to NCHW's) and
  loaded with `load_state_dict(strict=True)`;
- the batches: the very index arrays nodegrad trains on, in the same order;
- the rule and its schedule: `torch.optim.Adam(lr=PEAK_LR)` (betas 0.9,
  0.999, eps 1e-8, as `ag.Adam`) with `OneCycleLR(max_lr=PEAK_LR,
  pct_start=WARMUP, total_steps=...)`, which cycles Adam's beta1 between 0.95
  and 0.85 as `ag.OneCycle` does (div_factor 25, final_div_factor 1e4 in
  both), stepped once per update;
- the loss: `F.cross_entropy` (the batch mean), and evaluation in eval mode
  (running statistics, momentum 0.1 and eps 1e-5 in both) without gradients.
"""

import numpy as np

#: The shapes of the speedrun's network, (in, out) of each conv block.
CONV_CHANNELS = ((1, 16), (16, 32))
FEATURES, CLASSES = 512, 10


class TorchMissing(RuntimeError):
    """--against torch was asked for but PyTorch cannot be imported."""


def require_torch():
    """The torch module, or TorchMissing saying in one sentence that --against torch needs it."""
    try:
        import torch
    except ImportError:
        raise TorchMissing("--against torch needs PyTorch, which is not installed (nodegrad does not depend on "
                           "it; install torch to compare)") from None
    return torch


def make_module(torch):
    """The speedrun's network as a torch module whose state dict has the keys of nodegrad's (layout "torch")."""
    nn, functional = torch.nn, torch.nn.functional

    class ConvBlock(nn.Module):
        def __init__(self, c_in, c_out):
            super().__init__()
            self.conv = nn.Conv2d(c_in, c_out, 5, bias=False)
            self.bn = nn.BatchNorm2d(c_out)

        def forward(self, x):
            return functional.relu(functional.max_pool2d(self.bn(self.conv(x)), 2))  # pooled first, as nodegrad

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = ConvBlock(*CONV_CHANNELS[0])
            self.conv2 = ConvBlock(*CONV_CHANNELS[1])
            self.classifier = nn.Linear(FEATURES, CLASSES)

        def forward(self, images):
            x = images.unsqueeze(1).contiguous(memory_format=torch.channels_last)
            return self.classifier(self.conv2(self.conv1(x)).flatten(1))

    return Net()


class TorchRun:
    """The recipe in PyTorch from the weights `state` (a nodegrad model's `state_dict(layout="torch")`).

    `train(images, labels, batches)` takes one step per index array of
    `batches`; `accuracy(images, labels)` evaluates. Same interface as the
    speedrun's NodegradRun.
    """

    name = "torch"

    def __init__(self, state, total_steps, peak_lr, warmup):
        torch = self.torch = require_torch()
        self.module = make_module(torch).to(memory_format=torch.channels_last)
        self.module.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()}, strict=True)
        self.optimizer = torch.optim.Adam(self.module.parameters(), lr=peak_lr)
        self.scheduler = torch.optim.lr_scheduler.OneCycleLR(self.optimizer, max_lr=peak_lr, pct_start=warmup,
                                                             total_steps=total_steps)

    def train(self, images, labels, batches, on_step=None):
        """One update per index array in `batches`."""
        torch, functional = self.torch, self.torch.nn.functional
        self.module.train()
        for index in batches:
            x, y = torch.from_numpy(images[index]), torch.from_numpy(labels[index])
            self.optimizer.zero_grad(set_to_none=True)
            functional.cross_entropy(self.module(x), y).backward()
            self.optimizer.step()
            self.scheduler.step()
            if on_step is not None:
                on_step()

    def accuracy(self, images, labels, batch_size=1000):
        """The share of `images` classified as `labels`, in eval mode and without gradients."""
        torch = self.torch
        self.module.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(images), batch_size):
                logits = self.module(torch.from_numpy(images[i : i + batch_size]))
                correct += int((logits.argmax(1).numpy() == labels[i : i + batch_size]).sum())
        return correct / max(len(images), 1)
