"""kafka-python (a pure-Python client) against Fjord: one case per run, see casekit.run. Every case creates
its own topics (named after PREFIX) and reports what the client saw: offsets, partitions, contents, error codes."""
import logging
import threading

import casekit
from casekit import text, until

casekit.require("kafka", "python3-kafka")
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic  # noqa: E402
from kafka.errors import KafkaError  # noqa: E402

logging.basicConfig(level=logging.ERROR)


def code(call):
    """0, or the Kafka error code the call raised."""
    try:
        call()
        return 0
    except KafkaError as e:
        return e.errno


def admin(bootstrap, p):
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    cfg, vo = p + "-cfg", p + "-validate"
    r = {}
    r["create"] = code(lambda: a.create_topics([NewTopic(cfg, 3, 1, topic_configs={"retention.ms": "7654321"})]))
    r["createAgain"] = code(lambda: a.create_topics([NewTopic(cfg, 3, 1)]))
    r["createZeroPartitions"] = code(lambda: a.create_topics([NewTopic(p + "-zero", 0, 1)]))
    r["validateOnly"] = code(lambda: a.create_topics([NewTopic(vo, 2, 1)], validate_only=True))
    r["grow"] = code(lambda: a.create_partitions({cfg: NewPartitions(5)}))
    r["growMissing"] = code(lambda: a.create_partitions({p + "-missing": NewPartitions(2)}))
    r["topics"] = sorted(t for t in a.list_topics() if t.startswith(p))
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    r["partitions"] = sorted(consumer.partitions_for_topic(cfg))
    consumer.close()
    (response,) = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, cfg)], include_synonyms=True)
    (resource,) = response.resources
    error_code, _, _, name, entries = resource
    wanted = ("retention.ms", "cleanup.policy", "max.message.bytes", "leader.replication.throttled.replicas")
    # name: [value, source, [[synonym, value, source], ...]]
    r["configs"] = {e[0]: [e[1], e[3], [list(s) for s in e[5]]] for e in entries if e[0] in wanted}
    r["describeError"] = error_code
    (response,) = a.describe_configs([ConfigResource(ConfigResourceType.BROKER, "1")], include_synonyms=True)
    (resource,) = response.resources
    wanted = ("num.partitions", "log.retention.hours", "log.retention.ms")
    r["brokerConfigs"] = {e[0]: [e[1], e[3], [list(s) for s in e[5]]] for e in resource[4] if e[0] in wanted}
    # the legacy AlterConfigs: what is sent replaces the topic's overrides, so retention.ms returns to its default
    (altered,) = a.alter_configs([ConfigResource(ConfigResourceType.TOPIC, cfg, configs={"segment.ms": "600000"})]).resources
    r["alter"] = altered[0]
    (bad,) = a.alter_configs([ConfigResource(ConfigResourceType.TOPIC, cfg, configs={"segment.ms": "soon"})]).resources
    r["alterInvalid"] = bad[0]
    (response,) = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, cfg)])
    r["afterAlter"] = {e[0]: [e[1], e[3]] for e in response.resources[0][4] if e[0] in ("retention.ms", "segment.ms")}
    r["delete"] = code(lambda: a.delete_topics([cfg]))
    r["deleteAgain"] = code(lambda: a.delete_topics([cfg]))
    r["topicsAfterDelete"] = sorted(t for t in a.list_topics() if t.startswith(p))
    a.close()
    return r


def produce(bootstrap, p, compression):
    topic = p + "-" + compression
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    a.create_topics([NewTopic(topic, 2, 1)])
    a.close()
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20,
        compression_type=None if compression == "none" else compression,
    )
    futures = [
        producer.send(topic, key=b"k%d" % i, value=(b"value %d " % i) + b"y" * (i % 60),
                      headers=[("n", b"%d" % i)], partition=i % 2)
        for i in range(100)
    ]
    producer.flush(10)
    deliveries = [[f.get(10).partition, f.get(10).offset] for f in futures]
    producer.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    consumer.assign([TopicPartition(topic, 0), TopicPartition(topic, 1)])
    consumer.seek_to_beginning()
    records = []

    def step():
        for batch in consumer.poll(200).values():
            records.extend([m.partition, m.offset, text(m.key), text(m.value), [[k, text(v)] for k, v in m.headers]]
                           for m in batch)

    until(lambda: len(records) >= 100, "100 records", 20, step)
    consumer.close()
    return {"topic": topic, "deliveries": deliveries, "records": sorted(records)}


