"""confluent-kafka (librdkafka) against Fjord: one case per run, see casekit.run. Every case creates its own
topics (named after PREFIX) and reports what the client saw: offsets, partitions, contents, error codes."""
import time

import casekit
from casekit import text, until

casekit.require("confluent_kafka", "python3-confluent-kafka")
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic  # noqa: E402


def outcome(futures):
    """0 or the error code of an admin call about one resource."""
    (future,) = futures.values()
    try:
        future.result()
        return 0
    except KafkaException as e:
        return e.args[0].code()


def create(bootstrap, *topics):
    admin_client = AdminClient({"bootstrap.servers": bootstrap})  # must outlive its futures
    for future in admin_client.create_topics(list(topics)).values():
        future.result()


def partition_counts(admin, names):
    """The partition count of each topic in names (None for a topic the metadata does not know)."""
    topics = admin.list_topics(timeout=10).topics
    return [len(topics[n].partitions) if n in topics else None for n in names]


def drain(consumer, count, timeout_s=20.0):
    """The next count records as [partition, offset, key, value, headers]."""
    records = []

    def step():
        m = consumer.poll(0.2)
        if m is not None and not m.error():
            headers = [[k, text(v)] for k, v in (m.headers() or [])]
            records.append([m.partition(), m.offset(), text(m.key()), text(m.value()), headers])

    until(lambda: len(records) >= count, "%d records" % count, timeout_s, step)
    return records


def drain_all(consumer, count, quiet_s=0.5):
    """The next count records as [partition, offset, value], then whatever else comes within quiet_s (which
    should be nothing: the caller asserts on the whole list)."""
    records = []

    def step():
        m = consumer.poll(0.1)
        if m is not None and not m.error():
            records.append([m.partition(), m.offset(), text(m.value())])

    until(lambda: len(records) >= count, "%d records" % count, 20, step)
    deadline = time.monotonic() + quiet_s
    while time.monotonic() < deadline:
        step()
    return records


def delivered():
    """An on_delivery callback and the list it fills with [partition, offset] or the error code."""
    reports = []

    def on_delivery(err, msg):
        reports.append(err.code() if err else [msg.partition(), msg.offset()])

    return reports, on_delivery


def admin(bootstrap, p):
    a = AdminClient({"bootstrap.servers": bootstrap})
    cfg, vo = p + "-cfg", p + "-validate"
    r = {}
    r["create"] = outcome(
        a.create_topics([NewTopic(cfg, 3, 1, config={"retention.ms": "1234567", "cleanup.policy": "compact"})])
    )
    r["createAgain"] = outcome(a.create_topics([NewTopic(cfg, 3, 1)]))
    r["createZeroPartitions"] = outcome(a.create_topics([NewTopic(p + "-zero", 0, 1)]))
    r["createBadConfig"] = outcome(a.create_topics([NewTopic(p + "-bad", 1, 1, config={"cleanup.policy": "bogus"})]))
    r["createTooManyReplicas"] = outcome(a.create_topics([NewTopic(p + "-rf", 1, 3)]))
    r["validateOnly"] = outcome(a.create_topics([NewTopic(vo, 2, 1)], validate_only=True))
    r["partitionsAfterCreate"] = partition_counts(a, [cfg, vo, p + "-zero", p + "-bad"])
    r["grow"] = outcome(a.create_partitions([NewPartitions(cfg, 5)]))
    r["shrink"] = outcome(a.create_partitions([NewPartitions(cfg, 4)]))
    r["growValidateOnly"] = outcome(a.create_partitions([NewPartitions(cfg, 9)], validate_only=True))
    r["growMissing"] = outcome(a.create_partitions([NewPartitions(p + "-missing", 2)]))
    r["partitionsAfterGrow"] = partition_counts(a, [cfg])[0]
    (config,) = a.describe_configs([ConfigResource("topic", cfg)]).values()
    entries = config.result()
    # name: [value, source, [[synonym, value, source], ...]]
    r["configs"] = {
        name: [entries[name].value, entries[name].source,
               [[s.name, s.value, s.source] for s in entries[name].synonyms.values()]]
        for name in ("retention.ms", "cleanup.policy", "segment.bytes")
    }
    (missing,) = a.describe_configs([ConfigResource("topic", p + "-missing")]).values()
    try:
        missing.result()
        r["describeMissing"] = "described"
    except KafkaException as e:
        r["describeMissing"] = [e.args[0].code(), e.args[0].str()]
    r["delete"] = outcome(a.delete_topics([cfg]))
    r["deleteAgain"] = outcome(a.delete_topics([cfg]))
    until(lambda: partition_counts(a, [cfg])[0] is None, "topic %s gone from metadata" % cfg)
    r["partitionsAfterDelete"] = partition_counts(a, [cfg])[0]
    return r


