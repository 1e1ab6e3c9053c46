"""The scripted kazoo session behind src-main/protocol/testdata/zk-3.8-capture.json.

Run by scripts/capture-zk.mjs: argv[1] is the recording proxy (this session's bytes are captured),
argv[2] the server itself (a second, unrecorded session that triggers watches). Prints, as its last
line, the JSON list of the requests it sent, in order, with what each was for.
"""
import json
import sys
import threading
import time
from collections import namedtuple

from kazoo.client import KazooClient
from kazoo.exceptions import BadVersionError, NoAuthError
from kazoo.protocol.serialization import Create2, long_struct
from kazoo.security import OPEN_ACL_UNSAFE, make_digest_acl

proxied, direct = sys.argv[1], sys.argv[2]
steps = []


def step(op, note):
    steps.append({'op': op, 'note': note})


# kazoo 2.8 has no container or TTL nodes: their requests are Create2's body (plus a TTL) under
# other opcodes, and their reply is Create2's, so they ride on kazoo's own framing.
class CreateContainer(Create2):
    type = 19


class CreateTTL(namedtuple('CreateTTL', 'path data acl flags ttl')):
    type = 21

    def serialize(self):
        b = Create2(self.path, self.data, self.acl, self.flags).serialize()
        b.extend(long_struct.pack(self.ttl))
        return b

    deserialize = Create2.deserialize


def call(zk, request):
    result = zk.handler.async_result()
    zk._call(request, result)
    return result.get(timeout=10)


zk = KazooClient(hosts=proxied, timeout=4.0)
other = KazooClient(hosts=direct, timeout=4.0)
step('connect', 'opens a new session (timeOut 4000 ms, zero password, readOnly false)')
zk.start()
other.start()

step('create', 'create /app "root" PERSISTENT, open ACL')
zk.create('/app', b'root')
step('create', 'create /app/eph with empty data, EPHEMERAL')
zk.create('/app/eph', b'', ephemeral=True)
step('create', 'create /app/seq- "first" PERSISTENT_SEQUENTIAL')
zk.create('/app/seq-', b'first', sequence=True)
step('create2', 'create2 /app/config "v1" PERSISTENT (returns the stat)')
zk.create('/app/config', b'v1', include_data=True)
step('createContainer', 'createContainer /app/container "c" (flags CONTAINER)')
call(zk, CreateContainer('/app/container', b'c', OPEN_ACL_UNSAFE, 4))
step('createTTL', 'createTTL /app/ttl "t" PERSISTENT_WITH_TTL, ttl 60000 ms')
call(zk, CreateTTL('/app/ttl', b't', OPEN_ACL_UNSAFE, 5, 60000))

events = []
fired = threading.Semaphore(0)


def watcher(event):
    events.append(event)
    fired.release()


step('getData', 'getData /app/config with a watch: "v1" at version 0')
zk.get('/app/config', watch=watcher)
other.set('/app/config', b'v2')  # another session's write fires the data watch
assert fired.acquire(timeout=10), 'no NodeDataChanged'
step('setData', 'setData /app/config "v3" at version 1')
zk.set('/app/config', b'v3', version=1)
step('exists', 'exists /app/config (no watch): a stat at version 2')
zk.exists('/app/config')
step('exists', 'exists /app/missing with a watch: NONODE')
assert zk.exists('/app/missing', watch=watcher) is None
other.create('/app/missing', b'')  # fires the exists watch
assert fired.acquire(timeout=10), 'no NodeCreated'
step('getChildren2', 'getChildren2 /app: six children and the parent stat')
zk.get_children('/app', include_data=True)
alice = make_digest_acl('alice', 'secret', all=True)
step('setACL', 'setACL /app/config to digest alice:secret with ALL, at ACL version 0')
zk.set_acls('/app/config', [alice], version=0)
step('getData', 'getData /app/config before addauth: NOAUTH')
try:
    zk.get('/app/config')
    raise AssertionError('expected NOAUTH')
except NoAuthError:
    pass
step('auth', 'addauth digest alice:secret')
zk.add_auth('digest', 'alice:secret')
step('getACL', 'getACL /app/config: the digest ACL, aversion 1')
zk.get_acls('/app/config')
step('sync', 'sync /app')
zk.sync('/app')
step('delete', 'delete /app/config at version 99: BADVERSION')
try:
    zk.delete('/app/config', version=99)
    raise AssertionError('expected BADVERSION')
except BadVersionError:
    pass

step('multi', 'multi: create /app/txn, check /app/config v2, setData /app/config "v4" v2, delete /app/missing')
t = zk.transaction()
t.create('/app/txn', b'x')
t.check('/app/config', 2)
t.set_data('/app/config', b'v4', version=2)
t.delete('/app/missing')
assert all(r is True or isinstance(r, str) or hasattr(r, 'version') for r in t.commit())
step('multi', 'failing multi: create /app/txn2, check /app/config v99 (BADVERSION), setData /app/config')
t = zk.transaction()
t.create('/app/txn2', b'y')
t.check('/app/config', 99)
t.set_data('/app/config', b'never')
results = t.commit()
assert isinstance(results[1], BadVersionError), results

# Idle long enough for kazoo to ping (it pings well within a third of the session timeout).
time.sleep(3)
step('closeSession', 'close the session')
zk.stop()
zk.close()
other.stop()
other.close()

assert [e.type for e in events] == ['CHANGED', 'CREATED'], events
print(json.dumps({'steps': steps}))