def group(bootstrap, p):
    topic, group_id = p + "-topic", p + "-group"
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    a.create_topics([NewTopic(topic, 4, 1)])
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for i in range(40):
        producer.send(topic, value=b"%d" % i, partition=i % 4)
    producer.flush(10)
    producer.close()

    def member(name):
        return KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group_id, client_id=name,
                             enable_auto_commit=False, auto_offset_reset="earliest",
                             session_timeout_ms=6000, heartbeat_interval_ms=300)

    # kafka-python joins inside poll() and blocks there until the group's JoinGroup completes, so each member
    # needs its own thread: one thread polling both would hold the other member out of the rebalance.
    members = {"first": member("first"), "second": member("second")}
    records = {"first": [], "second": []}
    running = {"first": True, "second": True}

    def poll_loop(name):
        while running[name]:
            for batch in members[name].poll(100).values():
                records[name].extend([m.partition, m.offset] for m in batch)

    threads = {name: threading.Thread(target=poll_loop, args=(name,)) for name in members}
    for t in threads.values():
        t.start()

    def assigned(name):
        return sorted(tp.partition for tp in members[name].assignment())

    try:
        until(lambda: len(records["first"]) + len(records["second"]) >= 40 and assigned("first") and assigned("second"),
              "both members consuming all 40 records", 40)
        running["first"] = False
        threads["first"].join()
        first = members["first"]
        r = {"split": {name: assigned(name) for name in members},
             "records": {name: list(rs) for name, rs in records.items()}}
        first.commit()
        r["committed"] = sorted([tp.partition, first.committed(tp)] for tp in first.assignment())
        r["listed"] = sorted(list(g) for g in a.list_consumer_groups() if g[0] == group_id)
        (description,) = a.describe_consumer_groups([group_id])
        r["described"] = {
            "group": description.group, "state": description.state, "protocolType": description.protocol_type,
            "protocol": description.protocol,
            "members": sorted([m.client_id, sorted(p for t, ps in m.member_assignment.assignment for p in ps)]
                              for m in description.members),
        }
        r["groupOffsets"] = sorted([tp.partition, o.offset] for tp, o in a.list_consumer_group_offsets(group_id).items())
        first.close()
        before = len(records["second"])
        until(lambda: len(assigned("second")) == 4, "the second member taking over all partitions", 40)
        r["afterLeave"] = assigned("second")
        # The first member's partitions resume at its commit; the second's own were never committed, so it
        # reads them again from the beginning (auto_offset_reset=earliest). One more record per partition
        # (offset 10) marks where each partition has caught up.
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
        for i in range(4):
            producer.send(topic, value=b"after-leave", partition=i)
        producer.flush(10)
        producer.close()
        until(lambda: sum(1 for rec in records["second"][before:] if rec[1] == 10) == 4,
              "the second member reading the record after the rebalance on every partition", 40)
        r["readAfterLeave"] = sorted(records["second"][before:])
    finally:
        running["first"] = running["second"] = False
        for t in threads.values():
            t.join()
    members["second"].close()
    a.close()
    return r


