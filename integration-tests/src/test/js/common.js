'use strict'
// Shared by the scenario scripts KafkaJsIT runs: `node <script>.js <bootstrap> <prefix>`.
// A script prints exactly one JSON object on stdout; KafkaJS's own log goes to stderr.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1'
const { Kafka, logLevel } = require('kafkajs')

const [bootstrap, prefix = 'js'] = process.argv.slice(2)

function stderrLogger() {
  return ({ namespace, level, label, log }) => {
    process.stderr.write(`${label} [${namespace}] ${log.message} ${JSON.stringify(log)}\n`)
  }
}

/** A KafkaJS client of the broker under test; {@code extra} adds to or overrides the settings (e.g. sasl). */
function kafka(clientId, extra = {}) {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.WARN,
    logCreator: stderrLogger,
    retry: { retries: 5, initialRetryTime: 100 },
    ...extra,
  })
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

/** Resolves when check() is true, polling every 50 ms; rejects naming what after timeoutMs. */
async function until(what, check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/**
 * The parts of a KafkaJS error a test compares: the error's class and, per failed item, Kafka's error name and
 * code. KafkaJS nests the broker's errors: an aggregate (CreateTopics) keeps them in errors, DeleteGroups in
 * groups, DeleteRecords in partitions, a retried call in its cause.
 */
function errorOf(e) {
  const items = e.errors || e.groups || e.partitions || (e.cause && (e.cause.groups || e.cause.partitions))
  const brokerError = x => (x && x.error && typeof x.error === 'object' ? x.error : x)
  const one = x => ({ type: x.type || null, code: x.code !== undefined ? x.code : null })
  const result = { name: e.name, message: e.message }
  if (items && items.length) {
    result.items = items.map(item => ({
      ...(item.groupId ? { groupId: item.groupId } : {}),
      ...(item.partition !== undefined ? { partition: item.partition } : {}),
      ...one(brokerError(item)),
    }))
  } else {
    Object.assign(result, one(e.type ? e : e.cause || e))
  }
  return result
}

/** Runs main(), prints its result as JSON and exits 0; prints the error and exits 1 on failure. */
function run(main) {
  main()
    .then(result => {
      process.stdout.write(JSON.stringify(result) + '\n')
      process.exit(0)
    })
    .catch(e => {
      process.stderr.write(`FAILED: ${e && e.stack ? e.stack : e}\n`)
      process.exit(1)
    })
}

module.exports = { kafka, bootstrap, prefix, sleep, until, errorOf, run }
