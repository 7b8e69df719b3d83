#!/usr/bin/env python3
"""PyTorch round trips of every zoo model through scripts/ctnet_torch.py.

    tests/interop/roundtrip.py ZOO_MODELS DIR

1. ZOO_MODELS write DIR: ctnet writes each model's checkpoint, inputs and outputs.
2. ctnet -> PyTorch: `ctnet_torch.py export` of each checkpoint, loaded into
   the module built from the checkpoint's layer list, run on ctnet's inputs:
   its outputs must be ctnet's within 1e-5.
3. PyTorch -> ctnet: the same module initialised by PyTorch (BatchNorm's
   statistics and affine parameters moved off 0 and 1), its state_dict saved
   with torch.save and turned into a ctnet checkpoint by `ctnet_torch.py
   import`; ZOO_MODELS check DIR runs ctnet on PyTorch's inputs and compares.
4. Bad input (a state_dict of another model, a truncated or wrong file, a
   network the checkpoint lacks): one line naming the file, exit status 1.

Exits 77 (CTest's skip) with the reason when torch is not installed.
"""
import os
import subprocess
import sys

try:
    import numpy as np
    import torch
except ImportError as e:
    print(f"roundtrip.py: skipped: {e} (Debian: apt-get install python3-torch)")
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import ctnet_torch  # noqa: E402

TOLERANCE = 1e-5


def images_first(a, shape):
    """ctnet's channels-last batch (n, prod(shape)) -> PyTorch's layout."""
    x = torch.from_numpy(a.reshape((a.shape[0],) + tuple(shape)))
    return ctnet_torch.to_channels_first(x)


def flat_last(t):
    return ctnet_torch.to_channels_last(t).reshape(t.shape[0], -1).detach().numpy()


def input_shapes(arch):
    parts = ("branch_a", "branch_b") if "trunk" in arch else ("body",) if "body" in arch else ("",)
    return [ctnet_torch.sequential_module(arch[p])[1] for p in parts]


def outputs(net, inputs):
    with torch.no_grad():
        y = net(*inputs)
    return [flat_last(t) for t in (y if isinstance(y, tuple) else (y,))]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    program, folder = sys.argv[1:]
    os.makedirs(folder, exist_ok=True)
    subprocess.run([program, "write", folder], check=True)
    with open(os.path.join(folder, "models.txt")) as f:
        names = f.read().split()
    torch.manual_seed(5)
    failed = []
    for name in names:
        base = os.path.join(folder, name)
        # ctnet -> PyTorch
        if ctnet_torch.main(["export", base + ".ckpt", base + ".pt"]) != 0:
            failed.append(name)
            continue
        _, arch = ctnet_torch.architecture(base + ".ckpt")
        net = ctnet_torch.module(arch).eval()
        net.load_state_dict(torch.load(base + ".pt"), strict=True)
        _, io = ctnet_torch.read_safetensors(base + ".io.safetensors")
        shapes = input_shapes(arch)
        inputs = [images_first(io[k], s) for k, s in zip(("x", "y"), shapes)]
        keys = ["out_a", "out_b"] if "out_a" in io else ["out"]
        worst = max(float(np.abs(mine - io[k]).max()) for mine, k in zip(outputs(net, inputs), keys))
        print(f"{name:<36} ctnet -> PyTorch: largest difference {worst:.2e}")
        if not worst <= TOLERANCE:
            failed.append(name)

        # PyTorch -> ctnet: a fresh module, PyTorch's init
        net = ctnet_torch.module(arch).eval()
        with torch.no_grad():
            for key, t in net.state_dict().items():
                if t.is_floating_point() and t.dim() == 1:  # biases, BatchNorm's and LayerNorm's vectors
                    t.uniform_(0.5, 1.5) if key.endswith("running_var") else t.add_(torch.empty_like(t).uniform_(-0.3, 0.3))
        torch.save(net.state_dict(), base + ".torch.pt")
        if ctnet_torch.main(["import", base + ".torch.pt", base + ".torch.ckpt", "--like", base + ".ckpt"]) != 0:
            failed.append(name)
            continue
        inputs = [torch.empty((3,) + tuple(s)).uniform_(-1, 1) for s in shapes]
        inputs = [ctnet_torch.to_channels_first(x) for x in inputs]
        tensors = {k: flat_last(x) for k, x in zip(("x", "y"), inputs)}
        tensors.update(zip(keys, outputs(net, inputs)))
        ctnet_torch.write_safetensors(base + ".torch_io.safetensors", tensors, {})

    # Bad input: one line naming the file, exit status 1.
    first, last = (os.path.join(folder, n) for n in (names[0], names[-1]))
    with open(first + ".ckpt", "rb") as f:
        head = f.read(1000)
    with open(os.path.join(folder, "truncated.ckpt"), "wb") as f:
        f.write(head)
    bad_cases = [
        (["import", first + ".torch.pt", os.path.join(folder, "wrong.ckpt"), "--like", last + ".ckpt"],
         first + ".torch.pt: not a state_dict of this network"),
        (["export", os.path.join(folder, "truncated.ckpt"), os.path.join(folder, "t.pt")], "truncated.ckpt: tensor 'model/conv2d/bias' runs past the end of the file; truncated"),
        (["export", os.path.join(folder, "models.txt"), os.path.join(folder, "t.pt")], "models.txt: "),
        (["export", first + ".ckpt", os.path.join(folder, "t.pt"), "--model", "generator"],
         "holds no network named 'generator'"),
        (["import", first + ".ckpt", os.path.join(folder, "t.ckpt"), "--like", first + ".ckpt"],
         first + ".ckpt: not a PyTorch state_dict"),
    ]
    for args, expect in bad_cases:
        bad = subprocess.run([sys.executable, ctnet_torch.__file__] + args, capture_output=True, text=True)
        print(f"bad input, {args[0]} {os.path.basename(args[1])}: exit {bad.returncode}: {bad.stderr.strip()}")
        if bad.returncode != 1 or len(bad.stderr.strip().splitlines()) != 1 or expect not in bad.stderr:
            failed.append(f"bad input {args}")

    check = subprocess.run([program, "check", folder])
    if check.returncode != 0:
        failed.append("PyTorch -> ctnet")
    if failed:
        print(f"roundtrip.py: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