def idempotent(bootstrap, p):
    topic = p + "-idem"
    create(bootstrap, NewTopic(topic, 1, 1))
    producer = Producer(
        {"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all", "linger.ms": 5, "batch.num.messages": 10}
    )
    reports, on_delivery = delivered()
    for i in range(100):
        producer.produce(topic, key=b"k%d" % i, value=b"v%d" % i, on_delivery=on_delivery)
        if i % 25 == 24:
            producer.flush(10)
    producer.flush(10)
    return {"topic": topic, "deliveries": reports}


def keyed(bootstrap, p, partitioner):
    topic = p + "-keyed"
    create(bootstrap, NewTopic(topic, 7, 1))
    producer = Producer({"bootstrap.servers": bootstrap, "partitioner": partitioner})
    placed = {}  # key: the partition it was delivered to, or the error

    def on_delivery(err, msg):
        placed[text(msg.key())] = str(err) if err else msg.partition()

    for i in range(200):
        producer.produce(topic, key=b"key-%d" % i, value=b"x", on_delivery=on_delivery)
    producer.flush(10)
    return {"topic": topic, "partitions": placed}


def codec(bootstrap, p, compression):
    topic = p + "-" + compression
    create(bootstrap, NewTopic(topic, 1, 1))
    producer = Producer({"bootstrap.servers": bootstrap, "compression.type": compression, "linger.ms": 50})
    reports, on_delivery = delivered()
    for i in range(200):
        value = ("value %d " % i) + "x" * (i % 80)
        producer.produce(topic, key=b"k%d" % (i % 13), value=value.encode(), headers=[("n", b"%d" % i)], on_delivery=on_delivery)
    producer.flush(10)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": p, "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, 0, 0)])
    records = drain(consumer, 200)
    consumer.close()
    return {"topic": topic, "deliveries": reports, "records": records}


