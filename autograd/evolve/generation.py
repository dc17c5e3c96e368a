"""The record of one generation: what the console shows and a checkpoint keeps."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Generation:
    """What one generation did; fitness is minus the loss on the generation's batch.

    `number` counts the generations done, this one included; `best` and
    `mean` are the highest and the mean fitness of the members it evaluated;
    `fitness` is that of the member the graph holds afterwards (the genetic
    algorithm's best, the evolution strategy's new centre); `seconds` the
    time it took.
    """

    number: int
    best: float
    mean: float
    fitness: float
    seconds: float
