package io.fjord.metadata;

/**
 * One change to the cluster's metadata. Every cluster change (a broker registered, a topic created, a
 * partition's leader moved, a config set) is one of these records; brokers and controllers build their
 * {@link MetadataImage} by replaying committed records in log order through {@link MetadataDelta#replay}.
 *
 * <p>Records are immutable values; safe from any thread. Their binary form is {@link MetadataRecordSerde}.
 */
public sealed interface MetadataRecord
        permits RegisterBrokerRecord,
                TopicRecord,
                PartitionRecord,
                PartitionChangeRecord,
                ConfigRecord,
                RemoveTopicRecord,
                ProducerIdsRecord,
                UserScramCredentialRecord,
                RemoveUserScramCredentialRecord,
                AccessControlEntryRecord,
                RemoveAccessControlEntryRecord,
                NoOpRecord {}