def transactions(bootstrap, p):
    src, out, group = p + "-src", p + "-out", p + "-group"
    create(bootstrap, NewTopic(src, 1, 1), NewTopic(out, 3, 1))
    plain = Producer({"bootstrap.servers": bootstrap})
    for i in range(5):
        plain.produce(src, value=b"s%d" % i)
    plain.flush(10)

    source = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False})
    source.subscribe([src])
    consumed = drain(source, 5)
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": p + "-txn", "acks": "all"})
    producer.init_transactions(20)

    producer.begin_transaction()
    for i in range(6):
        producer.produce(out, value=b"committed-%d" % i, partition=i % 3)
    producer.send_offsets_to_transaction(source.position(source.assignment()), source.consumer_group_metadata(), 20)
    producer.commit_transaction(20)

    producer.begin_transaction()
    for i in range(6):
        producer.produce(out, value=b"aborted-%d" % i, partition=i % 3)
    producer.flush(20)  # the aborted records are in the log, so only the marker hides them
    producer.send_offsets_to_transaction([TopicPartition(src, 0, 2)], Consumer({"bootstrap.servers": bootstrap, "group.id": group + "-aborted"}).consumer_group_metadata(), 20)
    producer.abort_transaction(20)

    producer.begin_transaction()
    for i in range(3):
        producer.produce(out, value=b"second-%d" % i, partition=i)
    producer.commit_transaction(20)
    source.close()

    def reader(isolation):
        c = Consumer({"bootstrap.servers": bootstrap, "group.id": p + "-reader", "isolation.level": isolation, "enable.auto.commit": False})
        c.assign([TopicPartition(out, i, 0) for i in range(3)])
        return c

    committed_reader, uncommitted_reader = reader("read_committed"), reader("read_uncommitted")
    r = {
        "consumed": consumed,
        "readCommitted": sorted(drain_all(committed_reader, 9)),
        "readUncommitted": sorted(drain_all(uncommitted_reader, 15)),
        "watermarks": [list(committed_reader.get_watermark_offsets(TopicPartition(out, i), 10)) for i in range(3)],
    }
    groups = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    r["groupOffset"] = groups.committed([TopicPartition(src, 0)], 10)[0].offset
    aborted_group = Consumer({"bootstrap.servers": bootstrap, "group.id": group + "-aborted"})
    r["abortedGroupOffset"] = aborted_group.committed([TopicPartition(src, 0)], 10)[0].offset

    # An open transaction holds the last stable offset: read_committed sees neither it nor anything after.
    producer.begin_transaction()
    producer.produce(out, value=b"open", partition=0)
    producer.flush(20)
    r["openWatermarkCommitted"] = list(committed_reader.get_watermark_offsets(TopicPartition(out, 0), 10, cached=False))
    r["openWatermarkUncommitted"] = list(uncommitted_reader.get_watermark_offsets(TopicPartition(out, 0), 10, cached=False))
    r["openReadCommitted"] = drain_all(committed_reader, 0, 1.0)
    r["openReadUncommitted"] = drain_all(uncommitted_reader, 1)

    # A second producer with the same transactional.id fences the first and aborts its open transaction.
    successor = Producer({"bootstrap.servers": bootstrap, "transactional.id": p + "-txn"})
    successor.init_transactions(20)
    try:
        producer.produce(out, value=b"zombie", partition=0)
        producer.commit_transaction(10)
        r["zombie"] = "committed"
    except KafkaException as e:
        r["zombie"] = {"code": e.args[0].code(), "fatal": e.args[0].fatal()}
    successor.begin_transaction()
    successor.produce(out, value=b"successor", partition=0)
    successor.commit_transaction(20)
    r["afterFencing"] = drain_all(committed_reader, 1)
    for c in (committed_reader, uncommitted_reader, groups, aborted_group):
        c.close()
    return r


def group(bootstrap, p, strategy):
    topic, group_id = p + "-topic", p + "-group"
    create(bootstrap, NewTopic(topic, 4, 1))
    producer = Producer({"bootstrap.servers": bootstrap})
    for i in range(40):
        producer.produce(topic, value=b"%d" % i, partition=i % 4)
    producer.flush(10)
    events = []
    cooperative = strategy == "cooperative-sticky"

    def member(name):
        c = Consumer({
            "bootstrap.servers": bootstrap, "group.id": group_id, "client.id": name,
            "auto.offset.reset": "earliest", "enable.auto.commit": False,
            "partition.assignment.strategy": strategy, "session.timeout.ms": 6000, "heartbeat.interval.ms": 300,
        })

        def on_assign(consumer, partitions):
            events.append([name, "assign", sorted(tp.partition for tp in partitions)])
            if cooperative:
                consumer.incremental_assign(partitions)

        def on_revoke(consumer, partitions):
            events.append([name, "revoke", sorted(tp.partition for tp in partitions)])
            if cooperative:
                consumer.incremental_unassign(partitions)

        c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
        return c

    members = {"first": member("first"), "second": member("second")}
    records = {"first": [], "second": []}

    def poll_both():
        for name, c in members.items():
            m = c.poll(0.1)
            if m is not None and not m.error():
                records[name].append([m.partition(), m.offset()])

    def assigned(name):
        return sorted(tp.partition for tp in members[name].assignment())

    until(lambda: len(records["first"]) + len(records["second"]) >= 40 and assigned("first") and assigned("second"),
          "both members consuming all 40 records", 40, poll_both)
    r = {"split": {name: assigned(name) for name in members},
         "records": {name: list(rs) for name, rs in records.items()}}
    first = members["first"]
    first.commit(asynchronous=False)
    r["committed"] = sorted([tp.partition, tp.offset] for tp in first.committed(first.assignment(), 10))
    first.close()
    del members["first"]
    before = len(records["second"])
    until(lambda: len(assigned("second")) == 4, "the second member taking over all partitions", 40, poll_both)
    r["afterLeave"] = assigned("second")
    # What the second member reads now: the first member's partitions resume at its commit; an eager protocol
    # also resets the second's own partitions to their (absent) commit, so they are read again. One more record
    # per partition (offset 10) marks where each partition has caught up.
    for i in range(4):
        producer.produce(topic, value=b"after-leave", partition=i)
    producer.flush(10)
    until(lambda: sum(1 for rec in records["second"][before:] if rec[1] == 10) == 4,
          "the second member reading the record after the rebalance on every partition", 40, poll_both)
    r["readAfterLeave"] = sorted(records["second"][before:])
    r["events"] = list(events)
    members["second"].close()
    return r


