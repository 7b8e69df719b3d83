#!/usr/bin/env python3
"""ctnet checkpoints to PyTorch and back.

    scripts/ctnet_torch.py export CKPT OUT.pt [--model NAME]
    scripts/ctnet_torch.py import STATE.pt OUT.ckpt (--like CKPT | --signature SIG) [--model NAME]
    scripts/ctnet_torch.py show CKPT [--model NAME]

export writes the PyTorch state_dict of one network of a ctnet checkpoint
(`model`, `generator`, `encoder`, ...; --model picks one when it holds
several). import writes a ctnet checkpoint holding one network from a
PyTorch state_dict: the network's architecture comes from a ctnet checkpoint
of the same network (--like) or, for a Sequential, its signature (--signature,
as `model_signature<Net>()` returns it). show prints the PyTorch module of a
checkpoint's network.

From Python, with scripts/ on the path:

    import ctnet_torch
    net = ctnet_torch.load("run/checkpoint.safetensors")          # torch.nn.Module, eval mode
    net = ctnet_torch.module(ctnet_torch.architecture(path, "model"))  # the same, PyTorch's init

The module is built from the layer list the checkpoint carries (its
`<model>.signature` metadata; a TwoHeads or Concat network carries one per
part) and computes what ctnet computes. It takes and gives PyTorch's layout:
images N x C x H x W, sequences N x C x L, vectors N x F. The layout rules,
here, and docs/guide.md has them as a table: kernels go from Keras's
H x W x I x O to PyTorch's O x I x H x W, Dense weights transpose, Flatten
and Reshape keep ctnet's channels-last order, and Keras's 'same' padding
(the odd pixel after) is padded explicitly.

Needs numpy and torch (Debian: python3-torch). Errors are one line on
standard error naming the file, and exit status 1 (2 for bad usage).
"""
import argparse
import json
import math
import os
import re
import struct
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

FORMAT = "ctnet-checkpoint-1"


class Error(Exception):
    """A one-line error for the user."""


# --- safetensors ----------------------------------------------------------

