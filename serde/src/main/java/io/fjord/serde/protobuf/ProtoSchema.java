package io.fjord.serde.protobuf;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import io.fjord.serde.SchemaException;
import io.fjord.serde.SerdeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A parsed .proto file as a protobuf-java {@link FileDescriptor}, built by this module's own parser
 * ({@link ProtoParser}) so no protoc is needed at run time. Imports resolve to protobuf's well-known types
 * ({@code google/protobuf/timestamp.proto} and the others shipped in protobuf-java), else to files relative to
 * the directory of the importing file. Also maps between message types and the wire format's message indexes.
 * Immutable and thread-safe.
 */
public final class ProtoSchema {
    private static final int MAX_IMPORT_DEPTH = 32;
    private static final Map<String, FileDescriptor> WELL_KNOWN = Map.ofEntries(
            Map.entry("google/protobuf/any.proto", AnyProto.getDescriptor()),
            Map.entry("google/protobuf/api.proto", ApiProto.getDescriptor()),
            Map.entry("google/protobuf/descriptor.proto", DescriptorProtos.getDescriptor()),
            Map.entry("google/protobuf/duration.proto", DurationProto.getDescriptor()),
            Map.entry("google/protobuf/empty.proto", EmptyProto.getDescriptor()),
            Map.entry("google/protobuf/field_mask.proto", FieldMaskProto.getDescriptor()),
            Map.entry("google/protobuf/source_context.proto", SourceContextProto.getDescriptor()),
            Map.entry("google/protobuf/struct.proto", StructProto.getDescriptor()),
            Map.entry("google/protobuf/timestamp.proto", TimestampProto.getDescriptor()),
            Map.entry("google/protobuf/type.proto", TypeProto.getDescriptor()),
            Map.entry("google/protobuf/wrappers.proto", WrappersProto.getDescriptor()));

    private final FileDescriptor file;
    private final String text;

    private ProtoSchema(FileDescriptor file, String text) {
        this.file = file;
        this.text = text;
    }

    /** Wraps the descriptor of generated classes (no .proto text). */
    public static ProtoSchema of(FileDescriptor file) {
        return new ProtoSchema(file, null);
    }

    public static ProtoSchema parse(SerdeConfig.SchemaText schema) {
        return parse(schema.text(), schema.origin(), schema.file());
    }

    /**
     * Parses .proto source.
     *
     * @param origin where it came from, the start of an error message ("schema file user.proto")
     * @param file the file it was read from, for relative imports; null for inline text
     * @throws SchemaException with one line naming the origin, the line and the problem
     */
    public static ProtoSchema parse(String text, String origin, Path file) {
        String name = file == null ? "schema.proto" : file.getFileName().toString();
        Path dir = file == null ? null : file.toAbsolutePath().getParent();
        return new ProtoSchema(build(text, name, origin, dir, new HashMap<>(), 0), text);
    }

    private static FileDescriptor build(
            String text, String name, String origin, Path dir, Map<String, FileDescriptor> loaded, int depth) {
        FileDescriptorProto proto;
        try {
            proto = ProtoParser.parse(text, name);
        } catch (ProtoParser.ParseError e) {
            throw new SchemaException(origin + ": " + e.getMessage());
        }
        List<FileDescriptor> dependencies = new ArrayList<>();
        for (String imported : proto.getDependencyList()) {
            dependencies.add(resolveImport(imported, origin, dir, loaded, depth));
        }
        try {
            return FileDescriptor.buildFrom(proto, dependencies.toArray(new FileDescriptor[0]));
        } catch (DescriptorValidationException e) {
            throw new SchemaException(origin + ": " + e.getDescription() + " (" + e.getProblemSymbolName() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new SchemaException(origin + ": " + e.getMessage(), e);
        }
    }

    private static FileDescriptor resolveImport(
            String imported, String origin, Path dir, Map<String, FileDescriptor> loaded, int depth) {
        FileDescriptor known = WELL_KNOWN.get(imported);
        if (known != null) {
            return known;
        }
        if (loaded.containsKey(imported)) {
            FileDescriptor done = loaded.get(imported);
            if (done == null) {
                throw new SchemaException(origin + ": import cycle through \"" + imported + "\"");
            }
            return done;
        }
        if (dir == null) {
            throw new SchemaException(origin + ": import \"" + imported
                    + "\" not found (an inline schema can import only google/protobuf well-known types)");
        }
        if (depth >= MAX_IMPORT_DEPTH) {
            throw new SchemaException(origin + ": imports nested deeper than " + MAX_IMPORT_DEPTH);
        }
        Path path = dir.resolve(imported);
        SerdeConfig.SchemaText source = SerdeConfig.readSchemaFile(path);
        loaded.put(imported, null);
        FileDescriptor built = build(source.text(), imported, source.origin(), path.getParent(), loaded, depth + 1);
        loaded.put(imported, built);
        return built;
    }

    public FileDescriptor file() {
        return file;
    }

    /** The .proto text this was parsed from; null for generated classes. */
    public String text() {
        return text;
    }

    /**
     * The message named {@code name}: full name ({@code pkg.Outer.Inner}), or relative to the package
     * ({@code Outer.Inner}, {@code Outer}); null means the first message of the file.
     */
    public Descriptor message(String name) {
        if (name == null) {
            if (file.getMessageTypes().isEmpty()) {
                throw new SchemaException("schema of " + file.getName() + " defines no message");
            }
            return file.getMessageTypes().get(0);
        }
        String relative = name.startsWith(".") ? name.substring(1) : name;
        String pkg = file.getPackage();
        if (!pkg.isEmpty() && relative.startsWith(pkg + ".")) {
            relative = relative.substring(pkg.length() + 1);
        }
        List<Descriptor> scope = file.getMessageTypes();
        Descriptor found = null;
        for (String part : relative.split("\\.", -1)) {
            found = scope.stream()
                    .filter(d -> d.getName().equals(part))
                    .findFirst()
                    .orElse(null);
            if (found == null) {
                List<String> names = new ArrayList<>();
                file.getMessageTypes().forEach(d -> names.add(d.getName()));
                throw new SchemaException("message '" + name + "' not found in " + file.getName()
                        + " (top-level messages: " + names + ")");
            }
            scope = found.getNestedTypes();
        }
        return found;
    }

    /** The wire format's message indexes of {@code message}: its index in the file, then in each parent. */
    public static int[] messageIndexes(Descriptor message) {
        List<Integer> path = new ArrayList<>();
        for (Descriptor d = message; d != null; d = d.getContainingType()) {
            path.add(0, d.getIndex());
        }
        return path.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The message at {@code indexes}; a SerializationException if they point outside this file. */
    public Descriptor messageAt(int[] indexes) {
        List<Descriptor> scope = file.getMessageTypes();
        Descriptor found = null;
        for (int index : indexes) {
            if (index < 0 || index >= scope.size()) {
                throw new SerializationException("message indexes " + java.util.Arrays.toString(indexes)
                        + " do not name a message of " + file.getName());
            }
            found = scope.get(index);
            scope = found.getNestedTypes();
        }
        if (found == null) {
            throw new SerializationException("empty message indexes");
        }
        return found;
    }
}
