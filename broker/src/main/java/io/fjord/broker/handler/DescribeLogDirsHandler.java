package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.AclOperation;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.DescribeLogDirsRequest;
import io.fjord.protocol.message.DescribeLogDirsResponse;
import io.fjord.storage.LogManager;
import io.fjord.storage.UnifiedLog;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeLogDirs (the Admin client's describeLogDirs and describeReplicaLogDirs, kafka-log-dirs.sh): every log
 * directory of this broker by its absolute path, with the bytes of each local partition's log in it: all of them
 * when the request names no topics, else the named partitions this broker holds. The offset lag is Kafka's for a
 * current replica, the high watermark less the log end offset when positive (Fjord moves no replica between
 * directories, so there are no future replicas); from v4 the directory's file store's total and usable bytes. A
 * directory whose file store cannot be read answers KAFKA_STORAGE_ERROR. It needs DESCRIBE on the cluster, as in
 * Kafka: a denied request gets no directories and, from v3, CLUSTER_AUTHORIZATION_FAILED at the top (before v3 the
 * response has no place for it, so the client sees no directories). Runs on an I/O thread.
 */
public final class DescribeLogDirsHandler implements RequestHandler {

    private final LogManager logs;
    private final Authorizer authorizer;

    public DescribeLogDirsHandler(LogManager logs, Authorizer authorizer) {
        this.logs = logs;
        this.authorizer = authorizer;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DescribeLogDirsRequest request = (DescribeLogDirsRequest) message;
        if (!authorizer.authorizeCluster(context, AclOperation.DESCRIBE)) {
            DescribeLogDirsResponse denied = new DescribeLogDirsResponse();
            if (context.apiVersion() >= 3) {
                denied.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
            }
            return CompletableFuture.completedFuture(denied);
        }
        Map<String, Set<Integer>> wanted = null;
        if (request.topics() != null) {
            wanted = new HashMap<>();
            for (DescribeLogDirsRequest.DescribableLogDirTopic topic : request.topics()) {
                wanted.computeIfAbsent(topic.topic(), t -> new HashSet<>()).addAll(topic.partitions());
            }
        }
        // Directory -> topic -> partitions, in name and index order.
        Map<Path, Map<String, Map<Integer, DescribeLogDirsResponse.DescribeLogDirsPartition>>> byDir =
                new LinkedHashMap<>();
        for (Path dir : logs.logDirs()) {
            byDir.put(dir.toAbsolutePath().normalize(), new TreeMap<>());
        }
        for (UnifiedLog log : logs.allLogs()) {
            TopicPartition tp = log.topicPartition();
            if (wanted != null && !wanted.getOrDefault(tp.topic(), Set.of()).contains(tp.partition())) {
                continue;
            }
            Map<String, Map<Integer, DescribeLogDirsResponse.DescribeLogDirsPartition>> topics =
                    byDir.get(log.dir().toAbsolutePath().normalize().getParent());
            if (topics == null) {
                continue; // not under a configured directory (cannot happen: the log manager places every log)
            }
            topics.computeIfAbsent(tp.topic(), t -> new TreeMap<>())
                    .put(
                            tp.partition(),
                            new DescribeLogDirsResponse.DescribeLogDirsPartition()
                                    .setPartitionIndex(tp.partition())
                                    .setPartitionSize(log.size())
                                    .setOffsetLag(Math.max(log.highWatermark() - log.logEndOffset(), 0L))
                                    .setIsFutureKey(false));
        }
        DescribeLogDirsResponse response = new DescribeLogDirsResponse();
        byDir.forEach((dir, topics) -> {
            DescribeLogDirsResponse.DescribeLogDirsResult result =
                    new DescribeLogDirsResponse.DescribeLogDirsResult().setLogDir(dir.toString());
            topics.forEach((name, partitions) -> result.topics()
                    .add(new DescribeLogDirsResponse.DescribeLogDirsTopic()
                            .setName(name)
                            .setPartitions(new ArrayList<>(partitions.values()))));
            try {
                FileStore store = Files.getFileStore(dir);
                result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
            } catch (IOException e) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code())
                        .setTotalBytes(-1L)
                        .setUsableBytes(-1L);
            }
            response.results().add(result);
        });
        return CompletableFuture.completedFuture(response);
    }
}
