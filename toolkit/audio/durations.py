"""A Piper voice's phoneme durations made visible: a minimal edit of its ONNX graph.

Takes the bytes of a Piper (VITS) model; gives the same model with one more graph output,
the tensor of its only `Ceil` node (w_ceil: how many frames the duration predictor gives
each phoneme id), the edit piper-tts[alignment] makes with the onnx package. Piper then
reports samples per phoneme (`include_alignments=True`); the audio is unchanged.

The edit works on the protobuf wire format directly, so no onnx package is needed and the
63 MB of weights are skipped over, not parsed: a ModelProto's `graph` (field 7) is a
GraphProto whose `node`s (field 1) carry `output` names (field 2) and an `op_type` (field
4); a graph `output` (field 12) is a ValueInfoProto whose `name` is field 1. Fields may
come in any order and a later one is appended, so the graph gets one more field and the
model's graph field a new length.
"""

from __future__ import annotations

from collections.abc import Iterator

MODEL_GRAPH = 7
GRAPH_NODE = 1
GRAPH_OUTPUT = 12
NODE_OUTPUT = 2
NODE_OP_TYPE = 4
VALUE_NAME = 1
LENGTH_DELIMITED = 2


def _varint(data: memoryview, at: int) -> tuple[int, int]:
    """The varint at `at` and where the next field starts."""
    value = shift = 0
    while True:
        if at >= len(data):
            raise ValueError("truncated varint")
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if byte < 0x80:
            return value, at
        shift += 7


def encode_varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def fields(data: memoryview, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """Each field of the message in data[start:end]: (number, where its tag starts, where
    its value starts, where it ends). Length-delimited values exclude their length."""
    at = start
    while at < end:
        tag_at = at
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, at = _varint(data, at)
            yield number, tag_at, at, at
            continue
        if wire == 1:
            size = 8
        elif wire == 5:
            size = 4
        elif wire == LENGTH_DELIMITED:
            size, at = _varint(data, at)
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        if at + size > end:
            raise ValueError("truncated protobuf field")
        yield number, tag_at, at, at + size
        at += size


def length_field(number: int, payload: bytes) -> bytes:
    return encode_varint(number << 3 | LENGTH_DELIMITED) + encode_varint(len(payload)) + payload


def with_duration_output(model: bytes) -> bytes | None:
    """The model with its Ceil tensor as a graph output, or None when there is no single
    Ceil node or its tensor is an output already (a voice patched before)."""
    data = memoryview(model)
    graphs = [(tag, lo, hi) for n, tag, lo, hi in fields(data, 0, len(data)) if n == MODEL_GRAPH]
    if len(graphs) != 1:
        return None
    tag, lo, hi = graphs[0]
    ceil: list[str] = []
    outputs: set[str] = set()
    for number, _, start, end in fields(data, lo, hi):
        if number == GRAPH_NODE and b"Ceil" in bytes(data[start:end]):
            node = [(n, bytes(data[a:b])) for n, _, a, b in fields(data, start, end)]
            if (NODE_OP_TYPE, b"Ceil") in node:
                ceil += [value.decode() for n, value in node if n == NODE_OUTPUT]
        elif number == GRAPH_OUTPUT:
            for n, _, a, b in fields(data, start, end):
                if n == VALUE_NAME:
                    outputs.add(bytes(data[a:b]).decode())
    if len(ceil) != 1 or ceil[0] in outputs:
        return None
    extra = length_field(GRAPH_OUTPUT, length_field(VALUE_NAME, ceil[0].encode()))
    head = encode_varint(MODEL_GRAPH << 3 | LENGTH_DELIMITED) + encode_varint(hi - lo + len(extra))
    return b"".join((data[:tag], head, data[lo:hi], extra, data[hi:]))
