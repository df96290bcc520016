"""Shared by the Python peers of the interop tests: message classes and the byte pattern.

Debian's python3-grpcio has no protoc plugin, so the message classes are built at run time from a
FileDescriptorSet that the C# tests write (the same .proto files the C# side was generated from).
"""
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

import grpc

# Byte i of a Download/Upload stream (at offset + i) is (offset + i) mod 251.
_BASE = bytes(range(251)) * ((1 << 20) // 251 + 3)
MAX_PATTERN_CHUNK = len(_BASE) - 251

CODES = {code.value[0]: code for code in grpc.StatusCode}


def pattern(offset, length):
    start = offset % 251
    return _BASE[start:start + length]


def load_messages(descriptor_set_path):
    """Returns a function from a full message name to its generated class."""
    files = descriptor_pb2.FileDescriptorSet()
    with open(descriptor_set_path, 'rb') as f:
        files.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:  # dependencies come first
        pool.AddSerializedFile(file.SerializeToString())

    def message_class(name):
        descriptor = pool.FindMessageTypeByName(name)
        if hasattr(message_factory, 'GetMessageClass'):
            return message_factory.GetMessageClass(descriptor)
        return message_factory.MessageFactory(pool).GetPrototype(descriptor)

    return message_class


def serializer(message):
    return message.SerializeToString()
