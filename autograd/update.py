"""The one update path: from parameters' summed gradients to their new values.

Every update of every parameter goes through here, once per step, after the
backward pass has succeeded: `apply_updates` for the parameters of one step
(called by `Graph.backward` and `Graph.apply_updates`), `apply_update` for
one parameter. The rule is the parameter's own or the graph's
(`Parameter.rule_for`); it is read here and never changed. In order:

1. global clipping (`clip_norm` of the step): every gradient scaled by
   min(1, clip_norm / (total norm + 1e-6)), the total norm taken over all the
   step's gradients at once, as PyTorch's `clip_grad_norm_`;
2. the rule in effect at this update (`rule.at(step)`: its schedule's lr and
   momentum filled in);
3. per-parameter clipping (the rule's `clip_value`, then `clip_norm`);
4. weight decay (decoupled rules shrink w, the others add wd w to g);
5. the rule's step, with the parameter's own optimizer state.
"""

import dataclasses
import math

import numpy as np


@dataclasses.dataclass
class UpdateReport:
    """What one step's updates did: how many parameters, the total gradient norm and the clipping scale.

    `grad_norm` is the norm of all the step's gradients together (computed
    only when a global clip_norm was asked for, else None); `scale` the
    factor they were multiplied by (1.0 unless clipped).
    """

    updated: int = 0
    step: int = 0
    grad_norm: float = None
    scale: float = 1.0


def apply_updates(pairs, default_rule, step, clip_norm=None):
    """Update each parameter of `pairs` [(param, grad)] at update number `step`; returns an UpdateReport."""
    report = UpdateReport(updated=len(pairs), step=step)
    if clip_norm is not None:
        report.grad_norm = global_norm([g for _, g in pairs])
        report.scale = min(1.0, clip_norm / (report.grad_norm + 1e-6))
    in_effect = {}  # rule -> the rule at this step, worked out once per rule
    for param, grad in pairs:
        rule = param.rule_for(default_rule)
        now = in_effect.get(id(rule))
        if now is None:
            now = in_effect[id(rule)] = rule.at(step)
        apply_update(param, grad if report.scale == 1.0 else grad * grad.dtype.type(report.scale), now)
    return report


def apply_update(param, grad, rule):
    """Update `param.value` in place from `grad` (dG/dw summed over its consumers) with `rule` (already at its step)."""
    grad = clipped(grad, rule.clip_value, rule.clip_norm)
    lr = rule.lr
    w = param.value
    decay = rule.weight_decay
    if decay:
        if rule.decoupled_decay:
            w *= 1 - lr * decay
        else:
            grad = grad + decay * w
    rule.step(w, grad, param.state, lr)


def clipped(grad, clip_value=None, clip_norm=None):
    """`grad` clipped to [-clip_value, clip_value], then scaled down to norm clip_norm at most (PyTorch's way)."""
    if clip_value is not None:
        grad = np.clip(grad, -clip_value, clip_value)
    if clip_norm is not None:
        norm = global_norm([grad])
        if norm > clip_norm:
            grad = grad * grad.dtype.type(clip_norm / (norm + 1e-6))
    return grad


def global_norm(arrays):
    """The Euclidean norm of all the entries of `arrays` together, summed in float64."""
    total = 0.0
    for a in arrays:
        flat = a.astype(np.float64, copy=False).ravel()
        total += float(flat @ flat)
    return math.sqrt(total)
