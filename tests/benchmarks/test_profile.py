"""benchmarks.profile: the per-node-type times and FLOP counts of a few MLP steps."""

from benchmarks import mlp, profile
from nodes.linalg.matmul import MatMul

STEPS, BATCH = 2, 64


def test_matmul_flops_follow_the_shapes_and_the_classes_are_restored():
    forward, backward = MatMul.forward, MatMul.backward
    profiler, total = profile.profile("mlp", steps=STEPS, batch=BATCH)
    assert (MatMul.forward, MatMul.backward) == (forward, backward)
    rows = STEPS * BATCH
    # fc1: (64, 784) @ (784, 256), fc2: (64, 256) @ (256, 10); 2 FLOPs per multiply-add
    assert profiler.flops[("MatMul", "forward")] == 2 * rows * (784 * 256 + 256 * 10)
    # backward: fc1 needs only its weight's gradient (the images get none), fc2 both operands'
    assert profiler.flops[("MatMul", "backward")] == 2 * rows * (784 * 256 + 2 * 256 * 10)
    assert profiler.calls[("MatMul", "forward")] == 2 * STEPS and profiler.calls[("ReLU", "backward")] == STEPS
    assert ("SoftmaxCrossEntropy", "forward") in profiler.seconds and profiler.flops[("ReLU", "forward")] == 0
    assert 0 < sum(profiler.seconds.values()) < total


def test_table_lists_every_node_type_and_direction_then_engine_and_total():
    profiler, total = profile.profile("mlp", steps=STEPS, batch=BATCH)
    lines = profile.table(profiler, total)
    assert lines[0].split()[:3] == ["node", "type", "pass"]
    assert len(lines) == 1 + len(profiler.seconds) + 2
    assert lines[-2].startswith("engine") and lines[-1].startswith("step total")
    assert {tuple(line.split()[:2]) for line in lines[1:-2]} == set(profiler.seconds)
    matmul = next(line for line in lines if line.startswith("MatMul") and "forward" in line)
    assert float(matmul.split()[5]) == round(profiler.flops[("MatMul", "forward")] / 1e9, 3)


def test_profiling_does_not_change_what_the_model_computes():
    x, y = mlp.fake_mnist(2 * BATCH, seed=0)
    plain = mlp.steppers(x, y, 0)["nodegrad"]
    losses = [float(plain(i, i + BATCH)) for i in (0, BATCH)]
    with profile.Profiler():
        timed = mlp.steppers(x, y, 0)["nodegrad"]
        assert [float(timed(i, i + BATCH)) for i in (0, BATCH)] == losses


def test_the_speedrun_model_is_profiled_at_its_own_batch_of_128():
    profiler, total = profile.profile("speedrun", steps=1)
    assert "speedrun" in profile.MODELS
    # conv1: 128 x 24 x 24 x 16 outputs of 5 x 5 x 1 windows; conv2: 128 x 8 x 8 x 32 of 5 x 5 x 16
    assert profiler.flops[("Convolution", "forward")] == 2 * 128 * (24 * 24 * 16 * 25 + 8 * 8 * 32 * 400)
    for kind in ("Convolution", "BatchNormalization", "ReLU", "MaxPooling"):
        assert profiler.calls[(kind, "forward")] == profiler.calls[(kind, "backward")] == 2
    assert 0 < sum(profiler.seconds.values()) < total
