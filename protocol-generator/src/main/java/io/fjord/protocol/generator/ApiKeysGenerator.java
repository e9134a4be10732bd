package io.fjord.protocol.generator;

import java.util.List;

/**
 * Generates the {@code ApiKeys} enum: one constant per API whose request spec lists the "broker"
 * listener, named like Kafka's ApiKeys (the request name without "Request", in upper snake case).
 */
public final class ApiKeysGenerator {
    /** A request spec with its response spec. */
    public record Api(MessageSpec request, MessageSpec response) {
        String title() {
            return request.name().substring(0, request.name().length() - "Request".length());
        }

        String constantName() {
            String title = title();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < title.length(); i++) {
                char c = title.charAt(i);
                if (i > 0 && Character.isUpperCase(c) && !Character.isUpperCase(title.charAt(i - 1))) {
                    sb.append('_');
                }
                sb.append(Character.toUpperCase(c));
            }
            return sb.toString();
        }
    }

    private ApiKeysGenerator() {}

    public static String generate(List<Api> apis) {
        CodeBuffer buf = new CodeBuffer();
        buf.line("package io.fjord.protocol;");
        buf.line("");
        buf.line("/**");
        buf.line(" * The APIs a Fjord broker serves, generated from Kafka's request specs that list the \"broker\"");
        buf.line(" * listener. Version ranges are the specs' validVersions. Immutable and thread-safe.");
        buf.line(" */");
        buf.line("public enum ApiKeys {");
        for (int i = 0; i < apis.size(); i++) {
            Api api = apis.get(i);
            MessageSpec rq = api.request();
            MessageSpec rs = api.response();
            buf.line(
                    "%s((short) %d, \"%s\", (short) %d, (short) %d, (short) %d, (short) %d, (short) %d, (short) %d)%s",
                    api.constantName(),
                    rq.apiKey(),
                    api.title(),
                    rq.validVersions().lowest(),
                    rq.validVersions().highest(),
                    rq.flexibleVersions().lowest(),
                    rq.flexibleVersions().highest(),
                    rs.flexibleVersions().lowest(),
                    rs.flexibleVersions().highest(),
                    i == apis.size() - 1 ? ";" : ",");
        }
        buf.line("");
        buf.line("private static final ApiKeys[] BY_ID;");
        buf.line("");
        buf.line("static {");
        buf.line("int max = 0;");
        buf.line("for (ApiKeys key : values()) {");
        buf.line("max = Math.max(max, key.id);");
        buf.line("}");
        buf.line("BY_ID = new ApiKeys[max + 1];");
        buf.line("for (ApiKeys key : values()) {");
        buf.line("BY_ID[key.id] = key;");
        buf.line("}");
        buf.line("}");
        buf.line("");
        buf.line("private final short id;");
        buf.line("private final String title;");
        buf.line("private final short lowestVersion;");
        buf.line("private final short highestVersion;");
        buf.line("private final short requestFlexibleLowest;");
        buf.line("private final short requestFlexibleHighest;");
        buf.line("private final short responseFlexibleLowest;");
        buf.line("private final short responseFlexibleHighest;");
        buf.line("");
        buf.line("ApiKeys(short id, String title, short lowestVersion, short highestVersion,");
        buf.line("        short requestFlexibleLowest, short requestFlexibleHighest,");
        buf.line("        short responseFlexibleLowest, short responseFlexibleHighest) {");
        for (String f : List.of(
                "id",
                "title",
                "lowestVersion",
                "highestVersion",
                "requestFlexibleLowest",
                "requestFlexibleHighest",
                "responseFlexibleLowest",
                "responseFlexibleHighest")) {
            buf.line("this.%s = %s;", f, f);
        }
        buf.line("}");
        accessor(buf, "short", "id", "id");
        accessor(buf, "String", "title", "title");
        accessor(buf, "short", "lowestVersion", "lowestVersion");
        accessor(buf, "short", "highestVersion", "highestVersion");
        buf.line("");
        buf.line("public boolean isVersionSupported(short version) {");
        buf.line("return version >= lowestVersion && version <= highestVersion;");
        buf.line("}");
        buf.line("");
        buf.line("/** Whether the request (and its header) uses the flexible encoding at {@code version}. */");
        buf.line("public boolean isFlexible(short version) {");
        buf.line("return version >= requestFlexibleLowest && version <= requestFlexibleHighest;");
        buf.line("}");
        buf.line("");
        buf.line("public short requestHeaderVersion(short version) {");
        buf.line("return isFlexible(version) ? (short) 2 : (short) 1;");
        buf.line("}");
        buf.line("");
        buf.line("/** ApiVersions responses always use header v0, so clients can parse them whatever they sent. */");
        buf.line("public short responseHeaderVersion(short version) {");
        buf.line("if (this == API_VERSIONS) {");
        buf.line("return 0;");
        buf.line("}");
        buf.line(
                "return version >= responseFlexibleLowest && version <= responseFlexibleHighest ? (short) 1 : (short) 0;");
        buf.line("}");
        buf.line("");
        // Switches rather than a constructor reference per constant: those were ~80 invokedynamic call sites
        // linked when the enum is first used, about 17 ms of a broker's start-up (wall-clock profile).
        factory(buf, apis, "newRequest", true);
        factory(buf, apis, "newResponse", false);
        buf.line("/** The API with key {@code id}, or null if the broker does not serve it. */");
        buf.line("public static ApiKeys forId(short id) {");
        buf.line("return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;");
        buf.line("}");
        buf.line("}");
        return buf.toString();
    }

    private static void factory(CodeBuffer buf, List<Api> apis, String method, boolean request) {
        buf.line("public ApiMessage %s() {", method);
        buf.line("return switch (id) {");
        for (Api api : apis) {
            MessageSpec spec = request ? api.request() : api.response();
            buf.line(
                    "case %d -> new io.fjord.protocol.message.%s();",
                    api.request().apiKey(), spec.name());
        }
        buf.line("default -> throw new IllegalStateException(\"no message for API key \" + id);");
        buf.line("};");
        buf.line("}");
        buf.line("");
    }

    private static void accessor(CodeBuffer buf, String type, String name, String field) {
        buf.line("");
        buf.line("public %s %s() {", type, name);
        buf.line("return %s;", field);
        buf.line("}");
    }
}
