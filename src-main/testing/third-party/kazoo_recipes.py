"""Drive an unchanged kazoo (Debian's python3-kazoo) against a ZooKeeper connect string.

Usage: /usr/bin/python3 kazoo_recipes.py HOST:PORT[,HOST:PORT...] [ROOT_PATH]

Runs basic operations, watches, transactions, sessions and kazoo's recipes with several
KazooClient instances in threads, prints one JSON line per check
({"check": name, "ok": bool, "detail": ...}) and exits 1 if any check failed.
"""

import json
import os
import random
import sys
import threading
import time
import traceback
import uuid

from kazoo.client import KazooClient
from kazoo.exceptions import (
    BadVersionError, LockTimeout, NoAuthError, NoChildrenForEphemeralsError, NodeExistsError,
    NoNodeError, NotEmptyError, RolledBackError, RuntimeInconsistency,
)
from kazoo.protocol.states import EventType
from kazoo.recipe.barrier import Barrier, DoubleBarrier
from kazoo.recipe.cache import TreeCache, TreeEvent
from kazoo.recipe.counter import Counter
from kazoo.recipe.election import Election
from kazoo.recipe.lock import Lock, Semaphore
from kazoo.recipe.party import Party, ShallowParty
from kazoo.recipe.queue import LockingQueue, Queue
from kazoo.recipe.watchers import ChildrenWatch, DataWatch
from kazoo.security import make_digest_acl

CHECK_TIMEOUT = 40.0
WAIT = 15.0

connect = sys.argv[1]
root = sys.argv[2] if len(sys.argv) > 2 else "/zoolab-kazoo-" + uuid.uuid4().hex[:12]
clients = []
clients_lock = threading.Lock()
print_lock = threading.Lock()


def new_client(**kwargs):
    client = KazooClient(hosts=connect, timeout=10.0, **kwargs)
    with clients_lock:
        clients.append(client)
    client.start(timeout=WAIT)
    return client


