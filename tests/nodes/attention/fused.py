"""Comparing a fused attention build with its wired twin (the same maths in small nodes)."""

import numpy as np


def assert_fused_matches_wired(fused, wired):
    """`fused` and `wired`, each (output, {parameter name: gradient}, input gradient), agree in float32."""
    out_f, grads_f, dx_f = fused
    out_w, grads_w, dx_w = wired
    np.testing.assert_allclose(out_f, out_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dx_f, dx_w, rtol=1e-4, atol=1e-5)
    assert grads_f.keys() == grads_w.keys()
    for name in grads_f:
        np.testing.assert_allclose(grads_f[name], grads_w[name], rtol=1e-4, atol=1e-5, err_msg=name)
