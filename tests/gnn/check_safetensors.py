#!/usr/bin/python3
"""check_safetensors.py FILE: read a safetensors file the way the format
specifies (8-byte little-endian header length, JSON header, raw tensors) with
only json and numpy, and print each tensor's name, shape and first values.
Used to check that files written by tg_gnn_model_save open with standard
Python tools (Debian 12 has no python3-safetensors package)."""
import json
import struct
import sys

import numpy as np

with open(sys.argv[1], "rb") as f:
    raw = f.read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8:8 + n])
data = raw[8 + n:]
meta = header.pop("__metadata__", {})
print("metadata:", json.dumps(meta))
for name, t in header.items():
    assert t["dtype"] == "F32", t
    b, e = t["data_offsets"]
    a = np.frombuffer(data[b:e], dtype="<f4").reshape(t["shape"])
    print(f"{name}: shape {list(a.shape)}, first {a.ravel()[:3].tolist()}, sum {float(a.sum()):.6g}")
