package io.fjord.protocol;

import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/** Serializes and parses with kafka-clients' own generated classes: the compatibility oracle. */
final class KafkaCodec {
    private KafkaCodec() {}

    static byte[] write(Object kafkaMessage, short version) {
        org.apache.kafka.common.protocol.Message message = (org.apache.kafka.common.protocol.Message) kafkaMessage;
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = message.size(cache, version);
        ByteBuffer buf = ByteBuffer.allocate(size);
        message.write(new ByteBufferAccessor(buf), cache, version);
        if (buf.hasRemaining()) {
            throw new IllegalStateException("Kafka wrote " + buf.position() + " bytes but sized " + size);
        }
        return buf.array();
    }

    static Object read(String messageName, byte[] bytes, short version) throws ReflectiveOperationException {
        Class<?> type = Class.forName(SpecFiller.Family.KAFKA.className(messageName, null));
        Constructor<?> constructor = type.getConstructor(org.apache.kafka.common.protocol.Readable.class, short.class);
        return constructor.newInstance(new ByteBufferAccessor(ByteBuffer.wrap(bytes)), version);
    }

    static byte[] writeOurs(Message message, short version) {
        int size = message.size(version);
        ByteBuffer buf = ByteBuffer.allocate(size);
        message.write(new ByteBufferWritable(buf), version);
        if (buf.hasRemaining()) {
            throw new IllegalStateException("Fjord wrote " + buf.position() + " bytes but sized " + size);
        }
        return buf.array();
    }

    static Message readOurs(String messageName, byte[] bytes, short version) throws ReflectiveOperationException {
        Class<?> type = Class.forName(SpecFiller.Family.FJORD.className(messageName, null));
        Message message = (Message) type.getConstructor().newInstance();
        ByteBufferReadable in = new ByteBufferReadable(ByteBuffer.wrap(bytes));
        message.read(in, version);
        if (in.remaining() != 0) {
            throw new IllegalStateException(messageName + " v" + version + " left " + in.remaining() + " bytes");
        }
        return message;
    }
}
