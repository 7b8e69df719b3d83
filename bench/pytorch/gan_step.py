#!/usr/bin/env python3
"""PyTorch peer of bench_gan_step: report 2's DCGAN (TensorFlow tutorial form)
or report 5's GAN trained one step at a time on random images, as fit_gan does
(G forward, D on real and fake, then G through D on fresh noise), printing
seconds per step and per 60,000-image epoch. For orientation only: ctnet never
needs Python. Needs Debian's python3-torch.

    /usr/bin/python3 bench/pytorch/gan_step.py [--model dcgan|gan5] [--threads 2] [--batch 256] [--steps 5]
"""
import argparse, time
import torch, torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--model", choices=["dcgan", "gan5"], default="dcgan")
p.add_argument("--batch", type=int, default=0, help="default: 256 for the DCGAN, 128 for report 5's GAN")
p.add_argument("--steps", type=int, default=5)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)


class Reshape(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c

    def forward(self, z):
        return z.view(-1, self.c, 7, 7)


def bn(c, two_d=True):
    return (nn.BatchNorm2d if two_d else nn.BatchNorm1d)(c, momentum=0.01, eps=1e-3)


if a.model == "dcgan":  # the TensorFlow tutorial: D gives logits
    G = nn.Sequential(nn.Linear(100, 7 * 7 * 256, bias=False), bn(7 * 7 * 256, False), nn.LeakyReLU(0.3),
                      Reshape(256),
                      nn.ConvTranspose2d(256, 128, 5, 1, 2, bias=False), bn(128), nn.LeakyReLU(0.3),
                      nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False), bn(64),
                      nn.LeakyReLU(0.3),
                      nn.ConvTranspose2d(64, 1, 5, 2, 2, output_padding=1, bias=False), nn.Tanh())
    D = nn.Sequential(nn.Conv2d(1, 64, 5, 2, 2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
                      nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
                      nn.Flatten(), nn.Linear(7 * 7 * 128, 1))
    b = a.batch or 256
else:  # report 5: 1,164,289 + 40,705 parameters (the static_asserts' counts)
    G = nn.Sequential(nn.Linear(100, 128 * 7 * 7), nn.LeakyReLU(0.2), Reshape(128),
                      nn.ConvTranspose2d(128, 128, 4, 2, 1), nn.LeakyReLU(0.2),
                      nn.ConvTranspose2d(128, 128, 4, 2, 1), nn.LeakyReLU(0.2),
                      nn.Conv2d(128, 1, 7, 1, 3), nn.Sigmoid())
    D = nn.Sequential(nn.Conv2d(1, 64, 3, 2, 1), nn.LeakyReLU(0.2), nn.Dropout(0.4),
                      nn.Conv2d(64, 64, 3, 2, 1), nn.LeakyReLU(0.2), nn.Dropout(0.4),
                      nn.Flatten(), nn.Linear(7 * 7 * 64, 1))
    b = a.batch or 128
params = [sum(q.numel() for q in m.parameters()) for m in (G, D)]
opt_g = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
bce = nn.BCEWithLogitsLoss()
real = torch.rand(b, 1, 28, 28) * 2 - 1
ones, zeros = torch.ones(b, 1), torch.zeros(b, 1)


def step():
    fake = G(torch.randn(b, 100))
    opt_d.zero_grad()
    (bce(D(real), ones) + bce(D(fake.detach()), zeros)).backward()
    opt_d.step()
    opt_g.zero_grad()
    bce(D(G(torch.randn(b, 100))), ones).backward()
    opt_g.step()


step()  # warm-up
t = time.time()
for _ in range(a.steps):
    step()
s = (time.time() - t) / a.steps
print(f"PyTorch {torch.__version__} {a.model} (G {params[0]:,}, D {params[1]:,} parameters), batch {b}, {a.threads} threads: {b / s:.0f} images/s, "
      f"{s:.2f} s per step, {60000 / b * s:.0f} s per 60,000-image epoch")
