"""The MNIST demo: real data, three models (mlp, cnn, vit), a training CLI.

Run `python -m autograd.demo.mnist --help` (or the console script
`nodegrad-mnist`). The pieces are importable on their own: `data` (finding,
checking and loading MNIST), `models` (the three networks, built from the
node library), `train` (the loop, evaluation, checkpoints) and `plots`.
"""