def read_safetensors(path):
    """(metadata dict, {name: float32 array}) of a safetensors file."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Error(f"{path}: {e.strerror}")
    if len(data) < 8:
        raise Error(f"{path}: not a safetensors file ({len(data)} bytes)")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise Error(f"{path}: header runs past the end of the file; truncated or not a safetensors file")
    try:
        header = json.loads(data[8:8 + n])
    except (ValueError, UnicodeDecodeError) as e:
        raise Error(f"{path}: bad JSON header: {e}")
    if not isinstance(header, dict):
        raise Error(f"{path}: bad JSON header: not an object")
    meta = header.pop("__metadata__", {}) or {}
    body = memoryview(data)[8 + n:]
    tensors = {}
    for name, entry in header.items():
        try:
            dtype, shape, (begin, end) = entry["dtype"], [int(d) for d in entry["shape"]], entry["data_offsets"]
        except (TypeError, KeyError, ValueError):
            raise Error(f"{path}: tensor '{name}': header entry lacks dtype, shape or data_offsets")
        if dtype != "F32":
            raise Error(f"{path}: tensor '{name}' has dtype {dtype}, only F32 is read")
        if end > len(body):
            raise Error(f"{path}: tensor '{name}' runs past the end of the file; truncated")
        if not 0 <= begin <= end or end - begin != 4 * math.prod(shape):
            raise Error(f"{path}: tensor '{name}': data_offsets [{begin}, {end}] do not fit shape {shape}")
        tensors[name] = np.frombuffer(body[begin:end], dtype="<f4").reshape(shape).copy()
    return meta, tensors


def write_safetensors(path, tensors, meta):
    """Writes float32 tensors and string metadata, atomically (a temporary file, then a rename)."""
    header, offset, blobs = {"__metadata__": dict(meta)}, 0, []
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a.tobytes())
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ctnet_torch.")
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text)
            for b in blobs:
                f.write(b)
        os.replace(tmp, path)
    except OSError as e:
        raise Error(f"{path}: cannot write: {e.strerror}")


# --- signatures -------------------------------------------------------------

def split_top(text, sep):
    """Splits at `sep` outside <...> and {...}."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "<{"
        depth -= ch in ">}"
        if ch == sep and depth == 0:
            if cur.strip():
                parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def parse_layer(token):
    """'Conv2D<32, 3, 2, same>' -> ('Conv2D', ['32', '3', '2', 'same'])."""
    m = re.fullmatch(r"([A-Za-z0-9]+)(?:<(.*)>)?", token)
    if not m:
        raise Error(f"cannot read layer '{token}'")
    return m.group(1), split_top(m.group(2) or "", ",")


def window(arg):
    """'3' -> (3, 3); 'Hw{1, 5}' -> (1, 5)."""
    m = re.fullmatch(r"Hw\{(\d+), *(\d+)\}", arg)
    return (int(m.group(1)), int(m.group(2))) if m else (int(arg), int(arg))


def flag(arg):
    return arg == "true"


# --- the module ---------------------------------------------------------------
# Shapes are ctnet's (channels last): (H, W, C), (L, C) or (F,).

def same_pads(size, kernel, stride):
    """Keras's 'same' padding of one axis: (before, after), the odd pixel after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class KerasConv(nn.Module):
    """Conv2D, Conv1D and DepthwiseConv2D with Keras's padding."""

    def __init__(self, dims, cin, cout, kernel, stride, same, bias, groups=1):
        super().__init__()
        self.dims, self.kernel, self.stride, self.same, self.groups = dims, kernel, stride, same, groups
        conv = (nn.Conv1d if dims == 1 else nn.Conv2d)(cin, cout, kernel, stride, groups=groups, bias=bias)
        self.weight, self.bias = conv.weight, conv.bias

    def extra_repr(self):
        return (f"{self.weight.shape[1] * self.groups}, {self.weight.shape[0]}, kernel={self.kernel}, "
                f"stride={self.stride}, padding={'same' if self.same else 'valid'}, groups={self.groups}")

    def forward(self, x):
        if self.same:
            pads = []
            for axis in reversed(range(self.dims)):  # F.pad: last axis first
                pads += same_pads(x.shape[2 + axis], self.kernel[axis], self.stride[axis])
            x = F.pad(x, pads)
        conv = F.conv1d if self.dims == 1 else F.conv2d
        return conv(x, self.weight, self.bias, self.stride, groups=self.groups)


class KerasConvTranspose(nn.Module):
    """Conv2DTranspose as TensorFlow defines it: the adjoint of the Conv2D with
    the same kernel, stride and padding; 'same' gives H * S, cropped as that
    conv pads (the odd pixel after)."""

    def __init__(self, cin, cout, kernel, stride, same, bias):
        super().__init__()
        conv = nn.ConvTranspose2d(cin, cout, kernel, stride, bias=bias)
        self.weight, self.bias = conv.weight, conv.bias
        self.kernel, self.stride, self.same = kernel, stride, same

    def extra_repr(self):
        return (f"{self.weight.shape[0]}, {self.weight.shape[1]}, kernel={self.kernel}, stride={self.stride}, "
                f"padding={'same' if self.same else 'valid'}")

    def forward(self, x):
        crop, extra = [], []
        for axis in range(2):
            size, k, s = x.shape[2 + axis], self.kernel[axis], self.stride[axis]
            out = size * s if self.same else size * s + max(k - s, 0)
            before = max(k - s, 0) // 2 if self.same else 0
            full = (size - 1) * s + k
            extra.append(max(before + out - full, 0))
            crop.append((before, out))
        y = F.conv_transpose2d(x, self.weight, self.bias, self.stride, output_padding=tuple(extra))
        (t, h), (l, w) = crop
        return y[:, :, t:t + h, l:l + w]


class SeparableConv(nn.Module):
    def __init__(self, cin, filters, kernel, stride, same, multiplier, bias):
        super().__init__()
        self.depthwise = KerasConv(2, cin, cin * multiplier, kernel, stride, same, False, groups=cin)
        self.pointwise = nn.Conv2d(cin * multiplier, filters, 1, bias=bias)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class KerasBatchNorm(nn.Module):
    """BatchNorm over the channel axis, gamma and beta each optional."""

    def __init__(self, channels, center, scale, momentum, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels)) if scale else None
        self.bias = nn.Parameter(torch.zeros(channels)) if center else None
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))  # as nn.BatchNorm2d's
        self.momentum, self.eps = 1.0 - momentum, eps

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training, self.momentum, self.eps)


