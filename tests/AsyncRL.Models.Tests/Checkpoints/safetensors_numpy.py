#!/usr/bin/env python3
"""An independent safetensors reader and writer using only json and numpy (no torch).

The interchange tests use it to check, from outside .NET, that our files are what the format says:

  safetensors_numpy.py dump FILE   print FILE's tensors as JSON (float32 bit patterns, integers, metadata)
  safetensors_numpy.py write FILE  write a mixed-dtype FILE as the reference writer lays it out and
                                   print, in the same JSON form, the values a reader must get from it
"""
import json
import struct
import sys

import numpy as np

NUMPY_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
    "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "u1",
}
FLOAT_DTYPES = {"F64", "F32", "F16", "BF16"}


def read(path):
    """Reads FILE strictly: the tensors must tile the data area in offset order."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None) or {}
    data = memoryview(blob)[8 + n:]
    tensors, expected = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        begin, end = info["data_offsets"]
        if begin != expected:
            raise ValueError(f"{name}: begins at {begin}, expected {expected}")
        dtype, shape = info["dtype"], info["shape"]
        if dtype == "BF16":
            array = (np.frombuffer(data[begin:end], "<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            array = np.frombuffer(data[begin:end], NUMPY_DTYPES[dtype])
        if array.size != int(np.prod(shape, dtype=np.int64)):
            raise ValueError(f"{name}: {array.size} elements for shape {shape}")
        tensors[name] = (dtype, array.reshape(shape))
        expected = end
    if expected != len(data):
        raise ValueError(f"tensors cover {expected} of {len(data)} data bytes")
    return tensors, metadata, (8 + n) % 8 == 0


def describe(tensors, metadata, aligned):
    out = {"aligned": aligned, "metadata": metadata, "tensors": {}}
    for name, (dtype, array) in tensors.items():
        entry = {"dtype": dtype, "shape": list(array.shape)}
        if dtype in FLOAT_DTYPES:
            # Bit patterns, so NaN, -0 and rounding compare exactly.
            entry["bits"] = array.astype(np.float32).reshape(-1).view("<u4").tolist()
        else:
            entry["values"] = [int(v) for v in array.reshape(-1)]
        out["tensors"][name] = entry
    return out


def write(path):
    f32 = np.array([[1.5, -0.0, np.inf], [-np.inf, np.nan, 3.0e-42]], dtype="<f4")
    f16 = np.array([1.0, -2.0, 65504.0, 6.0e-8, -0.0, np.inf], dtype="<f2")
    bf16_source = np.array([1.0, -3.140625, 2.0 ** 100, -0.0, np.inf], dtype="<f4")
    bf16 = (bf16_source.view("<u4") >> 16).astype("<u2")  # exactly representable, so truncation is exact
    f64 = np.array([0.1, 1.0e-50, -2.5], dtype="<f8")
    i64 = np.array([[-(2 ** 63), 2 ** 63 - 1], [0, 16777217]], dtype="<i8")
    i32 = np.arange(-3, 3, dtype="<i4").reshape(2, 3)
    u8 = np.array([0, 255, 7], dtype="u1")
    entries = [
        ("layer.weight", "F32", f32), ("half\u00e9", "F16", f16), ("brain\u2603", "BF16", bf16),
        ("double", "F64", f64), ("counts", "I64", i64), ("ids", "I32", i32), ("bytes", "U8", u8),
        ("empty", "F32", np.zeros((0, 2), dtype="<f4")), ("scalar", "F32", np.array(2.0, dtype="<f4")),
    ]
    # The reference writer's order: larger elements first, then by name.
    entries.sort(key=lambda e: (-e[2].dtype.itemsize, e[0]))
    header, chunks, offset = {"__metadata__": {"format": "np", "note": "caf\u00e9"}}, [], 0
    for name, dtype, array in entries:
        raw = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))

    expected = {name: (dtype, array) for name, dtype, array in entries}
    expected["brain\u2603"] = ("BF16", bf16_source)
    return describe(expected, header["__metadata__"], True)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("dump", "write"):
        print(__doc__, file=sys.stderr)
        return 2
    result = describe(*read(argv[2])) if argv[1] == "dump" else write(argv[2])
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