def sasl(bootstrap, p, mechanism, user, password):
    """librdkafka logs in with SaslHandshake v1 and SaslAuthenticate; the case produces and reads back a record as
    user, then tries a wrong password and reports the error the client raised."""
    login = {"bootstrap.servers": bootstrap, "security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": mechanism,
             "sasl.username": user}
    topic = p + "-topic"
    producer = Producer(dict(login, **{"sasl.password": password, "acks": "all"}))
    reports, on_delivery = delivered()
    producer.produce(topic, key=b"k", value=b"over " + mechanism.encode(), on_delivery=on_delivery)
    producer.flush(20)
    consumer = Consumer(dict(login, **{"sasl.password": password, "group.id": p, "enable.auto.commit": False}))
    consumer.assign([TopicPartition(topic, reports[0][0], 0)])
    records = drain(consumer, 1)
    consumer.close()
    errors = []
    wrong = AdminClient(dict(login, **{"sasl.password": password + "-wrong",
                                       "error_cb": lambda e: errors.append([e.code(), e.str()])}))
    # librdkafka connects to the bootstrap broker at once; the refused login comes to error_cb
    until(lambda: errors, "an error for the wrong password", 10, lambda: wrong.poll(0.2))
    code, message = errors[0]
    return {"delivered": reports, "read": [[rec[1], rec[2], rec[3]] for rec in records],
            "wrongPassword": [code, message[message.index("SASL"):message.index(" (after")]]}


def consumer(bootstrap, p):
    topic, group_id = p + "-topic", p + "-group"
    create(bootstrap, NewTopic(topic, 2, 1))
    base = 1700000000000
    producer = Producer({"bootstrap.servers": bootstrap})
    for i in range(10):
        producer.produce(topic, value=b"v%d" % i, partition=0, timestamp=base + i * 1000)
    producer.flush(10)
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group_id, "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    tp0, tp1 = TopicPartition(topic, 0), TopicPartition(topic, 1)
    r = {"committedBefore": c.committed([tp0], 10)[0].offset}
    c.assign([TopicPartition(topic, 0, 0)])
    first = drain(c, 4)
    r["first"] = [[rec[1], rec[3]] for rec in first]
    c.commit(asynchronous=False)
    r["committedAfterCommit"] = c.committed([tp0], 10)[0].offset
    c.commit(offsets=[TopicPartition(topic, 0, 7)], asynchronous=False)
    r["committedExplicit"] = c.committed([tp0], 10)[0].offset
    r["forTimes"] = {
        label: c.offsets_for_times([TopicPartition(topic, 0, ts)], 10)[0].offset
        for label, ts in (("exact", base + 3000), ("between", base + 3500), ("before", base - 1), ("after", base + 99999))
    }
    r["watermarks"] = [list(c.get_watermark_offsets(tp, 10, cached=False)) for tp in (tp0, tp1)]
    c.seek(TopicPartition(topic, 0, 8))
    r["afterSeek"] = [[rec[1], rec[3]] for rec in drain(c, 2)]
    r["position"] = c.position([tp0])[0].offset
    metadata = c.list_topics(topic, 10).topics[topic]
    r["metadata"] = {str(i): [pm.leader, pm.replicas, pm.isrs] for i, pm in metadata.partitions.items()}
    r["unknownTopicError"] = c.list_topics(p + "-missing", 10).topics[p + "-missing"].error.code()
    c.close()
    return r


if __name__ == "__main__":
    casekit.run({
        "admin": admin, "idempotent": idempotent, "keyed": keyed, "codec": codec,
        "transactions": transactions, "group": group, "consumer": consumer, "sasl": sasl,
    })
