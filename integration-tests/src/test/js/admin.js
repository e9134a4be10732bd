'use strict'
// The KafkaJS admin client, call by call, with the error cases a user meets. Each entry of the result is one
// call's outcome; an expected failure is reported as { error: { type, code } } instead of failing the script.
const { kafka, prefix, until, errorOf, run } = require('./common')
const { ConfigResourceTypes } = require('kafkajs')

const client = kafka('kafkajs-admin')
const t = name => `${prefix}-${name}`

async function outcome(call) {
  try {
    return { value: await call() }
  } catch (e) {
    return { error: errorOf(e) }
  }
}

const configs = (result, names) => {
  const out = {}
  for (const entry of result.resources[0].configEntries) {
    if (names.includes(entry.configName)) out[entry.configName] = { value: entry.configValue, isDefault: entry.isDefault }
  }
  return out
}

async function topicsAndPartitions(admin, r) {
  r.createWithConfigs = await outcome(() =>
    admin.createTopics({
      topics: [
        {
          topic: t('configured'),
          numPartitions: 2,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: '3600000' },
            { name: 'cleanup.policy', value: 'compact' },
          ],
        },
      ],
    })
  )
  r.createValidateOnly = await outcome(() =>
    admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: t('validate-only'), numPartitions: 3 }] })
  )
  r.createAlreadyExists = await outcome(() => admin.createTopics({ topics: [{ topic: t('configured'), numPartitions: 2 }] }))
  r.createZeroPartitions = await outcome(() =>
    admin.createTopics({ waitForLeaders: false, topics: [{ topic: t('zero'), numPartitions: 0 }] })
  )
  r.createTooManyReplicas = await outcome(() =>
    admin.createTopics({ waitForLeaders: false, topics: [{ topic: t('rf3'), numPartitions: 1, replicationFactor: 3 }] })
  )
  r.createBadConfig = await outcome(() =>
    admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic: t('bad-config'), configEntries: [{ name: 'cleanup.policy', value: 'shred' }] }],
    })
  )
  r.topicsAfterCreates = (await admin.listTopics()).filter(name => name.startsWith(`${prefix}-`)).sort()

  r.describeTopicConfigs = configs(
    await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: t('configured') }],
    }),
    ['retention.ms', 'cleanup.policy', 'segment.bytes']
  )
  // the legacy AlterConfigs: the entries sent replace the topic's overrides (cleanup.policy goes back to its default)
  r.alterConfigs = await outcome(() =>
    admin.alterConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: t('configured'), configEntries: [{ name: 'segment.ms', value: '600000' }] }],
    })
  )
  r.alterConfigsInvalid = await outcome(() =>
    admin.alterConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: t('configured'), configEntries: [{ name: 'segment.ms', value: 'soon' }] }],
    })
  )
  r.configsAfterAlter = configs(
    await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: t('configured') }],
    }),
    ['retention.ms', 'cleanup.policy', 'segment.ms']
  )
  const cluster = await admin.describeCluster()
  r.describeCluster = {
    brokers: cluster.brokers.map(b => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
    controller: cluster.controller,
    clusterIdPresent: typeof cluster.clusterId === 'string' && cluster.clusterId.length > 0,
  }
  r.describeBrokerConfigs = configs(
    await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(cluster.brokers[0].nodeId) }],
    }),
    ['num.partitions', 'log.retention.hours', 'auto.create.topics.enable']
  )

  r.createPartitions = await outcome(() => admin.createPartitions({ topicPartitions: [{ topic: t('configured'), count: 5 }] }))
  r.createPartitionsFewer = await outcome(() => admin.createPartitions({ topicPartitions: [{ topic: t('configured'), count: 3 }] }))
  const metadata = await admin.fetchTopicMetadata({ topics: [t('configured')] })
  r.metadataAfterCreatePartitions = metadata.topics.map(topic => ({
    name: topic.name,
    partitions: topic.partitions
      .map(p => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr, errorCode: p.partitionErrorCode }))
      .sort((x, y) => x.partition - y.partition),
  }))

  await admin.createTopics({ topics: [{ topic: t('doomed'), numPartitions: 1 }] })
  r.deleteTopics = await outcome(() => admin.deleteTopics({ topics: [t('doomed')] }))
  // UNKNOWN_TOPIC_OR_PARTITION is retriable to KafkaJS: an admin that does not retry reports it at once.
  const noRetry = client.admin({ retry: { retries: 0 } })
  await noRetry.connect()
  r.deleteUnknownTopic = await outcome(() => noRetry.deleteTopics({ topics: [t('never-existed')] }))
  await noRetry.disconnect()
  r.topicsAfterDelete = (await admin.listTopics()).filter(name => name.startsWith(`${prefix}-`)).sort()
}

