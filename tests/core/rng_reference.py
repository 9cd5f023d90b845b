#!/usr/bin/env python3
"""Independent reference for tg_rng: splitmix64 seeding + xoshiro256**
(Blackman & Vigna, https://prng.di.unimi.it/), written from the published
algorithm description in Python's arbitrary-precision integers.
Prints the first outputs for seeds 0, 42 and 2**64-1 as C initialisers."""
M = (1 << 64) - 1

def splitmix(x):
    x = (x + 0x9E3779B97F4A7C15) & M
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return x, z ^ (z >> 31)

def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M

def stream(seed, n):
    s, x = [], seed
    for _ in range(4):
        x, z = splitmix(x)
        s.append(z)
    out = []
    for _ in range(n):
        out.append((rotl((s[1] * 5) & M, 7) * 9) & M)
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 45)
    return out

for seed in (0, 42, M):
    print("/* seed %d */ {%s}," % (seed, ", ".join("0x%016xULL" % v for v in stream(seed, 5))))