def stop(client):
    client.stop()
    client.close()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def wait_until(pred, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def raises(exc_type, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc_type:
        return
    raise AssertionError("%s did not raise %s" % (getattr(fn, "__name__", fn), exc_type.__name__))


def start_threads(target, n):
    """Runs target(i) in n threads; the join() it returns waits for them and fails with their exceptions."""
    errors = []

    def run(i):
        try:
            target(i)
        except BaseException as e:  # noqa: BLE001 - surfaced through join()
            errors.append("thread %d: %s" % (i, "".join(traceback.format_exception_only(type(e), e)).strip()))

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()

    def join(timeout=WAIT):
        deadline = time.monotonic() + timeout
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        check(not any(t.is_alive() for t in threads), "threads still running after %.0f s" % timeout)
        check(not errors, "; ".join(errors))

    return join


def gone_for(client, path):
    """Whether path is gone as seen by client; sync first, since it may sit on a lagging follower."""
    client.sync(path)
    return client.exists(path) is None


# --- checks -------------------------------------------------------------------------------


def check_connect(main):
    session_id, passwd = main.client_id
    check(main.connected and session_id != 0, "client not connected with a session id")
    check(len(passwd) == 16, "session password is %d bytes, expected 16" % len(passwd))
    main.ensure_path(root)
    return {"session": "0x%x" % session_id}


def check_crud(c):
    p = root + "/crud"
    check(c.create(p, b"v1") == p, "create returned a different path")
    data, stat = c.get(p)
    check(data == b"v1" and stat.version == 0 and stat.dataLength == 2, "get after create: %r %r" % (data, stat))
    check(stat.czxid == stat.mzxid and stat.numChildren == 0, "fresh stat: %r" % (stat,))
    raises(NodeExistsError, c.create, p, b"again")
    raises(NoNodeError, c.get, p + "-missing")
    raises(NoNodeError, c.create, p + "/no/parent", b"")
    check(c.exists(p + "-missing") is None, "exists on a missing node is not None")
    stat1 = c.set(p, b"v2", version=0)
    check(stat1.version == 1 and stat1.mzxid > stat.mzxid, "set bumps version and mzxid: %r" % (stat1,))
    raises(BadVersionError, c.set, p, b"v3", version=0)
    check(c.get(p)[0] == b"v2", "a failed set changed the data")
    c.set(p, b"")
    check(c.get(p)[0] == b"", "empty data does not round-trip")
    for name in ("b", "a", "c"):
        c.create(p + "/" + name, name.encode())
    parent = c.exists(p)
    check(parent.numChildren == 3 and parent.cversion == 3, "parent stat after 3 children: %r" % (parent,))
    check(sorted(c.get_children(p)) == ["a", "b", "c"], "children: %r" % c.get_children(p))
    children, cstat = c.get_children(p, include_data=True)
    check(sorted(children) == ["a", "b", "c"] and cstat.numChildren == 3, "get_children with stat")
    path, cstat = c.create(p + "/d", b"dd", include_data=True)
    check(path == p + "/d" and cstat.dataLength == 2 and cstat.version == 0,
          "create with stat (create2): %r" % (cstat,))
    raises(NotEmptyError, c.delete, p)
    raises(BadVersionError, c.delete, p + "/a", version=5)
    c.delete(p + "/a", version=0)
    check(c.exists(p).pzxid > parent.pzxid, "pzxid did not move when a child was deleted")
    deep = p + "/x/y/z"
    c.create(deep, b"deep", makepath=True)
    c.ensure_path(deep)
    check(c.get(deep)[0] == b"deep", "makepath create")
    big = os.urandom(500 * 1024)
    c.set(p + "/b", big)
    check(c.get(p + "/b")[0] == big, "500 KiB value does not round-trip")
    check(c.sync(p) == p, "sync does not return its path")
    c.delete(p, recursive=True)
    check(c.exists(p) is None, "recursive delete left the node")
    return "create/get/set/delete/exists/children, versions, create2, 500 KiB data, sync"


def check_ephemeral_sequential(c):
    p = c.create(root + "/eph-seq", b"")
    seqs = [c.create(p + "/n-", b"", sequence=True) for _ in range(3)]
    suffixes = [s.rsplit("-", 1)[1] for s in seqs]
    check(all(len(s) == 10 and s.isdigit() for s in suffixes), "sequence suffixes: %r" % suffixes)
    nums = [int(s) for s in suffixes]
    check(nums == [nums[0], nums[0] + 1, nums[0] + 2], "sequence numbers not consecutive: %r" % nums)
    eph = c.create(p + "/e", b"", ephemeral=True)
    check(c.exists(eph).ephemeralOwner == c.client_id[0], "ephemeralOwner is not the session id")
    check(c.exists(p).ephemeralOwner == 0, "persistent node has an ephemeralOwner")
    raises(NoChildrenForEphemeralsError, c.create, eph + "/child", b"")
    es = c.create(p + "/es-", b"", ephemeral=True, sequence=True)
    check(int(es.rsplit("-", 1)[1]) == nums[2] + 2, "sequence counts all children (parent cversion): %s" % es)
    return {"sequential": [s.rsplit("/", 1)[1] for s in seqs], "ephemeralSequential": es.rsplit("/", 1)[1]}


def check_one_shot_watches(c):
    other = new_client()
    p = root + "/watches"
    events = []
    record = events.append
    check(c.exists(p, watch=record) is None, "node exists before its create")
    other.create(p, b"1")
    wait_until(lambda: len(events) == 1, "created event")
    c.get(p, watch=record)
    c.get_children(p, watch=record)
    other.set(p, b"2")
    wait_until(lambda: len(events) == 2, "changed event")
    other.create(p + "/kid", b"")
    wait_until(lambda: len(events) == 3, "child event")
    c.get(p, watch=record)
    c.get_children(p, watch=record)
    other.delete(p + "/kid")
    wait_until(lambda: len(events) == 4, "child event on delete")
    other.delete(p)
    wait_until(lambda: len(events) == 5, "deleted event")
    types = [e.type for e in events]
    check(types == [EventType.CREATED, EventType.CHANGED, EventType.CHILD, EventType.CHILD, EventType.DELETED],
          "event types: %r" % types)
    check(all(e.path == p for e in events), "event paths: %r" % [e.path for e in events])
    time.sleep(0.2)
    check(len(events) == 5, "a one-shot watch fired twice: %r" % types)
    stop(other)
    return types


def check_data_watch(c):
    writer = new_client()
    p = root + "/datawatch"
    seen = []

    @DataWatch(c, p)
    def changed(data, stat):
        seen.append((data, stat.version if stat else None))

    wait_until(lambda: seen == [(None, None)], "the initial call for a missing node")
    writer.create(p, b"a")
    wait_until(lambda: seen[-1] == (b"a", 0), "the create")
    writer.set(p, b"b")
    wait_until(lambda: seen[-1] == (b"b", 1), "the first set")
    writer.set(p, b"c")
    wait_until(lambda: seen[-1] == (b"c", 2), "the second set")
    writer.delete(p)
    wait_until(lambda: seen[-1] == (None, None), "the delete")
    stop(writer)
    return [[d.decode() if d else None, v] for d, v in seen]


def check_children_watch(c):
    writer = new_client()
    p = c.create(root + "/childwatch", b"")
    seen = []

    @ChildrenWatch(c, p)
    def changed(children):
        seen.append(sorted(children))

    wait_until(lambda: seen == [[]], "the initial call")
    writer.create(p + "/a", b"")
    wait_until(lambda: seen[-1] == ["a"], "the first child")
    writer.create(p + "/b", b"", ephemeral=True)
    wait_until(lambda: seen[-1] == ["a", "b"], "the second child")
    writer.delete(p + "/a")
    wait_until(lambda: seen[-1] == ["b"], "a deleted child")
    stop(writer)
    wait_until(lambda: seen[-1] == [], "the writer's ephemeral child vanishing with its session")
    return seen


def check_transaction(c):
    p = c.create(root + "/txn", b"")
    c.create(p + "/set", b"0")
    c.create(p + "/del", b"")
    c.create(p + "/chk", b"")
    t = c.transaction()
    t.create(p + "/new", b"n")
    t.create(p + "/seq-", b"", sequence=True)
    t.set_data(p + "/set", b"1", version=0)
    t.check(p + "/chk", 0)
    t.delete(p + "/del")
    results = t.commit()
    check(results[0] == p + "/new" and results[1].startswith(p + "/seq-"), "create results: %r" % results[:2])
    check(results[2].version == 1 and results[3] is True and results[4] is True, "results: %r" % results)
    check(c.exists(p + "/del") is None and c.get(p + "/set")[0] == b"1", "committed effects missing")
    t = c.transaction()
    t.create(p + "/never", b"")
    t.set_data(p + "/set", b"2")
    t.check(p + "/chk", 7)
    t.delete(p + "/new")
    results = t.commit()
    kinds = [type(r).__name__ for r in results]
    # ZooKeeper answers 0 (kazoo: RolledBackError) for ops before the failing one and
    # -2 (RuntimeInconsistency) for those after it.
    check(isinstance(results[0], RolledBackError) and isinstance(results[1], RolledBackError)
          and isinstance(results[2], BadVersionError) and isinstance(results[3], RuntimeInconsistency),
          "failed transaction results: %r" % kinds)
    check(c.exists(p + "/never") is None and c.get(p + "/set")[0] == b"1" and c.exists(p + "/new"),
          "a failed transaction left effects")
    with c.transaction() as t:
        t.delete(p + "/new")
    check(c.exists(p + "/new") is None, "transaction as a context manager did not commit")
    return {"failed": kinds}


def check_session_close(c):
    owner = new_client()
    p = c.create(root + "/session", b"")
    e1 = owner.create(p + "/eph", b"", ephemeral=True)
    e2 = owner.create(p + "/eph-seq-", b"", ephemeral=True, sequence=True)
    owner.create(p + "/persistent", b"")
    deleted = threading.Event()

    def on_event(event):
        if event.type == EventType.DELETED:
            deleted.set()

    check(c.exists(e1, watch=on_event) is not None, "the other session's ephemeral is not visible")
    owner_session = owner.client_id[0]
    stop(owner)
    check(deleted.wait(WAIT), "no DELETED event for an ephemeral of a closed session")
    wait_until(lambda: gone_for(c, e1) and gone_for(c, e2), "ephemerals to vanish")
    check(c.exists(p + "/persistent") is not None, "a persistent node vanished with its session")
    check(c.get_children(p) == ["persistent"], "children after close: %r" % c.get_children(p))
    return {"closedSession": "0x%x" % owner_session}


def check_acl(c):
    owner = new_client(auth_data=[("digest", "alice:secret")])
    stranger = new_client()
    p = root + "/acl"
    acl = make_digest_acl("alice", "secret", all=True)
    owner.create(p, b"private", acl=[acl])
    raises(NoAuthError, stranger.get, p)
    acls, _ = owner.get_acls(p)
    check(len(acls) == 1 and acls[0].id.scheme == "digest" and acls[0].perms == 31, "acls: %r" % (acls,))
    check(acls[0].id.id == acl.id.id, "digest id %r, expected %r" % (acls[0].id.id, acl.id.id))
    stranger.add_auth("digest", "alice:secret")
    check(stranger.get(p)[0] == b"private", "add_auth did not grant read")
    owner.set_acls(p, [make_digest_acl("alice", "secret", read=True)])
    raises(NoAuthError, owner.set, p, b"x")
    check(owner.get_acls(p)[1].aversion == 1, "aversion did not move with set_acls")
    # Deleting needs DELETE on the parent only, so the suite can clean up a node it cannot read.
    c.delete(p)
    stop(owner)
    stop(stranger)
    return "digest ACL, NoAuth, add_auth, set_acls"


def check_lock(c):
    n, rounds = 4, 5
    p = root + "/lock"
    counter_path = c.create(root + "/lock-counter", b"0")
    state = {"inside": 0, "max_inside": 0, "total": 0}
    guard = threading.Lock()
    contenders = [new_client() for _ in range(n)]

    def contend(i):
        lock = Lock(contenders[i], p, identifier="contender-%d" % i)
        for _ in range(rounds):
            with lock:
                with guard:
                    state["inside"] += 1
                    state["max_inside"] = max(state["max_inside"], state["inside"])
                # Read-modify-write without versions: only mutual exclusion keeps it right.
                value = int(contenders[i].get(counter_path)[0])
                time.sleep(random.uniform(0, 0.01))
                contenders[i].set(counter_path, str(value + 1).encode())
                state["total"] += 1
                with guard:
                    state["inside"] -= 1

    start_threads(contend, n)(30)
    check(state["max_inside"] == 1, "%d holders at once" % state["max_inside"])
    c.sync(counter_path)
    final = int(c.get(counter_path)[0])
    check(final == n * rounds and state["total"] == n * rounds, "counter %d, expected %d" % (final, n * rounds))
    holder = Lock(contenders[0], p, identifier="holder")
    check(holder.acquire(timeout=WAIT), "an idle lock could not be acquired")
    waiter = Lock(contenders[1], p, identifier="waiter")
    check(waiter.acquire(blocking=False) is False, "a held lock was acquired without blocking")
    raises(LockTimeout, waiter.acquire, timeout=0.3)
    c.sync(p)
    check(Lock(c, p).contenders() == ["holder"], "contenders: %r" % Lock(c, p).contenders())
    holder.release()
    check(waiter.acquire(timeout=WAIT), "a released lock could not be acquired")
    waiter.release()
    for client in contenders:
        stop(client)
    return {"contenders": n, "rounds": rounds, "counter": final}


def check_semaphore(c):
    n, leases = 5, 2
    p = root + "/semaphore"
    state = {"inside": 0, "max_inside": 0}
    guard = threading.Lock()
    holders = [new_client() for _ in range(n)]

    def hold(i):
        sem = Semaphore(holders[i], p, identifier="h%d" % i, max_leases=leases)
        for _ in range(2):
            with sem:
                with guard:
                    state["inside"] += 1
                    state["max_inside"] = max(state["max_inside"], state["inside"])
                time.sleep(0.05)
                with guard:
                    state["inside"] -= 1

    start_threads(hold, n)(30)
    check(state["max_inside"] == leases, "%d holders at once, max_leases %d" % (state["max_inside"], leases))
    for client in holders:
        stop(client)
    return {"maxHolders": state["max_inside"]}


def check_election(c):
    n = 3
    p = root + "/election"
    contenders = [new_client() for _ in range(n)]
    elections = [Election(contenders[i], p, identifier="c%d" % i) for i in range(n)]
    leaders = []
    state = {"active": 0, "max_active": 0}
    guard = threading.Lock()
    step_down = [threading.Event() for _ in range(n)]

    def lead(i):
        with guard:
            state["active"] += 1
            state["max_active"] = max(state["max_active"], state["active"])
            leaders.append(i)
        step_down[i].wait(WAIT)
        with guard:
            state["active"] -= 1
        # Leadership ends with the session, not with a release: the next contender is told by ZooKeeper.
        stop(contenders[i])

    def run(i):
        try:
            elections[i].run(lead, i)
        except Exception:  # noqa: BLE001 - releasing the lock on a stopped client fails; that is the point
            pass

    join = start_threads(run, n)
    wait_until(lambda: leaders, "a first leader")
    wait_until(lambda: len(Election(c, p).contenders()) == n, "all contenders to register")
    order = Election(c, p).contenders()
    check(order[0] == "c%d" % leaders[0], "first leader c%d but contenders %r" % (leaders[0], order))
    for k in range(n):
        wait_until(lambda: len(leaders) == k + 1, "leader %d" % (k + 1))
        step_down[leaders[k]].set()
    join()
    check(state["max_active"] == 1, "%d leaders at once" % state["max_active"])
    check(sorted(leaders) == list(range(n)), "leaders: %r" % leaders)
    check(["c%d" % i for i in leaders] == order, "leadership order %r, contenders order %r" % (leaders, order))
    return {"contenders": order, "leaders": ["c%d" % i for i in leaders]}


def check_counter(c):
    n, rounds = 4, 10
    p = root + "/counter"
    counters = [new_client() for _ in range(n)]

    def bump(i):
        counter = Counter(counters[i], p)
        for _ in range(rounds):
            counter += 1

    start_threads(bump, n)(30)
    c.sync(p)
    total = Counter(c, p)
    check(total.value == n * rounds, "counter %r, expected %d" % (total.value, n * rounds))
    total -= 5
    check(total.value == n * rounds - 5, "decrement: %r" % total.value)
    floats = Counter(c, root + "/counter-float", default=0.0)
    floats += 0.5
    floats += 0.25
    check(floats.value == 0.75, "float counter: %r" % floats.value)
    for client in counters:
        stop(client)
    return {"value": n * rounds - 5}


def check_barrier(c):
    n = 3
    p = root + "/barrier"
    check(Barrier(c, p).wait(timeout=1), "waiting on an absent barrier blocked")
    Barrier(c, p).create()
    waiters = [new_client() for _ in range(n)]
    passed = []

    def wait_on(i):
        # A waiter on a lagging follower could miss the barrier's create and pass at once.
        waiters[i].sync(p)
        passed.append((i, Barrier(waiters[i], p).wait(timeout=WAIT)))

    join = start_threads(wait_on, n)
    time.sleep(0.5)
    check(not passed, "waiters passed a standing barrier: %r" % passed)
    Barrier(c, p).remove()
    join()
    check(sorted(passed) == [(i, True) for i in range(n)], "waiters: %r" % passed)
    for client in waiters:
        stop(client)
    return {"waiters": n}


def check_double_barrier(c):
    n = 3
    p = root + "/double-barrier"
    parties = [new_client() for _ in range(n)]
    times = [{} for _ in range(n)]
    participating = [None] * n

    def party(i):
        barrier = DoubleBarrier(parties[i], p, n, identifier="party-%d" % i)
        time.sleep(0.15 * i)
        times[i]["enter_call"] = time.monotonic()
        barrier.enter()
        times[i]["enter_done"] = time.monotonic()
        participating[i] = barrier.participating
        time.sleep(0.15 * (n - i))
        times[i]["leave_call"] = time.monotonic()
        barrier.leave()
        times[i]["leave_done"] = time.monotonic()

    start_threads(party, n)(30)
    c.sync(p)
    check(all(participating), "participating: %r" % participating)
    last_enter = max(t["enter_call"] for t in times)
    last_leave = max(t["leave_call"] for t in times)
    check(all(t["enter_done"] >= last_enter for t in times), "a party passed enter() before all had entered")
    check(all(t["leave_done"] >= last_leave for t in times), "a party passed leave() before all had left")
    check(c.get_children(p) == [], "barrier children left: %r" % c.get_children(p))
    for client in parties:
        stop(client)
    return {"parties": n}


def check_queue(c):
    q = Queue(c, root + "/queue-fifo")
    for v in (b"1", b"2", b"3"):
        q.put(v)
    q.put(b"urgent", priority=1)
    check(len(q) == 4, "queue length %d" % len(q))
    got = [q.get() for _ in range(4)]
    check(got == [b"urgent", b"1", b"2", b"3"] and q.get() is None, "FIFO by priority: %r" % got)

    items, n = 30, 3
    p = root + "/queue"
    consumers = [new_client() for _ in range(n)]
    taken = [[] for _ in range(n)]
    done = threading.Event()
    start = threading.Barrier(n)

    def consume(i):
        queue = Queue(consumers[i], p)
        start.wait(WAIT)
        while True:
            value = queue.get()
            if value is not None:
                taken[i].append(int(value))
                # Work on the item, or a consumer that loses a race backs off (kazoo's retry) and starves.
                time.sleep(random.uniform(0.005, 0.015))
            elif done.is_set():
                # Empty as seen from this consumer's server, which may lag behind the producer's.
                consumers[i].sync(p)
                if not len(queue):
                    return
            else:
                time.sleep(0.01)

    # Half the items wait for the consumers, so they race for the same head; half arrive while they poll.
    producer = Queue(c, p)
    for k in range(items // 2):
        producer.put(str(k).encode())
    join = start_threads(consume, n)
    for k in range(items // 2, items):
        producer.put(str(k).encode())
    done.set()
    join(30)
    every = sorted(v for t in taken for v in t)
    check(every == list(range(items)), "consumed %r" % every)
    check(all(t == sorted(t) for t in taken), "a consumer saw items out of order: %r" % taken)
    for client in consumers:
        stop(client)
    return {"items": items, "perConsumer": [len(t) for t in taken]}


def check_locking_queue(c):
    other = new_client()
    p = root + "/locking-queue-fifo"
    mine, theirs = LockingQueue(c, p), LockingQueue(other, p)
    mine.put_all([b"a", b"b", b"c"])
    check(mine.get(WAIT) == b"a", "first get")
    check(theirs.get(WAIT) == b"b", "a locked entry was handed out twice")
    check(mine.release(), "release failed")
    check(theirs.consume(), "consume failed")
    other.sync(p + "/taken")
    check(theirs.get(WAIT) == b"a", "a released entry did not come back first")
    check(theirs.consume() and mine.get(WAIT) == b"c" and mine.consume(), "draining")
    check(mine.get(0.3) is None and len(mine) == 0, "queue not empty")
    stop(other)

    items, n = 20, 3
    p = root + "/locking-queue"
    consumers = [new_client() for _ in range(n)]
    taken = [[] for _ in range(n)]
    LockingQueue(c, p).put_all([str(k).encode() for k in range(items)])

    def consume(i):
        queue = LockingQueue(consumers[i], p)
        while True:
            value = queue.get(0.5)
            if value is None:
                return
            check(queue.consume(), "consume of %r failed" % value)
            taken[i].append(int(value))

    start_threads(consume, n)(30)
    every = sorted(v for t in taken for v in t)
    check(every == list(range(items)), "consumed %r" % every)
    for client in consumers:
        stop(client)
    return {"items": items, "perConsumer": [len(t) for t in taken]}


def check_party(c):
    for kind in (Party, ShallowParty):
        p = root + "/" + kind.__name__.lower()
        members = [new_client() for _ in range(3)]
        parties = [kind(members[i], p, identifier="m%d" % i) for i in range(3)]
        for party in parties:
            party.join()
        view = kind(c, p)

        def seen():
            c.sync(p)  # c may sit on a follower that has not applied the change yet
            return sorted(view)

        check(len(view) == 3 and seen() == ["m0", "m1", "m2"], "%s members: %r" % (kind.__name__, seen()))
        parties[0].leave()
        wait_until(lambda: seen() == ["m1", "m2"], "a member to leave")
        stop(members[1])
        wait_until(lambda: seen() == ["m2"], "a closed session's member to vanish")
        for client in members[2:]:
            stop(client)
    return "Party and ShallowParty"


def check_tree_cache(c):
    writer = new_client()
    p = c.create(root + "/tree", b"root")
    writer.create(p + "/before", b"0")
    events = []
    cache = TreeCache(c, p)
    cache.listen(lambda event: events.append(event))
    cache.start()

    def seen(kind, path, data=None):
        return any(e.event_type == kind and e.event_data.path == path and (data is None or e.event_data.data == data)
                   for e in events)

    wait_until(lambda: any(e.event_type == TreeEvent.INITIALIZED for e in events), "INITIALIZED")
    check(seen(TreeEvent.NODE_ADDED, p + "/before", b"0"), "existing node not reported before INITIALIZED")
    writer.create(p + "/a", b"1")
    writer.create(p + "/a/b", b"x")
    wait_until(lambda: seen(TreeEvent.NODE_ADDED, p + "/a/b"), "a grandchild")
    writer.set(p + "/a", b"2")
    wait_until(lambda: seen(TreeEvent.NODE_UPDATED, p + "/a", b"2"), "an update")
    writer.delete(p + "/a/b")
    wait_until(lambda: seen(TreeEvent.NODE_REMOVED, p + "/a/b"), "a removal")
    check(cache.get_data(p + "/a").data == b"2", "cached data")
    check(sorted(cache.get_children(p)) == ["a", "before"], "cached children: %r" % cache.get_children(p))
    check(cache.get_data(p + "/a/b") is None, "removed node still cached")
    cache.close()
    stop(writer)
    names = {TreeEvent.NODE_ADDED: "added", TreeEvent.NODE_UPDATED: "updated", TreeEvent.NODE_REMOVED: "removed"}
    return ["%s %s" % (names[e.event_type], e.event_data.path[len(p):] or "/") for e in events if e.event_type in names]


CHECKS = [
    ("connect", check_connect),
    ("crud", check_crud),
    ("ephemeral_sequential", check_ephemeral_sequential),
    ("one_shot_watches", check_one_shot_watches),
    ("data_watch", check_data_watch),
    ("children_watch", check_children_watch),
    ("transaction", check_transaction),
    ("session_close", check_session_close),
    ("acl", check_acl),
    ("lock", check_lock),
    ("semaphore", check_semaphore),
    ("election", check_election),
    ("counter", check_counter),
    ("barrier", check_barrier),
    ("double_barrier", check_double_barrier),
    ("queue", check_queue),
    ("locking_queue", check_locking_queue),
    ("party", check_party),
    ("tree_cache", check_tree_cache),
]


def emit(name, ok, detail, started, trace=None):
    result = {"check": name, "ok": ok, "detail": detail, "ms": round((time.monotonic() - started) * 1000)}
    if trace:
        result["trace"] = trace
    line = json.dumps(result, default=repr)
    with print_lock:
        print(line, flush=True)


def run_check(name, fn, main):
    """Runs one check in its own thread, so a server that never answers fails it instead of hanging the run."""
    outcome = {}

    def body():
        try:
            outcome["detail"] = fn(main)
            outcome["ok"] = True
        except BaseException as e:  # noqa: BLE001 - every failure becomes a reported check
            here = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == __file__]
            where = " [kazoo_recipes.py:%d in %s]" % (here[-1].lineno, here[-1].name) if here else ""
            outcome["ok"] = False
            outcome["detail"] = "".join(traceback.format_exception_only(type(e), e)).strip() + where
            outcome["trace"] = traceback.format_exc()

    started = time.monotonic()
    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    thread.join(CHECK_TIMEOUT)
    if thread.is_alive():
        emit(name, False, "did not finish within %.0f s" % CHECK_TIMEOUT, started)
        return False
    emit(name, outcome["ok"], outcome["detail"], started, outcome.get("trace"))
    return outcome["ok"]


def main():
    started = time.monotonic()
    try:
        client = new_client()
    except Exception as e:  # noqa: BLE001 - reported as the failing connect check
        emit("connect", False, "could not connect to %s: %s" % (connect, e), started)
        os._exit(1)
    failed = [name for name, fn in CHECKS if not run_check(name, fn, client)]
    try:
        client.delete(root, recursive=True)
    except Exception as e:  # noqa: BLE001 - cleanup is best effort, but worth a note
        sys.stderr.write("cleanup of %s failed: %r\n" % (root, e))
    for c in clients:
        try:
            c.stop()
        except Exception:  # noqa: BLE001 - already stopped or its server is gone
            pass
    sys.stdout.flush()
    # Threads of timed-out checks may still block; do not wait for them.
    os._exit(1 if failed else 0)


if __name__ == "__main__":
    main()