class KerasLayerNorm(nn.Module):
    """LayerNormalization over the channel axis (Keras's axis=-1)."""

    def __init__(self, channels, eps, center, scale):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels)) if scale else None
        self.bias = nn.Parameter(torch.zeros(channels)) if center else None
        self.channels, self.eps = channels, eps

    def forward(self, x):
        x = x.movedim(1, -1)
        return F.layer_norm(x, (self.channels,), self.weight, self.bias, self.eps).movedim(-1, 1)


def to_channels_last(x):
    return x.movedim(1, -1) if x.dim() > 2 else x


def to_channels_first(x):
    return x.movedim(-1, 1) if x.dim() > 2 else x


class Lambda(nn.Module):
    def __init__(self, f, text):
        super().__init__()
        self.f, self.text = f, text

    def forward(self, x):
        return self.f(x)

    def extra_repr(self):
        return self.text


class Residual(nn.Module):
    """y = x + main(x), or shortcut(x) + main(x)."""

    def __init__(self, main, shortcut):
        super().__init__()
        self.main_names = list(main.keys())
        for name, m in main.items():
            self.add_module(name, m)
        self.shortcut = shortcut

    def forward(self, x):
        y = x
        for name in self.main_names:
            y = getattr(self, name)(y)
        return y + (self.shortcut(x) if self.shortcut is not None else x)


# Keras's layer names, as the checkpoint names parameters.
KERAS_NAMES = {
    "Conv2D": "conv2d", "Conv1D": "conv1d", "Conv2DTranspose": "conv2d_transpose",
    "DepthwiseConv2D": "depthwise_conv2d", "SeparableConv2D": "separable_conv2d", "Dense": "dense",
    "BatchNorm": "batch_normalization", "VirtualBatchNorm": "virtual_batch_norm",
    "LayerNormalization": "layer_normalization", "ReLU": "re_lu", "LeakyReLU": "leaky_re_lu",
    "ELU": "elu", "Sigmoid": "activation", "Tanh": "activation", "SiLU": "activation",
    "GELU": "activation", "Softplus": "activation", "Softmax": "softmax", "Dropout": "dropout",
    "Flatten": "flatten", "Reshape": "reshape", "MaxPool2D": "max_pooling2d",
    "AveragePooling2D": "average_pooling2d", "MaxPool1D": "max_pooling1d",
    "GlobalAveragePooling2D": "global_average_pooling2d", "GlobalMaxPooling2D": "global_max_pooling2d",
    "GlobalAveragePooling1D": "global_average_pooling1d", "UpSampling2D": "up_sampling2d",
    "ZeroPadding2D": "zero_padding2d", "Residual": "residual",
}

ACTIVATIONS = {"ReLU": nn.ReLU, "Sigmoid": nn.Sigmoid, "Tanh": nn.Tanh, "SiLU": nn.SiLU,
               "GELU": nn.GELU, "Softplus": nn.Softplus}


