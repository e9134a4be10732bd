package io.fjord.broker;

import io.fjord.broker.group.GroupHandlers;
import io.fjord.broker.handler.AclHandlers;
import io.fjord.broker.handler.ApiVersionsHandler;
import io.fjord.broker.handler.ClusterHandlers;
import io.fjord.broker.handler.ConfigHandlers;
import io.fjord.broker.handler.DeleteRecordsHandler;
import io.fjord.broker.handler.DescribeLogDirsHandler;
import io.fjord.broker.handler.DescribeProducersHandler;
import io.fjord.broker.handler.DescribeQuorumHandler;
import io.fjord.broker.handler.FetchHandler;
import io.fjord.broker.handler.FetchSessionCache;
import io.fjord.broker.handler.InitProducerIdHandler;
import io.fjord.broker.handler.ListOffsetsHandler;
import io.fjord.broker.handler.MetadataHandler;
import io.fjord.broker.handler.MetadataView;
import io.fjord.broker.handler.OffsetForLeaderEpochHandler;
import io.fjord.broker.handler.ProduceHandler;
import io.fjord.broker.handler.ReplicationAdminHandlers;
import io.fjord.broker.handler.ScramCredentialHandlers;
import io.fjord.broker.handler.TopicAdminHandlers;
import io.fjord.broker.handler.TxnMarkerWriter;
import io.fjord.broker.handler.WriteTxnMarkersHandler;
import io.fjord.broker.network.RequestDispatcher;
import io.fjord.broker.network.SerialExecutor;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.producer.ProducerIdManager;
import io.fjord.broker.security.SaslOutOfPlace;
import io.fjord.broker.txn.TransactionHandlers;
import io.fjord.broker.txn.TransactionVerifier;
import io.fjord.common.Time;
import io.fjord.metadata.ControllerApi;
import io.fjord.protocol.ApiKeys;
import io.fjord.storage.LogManager;
import java.util.concurrent.Executor;

/**
 * The table of APIs this broker serves and the version ranges it advertises (PROTOCOL-NOTES.md, "Versions
 * the clients need"). Produce advertises v0 as its minimum because librdkafka 2.0 turns compression off
 * otherwise; versions below the spec's v3 are never parsed.
 */
final class KafkaApis {

    private KafkaApis() {}

    /** KIP-392: fetching from the closest replica is on with Kafka's RackAwareReplicaSelector. */
    static boolean rackAwareSelector(MetadataView metadata) {
        String selector = metadata.config().replicaSelectorClass();
        return selector != null && selector.endsWith(".RackAwareReplicaSelector");
    }

