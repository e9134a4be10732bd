package io.fjord.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

class WarmUpBrokerTest {

    @Test
    void theOfficialProducerGetsItsRecordsAcknowledged() throws Exception {
        try (WarmUpBroker broker = new WarmUpBroker();
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(BenchClient.producerProperties(broker.bootstrap()))) {
            RecordMetadata first =
                    producer.send(new ProducerRecord<>("t", new byte[] {1})).get(10, TimeUnit.SECONDS);
            RecordMetadata second = producer.send(new ProducerRecord<>("t", "k".getBytes(), new byte[] {2}))
                    .get(10, TimeUnit.SECONDS);

            assertThat(first.topic()).isEqualTo("t");
            assertThat(first.partition()).isZero();
            assertThat(List.of(first.offset(), second.offset())).containsExactly(0L, 1L);
            assertThat(producer.partitionsFor("t")).singleElement().satisfies(p -> {
                assertThat(p.leader().id()).isEqualTo(WarmUpBroker.NODE_ID);
                assertThat(p.inSyncReplicas()).hasSize(1);
            });
        }
    }

    @Test
    void hangsUpOnAnApiItDoesNotServe() throws Exception {
        Properties p = new Properties();
        try (WarmUpBroker broker = new WarmUpBroker()) {
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "1000");
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "500");
            try (Admin admin = Admin.create(p)) {
                // DescribeCluster: the stand-in closes the connection instead of answering.
                assertThat(admin.describeCluster().clusterId()).failsWithin(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void refusesAFrameLargerThanItsBound() throws Exception {
        try (WarmUpBroker broker = new WarmUpBroker()) {
            String[] hostPort = broker.bootstrap().split(":");
            try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                new DataOutputStream(socket.getOutputStream()).writeInt(WarmUpBroker.MAX_FRAME_BYTES + 1);
                socket.setSoTimeout(5_000);

                assertThat(new DataInputStream(socket.getInputStream()).read()).isEqualTo(-1);
            }
        }
    }
}
