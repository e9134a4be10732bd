package io.fjord.protocol.generator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses Kafka's JSON message specs (which contain {@code //} comments) into {@link MessageSpec}s.
 * Stateless apart from its Jackson mapper; safe to share.
 */
public final class SpecParser {
    private final ObjectMapper mapper = new ObjectMapper().configure(JsonParser.Feature.ALLOW_COMMENTS, true);

    public MessageSpec parse(InputStream in) throws IOException {
        JsonNode root = mapper.readTree(in);
        String name = text(root, "name");
        Versions valid = Versions.parse(text(root, "validVersions"), Versions.NONE);
        Versions flexible = Versions.parse(text(root, "flexibleVersions"), Versions.NONE);
        List<String> listeners = new ArrayList<>();
        if (root.has("listeners")) {
            root.get("listeners").forEach(n -> listeners.add(n.asText()));
        }
        List<StructSpec> common = new ArrayList<>();
        if (root.has("commonStructs")) {
            for (JsonNode s : root.get("commonStructs")) {
                common.add(new StructSpec(
                        text(s, "name"), Versions.parse(text(s, "versions"), Versions.ALL), fields(s, name)));
            }
        }
        Short apiKey = root.has("apiKey") ? (short) root.get("apiKey").asInt() : null;
        return new MessageSpec(
                name, text(root, "type"), apiKey, valid, flexible, listeners, fields(root, name), common);
    }

    private List<FieldSpec> fields(JsonNode node, String context) {
        List<FieldSpec> result = new ArrayList<>();
        if (node.has("fields")) {
            for (JsonNode f : node.get("fields")) {
                result.add(field(f, context));
            }
        }
        return result;
    }

    private FieldSpec field(JsonNode f, String context) {
        String name = text(f, "name");
        if (name == null || text(f, "type") == null) {
            throw new IllegalArgumentException("Field without name or type in " + context + ": " + f);
        }
        Versions versions = Versions.parse(text(f, "versions"), null);
        if (versions == null) {
            throw new IllegalArgumentException("Field " + context + "." + name + " has no versions");
        }
        Integer tag = f.has("tag") ? f.get("tag").asInt() : null;
        Versions tagged = Versions.parse(text(f, "taggedVersions"), Versions.NONE);
        if (tag != null && tagged.isEmpty()) {
            throw new IllegalArgumentException("Field " + context + "." + name + " has a tag but no taggedVersions");
        }
        return new FieldSpec(
                name,
                FieldType.parse(text(f, "type")),
                versions,
                Versions.parse(text(f, "nullableVersions"), Versions.NONE),
                tagged,
                tag,
                f.has("ignorable") && f.get("ignorable").asBoolean(),
                text(f, "default"),
                Versions.parse(text(f, "flexibleVersions"), null),
                f.has("zeroCopy") && f.get("zeroCopy").asBoolean(),
                text(f, "about"),
                fields(f, context + "." + name));
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
