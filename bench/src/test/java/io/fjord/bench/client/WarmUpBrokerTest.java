package io.fjord.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.RequestHeader;
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
    void answersOnTheConnectionThenHangsUpOnAnApiItDoesNotServe() throws Exception {
        try (WarmUpBroker broker = new WarmUpBroker()) {
            String[] hostPort = broker.bootstrap().split(":");
            try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                socket.setSoTimeout(5_000);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                DataInputStream in = new DataInputStream(socket.getInputStream());

                send(out, new RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "t", 7), new ApiVersionsRequestData());
                byte[] answer = new byte[in.readInt()];
                in.readFully(answer);
                assertThat(ByteBuffer.wrap(answer).getInt()).isEqualTo(7); // response header v0: correlation id

                send(
                        out,
                        new RequestHeader(ApiKeys.DESCRIBE_CLUSTER, (short) 0, "t", 8),
                        new DescribeClusterRequestData());
                assertThat(in.read()).isEqualTo(-1);
            }
        }
    }

    private static void send(DataOutputStream out, RequestHeader header, ApiMessage body) throws Exception {
        ByteBuffer head = MessageUtil.toByteBufferAccessor(header.data(), header.headerVersion())
                .buffer();
        ByteBuffer payload =
                MessageUtil.toByteBufferAccessor(body, header.apiVersion()).buffer();
        out.writeInt(head.remaining() + payload.remaining());
        out.write(head.array(), head.arrayOffset() + head.position(), head.remaining());
        out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
        out.flush();
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
