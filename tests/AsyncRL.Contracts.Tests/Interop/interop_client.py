"""A grpcio client that runs one interop case against a server and prints a JSON verdict.

Exit code 0 when the case behaved as the gRPC protocol requires, 1 otherwise (the JSON says why).
"""
import argparse
import json
import sys

import grpc

from interop_common import load_messages, pattern, serializer

SERVICE = '/asyncrl.test.v1.Interop/'
CHUNK = 1024 * 1024
TOTAL = 64 * CHUNK


class Failure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failure(message)


def expect_error(call, code, details=None):
    try:
        call()
    except grpc.RpcError as error:
        expect(error.code() == code, 'expected %s, got %s: %s' % (code, error.code(), error.details()))
        if details is not None:
            expect(error.details() == details, 'expected details %r, got %r' % (details, error.details()))
        return error
    raise Failure('expected %s, but the call succeeded' % code)


def run(case, channel, messages, token):
    EchoRequest = messages('asyncrl.test.v1.EchoRequest')
    EchoReply = messages('asyncrl.test.v1.EchoReply')
    DownloadRequest = messages('asyncrl.test.v1.DownloadRequest')
    Chunk = messages('asyncrl.test.v1.Chunk')
    UploadSummary = messages('asyncrl.test.v1.UploadSummary')
    echo = channel.unary_unary(SERVICE + 'Echo', serializer, EchoReply.FromString)
    download = channel.unary_stream(SERVICE + 'Download', serializer, Chunk.FromString)
    upload = channel.stream_unary(SERVICE + 'Upload', serializer, UploadSummary.FromString)
    chat = channel.stream_stream(SERVICE + 'Chat', serializer, EchoReply.FromString)
    auth = (('authorization', 'Bearer ' + token),) if token else ()

    if case == 'unary':
        metadata = auth + (('x-py', 'snake'), ('x-blob-bin', b'\x00\x01\xfe\xff'), ('x-want-headers', '1'))
        reply, call = echo.with_call(EchoRequest(text='from python', payload=b'\x00' * 1000), metadata=metadata, timeout=30)
        expect(reply.text == 'from python', 'text %r' % reply.text)
        expect(reply.metadata['x-py'] == 'snake', 'metadata %r' % dict(reply.metadata))
        expect(len(reply.payload) == 1000, 'payload %d' % len(reply.payload))
        initial = dict(call.initial_metadata())
        expect(initial.get('x-server-header') == 'early', 'initial metadata %r' % initial)
        trailing = dict(call.trailing_metadata())
        expect(trailing.get('x-blob-bin') == b'\x00\x01\xfe\xff', 'trailing metadata %r' % trailing)
        expect(call.code() == grpc.StatusCode.OK, 'code %s' % call.code())
    elif case == 'server_streaming':
        received = 0
        for chunk in download(DownloadRequest(total_bytes=TOTAL, chunk_size=CHUNK), metadata=auth, timeout=60):
            expect(chunk.offset == received, 'offset %d, expected %d' % (chunk.offset, received))
            expect(chunk.data == pattern(chunk.offset, len(chunk.data)), 'pattern broken at %d' % chunk.offset)
            received += len(chunk.data)
        expect(received == TOTAL, 'received %d of %d bytes' % (received, TOTAL))
    elif case == 'client_streaming':
        chunks = (Chunk(offset=o, data=pattern(o, CHUNK)) for o in range(0, TOTAL, CHUNK))
        summary = upload(chunks, metadata=auth, timeout=60)
        expect(summary.total_bytes == TOTAL and summary.chunks == 64 and summary.pattern_ok, 'summary %s' % summary)
    elif case == 'bidi':
        import queue
        outgoing = queue.Queue()

        def requests():
            while True:
                item = outgoing.get()
                if item is None:
                    return
                yield item

        responses = chat(requests(), metadata=auth, timeout=30)
        for i in range(5):  # strict ping-pong: each reply before the next request
            outgoing.put(EchoRequest(text='m%d' % i))
            reply = next(responses)
            expect(reply.text == 'm%d' % i, 'reply %r' % reply.text)
        outgoing.put(None)
        expect(next(responses, None) is None, 'extra reply')
    elif case == 'status':
        expect_error(lambda: echo(EchoRequest(fail_code=5, fail_message='nicht gefunden ✓ 100%'), metadata=auth, timeout=30),
                     grpc.StatusCode.NOT_FOUND, 'nicht gefunden ✓ 100%')
        expect_error(lambda: echo(EchoRequest(fail_code=9, fail_message='precondition'), metadata=auth, timeout=30),
                     grpc.StatusCode.FAILED_PRECONDITION, 'precondition')
    elif case == 'stream_error':
        received = []

        def consume():
            for chunk in download(DownloadRequest(total_bytes=10000, chunk_size=1000, fail_after_chunks=3, fail_code=15), metadata=auth, timeout=30):
                received.append(chunk)
        expect_error(consume, grpc.StatusCode.DATA_LOSS, 'failed after 3 chunks')
        expect(len(received) == 3, 'received %d chunks before the error' % len(received))
    elif case == 'deadline':
        expect_error(lambda: echo(EchoRequest(wait_for_cancellation=True), metadata=auth, timeout=0.3), grpc.StatusCode.DEADLINE_EXCEEDED)
    elif case == 'deadline_propagation':
        reply = echo(EchoRequest(text='t'), metadata=auth, timeout=20)
        expect(reply.has_deadline and 0 < reply.deadline_remaining_ms <= 20000, 'deadline %s %d' % (reply.has_deadline, reply.deadline_remaining_ms))
    elif case == 'unimplemented':
        missing = channel.unary_unary(SERVICE + 'NoSuchMethod', serializer, EchoReply.FromString)
        expect_error(lambda: missing(EchoRequest(), metadata=auth, timeout=30), grpc.StatusCode.UNIMPLEMENTED)
    elif case == 'too_large':
        expect_error(lambda: echo(EchoRequest(payload=b'\x00' * (5 * 1024 * 1024)), metadata=auth, timeout=30), grpc.StatusCode.RESOURCE_EXHAUSTED)
    elif case == 'unauthenticated':
        expect_error(lambda: echo(EchoRequest(), metadata=(('authorization', 'Bearer wrong'),), timeout=30), grpc.StatusCode.UNAUTHENTICATED)
    elif case == 'health':
        HealthCheckRequest = messages('grpc.health.v1.HealthCheckRequest')
        HealthCheckResponse = messages('grpc.health.v1.HealthCheckResponse')
        check = channel.unary_unary('/grpc.health.v1.Health/Check', serializer, HealthCheckResponse.FromString)
        response = check(HealthCheckRequest(service=''), timeout=30)
        expect(response.status == 1, 'status %d' % response.status)  # SERVING
        expect_error(lambda: check(HealthCheckRequest(service='nope'), timeout=30), grpc.StatusCode.NOT_FOUND)
    else:
        raise Failure('unknown case %r' % case)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--target', required=True)
    parser.add_argument('--descriptors', required=True)
    parser.add_argument('--case', required=True)
    parser.add_argument('--root-cert')
    parser.add_argument('--token')
    args = parser.parse_args()

    options = [('grpc.enable_http_proxy', 0), ('grpc.max_receive_message_length', 8 * 1024 * 1024)]
    if args.root_cert:
        with open(args.root_cert, 'rb') as f:
            credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
        channel = grpc.secure_channel(args.target, credentials, options + [('grpc.ssl_target_name_override', 'localhost')])
    else:
        channel = grpc.insecure_channel(args.target, options)
    try:
        run(args.case, channel, load_messages(args.descriptors), args.token)
        verdict = {'case': args.case, 'ok': True}
    except Failure as failure:
        verdict = {'case': args.case, 'ok': False, 'detail': str(failure)}
    except grpc.RpcError as error:
        verdict = {'case': args.case, 'ok': False, 'detail': 'unexpected %s: %s' % (error.code(), error.details())}
    finally:
        channel.close()
    print(json.dumps(verdict))
    sys.exit(0 if verdict['ok'] else 1)


if __name__ == '__main__':
    main()