def conv_out(size, kernel, stride, same):
    return -(-size // stride) if same else (size - kernel) // stride + 1


def layer_module(kind, args, shape):
    """The module of one layer on a ctnet input shape, and its output shape."""
    c = shape[-1]
    if kind in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D"):
        if kind == "Conv2D":
            filters, k, s, pad, rest = int(args[0]), window(args[1]), window(args[2]), args[3], args[4:]
            mult = 1
        elif kind == "DepthwiseConv2D":
            k, s, pad, rest = window(args[0]), window(args[1]), args[2], args[3:]
            mult = int(rest[0]) if rest else 1
            rest, filters = rest[1:], c * mult
        else:
            filters, k, s, pad, rest = int(args[0]), window(args[1]), window(args[2]), args[3], args[4:]
            mult = int(rest[0]) if rest else 1
            rest = rest[1:]
        bias, same = not (rest and rest[0] == "false"), pad == "same"
        out = (conv_out(shape[0], k[0], s[0], same), conv_out(shape[1], k[1], s[1], same), filters)
        if kind == "Conv2D":
            return KerasConv(2, c, filters, k, s, same, bias), out
        if kind == "DepthwiseConv2D":
            return KerasConv(2, c, filters, k, s, same, bias, groups=c), out
        return SeparableConv(c, filters, k, s, same, mult, bias), out
    if kind == "Conv1D":
        filters, k, s, same = int(args[0]), int(args[1]), int(args[2]), args[3] == "same"
        bias = not (len(args) > 4 and args[4] == "false")
        return KerasConv(1, c, filters, (k,), (s,), same, bias), (conv_out(shape[0], k, s, same), filters)
    if kind == "Conv2DTranspose":
        filters, k, s, same = int(args[0]), int(args[1]), int(args[2]), args[3] == "same"
        bias = not (len(args) > 4 and args[4] == "false")
        grow = lambda n: n * s if same else n * s + max(k - s, 0)
        return KerasConvTranspose(c, filters, (k, k), (s, s), same, bias), (grow(shape[0]), grow(shape[1]), filters)
    if kind == "Dense":
        return nn.Linear(c, int(args[0]), bias=not (len(args) > 1 and args[1] == "false")), (int(args[0]),)
    if kind in ("BatchNorm", "VirtualBatchNorm"):
        center, scale = (flag(args[0]), flag(args[1])) if args else (True, True)
        momentum, eps = (float(args[2]), float(args[3])) if len(args) > 2 else (0.99, 1e-3)
        return KerasBatchNorm(c, center, scale, momentum, eps), shape
    if kind == "LayerNormalization":
        eps, center, scale = (float(args[0]), flag(args[1]), flag(args[2])) if args else (1e-3, True, True)
        return KerasLayerNorm(c, eps, center, scale), shape
    if kind in ACTIVATIONS:
        return ACTIVATIONS[kind](), shape
    if kind == "LeakyReLU":
        return nn.LeakyReLU(float(args[0])), shape
    if kind == "ELU":
        return nn.ELU(float(args[0])), shape
    if kind == "Softmax":
        return nn.Softmax(dim=1), shape
    if kind == "Dropout":
        return nn.Dropout(float(args[0])), shape
    if kind in ("Flatten", "Reshape"):
        dims = (math.prod(shape),) if kind == "Flatten" else tuple(int(a) for a in args)
        f = lambda x: to_channels_first(to_channels_last(x).reshape((x.shape[0],) + dims))
        return Lambda(f, f"{kind} in channels-last order to {dims}"), dims
    if kind in ("MaxPool2D", "AveragePooling2D"):
        p, s = window(args[0]), window(args[1])
        pool = nn.MaxPool2d(p, s) if kind == "MaxPool2D" else nn.AvgPool2d(p, s)
        return pool, ((shape[0] - p[0]) // s[0] + 1, (shape[1] - p[1]) // s[1] + 1, c)
    if kind == "MaxPool1D":
        p, s = int(args[0]), int(args[1])
        return nn.MaxPool1d(p, s), ((shape[0] - p) // s + 1, c)
    if kind in ("GlobalAveragePooling2D", "GlobalAveragePooling1D"):
        axes = (2, 3) if kind.endswith("2D") else (2,)
        return Lambda(lambda x: x.mean(dim=axes), f"mean over {axes}"), (c,)
    if kind == "GlobalMaxPooling2D":
        return Lambda(lambda x: x.amax(dim=(2, 3)), "max over (2, 3)"), (c,)
    if kind == "UpSampling2D":
        f = int(args[0])
        return nn.Upsample(scale_factor=f, mode="nearest"), (shape[0] * f, shape[1] * f, c)
    if kind == "ZeroPadding2D":
        h, w = window(args[0])
        return nn.ZeroPad2d((w, w, h, h)), (shape[0] + 2 * h, shape[1] + 2 * w, c)
    if kind == "Residual":
        shortcut = None
        if args and args[0].startswith("Shortcut<"):
            shortcut, _ = layers_module(parse_layer(args[0])[1], shape)
            args = args[1:]
        main, out = layers_module(args, shape)
        return Residual(dict(main.named_children()), shortcut), out
    raise Error(f"no PyTorch module for layer '{kind}'")


def layers_module(tokens, shape):
    """nn.Sequential of layer tokens on a ctnet shape, children named as Keras names them."""
    seq, seen = nn.Sequential(), {}
    for token in tokens:
        kind, args = parse_layer(token)
        if kind not in KERAS_NAMES:
            raise Error(f"no PyTorch module for layer '{kind}'")
        base = KERAS_NAMES[kind]
        k = seen.get(base, 0)
        seen[base] = k + 1
        try:
            m, shape = layer_module(kind, args, shape)
        except (ValueError, IndexError):
            raise Error(f"cannot read layer '{token}'")
        seq.add_module(base if k == 0 else f"{base}_{k}", m)
    return seq, shape


def sequential_module(signature):
    """(module, input shape, output shape) of a Sequential's signature."""
    tokens = split_top(signature, " ")
    kind, dims = parse_layer(tokens[0]) if tokens else ("", [])
    if kind != "Input" or not dims or not all(d.isdigit() for d in dims):
        raise Error(f"a signature starts with Input<sizes...>, got '{signature[:40]}'")
    shape = tuple(int(d) for d in dims)
    seq, out = layers_module(tokens[1:], shape)
    return seq, shape, out


class TwoHeads(nn.Module):
    """The body, then both heads on its output: (head_a(h), head_b(h))."""

    def __init__(self, body, head_a, head_b):
        super().__init__()
        self.body, self.head_a, self.head_b = body, head_a, head_b

    def forward(self, x):
        h = self.body(x)
        return self.head_a(h), self.head_b(h)


class Concat(nn.Module):
    """Two inputs through their branches, joined along the channel axis, then the trunk."""

    def __init__(self, branch_a, branch_b, trunk):
        super().__init__()
        self.branch_a, self.branch_b, self.trunk = branch_a, branch_b, trunk

    def forward(self, x, y):
        return self.trunk(torch.cat([self.branch_a(x), self.branch_b(y)], dim=1))


COMPOSITES = {("body", "head_a", "head_b"): TwoHeads, ("branch_a", "branch_b", "trunk"): Concat}


def module(arch):
    """A PyTorch module from an architecture ({part: signature}, part "" for a
    Sequential), initialised by PyTorch."""
    if set(arch) == {""}:
        return sequential_module(arch[""])[0]
    for parts, cls in COMPOSITES.items():
        if set(arch) == set(parts):
            return cls(*(sequential_module(arch[p])[0] for p in parts))
    raise Error(f"a network of parts {sorted(arch)}: not a Sequential, TwoHeads or Concat")


# --- parameters: ctnet <-> PyTorch ---------------------------------------------

def dense_layout():
    """Dense: in x out <-> out x in."""
    return (lambda a: a.T), (lambda t: t.T)


def conv_layout():
    """Conv2D, Conv2DTranspose, pointwise: H x W x I x O <-> O x I x H x W; Conv1D: K x I x O <-> O x I x K."""
    return (lambda a: a.transpose(3, 2, 0, 1) if a.ndim == 4 else a.transpose(2, 1, 0),
            lambda t: t.transpose(2, 3, 1, 0) if t.ndim == 4 else t.transpose(2, 1, 0))


def depthwise_layout(channels):
    """DepthwiseConv2D: H x W x C x M <-> C*M x 1 x H x W (a grouped convolution)."""
    def to_torch(a):
        kh, kw, c, m = a.shape
        return a.reshape(kh, kw, c * m).transpose(2, 0, 1)[:, None]

    def from_torch(t):
        cm, _, kh, kw = t.shape
        return t[:, 0].transpose(1, 2, 0).reshape(kh, kw, channels, cm // channels)
    return to_torch, from_torch


def same_layout():
    return (lambda a: a), (lambda t: t)


NORMS = [("gamma", "weight"), ("beta", "bias"), ("moving_mean", "running_mean"), ("moving_variance", "running_var")]


def layer_parameters(m):
    """[(ctnet role, PyTorch name, (to_torch, from_torch))] of one layer's module, or None if m is not a layer."""
    if isinstance(m, SeparableConv):
        out = [("depthwise_kernel", "depthwise.weight", depthwise_layout(m.depthwise.groups)),
               ("pointwise_kernel", "pointwise.weight", conv_layout())]
        return out + ([("bias", "pointwise.bias", same_layout())] if m.pointwise.bias is not None else [])
    if isinstance(m, (KerasConv, KerasConvTranspose, nn.Linear)):
        depthwise = isinstance(m, KerasConv) and m.groups > 1
        kernel = ("depthwise_kernel", "weight", depthwise_layout(m.groups)) if depthwise else \
            ("kernel", "weight", dense_layout() if isinstance(m, nn.Linear) else conv_layout())
        return [kernel] + ([("bias", "bias", same_layout())] if m.bias is not None else [])
    if isinstance(m, (KerasBatchNorm, KerasLayerNorm)):
        return [(role, name, same_layout()) for role, name in NORMS if getattr(m, name, None) is not None]
    return None


def parameter_map(net):
    """[(ctnet name, PyTorch name, (to_torch, from_torch))] of every parameter
    of `net`; ctnet names are relative to the network's name ("body/dense/kernel")."""
    out = []

    def walk(m, path):
        params = layer_parameters(m)
        if params is None:
            for name, child in m.named_children():
                walk(child, path + [name])
            return
        for role, torch_name, layout in params:
            out.append(("/".join(path + [role]), ".".join(path + [torch_name]), layout))
    walk(net, [])
    return out


def ctnet_name(model, arch, rel):
    """'model' + 'dense/kernel' -> 'model/dense/kernel'; a part of a composite
    network: 'model' + 'body/dense/kernel' -> 'model.body/dense/kernel'."""
    return f"{model}/{rel}" if "" in arch else f"{model}.{rel}"


def architecture(path, model=None):
    """(name, {part: signature}) of one network in a ctnet checkpoint."""
    meta, _ = read_safetensors(path)
    return architecture_of(path, meta, model)


def architecture_of(path, meta, model):
    if meta.get("format") != FORMAT:
        raise Error(f"{path}: not a ctnet checkpoint (no format {FORMAT} in its metadata)")
    nets = {}
    for key, value in meta.items():
        if key.endswith(".signature"):
            name, _, part = key[:-len(".signature")].partition(".")
            nets.setdefault(name, {})[part] = value
    if model is None:
        if len(nets) != 1:
            raise Error(f"{path}: holds {len(nets)} networks ({', '.join(sorted(nets))}): pick one with --model")
        model = next(iter(nets))
    if model not in nets:
        raise Error(f"{path}: holds no network named '{model}' (it holds {', '.join(sorted(nets))})")
    return model, nets[model]


def to_state_dict(path, model=None):
    """The PyTorch state_dict of one network of a ctnet checkpoint, and its module."""
    meta, tensors = read_safetensors(path)
    model, arch = architecture_of(path, meta, model)
    net = module(arch)
    state = {}
    for rel, torch_name, (to_torch, _) in parameter_map(net):
        name = ctnet_name(model, arch, rel)
        if name not in tensors:
            raise Error(f"{path}: no tensor '{name}' for the network's signature")
        state[torch_name] = torch.from_numpy(np.ascontiguousarray(to_torch(tensors[name])))
    for key, t in net.state_dict().items():  # BatchNorm's counter, as nn.BatchNorm2d has it
        if key.endswith("num_batches_tracked"):
            state[key] = torch.zeros_like(t)
    load_into(net, state, path)
    return state, net


def load_into(net, state, where):
    """load_state_dict, strict, with a one-line error."""
    own = net.state_dict()
    missing = sorted(set(own) - set(state) - {k for k in own if k.endswith("num_batches_tracked")})
    unexpected = sorted(set(state) - set(own))
    if missing or unexpected:
        names, what = (missing, "no") if missing else (unexpected, "a tensor the network has not:")
        more = f" (and {len(names) - 1} more)" if len(names) > 1 else ""
        raise Error(f"{where}: not a state_dict of this network: {what} '{names[0]}'{more}")
    for k, v in state.items():
        if tuple(v.shape) != tuple(own[k].shape):
            raise Error(f"{where}: '{k}' has shape {list(v.shape)}, the network's is {list(own[k].shape)}")
    net.load_state_dict(state, strict=False)


def load(path, model=None):
    """A ctnet checkpoint's network as a PyTorch module, in eval mode."""
    return to_state_dict(path, model)[1].eval()


def from_state_dict(state, arch, model, out_path, where):
    """Writes a ctnet checkpoint holding `model` from a PyTorch state_dict."""
    net = module(arch)
    state = {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}
    load_into(net, state, where)
    own = net.state_dict()
    tensors = {}
    for rel, torch_name, (_, from_torch) in parameter_map(net):
        t = own[torch_name].detach().cpu().numpy().astype(np.float32)
        if not np.all(np.isfinite(t)):
            raise Error(f"{where}: '{torch_name}' holds NaN or infinity")
        tensors[ctnet_name(model, arch, rel)] = from_torch(t)
    meta = {"format": FORMAT, "written_by": "scripts/ctnet_torch.py"}
    for part, sig in arch.items():
        meta[f"{model}.{part}.signature" if part else f"{model}.signature"] = sig
    write_safetensors(out_path, tensors, meta)


# --- the command ---------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(prog="ctnet_torch.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("export", help="a ctnet checkpoint's network -> a PyTorch state_dict (.pt)")
    p.add_argument("checkpoint")
    p.add_argument("out")
    p.add_argument("--model")
    p = sub.add_parser("import", help="a PyTorch state_dict -> a ctnet checkpoint")
    p.add_argument("state")
    p.add_argument("out")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--like", help="a ctnet checkpoint of the same network: its architecture")
    g.add_argument("--signature", help="a Sequential's signature, as model_signature<Net>() gives it")
    p.add_argument("--model", help="the network's name in the checkpoint (default: as --like's, or 'model')")
    p = sub.add_parser("show", help="the PyTorch module of a checkpoint's network")
    p.add_argument("checkpoint")
    p.add_argument("--model")
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            state, _ = to_state_dict(args.checkpoint, args.model)
            try:
                torch.save(state, args.out)
            except OSError as e:
                raise Error(f"{args.out}: cannot write: {e.strerror}")
        elif args.command == "import":
            if args.like:
                model, arch = architecture(args.like, args.model)
            else:
                model, arch = args.model or "model", {"": args.signature}
                try:
                    module(arch)
                except Error as e:
                    raise Error(f"--signature: {e}")
            try:
                state = torch.load(args.state, map_location="cpu")
            except Exception as e:  # torch raises many kinds for a bad file
                raise Error(f"{args.state}: not a PyTorch state_dict: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
            if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
                raise Error(f"{args.state}: not a PyTorch state_dict (a dict of tensors)")
            from_state_dict(state, arch, model, args.out, args.state)
        else:
            print(load(args.checkpoint, args.model))
    except Error as e:
        print(f"ctnet_torch.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