    static RequestDispatcher build(
            MetadataView metadata,
            ControllerApi controller,
            ReplicaManager replicaManager,
            LogManager logs,
            ProducerIdManager producerIds,
            GroupHandlers groups,
            TransactionHandlers transactions,
            FetchSessionCache fetchSessions,
            TxnMarkerWriter txnMarkers,
            TransactionVerifier txnVerifier,
            DescribeQuorumHandler quorum,
            Executor ioPool,
            Time time) {
        RequestDispatcher dispatcher = new RequestDispatcher();
        TopicAdminHandlers topicAdmin = new TopicAdminHandlers(metadata, controller);
        ConfigHandlers configs = new ConfigHandlers(metadata, controller);
        ClusterHandlers cluster = new ClusterHandlers(metadata);
        ReplicationAdminHandlers replication = new ReplicationAdminHandlers(metadata, controller);
        ScramCredentialHandlers scram = new ScramCredentialHandlers(metadata, controller);
        AclHandlers acls = new AclHandlers(metadata.authorizer(), controller);
        dispatcher
                .register(ApiKeys.API_VERSIONS, 0, 5, new ApiVersionsHandler(dispatcher))
                // SASL listeners answer these before a client is in (ConnectionAuthenticator); here they come on a
                // PLAINTEXT listener or after authentication. SaslHandshake v0 is served as Kafka serves it: the
                // tokens then come bare, without SaslAuthenticate (kafka-python 2.0.2 logs in that way).
                .register(ApiKeys.SASL_HANDSHAKE, 0, 1, SaslOutOfPlace::handshake)
                .register(ApiKeys.SASL_AUTHENTICATE, 0, 2, SaslOutOfPlace::authenticate)
                .register(ApiKeys.METADATA, 0, 13, new MetadataHandler(metadata, controller))
                .register(
                        ApiKeys.PRODUCE,
                        0,
                        13,
                        new ProduceHandler(
                                replicaManager,
                                metadata,
                                txnVerifier,
                                new SerialExecutor(ioPool),
                                metadata.authorizer()))
                .register(
                        ApiKeys.FETCH,
                        4,
                        18,
                        new FetchHandler(
                                replicaManager,
                                metadata,
                                rackAwareSelector(metadata),
                                fetchSessions,
                                time,
                                metadata.authorizer(),
                                metadata.config().fetchMaxBytes()))
                .register(ApiKeys.LIST_OFFSETS, 1, 11, new ListOffsetsHandler(replicaManager, metadata.authorizer()))
                .register(
                        ApiKeys.INIT_PRODUCER_ID,
                        0,
                        5,
                        new InitProducerIdHandler(producerIds, transactions, metadata.authorizer()))
                // AddPartitionsToTxn v4+ is for brokers (KIP-890 verification; the Java client sends at most v3);
                // EndTxn v5 is transactions v2.
                .register(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 5, transactions::addPartitionsToTxn)
                .register(ApiKeys.ADD_OFFSETS_TO_TXN, 0, 4, transactions::addOffsetsToTxn)
                .register(ApiKeys.END_TXN, 0, 4, transactions::endTxn)
                .register(ApiKeys.LIST_TRANSACTIONS, 0, 2, transactions::listTransactions)
                .register(ApiKeys.DESCRIBE_TRANSACTIONS, 0, 0, transactions::describeTransactions)
                .register(
                        ApiKeys.DESCRIBE_PRODUCERS,
                        0,
                        0,
                        new DescribeProducersHandler(replicaManager, metadata.authorizer()))
                .register(
                        ApiKeys.WRITE_TXN_MARKERS, 1, 2, new WriteTxnMarkersHandler(txnMarkers, metadata.authorizer()))
                .register(ApiKeys.CREATE_TOPICS, 2, 7, topicAdmin::createTopics)
                .register(ApiKeys.DELETE_TOPICS, 1, 6, topicAdmin::deleteTopics)
                .register(ApiKeys.CREATE_PARTITIONS, 0, 3, topicAdmin::createPartitions)
                .register(ApiKeys.DESCRIBE_CONFIGS, 1, 4, configs::describeConfigs)
                .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1, configs::incrementalAlterConfigs)
                .register(ApiKeys.ALTER_CONFIGS, 0, 2, configs::alterConfigs)
                .register(ApiKeys.DESCRIBE_CLUSTER, 0, 2, cluster::describeCluster)
                .register(ApiKeys.DESCRIBE_QUORUM, 0, 2, quorum::describeQuorum)
                .register(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, 0, cluster::describeTopicPartitions)
                .register(ApiKeys.ELECT_LEADERS, 0, 2, replication::electLeaders)
                .register(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0, 1, replication::alterPartitionReassignments)
                .register(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, 0, replication::listPartitionReassignments)
                // Without an authorizer answered SECURITY_DISABLED, as Kafka does when authorizer.class.name is unset.
                .register(ApiKeys.DESCRIBE_ACLS, 1, 3, acls::describeAcls)
                .register(ApiKeys.CREATE_ACLS, 1, 3, acls::createAcls)
                .register(ApiKeys.DELETE_ACLS, 1, 3, acls::deleteAcls)
                .register(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, 0, 0, scram::describeUserScramCredentials)
                .register(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0, 0, scram::alterUserScramCredentials)
                .register(ApiKeys.DELETE_RECORDS, 0, 2, new DeleteRecordsHandler(replicaManager, metadata.authorizer()))
                .register(ApiKeys.DESCRIBE_LOG_DIRS, 1, 4, new DescribeLogDirsHandler(logs, metadata.authorizer()))
                .register(
                        ApiKeys.OFFSET_FOR_LEADER_EPOCH,
                        2,
                        4,
                        new OffsetForLeaderEpochHandler(replicaManager, metadata.authorizer()))
                .register(ApiKeys.FIND_COORDINATOR, 0, 6, groups::findCoordinator)
                .register(ApiKeys.JOIN_GROUP, 0, 9, groups::joinGroup)
                .register(ApiKeys.SYNC_GROUP, 0, 5, groups::syncGroup)
                .register(ApiKeys.HEARTBEAT, 0, 4, groups::heartbeat)
                .register(ApiKeys.LEAVE_GROUP, 0, 5, groups::leaveGroup)
                .register(ApiKeys.OFFSET_COMMIT, 2, 10, groups::offsetCommit)
                .register(ApiKeys.OFFSET_FETCH, 1, 10, groups::offsetFetch)
                .register(ApiKeys.OFFSET_DELETE, 0, 0, groups::offsetDelete)
                .register(ApiKeys.TXN_OFFSET_COMMIT, 0, 6, groups::txnOffsetCommit)
                .register(ApiKeys.LIST_GROUPS, 0, 5, groups::listGroups)
                .register(ApiKeys.DESCRIBE_GROUPS, 0, 6, groups::describeGroups)
                .register(ApiKeys.DELETE_GROUPS, 0, 2, groups::deleteGroups)
                .register(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, 1, groups::consumerGroupHeartbeat)
                .register(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, 1, groups::consumerGroupDescribe);
        return dispatcher;
    }
}
