package io.fjord.protocol;

import io.fjord.protocol.generator.FieldSpec;
import io.fjord.protocol.generator.FieldType;
import io.fjord.protocol.generator.MessageSpec;
import io.fjord.protocol.generator.SpecParser;
import io.fjord.protocol.generator.StructSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fills a message with random non-trivial values for exactly the fields its spec declares at a version,
 * by reflection through the {@code setX} setters. It works on both Kafka's generated {@code *Data} classes
 * and ours ({@link Family}); filled from the same seed, the two describe the same message. Not thread-safe.
 */
final class SpecFiller {
    /** How one family of generated classes names its classes and represents values. */
    enum Family {
        KAFKA {
            @Override
            String className(String message, String struct) {
                String top = "org.apache.kafka.common.message." + message + "Data";
                return struct == null ? top : top + "$" + struct;
            }

            @Override
            Object uuid(long msb, long lsb) {
                return new org.apache.kafka.common.Uuid(msb, lsb);
            }

            @Override
            Object records(byte[] bytes) {
                return org.apache.kafka.common.record.internal.MemoryRecords.readableRecords(ByteBuffer.wrap(bytes));
            }
        },
        FJORD {
            @Override
            String className(String message, String struct) {
                String top = "io.fjord.protocol.message." + message;
                return struct == null ? top : top + "$" + struct;
            }

            @Override
            Object uuid(long msb, long lsb) {
                return new io.fjord.common.Uuid(msb, lsb);
            }

            @Override
            Object records(byte[] bytes) {
                return MemoryRecords.of(ByteBuffer.wrap(bytes));
            }
        };

        abstract String className(String message, String struct);

        abstract Object uuid(long msb, long lsb);

        abstract Object records(byte[] bytes);
    }

    private static final Map<String, MessageSpec> SPECS = new HashMap<>();
    private static final String ALPHABET = "abcXYZ09._-é€😀";

    private final MessageSpec spec;
    private final Map<String, StructSpec> structs = new HashMap<>();
    private final Family family;
    private final short version;
    private final Random random;

    SpecFiller(String messageName, Family family, short version, long seed) {
        this.spec = spec(messageName);
        this.family = family;
        this.version = version;
        this.random = new Random(seed);
        for (StructSpec s : spec.commonStructs()) {
            structs.put(s.name(), s);
        }
        collect(spec.fields());
        for (StructSpec s : spec.commonStructs()) {
            collect(s.fields());
        }
    }

    static synchronized MessageSpec spec(String name) {
        return SPECS.computeIfAbsent(name, n -> {
            try (InputStream in = SpecFiller.class.getResourceAsStream("/common/message/" + n + ".json")) {
                if (in == null) {
                    throw new IllegalArgumentException("No spec " + n);
                }
                return new SpecParser().parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void collect(List<FieldSpec> fields) {
        for (FieldSpec f : fields) {
            if (f.structTypeName() != null && !f.fields().isEmpty()) {
                structs.put(f.structTypeName(), new StructSpec(f.structTypeName(), f.versions(), f.fields()));
                collect(f.fields());
            }
        }
    }

    Object fill() {
        return fillStruct(null, spec.fields(), 0);
    }

    private Object fillStruct(String structName, List<FieldSpec> fields, int depth) {
        try {
            Class<?> type = Class.forName(family.className(spec.name(), structName));
            Object instance = type.getConstructor().newInstance();
            for (FieldSpec f : fields) {
                if (!f.versions().contains(version)) {
                    continue;
                }
                Method setter = setter(type, "set" + f.capitalizedName());
                setter.invoke(instance, value(f, setter.getParameterTypes()[0], depth));
            }
            return instance;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot fill " + spec.name() + "." + structName, e);
        }
    }

    private static Method setter(Class<?> type, String name) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                return m;
            }
        }
        throw new IllegalStateException("No setter " + name + " on " + type.getName());
    }

    private Object value(FieldSpec f, Class<?> paramType, int depth) throws ReflectiveOperationException {
        FieldType type = f.type();
        boolean nullable = f.nullableVersions().contains(version) && !isNumeric(type);
        if (nullable && random.nextInt(5) == 0) {
            return null;
        }
        if (type.isArray()) {
            int count = depth > 3 ? 0 : random.nextInt(4);
            Collection<Object> list = paramType.isAssignableFrom(ArrayList.class)
                    ? new ArrayList<>()
                    : castCollection(paramType.getConstructor().newInstance());
            for (int i = 0; i < count; i++) {
                list.add(scalar(type.element(), f, null, depth + 1));
            }
            return list;
        }
        return scalar(type, f, paramType, depth + 1);
    }

    @SuppressWarnings("unchecked")
    private static Collection<Object> castCollection(Object o) {
        return (Collection<Object>) o;
    }

    private static boolean isNumeric(FieldType type) {
        return !type.isArray() && type.fixedSize() > 0 && !type.name().equals("uuid");
    }

    private Object scalar(FieldType type, FieldSpec f, Class<?> paramType, int depth) {
        switch (type.name()) {
            case "int8":
                return (byte) random.nextInt();
            case "int16":
                return (short) random.nextInt();
            case "uint16":
                return random.nextInt(0x10000);
            case "int32":
                return random.nextInt();
            case "uint32":
                return random.nextLong() & 0xffffffffL;
            case "int64":
                return random.nextLong();
            case "float64":
                return random.nextDouble() * 1000 - 500;
            case "bool":
                return random.nextBoolean();
            case "uuid":
                return family.uuid(random.nextLong(), random.nextLong());
            case "string":
                return randomString();
            case "bytes": {
                byte[] bytes = randomBytes(6);
                return paramType == ByteBuffer.class ? ByteBuffer.wrap(bytes) : bytes;
            }
            case "records":
                return family.records(randomBytes(40));
            default:
                StructSpec struct = structs.get(type.name());
                if (struct == null) {
                    throw new IllegalStateException("Unknown struct " + type.name() + " in " + spec.name());
                }
                return fillStruct(type.name(), struct.fields(), depth);
        }
    }

    private String randomString() {
        int length = random.nextInt(8);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int cp = ALPHABET.codePointAt(
                    ALPHABET.offsetByCodePoints(0, random.nextInt(ALPHABET.codePointCount(0, ALPHABET.length()))));
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private byte[] randomBytes(int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }
}
