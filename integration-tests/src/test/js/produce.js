'use strict'
// Producing as a KafkaJS application does: keys through the default (Java-compatible murmur2) partitioner,
// headers, null keys, gzip, each acks setting and the idempotent producer. Reads the headers back with a
// KafkaJS consumer; the Java side reads every topic with the Java client.
const { CompressionTypes } = require('kafkajs')
const { kafka, prefix, until, run } = require('./common')

const client = kafka('kafkajs-produce')
const t = name => `${prefix}-${name}`
const sent = results => results.map(r => ({ partition: r.partition, baseOffset: r.baseOffset, errorCode: r.errorCode }))

run(async () => {
  const admin = client.admin()
  await admin.connect()
  await admin.createTopics({
    topics: [
      { topic: t('keys'), numPartitions: 6 },
      { topic: t('misc'), numPartitions: 1 },
      { topic: t('gzip'), numPartitions: 1 },
      { topic: t('acks'), numPartitions: 1 },
      { topic: t('idem'), numPartitions: 1 },
    ],
  })
  await admin.disconnect()

  const producer = client.producer()
  await producer.connect()
  const keys = {}
  for (let i = 0; i < 60; i++) {
    const key = `key-${i}`
    const [r] = await producer.send({ topic: t('keys'), messages: [{ key, value: `v${i}` }] })
    keys[key] = r.partition
  }
  const misc = await producer.send({
    topic: t('misc'),
    messages: [
      { key: 'h', value: 'with headers', headers: { 'trace-id': 'abc-123', bin: Buffer.from([0, 1, 2, 255]) } },
      { key: null, value: 'null key' },
      { value: 'no key' },
      { key: 'tomb', value: null },
    ],
  })
  const gzip = await producer.send({
    topic: t('gzip'),
    compression: CompressionTypes.GZIP,
    messages: Array.from({ length: 100 }, (_, i) => ({ key: `g${i}`, value: `gzipped value ${i} ${'z'.repeat(i)}` })),
  })
  const acks = {}
  for (const [name, value] of [['0', 0], ['1', 1], ['-1', -1]]) {
    acks[name] = sent(await producer.send({ topic: t('acks'), acks: value, messages: [{ value: `acks=${name}` }] }))
  }
  await producer.disconnect()

  const idempotent = client.producer({ idempotent: true, maxInFlightRequests: 1 })
  await idempotent.connect()
  const idem = []
  for (let i = 0; i < 5; i++) {
    const messages = Array.from({ length: 3 }, (_, j) => ({ value: `idem-${i}-${j}` }))
    idem.push(...sent(await idempotent.send({ topic: t('idem'), acks: -1, messages })))
  }
  await idempotent.disconnect()

  const read = []
  const consumer = client.consumer({ groupId: t('readback'), maxWaitTimeInMs: 200 })
  await consumer.connect()
  await consumer.subscribe({ topic: t('misc'), fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const headers = {}
      for (const [k, v] of Object.entries(message.headers)) headers[k] = v.toString('hex')
      read.push({
        partition,
        offset: message.offset,
        key: message.key === null ? null : message.key.toString(),
        value: message.value === null ? null : message.value.toString(),
        headers,
      })
    },
  })
  await until('4 records of the misc topic', () => read.length >= 4)
  await consumer.disconnect()

  return { keys, misc: sent(misc), gzip: sent(gzip), acks, idem, read }
})
