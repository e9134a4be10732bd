'use strict'
// SASL logins as a KafkaJS application configures them (sasl: { mechanism, username, password }) on a
// SASL_PLAINTEXT listener: each login of argv[4] (a JSON array of { mechanism, username, password, ok })
// produces, consumes in a group and lists topics, or, when ok is false, reports how its connect failed.
const { kafka, prefix, until, errorOf, run } = require('./common')

const logins = JSON.parse(process.argv[4])

async function roundTrip({ mechanism, username, password }, index) {
  const client = kafka(`kafkajs-${mechanism}`, { sasl: { mechanism, username, password }, retry: { retries: 2 } })
  const topic = `${prefix}-${index}`
  const admin = client.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
  const producer = client.producer()
  await producer.connect()
  await producer.send({ topic, messages: [{ key: 'k1', value: 'hello' }, { key: 'k2', value: 'world' }] })
  await producer.disconnect()
  const read = []
  const consumer = client.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 200 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({ eachMessage: async ({ message }) => void read.push(`${message.key}=${message.value}`) })
  await until(`${username} to read two records`, () => read.length >= 2)
  await consumer.disconnect()
  const listed = (await admin.listTopics()).includes(topic)
  await admin.disconnect()
  return { read, listed }
}

async function refused({ mechanism, username, password }) {
  const client = kafka(`kafkajs-${mechanism}`, { sasl: { mechanism, username, password }, retry: { retries: 0 } })
  const admin = client.admin()
  try {
    await admin.connect()
    await admin.listTopics()
    return { connected: true }
  } catch (e) {
    return { error: { name: e.name, type: e.type || null, message: e.message } }
  } finally {
    await admin.disconnect()
  }
}

run(async () => {
  const results = []
  for (const [index, login] of logins.entries()) {
    results.push(login.ok ? await roundTrip(login, index) : await refused(login))
  }
  return results
})
