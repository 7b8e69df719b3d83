#!/usr/bin/env python3
"""PyTorch peer of examples/conv_vae (report 5's convolutional VAE) for
docs/benchmarks.md's "Quality over seeds": the same network, loss, batch and
epochs with PyTorch's own defaults (nn's initialisation, torch.optim.Adam at
1e-3), trained on MNIST and scored on its test set. For orientation only:
ctnet never needs Python. Needs Debian's python3-torch and numpy.

    /usr/bin/python3 bench/pytorch/conv_vae_peer.py [--seed 1] [--epochs 5]
                                                    [--warmup 0] [--data data/mnist]

Keras's 'same' padding (the report's, and ctnet's: the extra row and column
after, not before), the negative ELBO summed over pixels and latent units and
averaged over the batch, the last short batch kept. `--warmup W` raises Adam's
rate linearly over the first W steps, as ctnet's `--warmup` does.

Prints one line `result seed=S epochs=E test_negelbo=X reconstruction=R kl=K
kl_units=K0,K1 dead=D/16`: the test negative ELBO in nats per image, each
latent unit's KL, and the encoder's Dense(16) ReLU units zero on every test image.
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--seed", type=int, default=1)
p.add_argument("--epochs", type=int, default=5)
p.add_argument("--warmup", type=int, default=0)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--data", default="data/mnist")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)


def images(name):
    path = os.path.join(a.data, name)
    raw = open(path, "rb").read()
    if len(raw) < 16 or int.from_bytes(raw[:4], "big") != 0x803:
        raise SystemExit(f"conv_vae_peer.py: {path} is not an IDX image file")
    x = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 1, 28, 28)
    return torch.from_numpy(x.astype(np.float32) / 255.0)


train, test = images("train-images-idx3-ubyte"), images("t10k-images-idx3-ubyte")


def keras_same(n, stride, k=3):
    """Keras's 'same' padding of a dimension n: (before, after), the odd one after."""
    total = max((-(-n // stride) - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


class ConvVae(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 32, 3, stride=2), nn.Conv2d(32, 64, 3, stride=2)
        self.hidden = nn.Linear(7 * 7 * 64, 16)
        self.mean, self.log_var = nn.Linear(16, 2), nn.Linear(16, 2)
        self.z = nn.Linear(2, 7 * 7 * 64)
        self.t1 = nn.ConvTranspose2d(64, 64, 3, stride=2)
        self.t2 = nn.ConvTranspose2d(64, 32, 3, stride=2)
        self.t3 = nn.ConvTranspose2d(32, 1, 3)

    @staticmethod
    def conv(m, x):
        b, e = keras_same(x.shape[-1], m.stride[0])
        return F.relu(m(F.pad(x, (b, e, b, e))))

    @staticmethod
    def conv_t(m, x):  # the full transposed convolution cropped to n * stride, Keras's way
        y, out = m(x), x.shape[-1] * m.stride[0]
        b = (y.shape[-1] - out) // 2
        return y[..., b:b + out, b:b + out]

    def encode(self, x):
        h = self.conv(self.c2, self.conv(self.c1, x))
        h = F.relu(self.hidden(h.flatten(1)))
        return self.mean(h), self.log_var(h), h

    def decode_logits(self, z):
        h = F.relu(self.z(z)).view(-1, 64, 7, 7)
        h = F.relu(self.conv_t(self.t1, h))
        return self.conv_t(self.t3, F.relu(self.conv_t(self.t2, h)))

    def terms(self, x, noise):
        mean, log_var, h = self.encode(x)
        z = mean + torch.exp(0.5 * log_var) * noise(mean)
        rec = F.binary_cross_entropy_with_logits(self.decode_logits(z), x, reduction="none").flatten(1).sum(1)
        kl = -0.5 * (1 + log_var - mean**2 - log_var.exp())
        return rec, kl, h


model = ConvVae()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
step = 0
for epoch in range(a.epochs):
    order = torch.randperm(len(train))
    for first in range(0, len(train), 128):
        step += 1
        if a.warmup:
            for g in opt.param_groups:
                g["lr"] = 1e-3 * min(1.0, step / a.warmup)
        rec, kl, _ = model.terms(train[order[first:first + 128]], torch.randn_like)
        loss = rec.mean() + kl.sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

with torch.no_grad():
    g = torch.Generator().manual_seed(a.seed)
    rec_sum, kl_units, fires = 0.0, torch.zeros(2), torch.zeros(16, dtype=torch.bool)
    for first in range(0, len(test), 500):
        rec, kl, h = model.terms(test[first:first + 500], lambda m: torch.randn(m.shape, generator=g))
        rec_sum += rec.sum().item()
        kl_units += kl.sum(0)
        fires |= (h > 0).any(0)
    rec_mean, kl_units = rec_sum / len(test), kl_units / len(test)
    print(f"result seed={a.seed} epochs={a.epochs} test_negelbo={rec_mean + kl_units.sum().item():.2f} "
          f"reconstruction={rec_mean:.2f} kl={kl_units.sum().item():.2f} "
          f"kl_units={kl_units[0]:.3f},{kl_units[1]:.3f} dead={int((~fires).sum())}/16")
