#!/usr/bin/env python3
"""check_safetensors.py FILE: read a safetensors file the way the format
specifies (8-byte little-endian header length, JSON header, raw little-endian
F32 tensors tiling the data) with only the standard library (json, struct),
and print the metadata as one JSON line, then one line per tensor:
"name rows cols v1 v2 ..." with each float32 value printed exactly (repr of
the double it widens to).  tests/lua/test_gnn.lua runs it, when a python3 is
on PATH, on a file tg_gnn_model_save wrote and compares every value with
m:weights(): the file opens with standard Python tools (json.loads is strict
about UTF-8) and holds exactly the model's weights."""
import json
import struct
import sys

with open(sys.argv[1], "rb") as f:
    raw = f.read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8:8 + n].decode("utf-8"))
data = raw[8 + n:]
meta = header.pop("__metadata__", {})
print(json.dumps(meta, sort_keys=True))
end = 0
for name, t in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
    assert t["dtype"] == "F32", t
    b, e = t["data_offsets"]
    assert b == end, (name, b, end)
    end = e
    shape = t["shape"]
    count = 1
    for s in shape:
        count *= s
    assert e - b == 4 * count, (name, shape, b, e)
    vals = struct.unpack("<%df" % count, data[b:e])
    rows, cols = (shape + [1, 1])[:2] if len(shape) == 2 else (1, count)
    print(name, rows, cols, " ".join(repr(v) for v in vals))
assert end == len(data), (end, len(data))
