"""A grpcio server for the asyncrl.test.v1.Interop service, mirroring the C# InteropService.

Prints "PORT <n>" once listening on 127.0.0.1, and serves until its stdin closes (so it never outlives
the test process that started it).
"""
import argparse
import sys
import threading
from concurrent import futures

import grpc

from interop_common import CODES, MAX_PATTERN_CHUNK, load_messages, pattern, serializer

SERVICE = 'asyncrl.test.v1.Interop'


def build_handlers(messages):
    EchoRequest = messages('asyncrl.test.v1.EchoRequest')
    EchoReply = messages('asyncrl.test.v1.EchoReply')
    DownloadRequest = messages('asyncrl.test.v1.DownloadRequest')
    Chunk = messages('asyncrl.test.v1.Chunk')
    UploadSummary = messages('asyncrl.test.v1.UploadSummary')

    def reply_to(request, context):
        if request.wait_for_cancellation:
            cancelled = threading.Event()
            context.add_callback(cancelled.set)
            cancelled.wait(60)
            context.abort(grpc.StatusCode.CANCELLED, 'cancelled while waiting')
        if request.fail_code:
            context.abort(CODES[request.fail_code], request.fail_message)
        reply = EchoReply(text=request.text)
        reply.payload = bytes(request.reply_payload_size) if request.reply_payload_size else request.payload
        remaining = context.time_remaining()
        # grpcio reports "no deadline" as None or as an enormous number, depending on the version.
        if remaining is not None and remaining < 1e8:
            reply.has_deadline = True
            reply.deadline_remaining_ms = int(remaining * 1000)
        for key, value in context.invocation_metadata():
            if not key.endswith('-bin'):
                reply.metadata[key] = value
        return reply

    def echo(request, context):
        metadata = context.invocation_metadata()
        if any(key == 'x-want-headers' for key, _ in metadata):
            context.send_initial_metadata((('x-server-header', 'early'),))
        context.set_trailing_metadata(tuple((k, v) for k, v in metadata if k.startswith('x-')))
        return reply_to(request, context)

    def download(request, context):
        chunk_size = min(request.chunk_size or 65536, MAX_PATTERN_CHUNK)
        offset, sent = 0, 0
        while offset < request.total_bytes:
            if request.fail_after_chunks and sent == request.fail_after_chunks:
                context.abort(CODES[request.fail_code], 'failed after %d chunks' % sent)
            length = min(chunk_size, request.total_bytes - offset)
            yield Chunk(offset=offset, data=pattern(offset, length))
            offset += length
            sent += 1

    def upload(requests, context):
        summary = UploadSummary(pattern_ok=True)
        for chunk in requests:
            data = chunk.data
            ok = chunk.offset == summary.total_bytes and len(data) <= MAX_PATTERN_CHUNK and data == pattern(chunk.offset, len(data))
            summary.pattern_ok = summary.pattern_ok and ok
            summary.total_bytes += len(data)
            summary.chunks += 1
        return summary

    def chat(requests, context):
        for request in requests:
            yield reply_to(request, context)

    return grpc.method_handlers_generic_handler(SERVICE, {
        'Echo': grpc.unary_unary_rpc_method_handler(echo, EchoRequest.FromString, serializer),
        'Download': grpc.unary_stream_rpc_method_handler(download, DownloadRequest.FromString, serializer),
        'Upload': grpc.stream_unary_rpc_method_handler(upload, Chunk.FromString, serializer),
        'Chat': grpc.stream_stream_rpc_method_handler(chat, EchoRequest.FromString, serializer),
    })


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--descriptors', required=True)
    parser.add_argument('--cert')
    parser.add_argument('--key')
    args = parser.parse_args()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16), options=[
        ('grpc.max_receive_message_length', 8 * 1024 * 1024),
        ('grpc.max_send_message_length', 8 * 1024 * 1024),
    ])
    server.add_generic_rpc_handlers((build_handlers(load_messages(args.descriptors)),))
    if args.cert:
        with open(args.key, 'rb') as key, open(args.cert, 'rb') as cert:
            credentials = grpc.ssl_server_credentials(((key.read(), cert.read()),))
        port = server.add_secure_port('127.0.0.1:0', credentials)
    else:
        port = server.add_insecure_port('127.0.0.1:0')
    server.start()
    print('PORT %d' % port, flush=True)
    sys.stdin.read()  # until the test process closes our stdin (or dies)
    server.stop(grace=1).wait()


if __name__ == '__main__':
    main()
