'use strict'
// Transactions as a KafkaJS application runs them: a committed and an aborted transaction, then a
// consume-transform-produce step whose sendOffsets commits the input offset for a group. Reads the output
// back with a read_committed and a read_uncommitted KafkaJS consumer.
const { kafka, prefix, until, run } = require('./common')

const client = kafka('kafkajs-txn')
const out = `${prefix}-out`
const input = `${prefix}-in`
const group = `${prefix}-group`

async function readAll(groupId, readUncommitted, expected) {
  const values = []
  const consumer = client.consumer({ groupId, readUncommitted, maxWaitTimeInMs: 200 })
  await consumer.connect()
  await consumer.subscribe({ topic: out, fromBeginning: true })
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

  // Each commit or abort adds one control record: c1 c2 c3 (0-2), marker (3), a1 a2 (4-5), marker (6), c4 (7), marker (8).
  const readCommitted = await readAll(`${prefix}-rc`, false, 4)
  const readUncommitted = await readAll(`${prefix}-ru`, true, 6)
  return {
    readCommitted,
    readUncommitted,
    groupOffsets: groupOffsets[0].partitions.map(p => ({ partition: p.partition, offset: p.offset })),
    endOffsets: endOffsets.map(o => ({ partition: o.partition, offset: o.offset, high: o.high, low: o.low })),
  }
})
