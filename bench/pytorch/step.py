#!/usr/bin/env python3
"""PyTorch peer of ctnet's training-step benchmarks (bench_train_step,
bench_gan_step, bench_vae_step): the same report models, batch sizes and
steps, on random data, printing images per second. Run by bench/compare;
for orientation only, ctnet never needs Python. Needs Debian's python3-torch.

    /usr/bin/python3 bench/pytorch/step.py --model exp2|dcgan|gan5|mlp_gan|mlp_vae|conv_vae
                                           [--threads 2] [--batch B] [--steps S]

The peer at its fastest on a CPU: `--threads` intra-op threads, OpenBLAS (its
Linear layers) held to one thread by the caller (OPENBLAS_NUM_THREADS=1), and
transposed convolutions computed through oneDNN's convolution kernels: torch
1.13 sends conv_transpose2d on a CPU to a slow im2col path, while the same
function is the input gradient of the adjoint convolution, which oneDNN does
fast (AdjointConvTranspose2d, checked against nn.ConvTranspose2d at start).

Prints one line `result model=M params=P images_per_s=X`; P is the parameter
count, which bench/compare checks against ctnet's.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--model", required=True, choices=["exp2", "dcgan", "gan5", "mlp_gan", "mlp_vae", "conv_vae"])
p.add_argument("--threads", type=int, default=2)
p.add_argument("--batch", type=int, default=0, help="default: ctnet's bench default for the model")
p.add_argument("--steps", type=int, default=20)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
default_batch = {"exp2": 32, "dcgan": 256, "gan5": 128, "mlp_gan": 128, "mlp_vae": 128, "conv_vae": 128}
b = a.batch or default_batch[a.model]


class AdjointConv(torch.autograd.Function):
    """y = conv_transpose2d(x, w, stride, padding, output_padding) as the input
    gradient of conv2d(., w): dx = conv2d(dy, w), dw = conv2d's weight
    gradient with dy as its input and x as its output gradient."""

    @staticmethod
    def forward(ctx, x, w, stride, padding, out_hw):
        ctx.save_for_backward(x, w)
        ctx.conf = (stride, padding)
        shape = (x.shape[0], w.shape[1], *out_hw)
        y, _, _ = torch.ops.aten.convolution_backward(
            x, torch.empty(shape), w, None, [stride] * 2, [padding] * 2, [1, 1], False, [0, 0], 1,
            [True, False, False])
        return y

    @staticmethod
    def backward(ctx, gy):
        x, w = ctx.saved_tensors
        stride, padding = ctx.conf
        gx = F.conv2d(gy, w, None, stride, padding)
        _, gw, _ = torch.ops.aten.convolution_backward(
            x, gy, w, None, [stride] * 2, [padding] * 2, [1, 1], False, [0, 0], 1,
            [False, True, False])
        return gx, gw, None, None, None


class AdjointConvTranspose2d(nn.ConvTranspose2d):
    def forward(self, x):
        h = (x.shape[2] - 1) * self.stride[0] - 2 * self.padding[0] + self.kernel_size[0] + self.output_padding[0]
        y = AdjointConv.apply(x, self.weight, self.stride[0], self.padding[0], (h, h))
        return y if self.bias is None else y + self.bias.view(1, -1, 1, 1)


def check_adjoint():
    t = AdjointConvTranspose2d(8, 4, 5, 2, 2, output_padding=1)
    x = torch.randn(2, 8, 7, 7, requires_grad=True)
    ref = nn.ConvTranspose2d(8, 4, 5, 2, 2, output_padding=1)
    ref.load_state_dict(t.state_dict())
    y, yr = t(x), ref(x)
    assert torch.allclose(y, yr, atol=1e-5), "adjoint transposed convolution differs"
    g = torch.randn_like(y)
    gx, gw = torch.autograd.grad(y, (x, t.weight), g)
    gxr, gwr = torch.autograd.grad(yr, (x, ref.weight), g)
    assert torch.allclose(gx, gxr, atol=1e-4) and torch.allclose(gw, gwr, atol=1e-4), "adjoint gradients differ"


check_adjoint()
ConvT = AdjointConvTranspose2d


class Reshape(nn.Module):
    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, z):
        return z.view(-1, *self.shape)


def bn(c, two_d=True):
    return (nn.BatchNorm2d if two_d else nn.BatchNorm1d)(c, momentum=0.01, eps=1e-3)


def count(*ms):
    return sum(q.numel() for m in ms for q in m.parameters()) + sum(
        q.numel() for m in ms for q in m.buffers() if q.dtype == torch.float32)


def classifier_step():
    m = nn.Sequential(nn.Conv2d(1, 64, 3), nn.ReLU(), nn.Conv2d(64, 48, 3), nn.ReLU(), nn.Conv2d(48, 32, 3),
                      nn.ReLU(), nn.Flatten(), nn.Linear(22 * 22 * 32, 10))
    opt = torch.optim.Adam(m.parameters(), 1e-3)
    x, y = torch.rand(b, 1, 28, 28), torch.randint(0, 10, (b,))

    def step():
        opt.zero_grad()
        F.cross_entropy(m(x), y).backward()
        opt.step()
    return count(m), step


def gan_step(G, D, latent, lr=2e-4, logits=True):
    opt_g = torch.optim.Adam(G.parameters(), lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr, betas=(0.5, 0.999))
    loss = nn.BCEWithLogitsLoss() if logits else nn.BCELoss()
    real = torch.rand(b, 1, 28, 28)
    ones, zeros = torch.ones(b, 1), torch.zeros(b, 1)

    def step():  # fit_gan's step: D on real and fake, then G through D on fresh noise
        fake = G(torch.randn(b, latent))
        opt_d.zero_grad()
        (loss(D(real), ones) + loss(D(fake.detach()), zeros)).backward()
        opt_d.step()
        opt_g.zero_grad()
        loss(D(G(torch.randn(b, latent))), ones).backward()
        opt_g.step()
    return count(G, D), step


def vae_step(body, mean, log_var, dec, latent=2):
    parts = [body, mean, log_var, dec]
    opt_e = torch.optim.Adam([q for m in parts[:3] for q in m.parameters()], 1e-3)
    opt_d = torch.optim.Adam(dec.parameters(), 1e-3)
    x = (torch.rand(b, 1, 28, 28) < 0.2).float() * torch.rand(b, 1, 28, 28)

    def step():
        opt_e.zero_grad()
        opt_d.zero_grad()
        h = body(x)
        mu, lv = mean(h), log_var(h)
        z = mu + torch.exp(0.5 * lv) * torch.randn(b, latent)
        logits = dec(z).view(b, -1)
        rec = F.binary_cross_entropy_with_logits(logits, x.view(b, -1), reduction="sum")
        kl = -0.5 * torch.sum(1 + lv - mu * mu - lv.exp())
        ((rec + kl) / b).backward()
        opt_e.step()
        opt_d.step()
    return count(*parts), step


if a.model == "exp2":
    params, step = classifier_step()
elif a.model == "dcgan":  # report 2, the TensorFlow tutorial's: D gives logits
    G = nn.Sequential(nn.Linear(100, 7 * 7 * 256, bias=False), bn(7 * 7 * 256, False), nn.LeakyReLU(0.3),
                      Reshape(256, 7, 7),
                      ConvT(256, 128, 5, 1, 2, bias=False), bn(128), nn.LeakyReLU(0.3),
                      ConvT(128, 64, 5, 2, 2, output_padding=1, bias=False), bn(64), nn.LeakyReLU(0.3),
                      ConvT(64, 1, 5, 2, 2, output_padding=1, bias=False), nn.Tanh())
    D = nn.Sequential(nn.Conv2d(1, 64, 5, 2, 2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
                      nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
                      nn.Flatten(), nn.Linear(7 * 7 * 128, 1))
    params, step = gan_step(G, D, 100)
elif a.model == "gan5":  # report 5: D ends in a sigmoid
    G = nn.Sequential(nn.Linear(100, 128 * 7 * 7), nn.LeakyReLU(0.2), Reshape(128, 7, 7),
                      ConvT(128, 128, 4, 2, 1), nn.LeakyReLU(0.2),
                      ConvT(128, 128, 4, 2, 1), nn.LeakyReLU(0.2),
                      nn.Conv2d(128, 1, 7, 1, 3), nn.Sigmoid())
    D = nn.Sequential(nn.Conv2d(1, 64, 3, 2, 1), nn.LeakyReLU(0.2), nn.Dropout(0.4),
                      nn.Conv2d(64, 64, 3, 2, 1), nn.LeakyReLU(0.2), nn.Dropout(0.4),
                      nn.Flatten(), nn.Linear(7 * 7 * 64, 1), nn.Sigmoid())
    params, step = gan_step(G, D, 100, logits=False)
elif a.model == "mlp_gan":  # report 1: D gives logits
    G = nn.Sequential(nn.Linear(100, 128), nn.LeakyReLU(0.01), nn.Linear(128, 784), nn.Tanh(),
                      Reshape(1, 28, 28))
    D = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.LeakyReLU(0.01), nn.Linear(128, 1))
    params, step = gan_step(G, D, 100)
elif a.model == "mlp_vae":  # report 1; the decoder gives logits, BCE on logits
    body = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU())
    dec = nn.Sequential(nn.Linear(2, 256), nn.ReLU(), nn.Linear(256, 784))
    params, step = vae_step(body, nn.Linear(256, 2), nn.Linear(256, 2), dec)
else:  # report 5's conv VAE
    body = nn.Sequential(nn.Conv2d(1, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(),
                         nn.Flatten(), nn.Linear(7 * 7 * 64, 16), nn.ReLU())
    dec = nn.Sequential(nn.Linear(2, 7 * 7 * 64), nn.ReLU(), Reshape(64, 7, 7),
                        ConvT(64, 64, 3, 2, 1, output_padding=1), nn.ReLU(),
                        ConvT(64, 32, 3, 2, 1, output_padding=1), nn.ReLU(),
                        ConvT(32, 1, 3, 1, 1))
    params, step = vae_step(body, nn.Linear(16, 2), nn.Linear(16, 2), dec)

for _ in range(3):  # warm-up (oneDNN builds its kernels)
    step()
t = time.perf_counter()
for _ in range(a.steps):
    step()
s = (time.perf_counter() - t) / a.steps
print(f"PyTorch {torch.__version__} {a.model}, batch {b}, {a.threads} threads: {b / s:.0f} images/s")
print(f"result model={a.model} params={params} images_per_s={b / s:.1f}")
