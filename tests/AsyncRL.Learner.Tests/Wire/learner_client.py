"""A grpcio client that talks to a running AsyncRL learner the way an actor of another language would.

Prints one JSON verdict; exit code 0 when every step behaved as docs/wire-protocol.md says.
Messages come from the FileDescriptorSet the test writes (interop_common, shared with the Contracts interop peers).
"""
import argparse
import json
import sys

import grpc

from interop_common import load_messages as load

SERVICE = '/asyncrl.v1.Learner/'


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--target', required=True)
    parser.add_argument('--health', required=True)
    parser.add_argument('--descriptors', required=True)
    parser.add_argument('--token', required=True)
    args = parser.parse_args()
    m = load(args.descriptors)
    ser = lambda message: message.SerializeToString()
    auth = (('authorization', 'Bearer ' + args.token),)
    seen = {}

    with grpc.insecure_channel(args.health) as health_channel:
        check = health_channel.unary_unary('/grpc.health.v1.Health/Check', ser, m('grpc.health.v1.HealthCheckResponse').FromString)
        status = check(m('grpc.health.v1.HealthCheckRequest')(service='asyncrl.v1.Learner'), timeout=30).status
        expect(status == 1, 'health status %s, expected SERVING' % status)
        seen['health'] = 'SERVING'

    with grpc.insecure_channel(args.target) as channel:
        register = channel.unary_unary(SERVICE + 'Register', ser, m('asyncrl.v1.RegisterReply').FromString)
        request = m('asyncrl.v1.RegisterRequest')(node_id='py-node', actor_count=2, envs_per_actor=4)
        try:
            register(request, timeout=30)
            raise AssertionError('Register without a token succeeded')
        except grpc.RpcError as error:
            expect(error.code() == grpc.StatusCode.UNAUTHENTICATED, 'no token: %s' % error.code())
        reply = register(request, metadata=auth, timeout=30)
        expect(list(reply.actor_ids) == ['py-node/0', 'py-node/1'], 'actor ids %s' % list(reply.actor_ids))
        expect(reply.run.algorithm == 'ppo', 'algorithm %r' % reply.run.algorithm)
        seen['register'] = {'run_id': reply.run_id, 'actor_ids': list(reply.actor_ids)}

        # The newest version, chunk by chunk, checked as an actor checks it.
        get = channel.unary_stream(SERVICE + 'GetWeights', ser, m('asyncrl.v1.WeightsChunk').FromString)
        blob, total, crc = b'', None, None
        for chunk in get(m('asyncrl.v1.GetWeightsRequest')(latest=True, max_chunk_bytes=4096), metadata=auth, timeout=30):
            expect(chunk.offset == len(blob), 'chunk at %d after %d bytes' % (chunk.offset, len(blob)))
            total, crc = chunk.total_size, chunk.crc32c
            blob += chunk.data
        expect(total is not None and len(blob) == total, 'blob %d of %s bytes' % (len(blob), total))
        expect(crc32c(blob) == crc, 'crc32c %08x, announced %08x' % (crc32c(blob), crc))
        seen['weights_bytes'] = len(blob)

        # A sample stream: a batch of another run is rejected with the reason, on the open stream.
        push = channel.stream_stream(SERVICE + 'PushSamples', ser, m('asyncrl.v1.PushAck').FromString)
        batch = m('asyncrl.v1.SampleBatch')(run_id='not-this-run', actor_id='py-node/0', seq=1, row_count=1)
        acks = list(push(iter([batch]), metadata=auth, timeout=30))
        expect(len(acks) == 1 and acks[0].status == 3, 'acks %s' % acks)
        expect('not this run' in acks[0].reason, 'reason %r' % acks[0].reason)
        seen['push'] = acks[0].reason

        unknown = channel.unary_unary(SERVICE + 'NoSuchMethod', ser, m('asyncrl.v1.RegisterReply').FromString)
        try:
            unknown(request, metadata=auth, timeout=30)
            raise AssertionError('an unknown method succeeded')
        except grpc.RpcError as error:
            expect(error.code() == grpc.StatusCode.UNIMPLEMENTED, 'unknown method: %s' % error.code())
        garbage = channel.unary_unary(SERVICE + 'Register', lambda raw: raw, m('asyncrl.v1.RegisterReply').FromString)
        try:
            garbage(b'\x0a\xff\xff\xff\xff\x0f\x01', metadata=auth, timeout=30)
            raise AssertionError('a malformed request succeeded')
        except grpc.RpcError as error:
            expect(error.code() == grpc.StatusCode.INVALID_ARGUMENT, 'garbage: %s %s' % (error.code(), error.details()))
        # And the learner still serves.
        again = register(m('asyncrl.v1.RegisterRequest')(node_id='py-node-2', actor_count=1), metadata=auth, timeout=30)
        expect(len(again.actor_ids) == 1, 'after the errors: %s' % list(again.actor_ids))
        seen['errors'] = 'UNAUTHENTICATED, UNIMPLEMENTED, INVALID_ARGUMENT'

    print(json.dumps({'ok': True, 'seen': seen}))


if __name__ == '__main__':
    try:
        main()
    except (AssertionError, grpc.RpcError) as error:
        print(json.dumps({'ok': False, 'error': str(error)}))
        sys.exit(1)