async function offsets(admin, r) {
  const topic = t('offsets')
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
  const producer = client.producer()
  await producer.connect()
  const base = Date.now() - 60000
  await producer.send({
    topic,
    messages: Array.from({ length: 6 }, (_, i) => ({ partition: 0, value: `p0-${i}`, timestamp: String(base + i * 1000) })),
  })
  await producer.send({ topic, messages: [0, 1, 2].map(i => ({ partition: 1, value: `p1-${i}`, timestamp: String(base + i * 1000) })) })
  await producer.disconnect()

  const byPartition = list => list.slice().sort((x, y) => x.partition - y.partition)
  r.fetchTopicOffsets = byPartition(await admin.fetchTopicOffsets(topic))
  r.fetchTopicOffsetsByTimestamp = {
    // first record at or after base+2500: offset 3 on p0; p1 has none that late (its last is base+2000), so KafkaJS gives the end
    middle: byPartition(await admin.fetchTopicOffsetsByTimestamp(topic, base + 2500)),
    exact: byPartition(await admin.fetchTopicOffsetsByTimestamp(topic, base + 1000)),
    beforeAll: byPartition(await admin.fetchTopicOffsetsByTimestamp(topic, base - 5000)),
  }

  r.deleteTopicRecords = await outcome(() => admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '5' }] }))
  r.deleteTopicRecordsBeyondEnd = await outcome(() => admin.deleteTopicRecords({ topic, partitions: [{ partition: 1, offset: '10' }] }))
  r.fetchTopicOffsetsAfterDelete = byPartition(await admin.fetchTopicOffsets(topic))

  // KafkaJS's setOffsets and resetOffsets each run a consumer that waits out one idle fetch (maxWaitTime, 5 s):
  // run the three at once, on three groups.
  const [set, latest, earliest] = ['set', 'latest', 'earliest'].map(name => t(`offsets-${name}`))
  const committedOf = async groupId => byPartition((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions)
  ;[r.setOffsets, r.resetOffsetsLatest, r.resetOffsetsEarliest] = await Promise.all([
    outcome(() => admin.setOffsets({ groupId: set, topic, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '1' }] })),
    outcome(() => admin.resetOffsets({ groupId: latest, topic })),
    outcome(() => admin.resetOffsets({ groupId: earliest, topic, earliest: true })),
  ])
  r.fetchOffsetsAfterSet = await committedOf(set)
  r.fetchOffsetsAfterResetLatest = await committedOf(latest)
  r.fetchOffsetsAfterResetEarliest = await committedOf(earliest)
  // A member of the group then starts at the offsets set: p1 at 1; p0's 4 now lies below the log start (5), so
  // its fetch is answered OFFSET_OUT_OF_RANGE and KafkaJS resets to the earliest offset, as fromBeginning says.
  // (resetOffsets commits KafkaJS's -1/-2 markers as they are, and Kafka keeps them: a member of those groups
  // starts as its own fromBeginning says, so the committed values are all there is to check for them.)
  const firstRead = {}
  const consumer = client.consumer({ groupId: set, maxWaitTimeInMs: 200, heartbeatInterval: 500 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (firstRead[partition] === undefined) firstRead[partition] = message.offset
    },
  })
  await until('the set group to read both partitions', () => Object.keys(firstRead).length === 2)
  await consumer.disconnect()
  r.firstReadAfterSet = firstRead
  r.fetchOffsetsUnknownGroup = byPartition((await admin.fetchOffsets({ groupId: t('nobody'), topics: [topic] }))[0].partitions)
}

async function groups(admin, r) {
  const topic = t('groups')
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
  const producer = client.producer()
  await producer.connect()
  await producer.send({ topic, messages: [{ value: 'one' }] })
  await producer.disconnect()

  const live = client.consumer({ groupId: t('live'), heartbeatInterval: 500, maxWaitTimeInMs: 200 })
  let consumed = 0
  await live.connect()
  await live.subscribe({ topic, fromBeginning: true })
  await live.run({ eachMessage: async () => void consumed++ })
  await until('the live group to consume', () => consumed >= 1)
  await admin.setOffsets({ groupId: t('idle'), topic, partitions: [{ partition: 0, offset: '1' }] })

  const listed = await admin.listGroups()
  r.listGroups = listed.groups.filter(g => g.groupId.startsWith(`${prefix}-`)).sort((x, y) => x.groupId.localeCompare(y.groupId))
  const described = await admin.describeGroups([t('live'), t('idle'), t('unknown')])
  r.describeGroups = described.groups.map(g => ({
    groupId: g.groupId,
    state: g.state,
    protocolType: g.protocolType,
    protocol: g.protocol,
    errorCode: g.errorCode,
    members: g.members.map(m => ({ clientId: m.clientId, hasAssignment: m.memberAssignment.length > 0 })),
  }))
  r.deleteNonEmptyGroup = await outcome(() => admin.deleteGroups([t('live')]))
  r.deleteUnknownGroup = await outcome(() => admin.deleteGroups([t('unknown')]))
  await live.disconnect()
  r.deleteGroups = await outcome(() => admin.deleteGroups([t('idle'), t('live')]))
  r.groupsAfterDelete = (await admin.listGroups()).groups.filter(g => g.groupId.startsWith(`${prefix}-`)).map(g => g.groupId).sort()
}

async function acls(admin, r) {
  const { AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = require('kafkajs')
  const acl = {
    resourceType: AclResourceTypes.TOPIC,
    resourceName: t('acl'),
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: AclOperationTypes.READ,
    permissionType: AclPermissionTypes.ALLOW,
  }
  r.describeAcls = await outcome(() =>
    admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    })
  )
  r.createAcls = await outcome(() => admin.createAcls({ acl: [acl] }))
  r.deleteAcls = await outcome(() => admin.deleteAcls({ filters: [acl] }))
}

run(async () => {
  const admin = client.admin()
  await admin.connect()
  const r = {}
  await topicsAndPartitions(admin, r)
  await offsets(admin, r)
  await groups(admin, r)
  await acls(admin, r)
  await admin.disconnect()
  return r
})
