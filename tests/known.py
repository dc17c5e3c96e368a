"""The hand-derived 3-2-3 network (as in tests/autograd/test_known_values.py), for the tests of traced steps."""

import numpy as np

import autograd as ag
import nodes as nd

# Its numbers, as stated in test_known_values: weights with rows = units (the graph computes x @ W^T).
A2 = [0.8581489351, 0.4501660027, 0.6456563062]
COST = 1.4556090852
DB2 = [0.2089238075, -0.2721860532, 0.2954319752]
DW2_T = [[-0.0052230952, 0.2872702353], [0.0068046513, -0.3742558231], [-0.0073857994, 0.4062189659]]
DB1 = [-0.0733287752, 0.3666438760]
DW1_T = [[-0.0183321938, -0.0366643876, -0.0549965814], [0.0916609690, 0.1833219380, 0.2749829070]]
W1_T = [[-0.75, 0.5, -0.25], [0.25, -0.5, 0.75]]
B1 = [0.0, 1.0]
W2_T = [[-0.75, 0.75], [0.5, -0.5], [-0.25, 0.25]]
B2 = [0.75, 0.5, 0.25]
LR = 0.5


def network():
    """(graph, feeds) of the 3-2-3 network, its nodes named, trained by SGD at LR."""
    with ag.default_dtype(np.float64):
        x = ag.Input("x", shape=(None, 3))
        y = ag.Input("y", shape=(None, 3))
        w1 = ag.Parameter(np.array(W1_T).T, name="W1")
        b1 = ag.Parameter(B1, name="b1")
        w2 = ag.Parameter(np.array(W2_T).T, name="W2")
        b2 = ag.Parameter(B2, name="b2")
        z1 = nd.add(nd.matmul(x, w1, name="mm1"), b1, name="z1")
        hidden = nd.leaky_relu(z1, alpha=0.2, name="hidden")
        z2 = nd.add(nd.matmul(hidden, w2, name="mm2"), b2, name="z2")
        a2 = nd.sigmoid(z2, name="a2")
        cost = nd.sum((a2 - y) ** 2, name="cost")
    return ag.Graph(cost, rule=ag.SGD(LR)), {"x": [[0.25, 0.5, 0.75]], "y": [[0.0, 1.0, 0.0]]}


