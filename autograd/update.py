"""The one update path: from a parameter's summed gradient to its new value.

Every update of every parameter goes through `apply_update`, once per step,
after the backward pass has succeeded: the graph calls it for each parameter
whose gradient is complete, `Graph.apply_updates` for accumulated gradients.
The rule is the parameter's own or the graph's (`Parameter.rule_for`); it is
read here and never changed. This is the place where learning-rate
schedules and gradient clipping plug in.
"""


def apply_update(param, grad, rule):
    """Update `param.value` in place from `grad` (dG/dw summed over its consumers) with `rule`.

    1. Weight decay: decoupled rules (AdamW) shrink w by (1 - lr wd);
       every other rule adds wd w to the gradient (L2 regularisation).
    2. The rule's step, with the parameter's own optimizer state.
    """
    lr = rule.lr
    w = param.value
    decay = rule.weight_decay
    if decay:
        if rule.decoupled_decay:
            w *= 1 - lr * decay
        else:
            grad = grad + decay * w
    rule.step(w, grad, param.state, lr)