def consumer(bootstrap, p):
    topic, group_id = p + "-topic", p + "-group"
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    a.create_topics([NewTopic(topic, 2, 1)])
    a.close()
    base = 1700000000000
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for i in range(10):
        producer.send(topic, value=b"v%d" % i, partition=0, timestamp_ms=base + i * 1000)
    producer.flush(10)
    producer.close()
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False)
    tp0, tp1 = TopicPartition(topic, 0), TopicPartition(topic, 1)
    c.assign([tp0, tp1])
    r = {"committedBefore": c.committed(tp0)}
    r["end"] = sorted([tp.partition, o] for tp, o in c.end_offsets([tp0, tp1]).items())
    r["beginning"] = sorted([tp.partition, o] for tp, o in c.beginning_offsets([tp0, tp1]).items())
    r["forTimes"] = {}
    for label, ts in (("exact", base + 3000), ("between", base + 3500), ("before", base - 1), ("after", base + 99999)):
        found = c.offsets_for_times({tp0: ts})[tp0]
        r["forTimes"][label] = None if found is None else [found.offset, found.timestamp]
    c.seek(tp0, 6)
    r["afterSeek"] = next_values(c, 2)
    c.seek_to_beginning(tp0)
    r["positionAfterSeekToBeginning"] = c.position(tp0)
    r["afterSeekToBeginning"] = next_values(c, 3)
    c.commit()
    r["committed"] = c.committed(tp0)
    c.seek_to_end()
    r["positionsAfterSeekToEnd"] = [c.position(tp0), c.position(tp1)]
    c.close()
    return r


def old_protocol(bootstrap, p):
    """kafka-python told to speak to an older broker (api_version) picks request versions by that guess.
    0.10.x means Produce v2 (message format v1), which Kafka 4 removed (KIP-896): Kafka 4 closes the
    connection on a request version it does not support, and so does Fjord. 0.11 (Produce v3) is the oldest
    that works."""
    topic = p + "-topic"
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    a.create_topics([NewTopic(topic, 1, 1)])
    a.close()
    r = {}
    for version in ((0, 10, 1), (0, 11)):
        producer = KafkaProducer(bootstrap_servers=bootstrap, api_version=version, retries=0,
                                 max_block_ms=5000, request_timeout_ms=5000)
        try:
            r[".".join(map(str, version))] = ["ok", producer.send(topic, b"x").get(10).offset]
        except KafkaError as e:
            r[".".join(map(str, version))] = ["error", type(e).__name__]
        producer.close(timeout=5)
    return r


def sasl(bootstrap, p, mechanism, user, password):
    """kafka-python 2.0.2 logs in the pre-KIP-152 way: SaslHandshake v0, then the mechanism's tokens as bare frames.
    Kafka still serves that; the case produces and reads back a record as user, then tries a wrong password."""
    login = dict(security_protocol="SASL_PLAINTEXT", sasl_mechanism=mechanism, sasl_plain_username=user)
    topic = p + "-topic"
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", sasl_plain_password=password, **login)
    sent = producer.send(topic, key=b"k", value=b"over " + mechanism.encode()).get(20)
    producer.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, sasl_plain_password=password,
                             **login)
    tp = TopicPartition(topic, sent.partition)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    records = []

    def step():
        for batch in consumer.poll(200).values():
            records.extend([m.offset, text(m.key), text(m.value)] for m in batch)

    until(lambda: records, "the record back", 20, step)
    consumer.close()
    try:
        KafkaProducer(bootstrap_servers=bootstrap, sasl_plain_password=password + "-wrong",
                      api_version_auto_timeout_ms=1000, **login).close()
        wrong = "logged in"
    except KafkaError as e:
        wrong = type(e).__name__
    return {"sent": sent.offset, "read": records, "wrongPassword": wrong}


def read(bootstrap, p, topic, count):
    """The first count records of partition 0 of topic (which the test wrote) as [offset, key, value] in hex."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    records = []

    def step():
        for batch in consumer.poll(200).values():
            records.extend([m.offset, None if m.key is None else m.key.hex(), m.value.hex()] for m in batch)

    until(lambda: len(records) >= int(count), "%s records" % count, 20, step)
    consumer.close()
    return {"records": records}


def next_values(consumer, count):
    values = []

    def step():
        for batch in consumer.poll(200, max_records=count - len(values)).values():
            values.extend([m.offset, text(m.value)] for m in batch)

    until(lambda: len(values) >= count, "%d records" % count, 20, step)
    return values


if __name__ == "__main__":
    casekit.run({"admin": admin, "produce": produce, "group": group, "consumer": consumer,
                 "old-protocol": old_protocol, "read": read, "sasl": sasl})
