package io.fjord.serde;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.config.ConfigException;

/**
 * The configuration keys of this module's serializers and deserializers, and typed reads of them.
 *
 * <p>Every key can be given for one side only by prefixing it with {@code key.} or {@code value.}: a key
 * serializer reads {@code key.schema.file} before {@code schema.file}, a value serializer
 * {@code value.schema.file} before {@code schema.file}. So one producer config can carry an Avro key schema and
 * a Protobuf value schema. Values may be strings or the matching Java types. Immutable and thread-safe.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code schema}</td><td></td><td>the schema as text (Avro JSON, JSON Schema, .proto source)</td></tr>
 *   <tr><td>{@code schema.file}</td><td></td><td>path of a file holding the schema (used when {@code schema}
 *       is absent)</td></tr>
 *   <tr><td>{@code schema.id}</td><td>0</td><td>schema id written in the header without a registry (0 is
 *       never assigned by a registry)</td></tr>
 *   <tr><td>{@code schema.source}</td><td></td><td>class name of a {@link SchemaSource} (e.g. a registry
 *       client) with a public no-arg constructor; {@link Configurable} ones get the configs</td></tr>
 *   <tr><td>{@code json.type}</td><td>JsonNode</td><td>class the JSON deserializer binds to</td></tr>
 *   <tr><td>{@code json.header}</td><td>true iff a schema is configured</td><td>whether the JSON serializer
 *       writes the 5-byte header</td></tr>
 *   <tr><td>{@code specific.avro.reader}</td><td>false</td><td>Avro deserializer returns SpecificRecord
 *       classes (found by the schema's full name) instead of GenericRecord</td></tr>
 *   <tr><td>{@code protobuf.message}</td><td>first message</td><td>message of the .proto to write/read (full
 *       or simple name, nested as {@code Outer.Inner})</td></tr>
 *   <tr><td>{@code protobuf.type}</td><td>DynamicMessage</td><td>generated class the Protobuf deserializer
 *       returns</td></tr>
 * </table>
 */
public final class SerdeConfig {
    public static final String SCHEMA = "schema";
    public static final String SCHEMA_FILE = "schema.file";
    public static final String SCHEMA_ID = "schema.id";
    public static final String SCHEMA_SOURCE = "schema.source";
    public static final String JSON_TYPE = "json.type";
    public static final String JSON_HEADER = "json.header";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String PROTOBUF_MESSAGE = "protobuf.message";
    public static final String PROTOBUF_TYPE = "protobuf.type";

    /** Schema id written without a registry. Registries start their ids at 1. */
    public static final int DEFAULT_SCHEMA_ID = 0;

    /** Largest schema file read; a schema is text written by people, this is far above any real one. */
    static final long MAX_SCHEMA_FILE_BYTES = 16L * 1024 * 1024;

    private final Map<String, ?> configs;
    private final boolean isKey;

    public SerdeConfig(Map<String, ?> configs, boolean isKey) {
        this.configs = Map.copyOf(configs);
        this.isKey = isKey;
    }

    public boolean isKey() {
        return isKey;
    }

    /** The raw value of {@code name}, side-specific first; null if absent. */
    public Object value(String name) {
        Object sided = configs.get((isKey ? "key." : "value.") + name);
        return sided != null ? sided : configs.get(name);
    }

    public String string(String name) {
        Object v = value(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Class<?> c) {
            return c.getName();
        }
        String s = v.toString().trim();
        return s.isEmpty() ? null : s;
    }

    public int integer(String name, int defaultValue) {
        Object v = value(name);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, v, "not an integer");
        }
    }

    public Boolean bool(String name) {
        Object v = value(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(name, v, "expected true or false");
    }

    public Class<?> type(String name) {
        Object v = value(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Class<?> c) {
            return c;
        }
        String className = v.toString().trim();
        try {
            return Class.forName(className, true, classLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigException(name, v, "class not found");
        }
    }

    public int schemaId() {
        return integer(SCHEMA_ID, DEFAULT_SCHEMA_ID);
    }

    /** The configured schema text and where it came from, or null when neither key is set. */
    public SchemaText schemaText() {
        String inline = string(SCHEMA);
        if (inline != null) {
            return new SchemaText(inline, "inline schema (" + SCHEMA + ")", null);
        }
        String file = string(SCHEMA_FILE);
        return file == null ? null : readSchemaFile(Path.of(file));
    }

    /** Reads a schema file, failing with a one-line {@link SchemaException} that names it. */
    public static SchemaText readSchemaFile(Path file) {
        String origin = "schema file " + file;
        try {
            if (Files.isDirectory(file)) {
                throw new SchemaException(origin + ": is a directory");
            }
            long sizeBytes = Files.size(file);
            if (sizeBytes > MAX_SCHEMA_FILE_BYTES) {
                throw new SchemaException(origin + ": too large (" + sizeBytes + " bytes)");
            }
            return new SchemaText(Files.readString(file, StandardCharsets.UTF_8), origin, file);
        } catch (NoSuchFileException e) {
            throw new SchemaException(origin + ": no such file");
        } catch (IOException e) {
            throw new SchemaException(origin + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The schema source: the configured class, or a {@link ConfiguredSchemaSource}. */
    public SchemaSource schemaSource(Map<String, ?> originals, SchemaText schema) {
        Class<?> cls = type(SCHEMA_SOURCE);
        if (cls == null) {
            return new ConfiguredSchemaSource(
                    schemaId(), schema == null ? null : schema.text(), schema == null ? "no schema" : schema.origin());
        }
        if (!SchemaSource.class.isAssignableFrom(cls)) {
            throw new ConfigException(SCHEMA_SOURCE, cls.getName(), "not a " + SchemaSource.class.getName());
        }
        try {
            Object source = cls.getConstructor().newInstance();
            if (source instanceof Configurable c) {
                c.configure(originals);
            }
            return (SchemaSource) source;
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(SCHEMA_SOURCE, cls.getName(), "cannot instantiate: " + e);
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : SerdeConfig.class.getClassLoader();
    }

    /**
     * A schema's text and its origin for messages ("schema file x.avsc" or "inline schema (schema)").
     *
     * @param file the file it was read from, or null for an inline schema (Protobuf imports resolve against it)
     */
    public record SchemaText(String text, String origin, Path file) {}
}
