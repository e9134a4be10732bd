'use strict'
// Consumer controls a KafkaJS application uses: manual commits (and resuming from them in a new member),
// seek, pause/resume, and fromBeginning against latest.
const { kafka, prefix, sleep, until, run } = require('./common')

const client = kafka('kafkajs-consumer')
const topic = `${prefix}-c`
const values = n => Array.from({ length: n }, (_, i) => ({ value: `m${i}` }))

function reader(groupId, options = {}) {
  const state = { records: [], joined: false }
  state.consumer = client.consumer({ groupId, maxWaitTimeInMs: 200, heartbeatInterval: 500, ...options })
  state.consumer.on(state.consumer.events.GROUP_JOIN, () => {
    state.joined = true
  })
  state.start = async (fromBeginning, eachMessage) => {
    await state.consumer.connect()
    await state.consumer.subscribe({ topic, fromBeginning })
    await state.consumer.run({
      autoCommit: options.autoCommit !== false,
      eachMessage: async payload => {
        state.records.push({ offset: payload.message.offset, value: payload.message.value.toString() })
        if (eachMessage) await eachMessage(payload)
      },
    })
  }
  state.offsets = () => state.records.map(r => r.offset)
  return state
}

async function committed(admin, groupId) {
  const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] })
  return partitions[0].offset
}

run(async () => {
  const admin = client.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
  const producer = client.producer()
  await producer.connect()
  await producer.send({ topic, messages: values(10) })

  // Manual commit: commit offset 4 (the next record to read) after reading m0..m3, then a new member resumes there.
  const manual = reader(`${prefix}-manual`, { autoCommit: false })
  await manual.start(true)
  await until('10 records', () => manual.records.length >= 10)
  await manual.consumer.commitOffsets([{ topic, partition: 0, offset: '4' }])
  const manualCommitted = await committed(admin, `${prefix}-manual`)
  await manual.consumer.disconnect()
  const resumed = reader(`${prefix}-manual`, { autoCommit: false })
  await resumed.start(true)
  await until('6 records after the commit', () => resumed.records.length >= 6)
  await resumed.consumer.disconnect()

  // Seek: jump back to offset 7 once the first record has arrived.
  const seeker = reader(`${prefix}-seek`)
  let sought = false
  await seeker.start(true, async ({ message }) => {
    if (!sought && message.offset === '2') {
      sought = true
      seeker.consumer.seek({ topic, partition: 0, offset: '7' })
    }
  })
  await until('the records after the seek', () => seeker.records.some(r => r.offset === '9') && sought)
  await seeker.consumer.disconnect()

  // Pause/resume: nothing arrives while paused, then everything produced meanwhile does.
  const pauser = reader(`${prefix}-pause`)
  await pauser.start(true)
  await until('the first 10 records', () => pauser.records.length >= 10)
  pauser.consumer.pause([{ topic }])
  const pausedList = pauser.consumer.paused()
  await producer.send({ topic, messages: [{ value: 'while-paused' }] })
  await sleep(1500)
  const whilePaused = pauser.records.length
  pauser.consumer.resume([{ topic }])
  await until('the record sent while paused', () => pauser.records.length >= 11)
  await pauser.consumer.disconnect()

  // fromBeginning=false starts at the end (auto.offset.reset latest): only what is produced after joining.
  const latest = reader(`${prefix}-latest`)
  await latest.start(false)
  await until('the latest reader to join', () => latest.joined)
  await sleep(500)
  await producer.send({ topic, messages: [{ value: 'after-join' }] })
  await until('the record produced after joining', () => latest.records.length >= 1)
  await sleep(300)
  await latest.consumer.disconnect()
  const beginning = reader(`${prefix}-beginning`)
  await beginning.start(true)
  await until('12 records from the beginning', () => beginning.records.length >= 12)
  await beginning.consumer.disconnect()

  await producer.disconnect()
  await admin.disconnect()
  return {
    manual: { firstRead: manual.offsets(), committed: manualCommitted, resumed: resumed.offsets() },
    seek: seeker.offsets(),
    pause: { paused: pausedList, countWhilePaused: whilePaused, afterResume: pauser.records.slice(10).map(r => r.value) },
    latest: latest.records.map(r => r.value),
    beginning: beginning.records.map(r => r.value),
  }
})
