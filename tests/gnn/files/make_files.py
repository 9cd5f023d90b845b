#!/usr/bin/env python3
"""Writes the hostile safetensors files test_gnn.c's test_safetensors_hostile
loads (review findings 1-4 and 23).  Only json and struct: run it from this
directory with any python3.  Each file is a one-linear-layer model
(in_features 1, out 2, bias) with one defect."""
import json, struct

ARCH = "linear out=2 bias=1 wd=-1"
ONE = struct.pack('<f', 1.0)


def write(path, header_text, data):
    h = header_text.encode('utf-8', 'surrogatepass') if isinstance(header_text, str) else header_text
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + data)


def header(meta=None, arch=ARCH, in_f="1", w=(0, 8), b=(8, 16), wshape=(1, 2)):
    m = {"twingraph.arch": arch, "twingraph.in_features": in_f}
    m.update(meta or {})
    return json.dumps({"__metadata__": m,
                       "layer0.weight": {"dtype": "F32", "shape": list(wshape), "data_offsets": list(w)},
                       "layer0.bias": {"dtype": "F32", "shape": [2], "data_offsets": list(b)}})


DATA = ONE * 4
write('ok.safetensors', header(), DATA)
# 1: rows * cols * 4 wraps to 8 (mod 2^64); in_features 2^62+1.
R = 2**62 + 1
write('wrap.safetensors', header(in_f=str(R), wshape=(R, 2)), DATA)
# 1: in_features above the cap with a consistent (empty-looking) file.
write('bigin.safetensors', header(in_f=str(2**40)), DATA)
# 2: out=1e300 would be cast to int64 (undefined behaviour).
write('bigout.safetensors', header(arch="linear out=1e300 bias=1 wd=-1"), DATA)
write('bigheads.safetensors', header(arch="gat out=2 bias=1 wd=-1 heads=4294967297 concat=1 p=0 slope=0.2"), DATA)
# 4: overlapping tensors, a gap, trailing bytes, a duplicate name.
write('overlap.safetensors', header(b=(0, 8)), ONE * 2)
write('gap.safetensors', header(b=(12, 20)), ONE * 5)
write('trailing.safetensors', header(), DATA + b'garbage!')
dup = header()[:-1] + ', "layer0.bias": {"dtype": "F32", "shape": [2], "data_offsets": [16, 24]}}'
write('duplicate.safetensors', dup, ONE * 6)
# 3: a raw byte 0xE9 (Latin-1 e acute) in a metadata value: not UTF-8.
write('latin1.safetensors', header(meta={"note": "caf@"}).encode().replace(b'caf@', b'caf\xe9'), DATA)
# 23: \u0000 in a tensor name; a lone surrogate; a valid pair (loads).
write('nul.safetensors', header().replace('"layer0.bias"', '"layer0.bias\\u0000x"'), DATA)
write('surrogate.safetensors', header(meta={"note": "x"}).replace('"x"', '"\\ud83d"'), DATA)
write('pair.safetensors', header(meta={"note": "\U0001F600"}), DATA)
