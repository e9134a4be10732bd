'use strict'
// Transactions as a KafkaJS application runs them: a committed and an aborted transaction, then a
// consume-transform-produce step whose sendOffsets commits the input offset for a group. Reads the output
// back with a read_committed and a read_uncommitted KafkaJS consumer. Then a second producer with the same
// transactional id fences the first mid-transaction: the zombie can neither send nor commit.
const { kafka, prefix, until, errorOf, run } = require('./common')

const client = kafka('kafkajs-txn')
const out = `${prefix}-out`
const input = `${prefix}-in`
const group = `${prefix}-group`

async function readAll(groupId, readUncommitted, expected, topic = out) {
  const values = []
  const consumer = client.consumer({ groupId, readUncommitted, maxWaitTimeInMs: 200 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push({ offset: message.offset, value: message.value.toString() })
    },
  })
  await until(`${expected} records (readUncommitted ${readUncommitted})`, () => values.length >= expected)
  await consumer.disconnect()
  return values
}

run(async () => {
  const admin = client.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: out, numPartitions: 1 }, { topic: input, numPartitions: 2 }] })

  const producer = client.producer({ transactionalId: `${prefix}-tx`, idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()

  const committed = await producer.transaction()
  await committed.send({ topic: out, messages: [{ value: 'c1' }, { value: 'c2' }] })
  await committed.send({ topic: out, messages: [{ value: 'c3' }] })
  await committed.commit()

  const aborted = await producer.transaction()
  await aborted.send({ topic: out, messages: [{ value: 'a1' }, { value: 'a2' }] })
  await aborted.abort()

  const step = await producer.transaction()
  await step.send({ topic: out, messages: [{ value: 'c4' }] })
  await step.sendOffsets({
    consumerGroupId: group,
    topics: [{ topic: input, partitions: [{ partition: 0, offset: '42' }, { partition: 1, offset: '7' }] }],
  })
  await step.commit()
  await producer.disconnect()

  const groupOffsets = await admin.fetchOffsets({ groupId: group, topics: [input] })
  const endOffsets = await admin.fetchTopicOffsets(out)
  await admin.disconnect()

  const fenced = await zombie()

  // Each commit or abort adds one control record: c1 c2 c3 (0-2), marker (3), a1 a2 (4-5), marker (6), c4 (7), marker (8).
  const readCommitted = await readAll(`${prefix}-rc`, false, 4)
  const readUncommitted = await readAll(`${prefix}-ru`, true, 6)
  return {
    readCommitted,
    readUncommitted,
    groupOffsets: groupOffsets[0].partitions.map(p => ({ partition: p.partition, offset: p.offset })),
    endOffsets: endOffsets.map(o => ({ partition: o.partition, offset: o.offset, high: o.high, low: o.low })),
    fenced,
  }
})

async function zombie() {
  const topic = `${prefix}-fenced`
  const admin = client.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
  await admin.disconnect()
  const settings = { transactionalId: `${prefix}-fenced-tx`, idempotent: true, maxInFlightRequests: 1 }
  const first = client.producer({ ...settings, retry: { retries: 1 } })
  await first.connect()
  const zombie = await first.transaction()
  await zombie.send({ topic, messages: [{ value: 'zombie-1' }] })
  const second = client.producer(settings)
  await second.connect()
  const fresh = await second.transaction() // InitProducerId: bumps the epoch, aborts the zombie's transaction
  const attempt = async call => {
    try {
      await call()
      return 'succeeded'
    } catch (e) {
      return errorOf(e)
    }
  }
  const zombieSend = await attempt(() => zombie.send({ topic, messages: [{ value: 'zombie-2' }] }))
  const zombieCommit = await attempt(() => zombie.commit())
  await fresh.send({ topic, messages: [{ value: 'fresh' }] })
  await fresh.commit()
  await second.disconnect()
  await first.disconnect()
  // zombie-1 (0), the abort marker (1), fresh (2), its commit marker (3).
  const read = await readAll(`${prefix}-fenced-rc`, false, 1, topic)
  return { zombieSend, zombieCommit, read }
}
