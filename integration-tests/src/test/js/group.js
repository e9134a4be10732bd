'use strict'
// A consumer group of two KafkaJS members shares a 4-partition topic, then the survivor takes every
// partition when the other leaves. Reports each generation's assignment and which partitions each member
// consumed from.
const { kafka, prefix, until, run } = require('./common')

const client = kafka('kafkajs-group')
const topic = `${prefix}-shared`
const groupId = `${prefix}-group`
const PARTITIONS = 4

function member(name) {
  const state = { name, joins: [], records: [] }
  const consumer = client.consumer({ groupId, heartbeatInterval: 300, sessionTimeout: 10000, maxWaitTimeInMs: 200 })
  consumer.on(consumer.events.GROUP_JOIN, e => {
    state.joins.push({
      partitions: (e.payload.memberAssignment[topic] || []).slice().sort(),
      isLeader: e.payload.isLeader,
    })
  })
  state.consumer = consumer
  state.start = async () => {
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        state.records.push({ partition, value: message.value.toString() })
      },
    })
  }
  state.assigned = () => (state.joins.length ? state.joins[state.joins.length - 1].partitions : [])
  return state
}

async function produceRound(producer, round) {
  const messages = []
  for (let p = 0; p < PARTITIONS; p++) messages.push({ partition: p, value: `${round}-p${p}` })
  await producer.send({ topic, messages })
}

run(async () => {
  const admin = client.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })
  const producer = client.producer()
  await producer.connect()

  const a = member('a')
  const b = member('b')
  await a.start()
  await until('member a to join', () => a.joins.length > 0)
  await b.start()
  await until('the two members to split the partitions', () => a.assigned().length + b.assigned().length === PARTITIONS && a.assigned().length > 0 && b.assigned().length > 0)
  const split = { a: a.assigned(), b: b.assigned() }
  const described = await admin.describeGroups([groupId])

  await produceRound(producer, 'first')
  await until('the first round', () => a.records.length + b.records.length >= PARTITIONS)
  const firstRound = {
    a: a.records.map(r => r.partition).sort(),
    b: b.records.map(r => r.partition).sort(),
  }

  await b.consumer.disconnect()
  await until('member a to take every partition', () => a.assigned().length === PARTITIONS)
  await produceRound(producer, 'second')
  await until('the second round', () => a.records.filter(r => r.value.startsWith('second')).length >= PARTITIONS)
  const secondRound = a.records.filter(r => r.value.startsWith('second')).map(r => r.partition).sort()
  const afterLeave = await admin.describeGroups([groupId])

  await a.consumer.disconnect()
  await producer.disconnect()
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] })
  await admin.disconnect()
  const members = g => g.groups[0].members.map(m => m.clientId)
  return {
    split,
    firstRound,
    secondRound,
    afterLeaveAssignment: a.assigned(),
    describedWhileTwo: { state: described.groups[0].state, protocol: described.groups[0].protocol, members: members(described) },
    describedAfterLeave: { state: afterLeave.groups[0].state, members: members(afterLeave) },
    committed: offsets[0].partitions.map(p => ({ partition: p.partition, offset: p.offset })).sort((x, y) => x.partition - y.partition),
  }
})
